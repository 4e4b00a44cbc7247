"""Which change Meta reports by webhook, in which payload: every trigger and non-trigger, every value,
the envelope and the signature, checked against Meta's documented examples (tests/fixtures/webhooks/meta)."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain import webhooks
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus, NumberState, Quality, Throughput
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.domain.webhooks import NumberFacts

FIXTURES = Path(__file__).parents[2] / "fixtures" / "webhooks" / "meta"
NOW = datetime(2025, 4, 17, 9, 30, tzinfo=UTC)
E164 = "+15550783881"
BASE = NumberFacts(
    state=NumberState.CONNECTED,
    name_status=NameStatus.PENDING_REVIEW,
    quality=Quality.GREEN,
    tier=MessagingTier.TIER_1K,
    throughput=Throughput.STANDARD,
    verified_name="Lucky Shrub",
)


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return loaded


def fixture_value(name: str) -> dict[str, Any]:
    value: dict[str, Any] = fixture(name)["entry"][0]["changes"][0]["value"]
    return value


def changed(**after: Any) -> list[tuple[str, dict[str, Any]]]:
    return changes(BASE, dataclasses.replace(BASE, **after))


def changes(before: NumberFacts, after: NumberFacts) -> list[tuple[str, dict[str, Any]]]:
    found = webhooks.number_changes(before, after, waba_id=7, number_id=9, e164=E164, now=NOW)
    for change in found:
        assert (change.waba_id, change.number_id, change.time) == (7, 9, int(NOW.timestamp()))
    return [(change.field, dict(change.value)) for change in found]


def quality(event: str, tier: str, old: str | None = None, portfolio: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"display_phone_number": "15550783881", "event": event}
    if old is not None:
        value["old_limit"] = old
    value["current_limit"] = tier
    value["max_daily_conversations_per_business"] = portfolio or tier
    return value


@pytest.fixture
def far_east() -> Iterator[None]:
    """The process in UTC+14: a date printed in local time instead of UTC would be the next day."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


# --- the payloads against Meta's examples --------------------------------------------------------


def test_an_approved_name_is_meta_s_example() -> None:
    value = webhooks.name_update("15550783881", NameStatus.APPROVED, "Lucky Shrub")
    assert value == fixture_value("phone_number_name_update_approved")
    assert list(value) == list(fixture_value("phone_number_name_update_approved"))


def test_a_declined_name_is_rejected_with_a_reason() -> None:
    assert webhooks.name_update("15550783881", NameStatus.DECLINED, "Lucky Shrub") == {
        "display_phone_number": "15550783881",
        "decision": "REJECTED",
        "requested_verified_name": "Lucky Shrub",
        "rejection_reason": "NAME_FORMAT_UNACCEPTABLE",
    }


def test_a_flag_carries_meta_s_keys_and_the_portfolio_limit() -> None:
    documented = fixture_value("phone_number_quality_update_flagged")
    ours = webhooks.quality_update(documented["display_phone_number"], "FLAGGED", MessagingTier.TIER_10K)
    assert {key: ours[key] for key in documented} == documented
    assert ours["max_daily_conversations_per_business"] == "TIER_10K"
    assert "old_limit" not in ours


def test_a_throughput_upgrade_carries_meta_s_keys() -> None:
    documented = fixture_value("phone_number_quality_update_throughput_upgrade")
    ours = webhooks.quality_update("15550783881", "THROUGHPUT_UPGRADE", MessagingTier.TIER_UNLIMITED)
    assert {key: ours[key] for key in documented} == documented


def test_a_limit_change_names_the_old_limit_before_the_current_one() -> None:
    value = webhooks.quality_update("1", "UPGRADE", MessagingTier.TIER_1K, MessagingTier.TIER_250)
    assert list(value) == [
        "display_phone_number",
        "event",
        "old_limit",
        "current_limit",
        "max_daily_conversations_per_business",
    ]
    assert value["max_daily_conversations_per_business"] == "TIER_2K"  # Meta's portfolio tier for 1K


