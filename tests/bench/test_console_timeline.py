"""The timeline bench's seeding: which number holds which event, and the rows it writes (the whole run
is smoke-tested by ``python -m bench.console_timeline --quick`` in .ci/run)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives at the repo root, beside `src/`
    sys.path.insert(0, str(ROOT))

from bench import console_timeline, seed  # noqa: E402


def test_the_quiet_number_holds_the_oldest_events_and_the_busy_one_2_percent() -> None:
    owners = [console_timeline.owner(i, 100_000, 1_000) for i in range(100_000)]
    assert owners[: console_timeline.QUIET_EVENTS] == [console_timeline.QUIET] * console_timeline.QUIET_EVENTS
    assert owners.count(console_timeline.QUIET) == console_timeline.QUIET_EVENTS
    assert 1_900 < owners.count(console_timeline.BUSY) < 2_100
    assert console_timeline.NONE not in owners


def test_event_and_delivery_rows_line_up() -> None:
    events = list(console_timeline.event_rows(7, 400, 100))
    deliveries = list(console_timeline.delivery_rows(400))
    assert [row[0] for row in events] == list(range(1, 401))
    assert {row[2] for row in events[:60]} == {seed.number_id(console_timeline.QUIET)}
    assert [row[1] for row in deliveries] == list(range(1, 401, 4))
    assert all(len(row) == 15 for row in deliveries)


def test_the_halfway_page_starts_at_an_event_of_the_busy_number() -> None:
    _, halfway = console_timeline.urls(1_000_000)[:2]
    assert "older=" in halfway[1]
    middle = (1_000_000 // 2) // 50 * 50 + 1
    assert console_timeline.owner(middle - 1, 1_000_000, 10_000) == console_timeline.BUSY
