"""Listing rules: sort orders, keyset cursors (their exact encoding and every way to spoil one), filters
and the page-size bounds, with each refusal's exact message and field."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.identifiers import MAX_ID
from wanumbers.server.domain.lifecycle import NumberState
from wanumbers.server.domain.listing import (
    DEFAULT_LIMIT,
    DEFAULT_SORT,
    FILTER_VALUES,
    MAX_LIMIT,
    Cursor,
    Filter,
    Op,
    Sort,
    check_limit,
    cursor_of,
    make_filter,
)
from wanumbers.server.domain.records import PhoneNumber

CREATED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
ONBOARDED = datetime(2025, 5, 1, 12, 30, 1, 123456, tzinfo=UTC)
FIELD_RULE = (
    "filtering: field must be one of account_mode, messaging_limit_tier, is_official_business_account"
)


def token(*items: Any, pad: bool = False) -> str:
    raw = base64.urlsafe_b64encode(orjson.dumps(list(items))).decode()
    return raw if pad else raw.rstrip("=")


def test_defaults_and_bounds() -> None:
    assert (DEFAULT_LIMIT, MAX_LIMIT) == (25, 100)
    assert DEFAULT_SORT is Sort.ONBOARDED_DESC


@pytest.mark.parametrize(
    ("sort", "value", "by_onboarding", "descending"),
    [
        (Sort.CREATION_ASC, "creation_time.asc", False, False),
        (Sort.CREATION_DESC, "creation_time.desc", False, True),
        (Sort.ONBOARDED_ASC, "last_onboarded_time.asc", True, False),
        (Sort.ONBOARDED_DESC, "last_onboarded_time.desc", True, True),
    ],
)
def test_sort_orders(sort: Sort, value: str, by_onboarding: bool, descending: bool) -> None:
    assert sort.value == value
    assert (sort.by_onboarding, sort.descending) == (by_onboarding, descending)


def test_a_cursor_encodes_as_unpadded_urlsafe_base64_of_its_sort_key() -> None:
    cursor = Cursor(Sort.CREATION_ASC, CREATED, 7)
    assert cursor.encode() == token("creation_time.asc", "2025-01-02T03:04:05+00:00", 7)
    assert Cursor(Sort.ONBOARDED_DESC, None, 1).encode() == token("last_onboarded_time.desc", None, 1)


@pytest.mark.parametrize("key", [ONBOARDED, None])
@pytest.mark.parametrize("row_id", [0, 1, 12, 123, 123456789012345, MAX_ID])
def test_cursor_round_trip(key: datetime | None, row_id: int) -> None:
    cursor = Cursor(Sort.ONBOARDED_DESC, key, row_id)
    assert Cursor.decode(cursor.encode(), Sort.ONBOARDED_DESC) == cursor
    assert "=" not in cursor.encode()


def test_a_padded_cursor_is_accepted_too() -> None:
    padded = token("creation_time.asc", None, 5, pad=True)
    assert padded.endswith("=")
    assert Cursor.decode(padded, Sort.CREATION_ASC) == Cursor(Sort.CREATION_ASC, None, 5)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "%%%",
        "bm9wZQ",  # "nope"
        "WyJ4Il0",  # ["x"]
        token("creation_time.asc", None),
        token("creation_time.asc", None, 1, 2),
        token("creation_time.sideways", None, 1),
        token("creation_time.asc", "yesterday", 1),
        token("creation_time.asc", None, "one"),
        token("creation_time.asc", None, None),
        token("creation_time.asc", None, -1),
        token("creation_time.asc", None, MAX_ID + 1),
        token({"sort": "creation_time.asc"}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_bad_cursor(bad: str) -> None:
    with invalid("invalid paging cursor", "after"):
        Cursor.decode(bad, Sort.CREATION_ASC)


def test_cursor_of_other_sort_refused() -> None:
    other = Cursor(Sort.CREATION_ASC, CREATED, 1).encode()
    with invalid("the cursor belongs to another sort order"):
        Cursor.decode(other, Sort.CREATION_DESC)


def listed_number() -> PhoneNumber:
    return PhoneNumber(
        id=42,
        waba_id=1,
        e164="+919876543210",
        country_code="IN",
        dial_code="91",
        verified_name="X",
        state=NumberState.CONNECTED,
        created_at=CREATED,
        last_onboarded_at=ONBOARDED,
    )


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        (Sort.CREATION_ASC, CREATED),
        (Sort.CREATION_DESC, CREATED),
        (Sort.ONBOARDED_ASC, ONBOARDED),
        (Sort.ONBOARDED_DESC, ONBOARDED),
    ],
)
def test_cursor_of_a_row_is_its_sort_key(sort: Sort, key: datetime) -> None:
    assert cursor_of(listed_number(), sort) == Cursor(sort, key, 42)


def test_a_never_onboarded_row_has_no_onboarding_key() -> None:
    number = listed_number()
    number.last_onboarded_at = None
    assert cursor_of(number, Sort.ONBOARDED_ASC) == Cursor(Sort.ONBOARDED_ASC, None, 42)


def test_filter_fields_and_values_are_metas() -> None:
    assert FILTER_VALUES == {
        "account_mode": ("LIVE", "SANDBOX"),
        "messaging_limit_tier": ("TIER_50", "TIER_250", "TIER_1K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"),
        "is_official_business_account": ("true", "false"),
    }
    assert [op.value for op in Op] == ["EQUAL", "NOT_EQUAL", "IN", "NOT_IN"]


@pytest.mark.parametrize(
    ("op", "negated"), [("EQUAL", False), ("NOT_EQUAL", True), ("IN", False), ("NOT_IN", True)]
)
def test_negated_operators(op: str, negated: bool) -> None:
    values: Any = "LIVE" if op.endswith("EQUAL") else ["LIVE"]
    made = make_filter("account_mode", op, values)
    assert made == Filter("account_mode", Op(op), ("LIVE",))
    assert made.negated is negated


@pytest.mark.parametrize(
    ("field", "operator", "value", "values"),
    [
        ("is_official_business_account", "equal", True, ("true",)),
        ("is_official_business_account", "EQUAL", False, ("false",)),
        ("is_official_business_account", "Equal", " TRUE ", ("true",)),
        ("account_mode", "equal", " SANDBOX ", ("SANDBOX",)),
        ("messaging_limit_tier", "in", ["TIER_1K", "TIER_10K"], ("TIER_1K", "TIER_10K")),
        ("messaging_limit_tier", "not_in", ["TIER_50"], ("TIER_50",)),
    ],
)
def test_filters_normalise_operators_and_values(
    field: str, operator: str, value: Any, values: tuple[str, ...]
) -> None:
    made = make_filter(field, operator, value)
    assert (made.field, made.op, made.values) == (field, Op(operator.upper()), values)


@pytest.mark.parametrize("field", ["status", "ACCOUNT_MODE", None, ["account_mode"]])
def test_an_unknown_filter_field_is_refused(field: Any) -> None:
    with invalid(FIELD_RULE, "filtering"):
        make_filter(field, "EQUAL", "LIVE")


@pytest.mark.parametrize("operator", ["LIKE", "", None, "NOTEQUAL"])
def test_an_unknown_operator_is_refused(operator: Any) -> None:
    with invalid("filtering: operator must be one of EQUAL, NOT_EQUAL, IN, NOT_IN", "filtering"):
        make_filter("account_mode", operator, "LIVE")


@pytest.mark.parametrize("op", ["EQUAL", "NOT_EQUAL"])
@pytest.mark.parametrize("value", [["LIVE", "SANDBOX"], []])
def test_equality_takes_exactly_one_value(op: str, value: list[str]) -> None:
    with invalid(f"filtering: {op} takes exactly one value", "filtering"):
        make_filter("account_mode", op, value)


@pytest.mark.parametrize("op", ["IN", "NOT_IN"])
def test_membership_takes_at_least_one_value(op: str) -> None:
    with invalid(f"filtering: {op} takes at least one value", "filtering"):
        make_filter("account_mode", op, [])


def test_a_single_value_in_a_list_counts_as_one() -> None:
    assert make_filter("account_mode", "EQUAL", ["LIVE"]).values == ("LIVE",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("account_mode", "live"),
        ("account_mode", True),
        ("messaging_limit_tier", "TIER_2K"),
        ("messaging_limit_tier", "tier_1k"),
        ("is_official_business_account", "yes"),
        ("is_official_business_account", 1),
    ],
)
def test_values_outside_a_fields_vocabulary_are_refused(field: str, value: Any) -> None:
    with invalid(f"filtering: {field} must be one of " + ", ".join(FILTER_VALUES[field]), "filtering"):
        make_filter(field, "IN", [value])


@pytest.mark.parametrize("limit", [1, 2, 99, 100])
def test_limits_within_bounds_pass(limit: int) -> None:
    assert check_limit(limit) == limit


@pytest.mark.parametrize("limit", [0, -1, 101])
def test_limits_outside_1_to_100_are_refused(limit: int) -> None:
    with invalid("limit must be between 1 and 100", "limit"):
        check_limit(limit)
