"""Rows behind the request guards: remembered ``Idempotency-Key`` answers and shared rate buckets.

Both use ``INSERT … ON CONFLICT``, which SQLite and PostgreSQL spell the same way, so a race between
workers is settled by the database's unique index rather than by a read-then-write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from wanumbers.server.domain.clock import utc
from wanumbers.server.domain.idempotency import StoredResponse
from wanumbers.server.storage.models import idempotency_keys, rate_limit_buckets


def _insert(connection: Connection, table: Any) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class IdempotencyRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def find(self, scope: str, key: str) -> dict[str, Any] | None:
        """The remembered request, locked against a concurrent claim where the database can."""
        t = idempotency_keys
        query = select(t).where(t.c.scope == scope, t.c.key == key)
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update()
        row = self._c.execute(query).first()
        if row is None:
            return None
        found = dict(row._mapping)
        found["created_at"], found["expires_at"] = utc(found["created_at"]), utc(found["expires_at"])
        return found

    def claim(self, scope: str, key: str, fingerprint: str, now: datetime, expires_at: datetime) -> bool:
        """True when this caller now owns the key; False when another claim got there first."""
        statement = (
            _insert(self._c, idempotency_keys)
            .values(scope=scope, key=key, fingerprint=fingerprint, created_at=now, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["scope", "key"])
            .returning(idempotency_keys.c.id)
        )
        return self._c.execute(statement).first() is not None

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        t = idempotency_keys
        self._c.execute(
            update(t)
            .where(t.c.scope == scope, t.c.key == key)
            .values(status=response.status, headers=response.headers, body=response.body)
        )

    def release(self, scope: str, key: str) -> None:
        t = idempotency_keys
        self._c.execute(delete(t).where(t.c.scope == scope, t.c.key == key))

    def prune(self, now: datetime) -> int:
        return self._c.execute(delete(idempotency_keys).where(idempotency_keys.c.expires_at <= now)).rowcount


class RateLimitRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def take(self, key: str, tokens: int, now: float, interval: float, capacity: float) -> tuple[float, int]:
        """Take ``tokens`` from the bucket if they fit; returns (tat, tokens granted: all or 0)."""
        t = rate_limit_buckets
        cost = tokens * interval
        base = case((t.c.tat > now, t.c.tat), else_=now)
        fits = base + cost - now <= capacity + 1e-9
        statement = (
            _insert(self._c, t)
            .values(key=key, tat=now + cost, granted=tokens)
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "tat": case((fits, base + cost), else_=t.c.tat),
                    "granted": case((fits, tokens), else_=0),
                },
            )
            .returning(t.c.tat, t.c.granted)
        )
        tat, granted = self._c.execute(statement).one()
        return float(tat), int(granted)

    def prune(self, before: float) -> int:
        t = rate_limit_buckets
        return self._c.execute(delete(t).where(t.c.tat < before)).rowcount
