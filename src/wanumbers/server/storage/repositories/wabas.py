from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from wanumbers.server.domain.records import Waba
from wanumbers.server.storage.models import wabas


def to_waba(m: Mapping[Any, Any]) -> Waba:
    return Waba(
        id=m["id"],
        account_id=m["account_id"],
        api_version=m["api_version"],
        restricted=m["restricted"],
    )


class WabaRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def create(self, waba: Waba, now: datetime) -> Waba:
        self._c.execute(
            insert(wabas).values(
                id=waba.id,
                account_id=waba.account_id,
                api_version=waba.api_version,
                restricted=False,
                created_at=now,
            )
        )
        return waba

    def owned(self, waba_id: int, account_id: int) -> Waba | None:
        """A foreign WABA and a missing one look the same to the caller, by design."""
        query = select(wabas).where(wabas.c.id == waba_id, wabas.c.account_id == account_id)
        row = self._c.execute(query).first()
        return to_waba(row._mapping) if row else None

    def get(self, waba_id: int) -> Waba | None:
        row = self._c.execute(select(wabas).where(wabas.c.id == waba_id)).first()
        return to_waba(row._mapping) if row else None

    def of_account(self, account_id: int) -> list[Waba]:
        query = select(wabas).where(wabas.c.account_id == account_id).order_by(wabas.c.created_at)
        return [to_waba(row._mapping) for row in self._c.execute(query)]

    def set_restricted(self, waba_id: int, restricted: bool) -> None:
        self._c.execute(update(wabas).where(wabas.c.id == waba_id).values(restricted=restricted))
