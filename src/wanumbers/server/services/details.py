"""The details read, the service's hottest path: credential, ownership and number in one statement."""

from __future__ import annotations

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import auth
from wanumbers.server.services.auth import Presented
from wanumbers.server.services.numbers import NUMBER_NOT_OWNED, NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.access import Access


async def read(rt: Runtime, presented: Presented, e164: str) -> Access | None:
    """The one statement: the credential, and the number ``e164`` if its account owns it (the surface
    applies armed faults with the flag it carries before judging it with ``view``)."""
    async with rt.uow() as uow:
        return await uow.access.to_e164(presented.kind, presented.digest, e164)


async def view(rt: Runtime, found: Access | None, sid: str) -> NumberView:
    """The number, if the credential is a live key of account ``sid`` and that account owns it.

    Raises the credential's refusal or ``NUMBER_NOT_FOUND`` (a foreign number looks like a missing one).
    """
    access = auth.admit(rt, found, sid)
    if access.number is None or access.waba is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, NUMBER_NOT_OWNED)
    number = await rt.upstream.refresh(access.number)
    return NumberView(number=number, waba=access.waba, account=access.account)
