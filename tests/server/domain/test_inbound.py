"""Live mode's received webhooks: the signature rule, the notification's shape, and what each documented
change does to a number or WABA (Meta's own examples in tests/fixtures/webhooks/meta/)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest

from wanumbers.server.domain import inbound
from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus, NumberState, Throughput
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.domain.records import PhoneNumber

FIXTURES = Path(__file__).parents[2] / "fixtures" / "webhooks" / "meta"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def number(**changes: Any) -> PhoneNumber:
    base = PhoneNumber(
        id=1, waba_id=102290129340398, e164="+15550783881", country_code="US", dial_code="1",
        verified_name="Old Name", state=NumberState.CONNECTED, name_status=NameStatus.PENDING_REVIEW,
        tier=MessagingTier.TIER_250,
    )  # fmt: skip
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def change(field: str, **value: Any) -> PhoneNumberChange:
    return PhoneNumberChange(waba_id=1, number_id=None, field=field, value=value, time=0)


# -- the signature ---------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (sign("s3cret", b'{"a":1}'), True),
        (sign("s3cret", b'{"a":1}').upper().replace("SHA256=", "sha256="), True),  # hex in any case
        (sign("other", b'{"a":1}'), False),
        (sign("s3cret", b'{"a": 1}'), False),  # the raw body, byte for byte
        (sign("s3cret", b'{"a":1}').removeprefix("sha256="), False),
        (sign("s3cret", b'{"a":1}').replace("sha256=", "sha1="), False),
        ("sha256=", False),
        ("", False),
    ],
)
def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body(header: str, matches: bool) -> None:
    assert inbound.signature_matches("s3cret", b'{"a":1}', header) is matches


# -- the notification ------------------------------------------------------------------------------


def test_a_notification_gives_every_change_in_order() -> None:
    body = fixture("phone_number_name_update_approved")
    second = copy.deepcopy(body["entry"][0])
    second["id"], second["time"] = "7", 5
    body["entry"].append(second)
    changes = inbound.parse_notification(body)
    assert [(c.waba_id, c.time, c.field) for c in changes] == [
        (102290129340398, body["entry"][0]["time"], "phone_number_name_update"),
        (7, 5, "phone_number_name_update"),
    ]
    assert changes[0].number_id is None
    assert changes[0].value["decision"] == "APPROVED"


def test_an_entry_without_time_is_taken_at_zero() -> None:
    body = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": []}]}
    assert inbound.parse_notification(body) == []
    body["entry"][0]["changes"] = [{"field": "f", "value": {}}]
    assert inbound.parse_notification(body)[0].time == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "object must be 'whatsapp_business_account'"),
        ({"object": "page", "entry": []}, "object must be 'whatsapp_business_account'"),
        ({"object": "whatsapp_business_account"}, "entry must be a list"),
        ({"object": "whatsapp_business_account", "entry": {}}, "entry must be a list"),
        ({"object": "whatsapp_business_account", "entry": ["x"]}, "entry[0] must be an object"),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": 12, "changes": []}]},
            "entry[0].id must be a WhatsApp Business Account id",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "12a", "changes": []}]},
            "entry[0].id must be a WhatsApp Business Account id",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "time": "1", "changes": []}]},
            "entry[0].time must be a Unix timestamp",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "time": True, "changes": []}]},
            "entry[0].time must be a Unix timestamp",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": {}}]},
            "entry[0].changes must be a list",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [1]}]},
            "entry[0].changes[0] must be an object",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"value": {}}]}]},
            "entry[0].changes[0] needs a field name and a value object",
        ),
        (
            {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "f"}]}]},
            "entry[0].changes[0] needs a field name and a value object",
        ),
        (
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "f", "value": {}}, {"field": "f", "value": []}]}],
            },
            "entry[0].changes[1] needs a field name and a value object",
        ),
    ],
)
def test_what_is_not_a_notification_is_named(body: Any, message: str) -> None:
    with pytest.raises(inbound.MalformedNotification) as caught:
        inbound.parse_notification(body)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("field", "display", "e164"),
    [
        ("phone_number_quality_update", "15550783881", "+15550783881"),
        ("phone_number_name_update", "+15550783881", "+15550783881"),
        ("phone_number_name_update", "1555 078", None),
        ("phone_number_name_update", "++15550783881", None),
        ("phone_number_name_update", "X15550783881", None),
        ("phone_number_name_update", "", None),
        ("account_update", "15550783881", None),
    ],
)
def test_the_number_a_change_is_about(field: str, display: str, e164: str | None) -> None:
    assert inbound.number_e164(change(field, display_phone_number=display)) == e164


@pytest.mark.parametrize("value", [{}, {"display_phone_number": None}, {"display_phone_number": 15550783881}])
def test_a_change_without_a_display_number_is_about_no_number(value: dict[str, Any]) -> None:
    assert inbound.number_e164(change("phone_number_quality_update", **value)) is None


# -- phone_number_quality_update -------------------------------------------------------------------


def quality(**value: Any) -> PhoneNumberChange:
    return change("phone_number_quality_update", display_phone_number="15550783881", **value)


def test_metas_throughput_upgrade_example() -> None:
    [received] = inbound.parse_notification(fixture("phone_number_quality_update_throughput_upgrade"))
    n = number()
    assert inbound.apply_to_number(n, received) is True
    assert (n.tier, n.throughput) == (MessagingTier.TIER_UNLIMITED, Throughput.HIGH)


def test_metas_flagged_example() -> None:
    [received] = inbound.parse_notification(fixture("phone_number_quality_update_flagged"))
    n = number()
    assert inbound.apply_to_number(n, received) is True
    assert (n.state, n.tier) == (NumberState.FLAGGED, MessagingTier.TIER_10K)


@pytest.mark.parametrize("tier", list(MessagingTier))
def test_every_tier_meta_names_is_taken(tier: MessagingTier) -> None:
    n = number(tier=MessagingTier.TIER_50 if tier is not MessagingTier.TIER_50 else MessagingTier.TIER_250)
    assert inbound.apply_to_number(n, quality(current_limit=tier.value)) is True
    assert n.tier is tier


def test_the_portfolio_limit_wins_over_the_deprecated_current_limit() -> None:
    n = number()
    change_ = quality(current_limit="TIER_1K", max_daily_conversations_per_business="TIER_10K")
    assert inbound.apply_to_number(n, change_) is True
    assert n.tier is MessagingTier.TIER_10K


@pytest.mark.parametrize("limit", ["TIER_2K", "TIER_NOT_SET", "tier_1k", None])
def test_a_limit_we_do_not_track_leaves_the_tier(limit: str | None) -> None:
    n = number()
    assert inbound.apply_to_number(n, quality(current_limit=limit)) is False
    assert n.tier is MessagingTier.TIER_250


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (NumberState.CONNECTED, "FLAGGED", NumberState.FLAGGED),
        (NumberState.FLAGGED, "UNFLAGGED", NumberState.CONNECTED),
        (NumberState.RESTRICTED, "UNFLAGGED", NumberState.RESTRICTED),  # lifted by its own decision
        (NumberState.BANNED, "UNFLAGGED", NumberState.BANNED),
        (NumberState.BANNED, "FLAGGED", NumberState.BANNED),  # no such transition: unchanged
        (NumberState.CONNECTED, "ONBOARDING", NumberState.CONNECTED),
        (NumberState.CONNECTED, "UPGRADE", NumberState.CONNECTED),
    ],
)
def test_flag_events_move_the_number_as_the_lifecycle_allows(
    state: NumberState, event: str, after: NumberState
) -> None:
    n = number(state=state)
    assert inbound.apply_to_number(n, quality(event=event)) is (after is not state)
    assert n.state is after
    assert n.throughput is Throughput.STANDARD


def test_a_repeated_upgrade_changes_nothing() -> None:
    n = number(tier=MessagingTier.TIER_UNLIMITED, throughput=Throughput.HIGH)
    assert (
        inbound.apply_to_number(n, quality(event="THROUGHPUT_UPGRADE", current_limit="TIER_UNLIMITED"))
        is False
    )


# -- phone_number_name_update ----------------------------------------------------------------------


def test_metas_name_approved_example() -> None:
    [received] = inbound.parse_notification(fixture("phone_number_name_update_approved"))
    n = number()
    assert inbound.apply_to_number(n, received) is True
    assert (n.name_status, n.verified_name) == (NameStatus.APPROVED, "Lucky Shrub")


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ("REJECTED", NameStatus.DECLINED),
        ("PENDING", NameStatus.PENDING_REVIEW),
        ("DEFERRED", NameStatus.PENDING_REVIEW),
    ],
)
def test_other_name_decisions_keep_the_name(decision: str, status: NameStatus) -> None:
    n = number(name_status=NameStatus.APPROVED)
    value = {"display_phone_number": "15550783881", "requested_verified_name": "New", "decision": decision}
    assert inbound.apply_to_number(n, change("phone_number_name_update", **value)) is True
    assert (n.name_status, n.verified_name) == (status, "Old Name")


@pytest.mark.parametrize("requested", [None, "", 7])
def test_an_approval_without_a_name_keeps_the_old_one(requested: Any) -> None:
    n = number()
    value = {"decision": "APPROVED", "requested_verified_name": requested}
    assert inbound.apply_to_number(n, change("phone_number_name_update", **value)) is True
    assert (n.name_status, n.verified_name) == (NameStatus.APPROVED, "Old Name")


@pytest.mark.parametrize("decision", ["approved", "UNKNOWN", None])
def test_an_unknown_decision_changes_nothing(decision: Any) -> None:
    n = number()
    value = {"decision": decision, "requested_verified_name": "New"}
    assert inbound.apply_to_number(n, change("phone_number_name_update", **value)) is False
    assert (n.name_status, n.verified_name) == (NameStatus.PENDING_REVIEW, "Old Name")


def test_an_untracked_field_changes_no_number() -> None:
    n = number()
    assert inbound.apply_to_number(n, change("account_alerts", current_limit="TIER_10K")) is False
    assert n.tier is MessagingTier.TIER_250


# -- account_update --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "restricted"),
    [
        ("account_update_account_restriction", True),
        ("account_update_disabled_update", False),  # REINSTATE
        ("account_update_account_violation", None),
        ("account_update_partner_app_installed", None),
    ],
)
def test_metas_account_update_examples(name: str, restricted: bool | None) -> None:
    [received] = inbound.parse_notification(fixture(name))
    assert inbound.waba_restriction(received) is restricted


@pytest.mark.parametrize(
    ("value", "restricted"),
    [
        ({"event": "ACCOUNT_RESTRICTION"}, True),
        ({"event": "ACCOUNT_RESTRICTION", "restriction_info": []}, False),  # nothing restricted any more
        ({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "DISABLE"}}, True),
        ({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "SCHEDULE_FOR_DISABLE"}}, False),
        ({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "REINSTATE"}}, False),
        ({"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "OTHER"}}, None),
        ({"event": "DISABLED_UPDATE", "ban_info": "DISABLE"}, None),
        ({"event": "DISABLED_UPDATE"}, None),
    ],
)
def test_what_an_account_update_says_of_the_restriction(
    value: dict[str, Any], restricted: bool | None
) -> None:
    assert inbound.waba_restriction(change("account_update", **value)) is restricted


def test_a_phone_number_change_says_nothing_of_the_waba() -> None:
    assert (
        inbound.waba_restriction(change("phone_number_quality_update", event="ACCOUNT_RESTRICTION")) is None
    )
