"""Time is injected so the emulator can fast-forward it and tests can pin it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall clock plus an offset the control plane can move forward (OTP expiry, rate windows)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything in the domain is aware UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
