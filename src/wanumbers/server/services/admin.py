"""Operator use cases: accounts, WABAs and credentials. Secrets are returned once and kept as digests."""

from __future__ import annotations

from wanumbers.server.domain.credentials import expiry
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import (
    CredentialKind,
    Pod,
    digest_secret,
    new_secret,
)
from wanumbers.server.domain.records import Account, Waba
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork


async def create_account(rt: Runtime, name: str, pod: Pod = "IN") -> tuple[Account, str]:
    """A new account and its first API key (the only time the key is shown)."""
    async with rt.uow(write=True) as uow:
        account = await uow.accounts.create(
            Account(
                id=0,
                sid=rt.ids.sid(pod),
                name=name,
                pod=pod,
                business_id=rt.ids.numeric(16),
                app_id=rt.ids.numeric(15),
            ),
            rt.clock.now(),
        )
        api_key = await _issue(rt, uow, "api_key", account.id)
        await uow.commit()
    return account, api_key


async def rotate_api_key(rt: Runtime, sid: str) -> str:
    """Revoke every key of the account and issue a fresh one."""
    async with rt.uow(write=True) as uow:
        account = await _account(uow, sid)
        await uow.credentials.revoke_all("api_key", account.id, rt.clock.now())
        api_key = await _issue(rt, uow, "api_key", account.id)
        await uow.commit()
    return api_key


async def add_api_key(rt: Runtime, sid: str) -> str:
    """An extra key for the account; existing keys keep working."""
    return await _issue_for(rt, sid, "api_key")


async def create_access_token(rt: Runtime, sid: str, expires_in: int | None = None) -> str:
    """A Graph token for the account; with ``expires_in`` (seconds) it stops working then (Graph then
    answers 190/463), judged by the emulator's clock."""
    return await _issue_for(rt, sid, "access_token", expires_in)


async def revoke_secret(rt: Runtime, kind: CredentialKind, secret: str) -> bool:
    async with rt.uow(write=True) as uow:
        revoked = await uow.credentials.revoke(kind, digest_secret(secret), rt.clock.now())
        await uow.commit()
    return revoked


async def create_admin_token(rt: Runtime, expires_in: int | None = None) -> str:
    async with rt.uow(write=True) as uow:
        token = await _issue(rt, uow, "admin", None, expires_in)
        await uow.commit()
    return token


async def create_waba(rt: Runtime, sid: str, api_version: str = "v2", waba_id: int | None = None) -> Waba:
    """A WABA owned by the account. ``waba_id`` registers an existing one under its own id (live mode:
    the id Meta gave it); by default a new id is made."""
    if api_version not in ("v1", "v2"):
        raise DomainError(Reason.INVALID_PARAMETER, "api_version must be v1 or v2")
    if waba_id is not None and not 0 < waba_id < 2**63:
        raise DomainError(Reason.INVALID_PARAMETER, "waba_id must be a positive integer", field="waba_id")
    async with rt.uow(write=True) as uow:
        account = await _account(uow, sid)
        if waba_id is not None and await uow.wabas.get(waba_id) is not None:
            raise DomainError(Reason.INVALID_PARAMETER, f"WABA {waba_id} is already registered")
        waba = await uow.wabas.create(
            Waba(id=waba_id or rt.ids.numeric(15), account_id=account.id, api_version=api_version),
            rt.clock.now(),
        )
        await uow.commit()
    return waba


async def find_account(rt: Runtime, sid: str) -> Account:
    async with rt.uow() as uow:
        return await _account(uow, sid)


async def _account(uow: UnitOfWork, sid: str) -> Account:
    account = await uow.accounts.by_sid(sid)
    if account is None:
        raise DomainError(Reason.UNAUTHENTICATED, f"no account with SID {sid}")
    return account


async def _issue_for(rt: Runtime, sid: str, kind: CredentialKind, expires_in: int | None = None) -> str:
    async with rt.uow(write=True) as uow:
        secret = await _issue(rt, uow, kind, (await _account(uow, sid)).id, expires_in)
        await uow.commit()
    return secret


async def _issue(
    rt: Runtime, uow: UnitOfWork, kind: CredentialKind, account_id: int | None, expires_in: int | None = None
) -> str:
    await rt.sync_clock(uow)  # lifetimes run on the emulator's clock
    now = rt.clock.now()
    expires_at = expiry(now, expires_in)
    secret = new_secret(kind)
    await uow.credentials.add(kind, digest_secret(secret), secret[:8], now, account_id, expires_at)
    return secret