def test_a_restriction_is_meta_s_example_shape() -> None:
    documented = fixture_value("account_update_account_restriction")
    expires = datetime.fromtimestamp(1641330498, UTC)
    ours = webhooks.restriction(
        ["RESTRICTED_BIZ_INITIATED_MESSAGING", "RESTRICTED_ADD_PHONE_NUMBER_ACTION"], expires
    )
    assert ours == documented


def test_a_reinstatement_is_meta_s_example() -> None:
    assert webhooks.ban("REINSTATE", NOW) == fixture_value("account_update_disabled_update")


@pytest.mark.parametrize(
    ("moment", "printed"),
    [
        (datetime(2026, 1, 2, 23, 59, tzinfo=UTC), "January 2, 2026"),
        (datetime(2026, 1, 2, 23, 59, tzinfo=UTC) + timedelta(minutes=2), "January 3, 2026"),
        (datetime(2026, 1, 3, 1, 0, tzinfo=timezone(timedelta(hours=5))), "January 2, 2026"),
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "December 31, 2026"),  # already 2027 in the far east
    ],
)
def test_a_ban_date_is_printed_as_meta_prints_it_in_utc(
    moment: datetime, printed: str, far_east: None
) -> None:
    assert webhooks.ban("DISABLE", moment) == {
        "event": "DISABLED_UPDATE",
        "ban_info": {"waba_ban_state": "DISABLE", "waba_ban_date": printed},
    }


