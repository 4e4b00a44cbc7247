"""Authentication: every request checks its credential against the store, so a revoked or expired key
fails on the very next request on every worker.

A request's credential arrives as ``Presented`` (its kind and the digest of the secret, never the
secret): the surfaces decide where a contract carries it, once per request (surfaces/credentials.py).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta

from wanumbers.server.domain.credentials import check_live
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import CredentialKind, digest_secret
from wanumbers.server.domain.records import Account
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.access import Access

BAD_CREDENTIALS = "Incorrect SID or API key."


@dataclass(frozen=True, slots=True)
class Presented:
    """A credential as a request presented it."""

    kind: CredentialKind
    digest: str

    @classmethod
    def of(cls, kind: CredentialKind, secret: str) -> Presented:
        return cls(kind, digest_secret(secret))


def admit(rt: Runtime, access: Access | None, sid: str | None = None) -> Access:
    """``access`` if its credential may act now (and, for Kaleyra, belongs to account ``sid``)."""
    if access is None:
        raise DomainError(Reason.UNAUTHENTICATED, BAD_CREDENTIALS)
    # The clock the control plane moves (read in the same statement): expiry is judged by it.
    rt.clock.offset = timedelta(seconds=access.clock_offset)
    check_live(access.issued, rt.clock.now())
    check_sid(access.account, sid)
    return access


def check_sid(account: Account, sid: str | None) -> None:
    """Refuse a Kaleyra request whose path names another account's SID than its key's."""
    # The digest lookup already matched in the index; comparing the SID in constant time keeps a
    # wrong-SID answer from being faster than a wrong-key one.
    if sid is not None and not hmac.compare_digest(account.sid, sid):
        raise DomainError(Reason.UNAUTHENTICATED, BAD_CREDENTIALS)


async def identify(rt: Runtime, presented: Presented, sid: str | None = None) -> Account:
    """The account ``presented`` acts for; raises why it may not."""
    return admit(rt, await find(rt, presented), sid).account


async def find(
    rt: Runtime, presented: Presented, waba_id: int | None = None, number_id: int | None = None
) -> Access | None:
    """The credential as issued (``None`` if never), not yet judged (``admit``), with WABA ``waba_id``
    and number ``number_id`` if given and its account owns them: one statement."""
    async with rt.uow() as uow:
        if waba_id is None:
            return await uow.access.of(presented.kind, presented.digest)
        return await uow.access.to_waba(presented.kind, presented.digest, waba_id, number_id)


async def check_admin(rt: Runtime, token: str) -> None:
    await check_admin_digest(rt, digest_secret(token) if token else "")


async def check_admin_digest(rt: Runtime, digest: str) -> None:
    """Whether ``digest`` is that of a live admin token (the console's session keeps the digest only)."""
    if digest:
        async with rt.uow() as uow:
            found = await uow.credentials.issued("admin", digest)
        if found is not None:
            issued, offset = found
            rt.clock.offset = timedelta(seconds=offset)
            try:
                check_live(issued, rt.clock.now())
            except DomainError:
                pass
            else:
                return
    raise DomainError(Reason.UNAUTHENTICATED, "invalid admin token")


async def account_for_api_key(rt: Runtime, sid: str, api_key: str) -> Account:
    """The account whose SID is ``sid`` if ``api_key`` is one of its live keys (the CLI's and tests' way
    in; requests go through ``identify`` with the credential the pipeline found)."""
    if not api_key:
        raise DomainError(Reason.CREDENTIAL_MISSING, "missing credential")
    return await identify(rt, Presented.of("api_key", api_key), sid)
