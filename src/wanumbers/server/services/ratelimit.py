"""The shared per-credential rate limit: lease tokens from the store's bucket, a batch at a time.

A ``Limiter`` lives in each worker. It asks the store only when its leased tokens run out or lapse,
so a generous limit costs one small write per batch; a tight one (lease size 1) is exact.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wanumbers.server.domain.ratelimit import LEASE_SECONDS, RateLimit
from wanumbers.server.services.runtime import Runtime

_PRUNE_EVERY = 60.0  # seconds between sweeps of idle buckets, per worker
_IDLE = 3600.0  # a bucket whose tat is this far in the past is full again: forget it


@dataclass
class _Lease:
    tokens: int
    until: float


@dataclass
class Limiter:
    limit: RateLimit
    clock: Callable[[], float] = time.time
    _leases: dict[str, _Lease] = field(default_factory=dict)
    _next_prune: float = 0.0

    async def acquire(self, rt: Runtime, key: str) -> int | None:
        """``None`` when the request may go ahead; otherwise the seconds to wait (``Retry-After``)."""
        now = self.clock()
        lease = self._leases.get(key)
        if lease is not None and lease.tokens > 0 and now < lease.until:
            lease.tokens -= 1
            return None
        return await self._take(rt, key, now)

    async def _take(self, rt: Runtime, key: str, now: float) -> int | None:
        async with rt.uow() as uow:
            live = await uow.credentials.any_live(key)
        if not live:
            # Not a key of anyone's: the endpoint refuses it. Counting it would let a flood of made-up
            # keys write a bucket and keep a lease each.
            return None
        limit, size = self.limit, self.limit.lease_size
        async with rt.uow(write=True) as uow:
            tat, granted = await uow.rate_limits.take(key, size, now, limit.interval, limit.capacity)
            if not granted and size > 1:
                tat, granted = await uow.rate_limits.take(key, 1, now, limit.interval, limit.capacity)
            if now >= self._next_prune:
                self._next_prune = now + _PRUNE_EVERY
                await uow.rate_limits.prune(now - _IDLE)
                self._leases = {k: lease for k, lease in self._leases.items() if lease.until > now}
            await uow.commit()
        if not granted:
            self._leases.pop(key, None)
            return limit.retry_after(tat, now)
        self._leases[key] = _Lease(granted - 1, now + LEASE_SECONDS)
        return None
