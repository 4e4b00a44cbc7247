"""The shared per-credential rate limit: lease tokens from the store's bucket, a batch at a time.

A ``Limiter`` lives in each worker. A request spends a token of its worker's lease; the lease is topped
up in the background before it runs out, so a busy credential does not wait for the store. Only a
credential with no tokens left waits, and at most ``LEASE_WAIT``: if the store has not answered by
then (a writer holds SQLite's lock, PostgreSQL stalls) the worker decides alone with a ``LocalBucket``
until the store answers again. Reads therefore never queue behind a rate-limit write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from wanumbers.server.domain.ratelimit import LEASE_SECONDS, LEASE_WAIT, LocalBucket, RateLimit, refill_due
from wanumbers.server.services.runtime import Runtime

log = logging.getLogger("wanumbers")
# A refill's outcome: tokens granted, the credential is no one's, or the seconds until a token fits.
Outcome = int | str
_GRANTED, _UNKNOWN = "granted", "unknown"
_PRUNE_EVERY = 60.0  # seconds between sweeps of idle buckets, per worker
_IDLE = 3600.0  # a bucket whose tat is this far in the past is full again: forget it
# After the store failed a refill (slow or away), this worker decides alone for this long before a
# request waits on the store again: a stalled store costs one request LEASE_WAIT, not one per refill.
_DECIDE_ALONE = 1.0


@dataclass
class _Lease:
    tokens: int
    until: float


@dataclass
class Limiter:
    limit: RateLimit
    clock: Callable[[], float] = time.time
    lease_wait: float = LEASE_WAIT
    _leases: dict[str, _Lease] = field(default_factory=dict)
    _pending: dict[str, asyncio.Task[Outcome]] = field(default_factory=dict)
    _local: dict[str, LocalBucket] = field(default_factory=dict)
    # When a request first had to wait for the pending refill (loop time): how long the store has stalled.
    _waiting_since: dict[str, float] = field(default_factory=dict)
    # Until when (loop time) the worker decides alone for a credential, after the store failed it.
    _alone_until: dict[str, float] = field(default_factory=dict)
    _next_prune: float = 0.0

    async def acquire(self, rt: Runtime, key: str) -> int | None:
        """``None`` when the request may go ahead; otherwise the seconds to wait (``Retry-After``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lease_wait
        while True:
            now = self.clock()
            lease = self._leases.get(key)
            if lease is not None and lease.tokens > 0 and now < lease.until:
                lease.tokens -= 1
                if refill_due(lease.tokens, self.limit.lease_size) or self._lapsing(lease, now):
                    self._refill(rt, key, now)
                return None
            refill = self._refill(rt, key, now)
            if loop.time() < self._alone_until.get(key, 0.0):  # the store failed us a moment ago
                return self._local.setdefault(key, LocalBucket(self.limit)).take(now)
            someone_waits = key in self._waiting_since
            waited = loop.time() - self._waiting_since.setdefault(key, loop.time())
            if waited > self.lease_wait:  # an earlier request already waited this refill out: stalled
                return self._alone(key, loop.time(), now)
            if someone_waits and self.limit.lease_size > 1:
                # A generous limit: one request waits for the refill, the others meanwhile are counted
                # locally, so a slow store costs one request a wait, not every request in flight.
                return self._local.setdefault(key, LocalBucket(self.limit)).take(now)
            try:
                async with asyncio.timeout_at(deadline):
                    outcome = await asyncio.shield(refill)
            except Exception:  # the store is slow or away: this worker decides alone for now
                return self._alone(key, loop.time(), now)
            if outcome != _GRANTED:
                return None if outcome == _UNKNOWN else int(outcome)
            # Granted: take one of the new tokens (on the next turn; others may share the refill).

    def _lapsing(self, lease: _Lease, now: float) -> bool:
        """A batch lease in its last half second is renewed ahead, so no request waits when it lapses
        (one-token leases stay exact: never fetched ahead)."""
        return self.limit.lease_size > 1 and now > lease.until - LEASE_SECONDS / 2

    def _alone(self, key: str, loop_now: float, now: float) -> int | None:
        self._alone_until[key] = loop_now + _DECIDE_ALONE
        return self._local.setdefault(key, LocalBucket(self.limit)).take(now)

    def _refill(self, rt: Runtime, key: str, now: float) -> asyncio.Task[Outcome]:
        """The (single) store request topping up ``key``'s lease, started if none is under way."""
        task = self._pending.get(key)
        if task is None or task.get_loop() is not asyncio.get_running_loop():  # (tests run many loops)
            task = asyncio.get_running_loop().create_task(self._take(rt, key, now))
            self._pending[key] = task
            task.add_done_callback(lambda done: self._settle(key, done))
        return task

    def _settle(self, key: str, task: asyncio.Task[Outcome]) -> None:
        self._pending.pop(key, None)
        self._waiting_since.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            log.warning("rate-limit lease for a credential failed: %s", type(task.exception()).__name__)

    async def _take(self, rt: Runtime, key: str, now: float) -> Outcome:
        async with rt.uow() as uow:
            live = await uow.credentials.any_live(key)
        if not live:
            # Not a key of anyone's: the endpoint refuses it. Counting it would let a flood of made-up
            # keys write a bucket and keep a lease each.
            return _UNKNOWN
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
        self._local.pop(key, None)  # the store answers again: its bucket rules
        self._alone_until.pop(key, None)
        if not granted:
            self._leases.pop(key, None)
            return limit.retry_after(tat, now)
        current = self._leases.get(key)
        left = current.tokens if current is not None and now < current.until else 0
        self._leases[key] = _Lease(left + granted, now + LEASE_SECONDS)
        return _GRANTED
