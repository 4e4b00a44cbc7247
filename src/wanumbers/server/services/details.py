"""The details read, the service's hottest path: credential, ownership and number in one statement."""

from __future__ import annotations

import hmac

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime


def details_for_api_key(rt: Runtime, sid: str, api_key: str, e164: str) -> NumberView:
    """The number ``e164`` if ``api_key`` is a live key of account ``sid`` and that account owns it.

    Raises ``UNAUTHENTICATED`` or ``NUMBER_NOT_FOUND`` (a foreign number looks like a missing one).
    """
    found = rt.reads.details(digest_secret(api_key), "api_key", e164) if api_key else None
    if found is None or not hmac.compare_digest(found[0].sid, sid):
        raise DomainError(Reason.UNAUTHENTICATED, "Incorrect SID or API key.")
    account, owned = found
    if owned is None:
        raise DomainError(
            Reason.NUMBER_NOT_FOUND, "Phone number is not present or does not belong to the account."
        )
    number, waba = owned
    if rt.upstream.name != "emulator":
        with rt.uow() as uow:
            number = rt.upstream.refresh(uow, number)
    return NumberView(number=number, waba=waba, account=account)