# --- which changes are reported ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ({"name_status": NameStatus.APPROVED}, [("phone_number_name_update", "APPROVED")]),
        ({"name_status": NameStatus.DECLINED}, [("phone_number_name_update", "REJECTED")]),
        ({"name_status": NameStatus.EXPIRED}, []),
        ({"name_status": NameStatus.AVAILABLE_WITHOUT_REVIEW}, []),
        ({"name_status": NameStatus.NONE}, []),
        ({"name_status": NameStatus.PENDING_REVIEW}, []),
    ],
)
def test_name_decisions_and_only_decisions_are_reported(
    after: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert [(field, value["decision"]) for field, value in changed(**after)] == expected


def test_the_same_decision_again_is_not_reported_twice() -> None:
    approved = dataclasses.replace(BASE, name_status=NameStatus.APPROVED)
    assert changes(approved, approved) == []


def test_a_decision_names_the_number_as_digits_and_the_requested_name() -> None:
    [(_, value)] = changed(name_status=NameStatus.APPROVED, verified_name="New Name")
    assert value["display_phone_number"] == "15550783881"
    assert value["requested_verified_name"] == "New Name"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({}, {"quality": Quality.RED}, [quality("FLAGGED", "TIER_1K", portfolio="TIER_2K")]),
        ({}, {"quality": Quality.YELLOW}, []),
        ({}, {"quality": Quality.NA}, []),
        (
            {"quality": Quality.RED},
            {"quality": Quality.YELLOW},
            [quality("UNFLAGGED", "TIER_1K", portfolio="TIER_2K")],
        ),
        (
            {"quality": Quality.RED},
            {"quality": Quality.GREEN},
            [quality("UNFLAGGED", "TIER_1K", portfolio="TIER_2K")],
        ),
        ({"quality": Quality.RED}, {"quality": Quality.RED}, []),
        ({"quality": Quality.YELLOW}, {"quality": Quality.GREEN}, []),
        ({}, {"state": NumberState.FLAGGED}, [quality("FLAGGED", "TIER_1K", portfolio="TIER_2K")]),
        (
            {"state": NumberState.FLAGGED},
            {"state": NumberState.CONNECTED},
            [quality("UNFLAGGED", "TIER_1K", portfolio="TIER_2K")],
        ),
        # still red after the enforcement is lifted: still flagged
        ({"state": NumberState.FLAGGED, "quality": Quality.RED}, {"quality": Quality.RED}, []),
        # red and flagged at once: one flag
        (
            {},
            {"state": NumberState.FLAGGED, "quality": Quality.RED},
            [quality("FLAGGED", "TIER_1K", portfolio="TIER_2K")],
        ),
    ],
)
def test_flags_follow_low_quality_and_the_flag_enforcement(
    before: dict[str, Any], after: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    start = dataclasses.replace(BASE, **before)
    assert changes(start, dataclasses.replace(start, **after)) == [
        (webhooks.QUALITY_UPDATE, v) for v in expected
    ]


@pytest.mark.parametrize(
    ("old", "new", "event"),
    [
        (MessagingTier.TIER_1K, MessagingTier.TIER_10K, "UPGRADE"),
        (MessagingTier.TIER_50, MessagingTier.TIER_250, "UPGRADE"),
        (MessagingTier.TIER_100K, MessagingTier.TIER_UNLIMITED, "UPGRADE"),
        (MessagingTier.TIER_10K, MessagingTier.TIER_1K, "DOWNGRADE"),
        (MessagingTier.TIER_250, MessagingTier.TIER_50, "DOWNGRADE"),
        (MessagingTier.TIER_UNLIMITED, MessagingTier.TIER_100K, "DOWNGRADE"),
    ],
)
def test_limit_changes_are_upgrades_or_downgrades_with_both_limits(
    old: MessagingTier, new: MessagingTier, event: str
) -> None:
    start = dataclasses.replace(BASE, tier=old)
    [(field, value)] = changes(start, dataclasses.replace(start, tier=new))
    assert field == webhooks.QUALITY_UPDATE
    assert (value["event"], value["old_limit"], value["current_limit"]) == (event, old.value, new.value)
    assert value["display_phone_number"] == "15550783881"


@pytest.mark.parametrize(
    ("old", "new", "reported"),
    [
        (Throughput.STANDARD, Throughput.HIGH, True),
        (Throughput.NOT_APPLICABLE, Throughput.HIGH, True),
        (Throughput.HIGH, Throughput.HIGH, False),
        (Throughput.HIGH, Throughput.STANDARD, False),  # Meta documents no throughput downgrade event
        (Throughput.STANDARD, Throughput.NOT_APPLICABLE, False),
    ],
)
def test_only_a_throughput_upgrade_is_reported(old: Throughput, new: Throughput, reported: bool) -> None:
    start = dataclasses.replace(BASE, throughput=old)
    expected = (
        [(webhooks.QUALITY_UPDATE, quality("THROUGHPUT_UPGRADE", "TIER_UNLIMITED"))] if reported else []
    )
    assert changes(start, dataclasses.replace(start, throughput=new)) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            NumberState.VERIFIED,
            NumberState.CONNECTED,
            [quality("ONBOARDING", "TIER_1K", portfolio="TIER_2K")],
        ),
        (NumberState.DISCONNECTED, NumberState.CONNECTED, []),  # a re-registration is not an onboarding
        (NumberState.UNVERIFIED, NumberState.VERIFIED, []),
        (NumberState.CONNECTED, NumberState.DISCONNECTED, []),
    ],
)
def test_the_first_registration_is_an_onboarding(
    old: NumberState, new: NumberState, expected: list[dict[str, Any]]
) -> None:
    start = dataclasses.replace(BASE, state=old)
    assert changes(start, dataclasses.replace(start, state=new)) == [
        (webhooks.QUALITY_UPDATE, v) for v in expected
    ]


