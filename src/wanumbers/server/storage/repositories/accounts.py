from __future__ import annotations

from datetime import datetime

from wanumbers.server.domain.credentials import Issued
from wanumbers.server.domain.identifiers import CredentialKind
from wanumbers.server.domain.records import Account
from wanumbers.server.storage.sql import SQL, Row, Session, maybe_timestamp

ACCOUNT_FIELDS = ("id", "sid", "name", "pod", "business_id", "app_id", "business_restricted")
ACCOUNT_COLUMNS = ", ".join(f"a.{name}" for name in ACCOUNT_FIELDS)

_CREATE = SQL(
    """INSERT INTO accounts (sid, name, pod, business_id, app_id, business_restricted, created_at)
    VALUES (:sid, :name, :pod, :business_id, :app_id, :restricted, :now) RETURNING id"""
)
_BY_SID = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.sid = :sid")
_BY_ID = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = :id")
_FIRST_NAMED = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.name = :name ORDER BY a.id LIMIT 1")
_SET_RESTRICTED = SQL("UPDATE accounts SET business_restricted = :restricted WHERE id = :id")


def to_account(row: Row, at: int = 0) -> Account:
    """The account whose ``ACCOUNT_COLUMNS`` start at column ``at`` of ``row``."""
    account_id, sid, name, pod, business_id, app_id, restricted = row[at : at + len(ACCOUNT_FIELDS)]
    return Account(
        id=account_id,
        sid=sid,
        name=name,
        pod=pod,
        business_id=business_id,
        app_id=app_id,
        business_restricted=bool(restricted),
    )


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def create(self, account: Account, now: datetime) -> Account:
        account.id = await self._s.fetchval(
            _CREATE,
            {
                "sid": account.sid,
                "name": account.name,
                "pod": account.pod,
                "business_id": account.business_id,
                "app_id": account.app_id,
                "restricted": False,
                "now": now,
            },
        )
        return account

    async def by_sid(self, sid: str) -> Account | None:
        row = await self._s.fetchrow(_BY_SID, {"sid": sid})
        return to_account(row) if row else None

    async def by_id(self, account_id: int) -> Account | None:
        row = await self._s.fetchrow(_BY_ID, {"id": account_id})
        return to_account(row) if row else None

    async def first_named(self, name: str) -> Account | None:
        row = await self._s.fetchrow(_FIRST_NAMED, {"name": name})
        return to_account(row) if row else None

    async def set_business_restricted(self, account_id: int, restricted: bool) -> None:
        await self._s.execute(_SET_RESTRICTED, {"id": account_id, "restricted": restricted})


_LIVE = "c.digest = :digest AND c.kind = :kind AND c.revoked_at IS NULL"
# What decides whether a credential may act (domain/credentials.py), and the emulator's clock offset
# it is judged by: read in the same statement, so every worker judges by the same clock.
ISSUED_COLUMNS = (
    "c.revoked_at, c.expires_at, "
    "(SELECT s.value FROM sim_settings s WHERE s.key = 'clock_offset_seconds') AS clock_offset"
)
_ADD = SQL(
    """INSERT INTO credentials (account_id, kind, digest, hint, created_at, expires_at)
    VALUES (:account_id, :kind, :digest, :hint, :now, :expires_at)"""
)
_ISSUED_TO_ACCOUNT = SQL(
    f"""SELECT {ACCOUNT_COLUMNS}, {ISSUED_COLUMNS} FROM credentials c JOIN accounts a ON a.id = c.account_id
    WHERE c.digest = :digest AND c.kind = :kind"""
)
_ISSUED = SQL(f"SELECT {ISSUED_COLUMNS} FROM credentials c WHERE c.digest = :digest AND c.kind = :kind")
_ANY_LIVE = SQL("SELECT 1 FROM credentials c WHERE c.digest = :digest AND c.revoked_at IS NULL")
_REVOKE = SQL(
    "UPDATE credentials SET revoked_at = :now WHERE digest = :digest AND kind = :kind AND revoked_at IS NULL"
)
_REVOKE_ALL = SQL("UPDATE credentials SET revoked_at = :now WHERE kind = :kind AND revoked_at IS NULL")
_REVOKE_ALL_OF = SQL(
    """UPDATE credentials SET revoked_at = :now
    WHERE kind = :kind AND revoked_at IS NULL AND account_id = :account_id"""
)


def to_issued(row: Row) -> Issued:
    return Issued(
        revoked_at=maybe_timestamp(row["revoked_at"]), expires_at=maybe_timestamp(row["expires_at"])
    )


def clock_offset(row: Row) -> float:
    """The emulator's clock offset (seconds) read alongside a credential."""
    return float(row["clock_offset"] or 0)


class CredentialRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def add(
        self,
        kind: CredentialKind,
        digest: str,
        hint: str,
        now: datetime,
        account_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        await self._s.execute(
            _ADD,
            {
                "account_id": account_id,
                "kind": kind,
                "digest": digest,
                "hint": hint,
                "now": now,
                "expires_at": expires_at,
            },
        )

    async def issued_to_account(
        self, kind: CredentialKind, digest: str
    ) -> tuple[Account, Issued, float] | None:
        """The account a credential was issued to, whether it may still act, and the clock offset to
        judge that by; ``None`` when no such credential was ever issued."""
        row = await self._s.fetchrow(_ISSUED_TO_ACCOUNT, {"digest": digest, "kind": kind})
        return (to_account(row), to_issued(row), clock_offset(row)) if row else None

    async def issued(self, kind: CredentialKind, digest: str) -> tuple[Issued, float] | None:
        row = await self._s.fetchrow(_ISSUED, {"digest": digest, "kind": kind})
        return (to_issued(row), clock_offset(row)) if row else None

    async def any_live(self, digest: str) -> bool:
        """Whether ``digest`` is a live credential of any kind."""
        return await self._s.fetchrow(_ANY_LIVE, {"digest": digest}) is not None

    async def revoke_all(self, kind: CredentialKind, account_id: int | None, now: datetime) -> int:
        if account_id is None:
            return await self._s.execute(_REVOKE_ALL, {"kind": kind, "now": now})
        return await self._s.execute(_REVOKE_ALL_OF, {"kind": kind, "now": now, "account_id": account_id})

    async def revoke(self, kind: CredentialKind, digest: str, now: datetime) -> bool:
        return await self._s.execute(_REVOKE, {"digest": digest, "kind": kind, "now": now}) > 0
