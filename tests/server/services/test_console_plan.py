"""How a fleet page is planned from the counts (services/console.py ``plan``)."""

from __future__ import annotations

import pytest

from wanumbers.server.services.console import RARE, Sizes, plan
from wanumbers.server.storage.repositories.fleet import FleetQuery

MILLION = 1_000_000


@pytest.mark.parametrize(
    ("query", "scope", "fleet", "expected"),
    [
        # the admin always walks the sort index; a rare status is sought through its index
        (FleetQuery(), {"CONNECTED": MILLION}, MILLION, (False, None)),
        (FleetQuery(filters={"state": "BANNED"}), {"BANNED": RARE}, MILLION, (False, "state")),
        (FleetQuery(filters={"state": "BANNED"}), {"BANNED": RARE + 1}, MILLION, (False, None)),
        (FleetQuery(filters={"state": "DISCONNECTED"}), {"CONNECTED": 5}, MILLION, (False, "state")),
        # an account: through its WABAs while it is small against the walk
        (FleetQuery(account_id=1), {"CONNECTED": 7_000}, MILLION, (True, None)),
        (FleetQuery(account_id=1), {"CONNECTED": 7_200}, MILLION, (False, None)),
        (FleetQuery(account_id=1, health="LIMITED"), {"CONNECTED": 7_200}, MILLION, (True, None)),
        (FleetQuery(account_id=1), {"CONNECTED": 900_000}, MILLION, (False, None)),
        (
            FleetQuery(account_id=1, filters={"state": "FLAGGED"}),
            {"CONNECTED": 9_600, "FLAGGED": 400},
            MILLION,
            (True, "state"),
        ),
    ],
)
def test_plan(
    query: FleetQuery, scope: dict[str, int], fleet: int, expected: tuple[bool, str | None]
) -> None:
    assert plan(query, Sizes(scope, fleet)) == expected


def test_without_counts_the_sort_index_is_walked() -> None:
    assert plan(FleetQuery(account_id=1, filters={"state": "BANNED"}), None) == (False, None)
