"""What the PostgreSQL storage tests ask the server itself: whether a backend process still runs."""

from __future__ import annotations

import asyncpg


async def backend_alive(url: str, pid: int) -> bool:
    """Whether the server still has backend ``pid`` (asked on a connection of its own)."""
    probe = await asyncpg.connect(url, timeout=5)
    try:
        return bool(await probe.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid))
    finally:
        await probe.close()
