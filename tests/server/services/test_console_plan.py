"""How a fleet page is planned from the counts (services/console.py ``plan``)."""

from __future__ import annotations

import pytest

from wanumbers.server.services.console import RARE, plan
from wanumbers.server.storage.repositories.fleet import FleetQuery

MILLION = 1_000_000


@pytest.mark.parametrize(
    ("query", "counts", "expected"),
    [
        # the scope's sort index is walked; a rare status is sought through its index
        (FleetQuery(), {"CONNECTED": MILLION}, None),
        (FleetQuery(filters={"state": "BANNED"}), {"BANNED": RARE}, "state"),
        (FleetQuery(filters={"state": "BANNED"}), {"BANNED": RARE + 1}, None),
        (FleetQuery(filters={"state": "DISCONNECTED"}), {"CONNECTED": 5}, "state"),
        (FleetQuery(filters={"quality": "RED"}), {"CONNECTED": 5}, None),
        # an account: its own counts decide, on its own (account_id, state, id) index
        (FleetQuery(account_id=1), {"CONNECTED": 7_000}, None),
        (
            FleetQuery(account_id=1, filters={"state": "FLAGGED"}),
            {"CONNECTED": 9_600, "FLAGGED": 400},
            "state",
        ),
        (FleetQuery(account_id=1, filters={"state": "FLAGGED"}), {"FLAGGED": RARE + 1}, None),
    ],
)
def test_plan(query: FleetQuery, counts: dict[str, int], expected: str | None) -> None:
    assert plan(query, counts) == expected


def test_without_counts_the_sort_index_is_walked() -> None:
    assert plan(FleetQuery(account_id=1, filters={"state": "BANNED"}), None) is None
