"""Delivery rules of the webhook queue: when to retry, when to give up, and the app credentials Meta
signs with. Pure: the worker (services/events.py) reads the clock and draws the jitter.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from wanumbers.server.domain.errors import DomainError, Reason


class Status(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


# Meta retries a failed webhook "with decreasing frequency" for up to 7 days, then drops it.
RETRY_WINDOW = timedelta(days=7)
FIRST_RETRY = 5.0  # seconds after the first failure
MAX_RETRY = 3600.0  # the longest wait between two tries
MAX_RETRY_AFTER = 24 * 3600.0  # a receiver's Retry-After is honoured up to a day
LEASE = timedelta(seconds=30)  # a claimed delivery is retried after this if its worker died


@dataclass(frozen=True, slots=True)
class Schedule:
    """Configurable: ``first`` doubles each attempt up to ``cap``; dead after ``window``."""

    first: float = FIRST_RETRY
    cap: float = MAX_RETRY
    window: timedelta = RETRY_WINDOW

    def delay(self, attempts: int, jitter: float, retry_after: float | None = None) -> float:
        """Seconds before try ``attempts + 1``. ``jitter`` in [0, 1) spreads a herd over the lower
        half of the step ("equal jitter"); a receiver's ``Retry-After`` wins when it asks for more."""
        if attempts < 1:
            raise ValueError("attempts counts the tries made, at least 1")
        if not 0.0 <= jitter < 1.0:
            raise ValueError("jitter is drawn from [0, 1)")
        step = min(self.cap, self.first * float(2 ** min(attempts - 1, 32)))
        wait = step / 2 + step / 2 * jitter
        if retry_after is not None:
            wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
        return wait

    def next_status(self, first_attempt_at: datetime, retry_at: datetime) -> Status:
        """A retry that would fall past the window is not made: the delivery is dead."""
        return Status.DEAD if retry_at - first_attempt_at > self.window else Status.PENDING


def retry_after_seconds(header: str | None) -> float | None:
    """``Retry-After`` in seconds (the delta form; an HTTP date or garbage is ignored)."""
    if header is None:
        return None
    text = header.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    return float(int(text))


def is_success(status: int) -> bool:
    """Meta counts any 2xx as delivered; a redirect is not followed and is a failure."""
    return 200 <= status < 300


# --- the app Meta signs with ---------------------------------------------------------------------

APP_SECRET_LABEL = b"wanumbers app secret v1"


def app_secret(server_key: bytes, app_id: int, generation: int) -> str:
    """The app's secret, derived (never stored): 32 hex digits like Meta's, changed by a rotation."""
    message = APP_SECRET_LABEL + f":{app_id}:{generation}".encode()
    return hmac.new(server_key, message, hashlib.sha256).hexdigest()[:32]


def parse_app_token(token: str) -> tuple[int, str]:
    """An app access token, ``{app-id}|{app-secret}``: its two parts, else UNAUTHENTICATED."""
    app_id, bar, secret = token.partition("|")
    if not bar or not app_id.isascii() or not app_id.isdigit() or not secret:
        raise DomainError(Reason.UNAUTHENTICATED, "Invalid OAuth access token - Cannot parse access token")
    return int(app_id), secret


def check_app_secret(expected: str, given: str) -> None:
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise DomainError(Reason.UNAUTHENTICATED, "Error validating client secret.")
