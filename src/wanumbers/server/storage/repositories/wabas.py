from __future__ import annotations

from datetime import datetime

from wanumbers.server.domain.records import Waba
from wanumbers.server.storage.sql import SQL, Row, Session

WABA_FIELDS = ("id", "account_id", "api_version", "restricted")
WABA_COLUMNS = ", ".join(f"w.{name}" for name in WABA_FIELDS)

_CREATE = SQL(
    """INSERT INTO wabas (id, account_id, api_version, restricted, created_at)
    VALUES (:id, :account_id, :api_version, :restricted, :now)"""
)
_OWNED = SQL(f"SELECT {WABA_COLUMNS} FROM wabas w WHERE w.id = :id AND w.account_id = :account_id")
_GET = SQL(f"SELECT {WABA_COLUMNS} FROM wabas w WHERE w.id = :id")
_OF_ACCOUNT = SQL(
    f"SELECT {WABA_COLUMNS} FROM wabas w WHERE w.account_id = :account_id ORDER BY w.created_at"
)
_SET_RESTRICTED = SQL("UPDATE wabas SET restricted = :restricted WHERE id = :id")


def to_waba(row: Row, at: int = 0) -> Waba:
    """The WABA whose ``WABA_COLUMNS`` start at column ``at`` of ``row``."""
    waba_id, account_id, api_version, restricted = row[at : at + len(WABA_FIELDS)]
    return Waba(id=waba_id, account_id=account_id, api_version=api_version, restricted=bool(restricted))


class WabaRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def create(self, waba: Waba, now: datetime) -> Waba:
        await self._s.execute(
            _CREATE,
            {
                "id": waba.id,
                "account_id": waba.account_id,
                "api_version": waba.api_version,
                "restricted": False,
                "now": now,
            },
        )
        return waba

    async def owned(self, waba_id: int, account_id: int) -> Waba | None:
        """A foreign WABA and a missing one look the same to the caller, by design."""
        row = await self._s.fetchrow(_OWNED, {"id": waba_id, "account_id": account_id})
        return to_waba(row) if row else None

    async def get(self, waba_id: int) -> Waba | None:
        row = await self._s.fetchrow(_GET, {"id": waba_id})
        return to_waba(row) if row else None

    async def of_account(self, account_id: int) -> list[Waba]:
        return [to_waba(row) for row in await self._s.fetch(_OF_ACCOUNT, {"account_id": account_id})]

    async def set_restricted(self, waba_id: int, restricted: bool) -> None:
        await self._s.execute(_SET_RESTRICTED, {"id": waba_id, "restricted": restricted})
