"""Rows behind the request guards: remembered ``Idempotency-Key`` answers and shared rate buckets.

Both use ``INSERT … ON CONFLICT``, which SQLite and PostgreSQL spell the same way, so a race between
workers is settled by the database's unique index rather than by a read-then-write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wanumbers.server.domain.idempotency import StoredResponse
from wanumbers.server.storage.sql import SQL, Session, from_json, timestamp, to_json

_KEY = "scope = :scope AND key = :key"
_FIND = SQL(
    f"""SELECT scope, key, fingerprint, status, headers, body, created_at, expires_at
    FROM idempotency_keys WHERE {_KEY}""",
    lock=True,
)
_CLAIM = SQL(
    """INSERT INTO idempotency_keys (scope, key, fingerprint, created_at, expires_at)
    VALUES (:scope, :key, :fingerprint, :now, :expires_at)
    ON CONFLICT (scope, key) DO NOTHING RETURNING id"""
)
_COMPLETE = SQL(
    f"UPDATE idempotency_keys SET status = :status, headers = :headers, body = :body WHERE {_KEY}"
)
_RELEASE = SQL(f"DELETE FROM idempotency_keys WHERE {_KEY}")
_PRUNE_KEYS = SQL("DELETE FROM idempotency_keys WHERE expires_at <= :now")


class IdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def find(self, scope: str, key: str) -> dict[str, Any] | None:
        """The remembered request, locked against a concurrent claim where the database can."""
        row = await self._s.fetchrow(_FIND, {"scope": scope, "key": key})
        if row is None:
            return None
        return {
            "scope": row["scope"],
            "key": row["key"],
            "fingerprint": row["fingerprint"],
            "status": row["status"],
            "headers": from_json(row["headers"]),
            "body": row["body"],
            "created_at": timestamp(row["created_at"]),
            "expires_at": timestamp(row["expires_at"]),
        }

    async def claim(
        self, scope: str, key: str, fingerprint: str, now: datetime, expires_at: datetime
    ) -> bool:
        """True when this caller now owns the key; False when another claim got there first."""
        params = {
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "now": now,
            "expires_at": expires_at,
        }
        return await self._s.fetchval(_CLAIM, params) is not None

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        await self._s.execute(
            _COMPLETE,
            {
                "scope": scope,
                "key": key,
                "status": response.status,
                "headers": to_json(response.headers),
                "body": response.body,
            },
        )

    async def release(self, scope: str, key: str) -> None:
        await self._s.execute(_RELEASE, {"scope": scope, "key": key})

    async def prune(self, now: datetime) -> int:
        return await self._s.execute(_PRUNE_KEYS, {"now": now})


# GCRA in one statement: take ``tokens`` if they fit under the burst capacity, else take none. The casts
# give PostgreSQL the parameters' types (SQLite reads DOUBLE PRECISION as REAL).
_NOW, _COST = "CAST(:now AS DOUBLE PRECISION)", "CAST(:cost AS DOUBLE PRECISION)"
_BASE = f"CASE WHEN rate_limit_buckets.tat > {_NOW} THEN rate_limit_buckets.tat ELSE {_NOW} END"
_FITS = f"{_BASE} + {_COST} - {_NOW} <= CAST(:capacity AS DOUBLE PRECISION)"
_TOKENS = "CAST(:tokens AS INTEGER)"
_TAKE = SQL(
    f"""INSERT INTO rate_limit_buckets (key, tat, granted) VALUES (:key, {_NOW} + {_COST}, {_TOKENS})
    ON CONFLICT (key) DO UPDATE SET
        tat = CASE WHEN {_FITS} THEN {_BASE} + {_COST} ELSE rate_limit_buckets.tat END,
        granted = CASE WHEN {_FITS} THEN {_TOKENS} ELSE 0 END
    RETURNING tat, granted"""
)
_PRUNE_BUCKETS = SQL("DELETE FROM rate_limit_buckets WHERE tat < :before")


class RateLimitRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def take(
        self, key: str, tokens: int, now: float, interval: float, capacity: float
    ) -> tuple[float, int]:
        """Take ``tokens`` from the bucket if they fit; returns (tat, tokens granted: all or 0)."""
        row = await self._s.fetchrow(
            _TAKE,
            {
                "key": key,
                "now": now,
                "cost": tokens * interval,
                "tokens": tokens,
                "capacity": capacity + 1e-9,
            },
        )
        assert row is not None
        return float(row["tat"]), int(row["granted"])

    async def prune(self, before: float) -> int:
        return await self._s.execute(_PRUNE_BUCKETS, {"before": before})
