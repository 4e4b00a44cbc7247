"""The per-credential rate limit: a generic cell-rate (GCRA) token bucket.

The bucket lives in the store (one row per credential digest) so every worker shares it. State is a
single "theoretical arrival time" ``tat``: a request for ``n`` tokens fits when
``max(tat, now) + n·T - now <= burst·T`` (``T = 1/rate``) and then moves ``tat`` on by ``n·T``. Workers
lease small batches of tokens so the store is written about once per batch, not once per request;
a leased token is spent once, so the shared limit can only be under-used, never exceeded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Safety valve only: one credential on the 2-core reference machine peaks near 10,000 requests per
# second, so the default never throttles a benchmark or a test suite; operators set a real figure
# (e.g. ``50/100``). At this rate a worker leases 1,000 tokens per store write.
DEFAULT = "50000/100000"
LEASE_SECONDS = 1.0  # a worker's unspent leased tokens lapse after this


class RateLimitSpecError(ValueError):
    """``WANUMBERS_RATE_LIMIT`` is not ``RATE``, ``RATE/BURST`` or ``0``."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    rate: float  # tokens per second
    burst: int  # bucket size

    @classmethod
    def parse(cls, spec: str) -> RateLimit | None:
        """``"50/100"`` → 50 req/s, burst 100; ``"50"`` → burst = 2 * rate; ``"0"`` → off (``None``)."""
        rate_text, _, burst_text = spec.strip().partition("/")
        try:
            rate = float(rate_text)
            burst = int(burst_text) if burst_text else max(1, math.ceil(2 * rate))
        except (ValueError, OverflowError) as exc:  # OverflowError: ceil(2 * inf)
            raise RateLimitSpecError(f"WANUMBERS_RATE_LIMIT must be RATE[/BURST] or 0, not {spec!r}") from exc
        if rate == 0:
            return None
        if rate < 0 or burst < 1 or not math.isfinite(rate):
            raise RateLimitSpecError(f"WANUMBERS_RATE_LIMIT needs a positive rate and burst, not {spec!r}")
        return cls(rate, burst)

    @property
    def interval(self) -> float:
        """Seconds one token is worth (GCRA's emission interval ``T``)."""
        return 1.0 / self.rate

    @property
    def capacity(self) -> float:
        """How far ahead of now ``tat`` may run: ``burst·T``."""
        return self.burst * self.interval

    @property
    def lease_size(self) -> int:
        """Tokens a worker takes at once: 1 for modest limits (exact), up to 1,000 for generous ones, so
        a busy worker writes the bucket a few times a second, not once per hundred requests."""
        return max(1, min(1000, int(self.rate // 50), self.burst // 4 or 1))

    def retry_after(self, tat: float, now: float) -> int:
        """Whole seconds until one token fits again, at least 1 (the ``Retry-After`` value)."""
        wait = tat + self.interval - now - self.capacity
        return max(1, math.ceil(wait))


# A request waits this long (seconds) for the store to grant its worker a lease; past it, the worker
# enforces the limit on its own (``LocalBucket``) until the store answers again, and later requests
# do not wait at all, so a stalled store never holds up reads behind a rate-limit write.
LEASE_WAIT = 0.25
# A lease is topped up in the background once fewer than this share of its tokens are left, so a busy
# credential normally never waits for the store at all.
REFILL_BELOW = 0.25


def refill_due(tokens_left: int, lease_size: int) -> bool:
    """Whether to top a lease up now. Never for one-token leases: a tight limit stays exact, and a token
    fetched ahead would sit with one worker while another's request is refused."""
    return lease_size > 1 and tokens_left < lease_size * REFILL_BELOW


@dataclass(slots=True)
class LocalBucket:
    """The same GCRA in one worker's memory: the limit that worker enforces alone while the store is
    out of reach (each worker then admits up to the whole limit)."""

    limit: RateLimit
    tat: float = 0.0

    def take(self, now: float) -> int | None:
        """``None`` when one token fits (and is taken); otherwise the ``Retry-After`` seconds."""
        base = max(self.tat, now)
        if base + self.limit.interval - now > self.limit.capacity + 1e-9:
            return self.limit.retry_after(self.tat, now)
        self.tat = base + self.limit.interval
        return None
