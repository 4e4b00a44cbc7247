"""The details read, the service's hottest path: credential, ownership and number in one statement."""

from __future__ import annotations

import hmac

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime


async def details_for_api_key(rt: Runtime, sid: str, api_key: str, e164: str) -> NumberView:
    """The number ``e164`` if ``api_key`` is a live key of account ``sid`` and that account owns it.

    Raises ``UNAUTHENTICATED`` or ``NUMBER_NOT_FOUND`` (a foreign number looks like a missing one).
    """
    found = None
    if api_key:
        async with rt.uow() as uow:
            found = await uow.numbers.seen_by_credential(digest_secret(api_key), "api_key", e164=e164)
    if found is None or not hmac.compare_digest(found.account.sid, sid):
        raise DomainError(Reason.UNAUTHENTICATED, "Incorrect SID or API key.")
    if found.owned is None:
        raise DomainError(
            Reason.NUMBER_NOT_FOUND, "Phone number is not present or does not belong to the account."
        )
    number, waba = found.owned
    number = await rt.upstream.refresh(number)
    return NumberView(number=number, waba=waba, account=found.account)