EXPIRES = int((NOW + timedelta(days=30)).timestamp())
RESTRICTED = {
    "event": "ACCOUNT_RESTRICTION",
    "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": EXPIRES}],
}
BANNED = {
    "event": "DISABLED_UPDATE",
    "ban_info": {"waba_ban_state": "DISABLE", "waba_ban_date": "April 17, 2025"},
}
REINSTATED = {
    "event": "DISABLED_UPDATE",
    "ban_info": {"waba_ban_state": "REINSTATE", "waba_ban_date": "April 17, 2025"},
}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (NumberState.CONNECTED, NumberState.RESTRICTED, [RESTRICTED]),
        (NumberState.FLAGGED, NumberState.RESTRICTED, [RESTRICTED]),
        (NumberState.CONNECTED, NumberState.BANNED, [BANNED]),
        (NumberState.RESTRICTED, NumberState.BANNED, [BANNED]),
        (NumberState.BANNED, NumberState.CONNECTED, [REINSTATED]),
        (NumberState.RESTRICTED, NumberState.CONNECTED, []),  # Meta documents no "restriction lifted"
        (NumberState.RESTRICTED, NumberState.RESTRICTED, []),
        (NumberState.CONNECTED, NumberState.DISCONNECTED, []),
    ],
)
def test_enforcement_is_an_account_update(
    old: NumberState, new: NumberState, expected: list[dict[str, Any]]
) -> None:
    start = dataclasses.replace(BASE, state=old)
    found = [
        value
        for field, value in changes(start, dataclasses.replace(start, state=new))
        if field == "account_update"
    ]
    assert found == expected


def test_a_ban_of_a_flagged_number_is_not_an_unflag() -> None:
    start = dataclasses.replace(BASE, state=NumberState.FLAGGED)
    assert changes(start, dataclasses.replace(start, state=NumberState.BANNED)) == [
        ("account_update", BANNED)
    ]


def test_several_changes_come_in_meta_s_order_name_quality_account() -> None:
    start = dataclasses.replace(BASE, state=NumberState.CONNECTED)
    after = dataclasses.replace(
        start,
        name_status=NameStatus.APPROVED,
        tier=MessagingTier.TIER_10K,
        throughput=Throughput.HIGH,
        quality=Quality.RED,
        state=NumberState.RESTRICTED,
    )
    assert [
        (field, value["event"] if "event" in value else value["decision"])
        for field, value in changes(start, after)
    ] == [
        ("phone_number_name_update", "APPROVED"),
        ("phone_number_quality_update", "FLAGGED"),
        ("phone_number_quality_update", "UPGRADE"),
        ("phone_number_quality_update", "THROUGHPUT_UPGRADE"),
        ("account_update", "ACCOUNT_RESTRICTION"),
    ]


def test_nothing_changed_reports_nothing() -> None:
    assert changes(BASE, BASE) == []


def test_a_number_record_is_read_into_facts() -> None:
    number = PhoneNumber(
        id=9,
        waba_id=7,
        e164=E164,
        country_code="US",
        dial_code="1",
        verified_name="Lucky Shrub",
        state=NumberState.CONNECTED,
        name_status=NameStatus.PENDING_REVIEW,
        quality=Quality.GREEN,
        tier=MessagingTier.TIER_1K,
        throughput=Throughput.STANDARD,
    )
    assert webhooks.facts_of(number) == BASE
    before = webhooks.facts_of(number)
    number.name_status = NameStatus.APPROVED
    [change] = webhooks.changes_of(before, number, NOW)
    assert (change.waba_id, change.number_id, change.field) == (7, 9, "phone_number_name_update")


@pytest.mark.parametrize(
    ("e164", "digits"), [("+15550783881", "15550783881"), ("+91 98765-43210", "919876543210")]
)
def test_the_display_number_is_the_digits(e164: str, digits: str) -> None:
    assert webhooks.display_number(e164) == digits


# --- account level -------------------------------------------------------------------------------


def test_a_waba_restriction_is_an_account_restriction_of_the_waba() -> None:
    [change] = webhooks.waba_restriction(7, True, NOW)
    assert (change.waba_id, change.number_id, change.field, change.time) == (
        7,
        None,
        "account_update",
        int(NOW.timestamp()),
    )
    assert change.value == {
        "event": "ACCOUNT_RESTRICTION",
        "restriction_info": [
            {"restriction_type": "RESTRICTED_ADD_PHONE_NUMBER_ACTION", "expiration": EXPIRES},
            {"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": EXPIRES},
        ],
    }


def test_lifting_a_waba_restriction_reports_nothing() -> None:
    assert webhooks.waba_restriction(7, False, NOW) == []


# --- envelope, signature, subscriptions ----------------------------------------------------------


