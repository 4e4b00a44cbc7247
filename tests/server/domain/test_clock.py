"""The injected clock: aware UTC, moved only by its offset; naive store times read as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from wanumbers.server.domain.clock import SystemClock, utc


def test_the_system_clock_is_aware_utc_wall_time() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after


def test_the_offset_moves_the_clock_forward() -> None:
    clock = SystemClock(timedelta(days=3))
    before = datetime.now(UTC)
    now = clock.now()
    after = datetime.now(UTC)
    assert before + timedelta(days=3) <= now <= after + timedelta(days=3)
    assert clock.offset == timedelta(days=3)
    assert SystemClock().offset == timedelta(0)


def test_the_offset_can_be_moved_after_creation() -> None:
    clock = SystemClock()
    clock.offset = timedelta(hours=1)
    assert clock.now() >= datetime.now(UTC) + timedelta(minutes=59)


def test_naive_times_are_read_as_utc() -> None:
    assert utc(datetime(2026, 1, 1, 12, 0)) == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert utc(datetime(2026, 1, 1, 12, 0)).tzinfo is UTC


def test_aware_times_are_kept_as_they_are() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 1, 1, 12, 0, tzinfo=india)
    assert utc(moment) is moment
