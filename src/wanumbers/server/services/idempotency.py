"""Idempotency-Key use cases: claim a key before the request runs, remember or release it after.

Wall-clock time (not the emulator's movable clock): a key's 24 hours are real hours.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from wanumbers.server.domain import idempotency
from wanumbers.server.domain.idempotency import Claim, Outcome, StoredResponse
from wanumbers.server.services.runtime import Runtime

_PRUNE_ONE_IN = 200  # expired keys are swept now and then, by whichever claim draws the lot


async def claim(rt: Runtime, scope: str, key: str, fingerprint: str) -> Claim:
    now = datetime.now(UTC)
    async with rt.uow(write=True) as uow:
        found = await uow.idempotency.find(scope, key)
        if found is not None and _lapsed(found, now):
            await uow.idempotency.release(scope, key)
            found = None
        if found is None:
            if random.randrange(_PRUNE_ONE_IN) == 0:
                await uow.idempotency.prune(now)
            claimed = await uow.idempotency.claim(scope, key, fingerprint, now, now + idempotency.TTL)
            await uow.commit()
            return Claim(Outcome.CLAIMED if claimed else Outcome.IN_FLIGHT)
    if found["fingerprint"] != fingerprint:
        return Claim(Outcome.MISMATCH)
    if found["status"] is None:
        return Claim(Outcome.IN_FLIGHT)
    stored = StoredResponse(found["status"], dict(found["headers"] or {}), bytes(found["body"] or b""))
    return Claim(Outcome.REPLAY, stored)


def _lapsed(found: dict[str, object], now: datetime) -> bool:
    expires_at, created_at = found["expires_at"], found["created_at"]
    assert isinstance(expires_at, datetime) and isinstance(created_at, datetime)
    abandoned = found["status"] is None and now - created_at >= idempotency.IN_FLIGHT_LEASE
    return expires_at <= now or abandoned


async def finish(rt: Runtime, scope: str, key: str, response: StoredResponse | None) -> None:
    """Remember the answer, or (``None``, or an answer not worth remembering) free the key."""
    async with rt.uow(write=True) as uow:
        if response is not None and idempotency.is_remembered(response.status):
            await uow.idempotency.complete(scope, key, response)
        else:
            await uow.idempotency.release(scope, key)
        await uow.commit()
