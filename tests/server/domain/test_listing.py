from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.listing import Cursor, Op, Sort, check_limit, make_filter


@pytest.mark.parametrize("key", [datetime(2025, 5, 1, 12, 30, 1, 123456, tzinfo=UTC), None])
def test_cursor_round_trip(key: datetime | None) -> None:
    cursor = Cursor(Sort.ONBOARDED_DESC, key, 123456789012345)
    assert Cursor.decode(cursor.encode(), Sort.ONBOARDED_DESC) == cursor
    assert "=" not in cursor.encode()


@pytest.mark.parametrize("token", ["", "%%%", "bm9wZQ", "WyJ4Il0"])
def test_bad_cursor(token: str) -> None:
    with pytest.raises(DomainError):
        Cursor.decode(token, Sort.CREATION_ASC)


def test_cursor_of_other_sort_refused() -> None:
    token = Cursor(Sort.CREATION_ASC, datetime(2025, 1, 1, tzinfo=UTC), 1).encode()
    with pytest.raises(DomainError):
        Cursor.decode(token, Sort.CREATION_DESC)


def test_filters_normalise_values() -> None:
    assert make_filter("is_official_business_account", "equal", True).values == ("true",)
    assert make_filter("messaging_limit_tier", "IN", ["TIER_1K"]).op is Op.IN
    assert make_filter("account_mode", "NOT_EQUAL", "LIVE").negated


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_bounds(limit: int) -> None:
    with pytest.raises(DomainError):
        check_limit(limit)
    assert check_limit(1) == 1 and check_limit(100) == 100
