"""The ``WhatsAppBusinessPhoneNumber`` node: every field of the table for the states that change it,
the default field sets, and seed 000's details sample reproduced from a record."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.node import FIELDS, KALEYRA_DETAILS, LIST_DEFAULT, NODE_DEFAULT, project
from wanumbers.server.domain.records import (
    Account,
    Automation,
    Command,
    GraphSettings,
    PhoneNumber,
    Routing,
    Waba,
)

SEED_DETAILS = Path(__file__).parents[2] / "fixtures" / "kaleyra" / "details.json"
S = NumberState
WABA = Waba(22, 1, "v2")
ACCOUNT = Account(1, "HX", "A", "IN", business_id=33, app_id=44)
REGISTERED = [S.CONNECTED, S.FLAGGED, S.RESTRICTED]
UNREGISTERED = [S.UNVERIFIED, S.VERIFIED, S.DISCONNECTED, S.BANNED]


def number(**changes: Any) -> PhoneNumber:
    base = PhoneNumber(
        id=11,
        waba_id=22,
        e164="+919876543210",
        country_code="IN",
        dial_code="91",
        verified_name="Acme",
        state=S.CONNECTED,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def field(name: str, **changes: Any) -> Any:
    return project(number(**changes), WABA, ACCOUNT, [name])[name]


def test_the_default_field_sets() -> None:
    assert NODE_DEFAULT == ("id", "display_phone_number", "verified_name", "quality_rating")
    assert (*NODE_DEFAULT, "code_verification_status", "status") == LIST_DEFAULT
    assert KALEYRA_DETAILS == (
        "display_phone_number",
        "health_status",
        "id",
        "messaging_limit_tier",
        "name_status",
        "quality_rating",
        "quality_score",
        "status",
        "throughput",
        "verified_name",
    )


def test_every_field_of_a_fresh_connected_number() -> None:
    n = number()
    assert project(n, WABA, ACCOUNT, FIELDS) == {
        "id": "11",
        "display_phone_number": "+91 98765 43210",
        "verified_name": "Acme",
        "quality_rating": "NA",
        "quality_score": {"score": "NA"},
        "code_verification_status": "VERIFIED",
        "name_status": "PENDING_REVIEW",
        "status": "CONNECTED",
        "platform_type": "CLOUD_API",
        "host_platform": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
        "messaging_limit_tier": "TIER_250",
        "whatsapp_business_manager_messaging_limit": "TIER_250",
        "account_mode": "LIVE",
        "health_status": derive_health(n, WABA, ACCOUNT),
        "is_official_business_account": False,
        "is_pin_enabled": False,
        "last_onboarded_time": None,
        "country_code": "IN",
        "country_dial_code": "91",
        "new_name_status": "NONE",
        "certificate": None,
        "new_certificate": None,
        "is_preverified_number": False,
        "is_on_biz_app": False,
        "search_visibility": "VISIBLE",
        "eligibility_for_api_business_global_search": "ELIGIBLE",
        "unified_cert_status": "NAME_PENDING_REVIEW",
        "webhook_configuration": {"override_callback_uri": ""},
        "username": None,
        "conversational_automation": {
            "enable_welcome_message": False,
            "prompts": [],
            "commands": [],
            "id": "11",
        },
    }


def test_project_keeps_the_order_asked_and_refuses_unknown_names() -> None:
    assert list(project(number(), WABA, ACCOUNT, ["status", "id"])) == ["status", "id"]
    with pytest.raises(KeyError):
        project(number(), WABA, ACCOUNT, ["id", "nope"])


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.UNVERIFIED, "PENDING"),
        (S.VERIFIED, "PENDING"),
        (S.CONNECTED, "CONNECTED"),
        (S.DISCONNECTED, "DISCONNECTED"),
        (S.FLAGGED, "FLAGGED"),
        (S.RESTRICTED, "RESTRICTED"),
        (S.BANNED, "BANNED"),
    ],
)
def test_status_for_every_state(state: NumberState, status: str) -> None:
    assert field("status", state=state) == status
    assert field("code_verification_status", state=state) == (
        "NOT_VERIFIED" if state is S.UNVERIFIED else "VERIFIED"
    )


@pytest.mark.parametrize("state", REGISTERED)
def test_a_registered_number_is_on_the_cloud_api_and_visible(state: NumberState) -> None:
    n = number(state=state, throughput=Throughput.HIGH)
    assert project(
        n, WABA, ACCOUNT, ["platform_type", "host_platform", "throughput", "search_visibility"]
    ) == {
        "platform_type": "CLOUD_API",
        "host_platform": "CLOUD_API",
        "throughput": {"level": "HIGH"},
        "search_visibility": "VISIBLE",
    }
    assert field("eligibility_for_api_business_global_search", state=state) == "ELIGIBLE"


@pytest.mark.parametrize("state", UNREGISTERED)
def test_an_unregistered_number_has_no_platform_throughput_or_visibility(state: NumberState) -> None:
    n = number(state=state, throughput=Throughput.HIGH)
    assert project(
        n, WABA, ACCOUNT, ["platform_type", "host_platform", "throughput", "search_visibility"]
    ) == {
        "platform_type": "NOT_APPLICABLE",
        "host_platform": "NOT_APPLICABLE",
        "throughput": {"level": "NOT_APPLICABLE"},
        "search_visibility": "HIDDEN",
    }
    eligibility = field("eligibility_for_api_business_global_search", state=state)
    assert eligibility == "NON_ELIGIBLE_UNDEFINED_COUNTRY"


@pytest.mark.parametrize(
    ("name_status", "unified", "certified"),
    [
        (NameStatus.APPROVED, "APPROVED", True),
        (NameStatus.AVAILABLE_WITHOUT_REVIEW, "APPROVED", True),
        (NameStatus.PENDING_REVIEW, "NAME_PENDING_REVIEW", False),
        (NameStatus.DECLINED, "NAME_NOT_APPROVED", False),
        (NameStatus.EXPIRED, "NAME_NOT_APPROVED", False),
        (NameStatus.NONE, "ACCOUNT_REVIEW_NOT_STARTED", False),
    ],
)
def test_name_status_drives_the_certificate(name_status: NameStatus, unified: str, certified: bool) -> None:
    assert field("name_status", name_status=name_status) == name_status.value
    assert field("unified_cert_status", name_status=name_status) == unified
    expected = base64.b64encode(b"wanumbers:11:Acme").decode() if certified else None
    assert field("certificate", name_status=name_status) == expected
    assert field("new_name_status", name_status=name_status) == "NONE"
    assert field("new_certificate", name_status=name_status) is None


def test_the_certificate_changes_only_with_the_name() -> None:
    approved = NameStatus.APPROVED
    assert field("certificate", name_status=approved) == field("certificate", name_status=approved)
    renamed = field("certificate", name_status=approved, verified_name="Acme Two")
    assert base64.b64decode(renamed) == b"wanumbers:11:Acme Two"


@pytest.mark.parametrize(
    ("tier", "portfolio"),
    [
        (MessagingTier.TIER_50, "TIER_50"),
        (MessagingTier.TIER_250, "TIER_250"),
        (MessagingTier.TIER_1K, "TIER_2K"),
        (MessagingTier.TIER_10K, "TIER_10K"),
        (MessagingTier.TIER_100K, "TIER_100K"),
        (MessagingTier.TIER_UNLIMITED, "TIER_UNLIMITED"),
    ],
)
def test_tiers(tier: MessagingTier, portfolio: str) -> None:
    assert field("messaging_limit_tier", tier=tier) == tier.value
    assert field("whatsapp_business_manager_messaging_limit", tier=tier) == portfolio


@pytest.mark.parametrize("quality", list(Quality))
def test_quality(quality: Quality) -> None:
    assert field("quality_rating", quality=quality) == quality.value
    assert field("quality_score", quality=quality) == {"score": quality.value}


def test_simple_fields_echo_the_record() -> None:
    n = number(
        id=987654321012345,
        verified_name="Kaleyracloud2",
        country_code="US",
        dial_code="1",
        e164="+14155552671",
        account_mode=AccountMode.SANDBOX,
        is_official_business_account=True,
        pin_digest="digest",
    )
    names = ["id", "verified_name", "country_code", "country_dial_code", "account_mode"]
    assert project(n, WABA, ACCOUNT, [*names, "is_official_business_account", "is_pin_enabled"]) == {
        "id": "987654321012345",
        "verified_name": "Kaleyracloud2",
        "country_code": "US",
        "country_dial_code": "1",
        "account_mode": "SANDBOX",
        "is_official_business_account": True,
        "is_pin_enabled": True,
    }
    assert project(n, WABA, ACCOUNT, ["is_preverified_number", "is_on_biz_app", "username"]) == {
        "is_preverified_number": False,
        "is_on_biz_app": False,
        "username": None,
    }


def test_display_is_the_stored_form_or_computed_from_e164() -> None:
    assert field("display_phone_number", display="+91 98765 43210 (stored)") == "+91 98765 43210 (stored)"
    assert field("display_phone_number", e164="+14155552671", country_code="US", dial_code="1") == (
        "+1 415-555-2671"
    )


@pytest.mark.parametrize(
    ("moment", "printed"),
    [
        (datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC), "2025-03-04T05:06:07+0000"),
        (datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), "2025-12-31T23:59:59+0000"),
    ],
)
def test_last_onboarded_time_in_metas_format(moment: datetime, printed: str) -> None:
    assert field("last_onboarded_time", last_onboarded_at=moment) == printed


def test_webhook_override_is_the_incoming_url() -> None:
    routing = Routing(incoming_url="https://hooks.example.com/wa")
    assert field("webhook_configuration", routing=routing) == {
        "override_callback_uri": "https://hooks.example.com/wa"
    }


def test_conversational_automation_is_a_copy_carrying_the_numbers_id() -> None:
    automation = Automation(True, ["Hi"], [Command("help", "Get help")])
    rendered = field("conversational_automation", automation=automation)
    assert rendered == {
        "enable_welcome_message": True,
        "prompts": ["Hi"],
        "commands": [{"command_name": "help", "command_description": "Get help"}],
        "id": "11",  # Graph's object carries the number's id; pywa reads it
    }
    assert rendered["prompts"] is not automation.prompts
    assert json.dumps(rendered)  # plain data, ready for the wire


def test_health_status_is_derived_from_the_number_waba_and_account() -> None:
    n = number(sip_enabled=True)
    restricted = Waba(22, 1, "v2", restricted=True)
    assert project(n, restricted, ACCOUNT, ["health_status"])["health_status"] == derive_health(
        n, restricted, ACCOUNT
    )
    assert (
        project(n, restricted, ACCOUNT, ["health_status"])["health_status"]["can_send_message"] == "BLOCKED"
    )


def test_seed_details_sample_is_reproduced_from_a_record() -> None:
    sample = json.loads(SEED_DETAILS.read_text())[0]
    ids = {"PHONE_NUMBER": "11", "WABA": "22", "BUSINESS": "33", "APP": "44"}
    for item in sample["health_status"]["entities"]:
        item["id"] = ids[item["entity_type"]]
    sample.update(id="11", display_phone_number="+91 98765 43210")
    n = number(
        verified_name="MKLRV2",
        tier=MessagingTier.TIER_1K,
        name_status=NameStatus.DECLINED,
        quality=Quality.GREEN,
    )
    assert json.dumps(project(n, WABA, ACCOUNT, KALEYRA_DETAILS)) == json.dumps(sample)


@pytest.mark.parametrize("status", list(NameStatus))
def test_new_name_status_is_the_rename_requests(status: NameStatus) -> None:
    assert field("new_name_status", graph=GraphSettings(new_name_status=status)) == status.value


@pytest.mark.parametrize(
    ("state", "stored", "shown"),
    [
        (S.CONNECTED, None, "VISIBLE"),
        (S.VERIFIED, None, "HIDDEN"),
        (S.CONNECTED, "HIDDEN", "HIDDEN"),
        (S.VERIFIED, "VISIBLE", "VISIBLE"),
    ],
)
def test_search_visibility_set_by_the_owner_wins(state: NumberState, stored: str | None, shown: str) -> None:
    graph = GraphSettings(search_visibility=stored)
    assert field("search_visibility", state=state, graph=graph) == shown


@pytest.mark.parametrize(
    ("override", "incoming", "shown"),
    [
        (None, None, ""),
        (None, "https://v1.example/in", "https://v1.example/in"),
        ("https://hooks.example/o", "https://v1.example/in", "https://hooks.example/o"),
        ("https://hooks.example/o", None, "https://hooks.example/o"),
    ],
)
def test_webhook_configuration_shows_the_override_first(
    override: str | None, incoming: str | None, shown: str
) -> None:
    graph = GraphSettings(webhook_override_uri=override, webhook_verify_token="secret")
    value = field("webhook_configuration", graph=graph, routing=Routing(incoming_url=incoming))
    assert value == {"override_callback_uri": shown}


def test_username_is_the_stored_one() -> None:
    assert field("username", graph=GraphSettings(username="acme.foods")) == "acme.foods"
