"""``POST /{phone-number-id}``: the owner's changes to a number on Meta's side (two-step PIN, a display
name for review, search visibility, the webhook override, the business username)."""

from __future__ import annotations

from wanumbers.server.domain.number_update import NodeUpdate
from wanumbers.server.domain.records import Account
from wanumbers.server.services import urls
from wanumbers.server.services.numbers import owned_number
from wanumbers.server.services.runtime import Runtime

WEBHOOK_FIELD = "webhook_configuration.override_callback_uri"


async def update_node(rt: Runtime, account: Account, number_id: int, update: NodeUpdate) -> None:
    """The override URL is held to the rule every callback URL is (no private targets unless the
    operator allows them) before anything changes."""
    async with rt.uow() as uow:
        number, _ = await owned_number(uow, account, number_id=number_id)
    if update.webhook is not None and update.webhook.uri:
        await urls.check_callable(update.webhook.uri, WEBHOOK_FIELD, allow_private=rt.private_receivers)
    await rt.upstream.update_node(number, update)
