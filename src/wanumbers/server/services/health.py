"""Readiness: the store answers within its bound and its schema is at the head revision."""

from __future__ import annotations

import asyncio

from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage import migrate
from wanumbers.server.storage.bounds import StoreError
from wanumbers.server.storage.repositories import schema

READY_TIMEOUT = 2.0  # seconds: under the 3 s Docker's healthcheck waits for an answer


async def readiness(rt: Runtime, timeout: float = READY_TIMEOUT) -> tuple[bool, dict[str, str]]:
    """``(ready, body)``: why not, when not."""
    try:
        async with asyncio.timeout(timeout):
            async with rt.uow() as uow:
                revision = await schema.revision(uow.session)
    except (TimeoutError, StoreError) as error:
        reason = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
        return False, {"status": "unavailable", "store": f"not reachable ({reason})"}
    if revision != migrate.HEAD:
        return False, {"status": "unavailable", "store": f"schema at {revision}, head is {migrate.HEAD}"}
    return True, {"status": "ready", "revision": revision}