def test_the_envelope_is_meta_s() -> None:
    documented = fixture("account_update_disabled_update")
    value = documented["entry"][0]["changes"][0]["value"]
    change = PhoneNumberChange(
        waba_id=102290129340398, number_id=None, field="account_update", value=value, time=1743451903
    )
    assert webhooks.envelope([change]) == documented


def test_changes_of_one_waba_share_one_entry_at_the_latest_time() -> None:
    first = PhoneNumberChange(waba_id=7, number_id=1, field="a", value={"x": 1}, time=10)
    second = PhoneNumberChange(waba_id=7, number_id=2, field="b", value={"y": 2}, time=12)
    assert webhooks.envelope([first, second]) == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "7",
                "time": 12,
                "changes": [{"value": {"x": 1}, "field": "a"}, {"value": {"y": 2}, "field": "b"}],
            }
        ],
    }


def test_an_envelope_is_of_one_waba_and_not_empty() -> None:
    with pytest.raises(AssertionError, match=r"^an envelope carries at least one change(\n|$)"):
        webhooks.envelope([])
    one = PhoneNumberChange(waba_id=7, number_id=1, field="a", value={}, time=1)
    other = dataclasses.replace(one, waba_id=8)
    with pytest.raises(AssertionError, match=r"^one entry per WABA(\n|$)"):
        webhooks.envelope([one, other])


def test_the_signature_is_hmac_sha256_of_the_raw_body_in_hex() -> None:
    body = b'{"object":"whatsapp_business_account"}'
    expected = hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    assert webhooks.signature("app-secret", body) == f"sha256={expected}"
    assert webhooks.SIGNATURE_HEADER == "X-Hub-Signature-256"


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("account_update", ["account_update"]),
        ("account_update, phone_number_quality_update", ["account_update", "phone_number_quality_update"]),
        (["messages", "account_update", "messages"], ["messages", "account_update"]),
        ("phone_number_name_update,security", ["phone_number_name_update", "security"]),
    ],
)
def test_subscription_fields_are_a_list_or_a_comma_list(raw: object, names: list[str]) -> None:
    assert webhooks.subscription_fields(raw) == names


@pytest.mark.parametrize("raw", ["", [], None, 5, {"a": 1}])
def test_subscription_fields_must_name_one(raw: object) -> None:
    with refused(Reason.INVALID_PARAMETER, "fields must name at least one field", field="fields"):
        webhooks.subscription_fields(raw)


def test_an_unknown_subscription_field_is_named() -> None:
    with refused(Reason.INVALID_PARAMETER, "unknown webhook field 'phone_number'", field="fields"):
        webhooks.subscription_fields("account_update,phone_number")


def test_the_emitted_fields_are_subscribable() -> None:
    assert set(webhooks.FIELDS) <= webhooks.KNOWN_FIELDS
    assert webhooks.FIELDS == ("account_update", "phone_number_name_update", "phone_number_quality_update")


@pytest.mark.parametrize(
    ("fields", "field", "wanted"),
    [
        (["account_update"], "account_update", True),
        (["account_update"], "phone_number_quality_update", False),
        ([], "x", False),
    ],
)
def test_an_app_wants_the_fields_it_subscribed(fields: list[str], field: str, wanted: bool) -> None:
    assert webhooks.wanted(fields, field) is wanted


@pytest.mark.parametrize(
    ("answer", "echoed"),
    [
        (b"1158201444", True),
        (b"1158201444\n", True),
        (b"", False),
        (b"1158201445", False),
        (b'{"hub.challenge": 1158201444}', False),
    ],
)
def test_the_handshake_passes_only_when_the_challenge_is_echoed(answer: bytes, echoed: bool) -> None:
    assert webhooks.challenge_echoed("1158201444", answer) is echoed


def test_restriction_constants() -> None:
    assert timedelta(days=30) == webhooks.RESTRICTION_LENGTH
    assert webhooks.OBJECT == "whatsapp_business_account"
    assert webhooks.unix(datetime(1970, 1, 1, 0, 0, 1, 900000, tzinfo=UTC)) == 1
