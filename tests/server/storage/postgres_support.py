"""What the PostgreSQL tests ask the server itself: which backend processes run."""

from __future__ import annotations

import asyncpg


async def backend_alive(url: str, pid: int) -> bool:
    """Whether the server still has backend ``pid`` (asked on a connection of its own)."""
    probe = await asyncpg.connect(url, timeout=5)
    try:
        return bool(await probe.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid))
    finally:
        await probe.close()


async def backends(url: str) -> set[int]:
    """The backends of every other connection to this database (every pool's, idle or busy)."""
    probe = await asyncpg.connect(url, timeout=5)
    try:
        rows = await probe.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await probe.close()
    return {row["pid"] for row in rows}
