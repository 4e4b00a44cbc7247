from __future__ import annotations

from datetime import datetime

from wanumbers.server.domain.identifiers import CredentialKind
from wanumbers.server.domain.records import Account
from wanumbers.server.storage.sql import SQL, Row, Session

ACCOUNT_COLUMNS = "a.id, a.sid, a.name, a.pod, a.business_id, a.app_id, a.business_restricted"

_CREATE = SQL(
    """INSERT INTO accounts (sid, name, pod, business_id, app_id, business_restricted, created_at)
    VALUES (:sid, :name, :pod, :business_id, :app_id, :restricted, :now) RETURNING id"""
)
_BY_SID = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.sid = :sid")
_BY_ID = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = :id")
_FIRST_NAMED = SQL(f"SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.name = :name ORDER BY a.id LIMIT 1")
_SET_RESTRICTED = SQL("UPDATE accounts SET business_restricted = :restricted WHERE id = :id")


def to_account(row: Row) -> Account:
    return Account(
        id=row["id"],
        sid=row["sid"],
        name=row["name"],
        pod=row["pod"],
        business_id=row["business_id"],
        app_id=row["app_id"],
        business_restricted=bool(row["business_restricted"]),
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
_ADD = SQL(
    """INSERT INTO credentials (account_id, kind, digest, hint, created_at)
    VALUES (:account_id, :kind, :digest, :hint, :now)"""
)
_ACCOUNT_FOR = SQL(
    f"SELECT {ACCOUNT_COLUMNS} FROM credentials c JOIN accounts a ON a.id = c.account_id WHERE {_LIVE}"
)
_IS_LIVE = SQL(f"SELECT 1 FROM credentials c WHERE {_LIVE}")
_ANY_LIVE = SQL("SELECT 1 FROM credentials c WHERE c.digest = :digest AND c.revoked_at IS NULL")
_REVOKE = SQL(
    "UPDATE credentials SET revoked_at = :now WHERE digest = :digest AND kind = :kind AND revoked_at IS NULL"
)
_REVOKE_ALL = SQL("UPDATE credentials SET revoked_at = :now WHERE kind = :kind AND revoked_at IS NULL")
_REVOKE_ALL_OF = SQL(
    """UPDATE credentials SET revoked_at = :now
    WHERE kind = :kind AND revoked_at IS NULL AND account_id = :account_id"""
)


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
    ) -> None:
        await self._s.execute(
            _ADD, {"account_id": account_id, "kind": kind, "digest": digest, "hint": hint, "now": now}
        )

    async def account_for(self, kind: CredentialKind, digest: str) -> Account | None:
        """The account owning a live credential; ``None`` for unknown or revoked ones."""
        row = await self._s.fetchrow(_ACCOUNT_FOR, {"digest": digest, "kind": kind})
        return to_account(row) if row else None

    async def is_live(self, kind: CredentialKind, digest: str) -> bool:
        return await self._s.fetchrow(_IS_LIVE, {"digest": digest, "kind": kind}) is not None

    async def any_live(self, digest: str) -> bool:
        """Whether ``digest`` is a live credential of any kind."""
        return await self._s.fetchrow(_ANY_LIVE, {"digest": digest}) is not None

    async def revoke_all(self, kind: CredentialKind, account_id: int | None, now: datetime) -> int:
        if account_id is None:
            return await self._s.execute(_REVOKE_ALL, {"kind": kind, "now": now})
        return await self._s.execute(_REVOKE_ALL_OF, {"kind": kind, "now": now, "account_id": account_id})

    async def revoke(self, kind: CredentialKind, digest: str, now: datetime) -> bool:
        return await self._s.execute(_REVOKE, {"digest": digest, "kind": kind, "now": now}) > 0
