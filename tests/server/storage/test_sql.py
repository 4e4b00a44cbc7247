"""How stored values come back: a SQLite timestamp (text) as an aware UTC datetime, whatever its shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wanumbers.server.storage.sql import sqlite_timestamp, timestamp

MOMENT = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        (sqlite_timestamp(MOMENT), MOMENT),  # what the service writes
        ("2026-12-01 10:00:00", MOMENT.replace(microsecond=0)),  # SQLite's CURRENT_TIMESTAMP
        ("2026-12-01T10:00:00Z", MOMENT.replace(microsecond=0)),
        ("2026-12-01T15:30:00+05:30", MOMENT.replace(microsecond=0)),
        ("2026-12-01T07:00:00-03:00", MOMENT.replace(microsecond=0)),
        ("2026-12-01T10:00:00+0000", MOMENT.replace(microsecond=0)),  # how Graph renders a time
        ("2026-12-01 15:30:00.123456+0530", MOMENT),
        ("2026-12-01 15:30:00.1+0530", MOMENT.replace(microsecond=100000)),  # sqlite_timestamp's length
        ("2026-12-01T10:00:00.123456", MOMENT),
        ("2026-12-01", datetime(2026, 12, 1, tzinfo=UTC)),
        (datetime(2026, 12, 1, 10, 0, 0, 123456), MOMENT),  # a naive datetime is UTC
        (MOMENT.astimezone(timezone(timedelta(hours=1))), MOMENT),  # PostgreSQL's are aware
    ],
)
def test_a_stored_timestamp_reads_as_the_moment_it_names(stored: str | datetime, read: datetime) -> None:
    moment = timestamp(stored)
    assert moment == read
    assert moment.utcoffset() is not None
