"""Authentication: every request checks its credential against the store, so a revoked key fails on
the very next request on every worker."""

from __future__ import annotations

import hmac

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import CredentialKind, digest_secret
from wanumbers.server.domain.records import Account
from wanumbers.server.services.runtime import Runtime


async def account_for_api_key(rt: Runtime, sid: str, api_key: str) -> Account:
    """The account whose SID is ``sid`` if ``api_key`` is one of its live keys."""
    return await _account_for(rt, "api_key", api_key, sid)


async def account_for_token(rt: Runtime, access_token: str) -> Account:
    return await _account_for(rt, "access_token", access_token, None)


async def check_admin(rt: Runtime, token: str) -> None:
    if token:
        async with rt.uow() as uow:
            if await uow.credentials.is_live("admin", digest_secret(token)):
                return
    raise DomainError(Reason.UNAUTHENTICATED, "invalid admin token")


async def _account_for(rt: Runtime, kind: CredentialKind, secret: str, sid: str | None) -> Account:
    if not secret:
        raise DomainError(Reason.UNAUTHENTICATED, "missing credential")
    async with rt.uow() as uow:
        account = await uow.credentials.account_for(kind, digest_secret(secret))
    # The digest lookup already matched in the index; comparing the SID in constant time keeps a
    # wrong-SID answer from being faster than a wrong-key one.
    if account is None or (sid is not None and not hmac.compare_digest(account.sid, sid)):
        raise DomainError(Reason.UNAUTHENTICATED, "Incorrect SID or API key.")
    return account
