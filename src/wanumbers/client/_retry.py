"""Retry policy: capped exponential backoff with full jitter, and ``Retry-After`` parsing.

Full jitter (``uniform(0, min(cap, base * 2**attempt))``) spreads clients that failed together, see
https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["RetryPolicy", "parse_retry_after"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait before retrying a transient failure.

    ``max_retries`` counts retries, not attempts (2 means up to 3 requests). A ``Retry-After``
    longer than ``max_retry_after`` is not waited for: the error is raised so the caller decides.
    ``jitter`` returns a float in [0, 1); inject one to make the jitter deterministic in tests.
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt + 1`` (``attempt`` starts at 0)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0**attempt)
        return self.jitter() * ceiling

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to stop retrying."""
        if attempt >= self.max_retries:
            return None
        if retry_after is None:
            return self.backoff(attempt)
        return retry_after if retry_after <= self.max_retry_after else None


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date), or ``None``."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())
