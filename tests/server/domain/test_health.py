"""``health_status``: every entity's status, errors and additional info for each state that drives them,
with Meta's exact texts, and seed 000's two samples reproduced whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wanumbers.server.domain import health
from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality
from wanumbers.server.domain.records import Account, PhoneNumber, Waba

SEED_DETAILS = Path(__file__).parents[2] / "fixtures" / "kaleyra" / "details.json"
S = NumberState


def number(**changes: Any) -> PhoneNumber:
    base = PhoneNumber(
        id=11,
        waba_id=22,
        e164="+919876543210",
        country_code="IN",
        dial_code="91",
        verified_name="X",
        state=S.CONNECTED,
        name_status=NameStatus.APPROVED,
        quality=Quality.GREEN,
        sip_enabled=True,
        sip_server_configured=True,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def status(n: PhoneNumber, waba_restricted: bool = False, business_restricted: bool = False) -> Any:
    account = Account(1, "HX", "A", "IN", business_id=33, app_id=44, business_restricted=business_restricted)
    return derive_health(n, Waba(22, 1, "v2", restricted=waba_restricted), account)


def entity(result: Any, kind: str) -> Any:
    return next(e for e in result["entities"] if e["entity_type"] == kind)


def test_metas_texts() -> None:
    assert health.NAME_NOT_APPROVED == (
        "Your display name has not been approved yet. "
        "Your message limit will increase after the display name is approved."
    )
    assert health.LOW_QUALITY == (
        "Your phone number's quality rating is low. "
        "Your message limit will not increase until the quality rating improves."
    )
    assert health.RESTRICTED_INFO == (
        "Your phone number has been restricted from initiating conversations "
        "because of policy violations. You can still reply to customers."
    )


@pytest.mark.parametrize(
    ("error", "code", "description", "solution"),
    [
        (
            health.SIP_NOT_ENABLED,
            138024,
            "WhatsApp Business calling cannot use SIP because it is not enabled",
            "Configure SIP using {PHONE_NUMBER_ID}/settings API",
        ),
        (
            health.SIP_SERVER_MISSING,
            138025,
            "This app cannot use SIP for WhatsApp Business calling because it has not configured a SIP "
            "server for this business phone number",
            "Configure SIP server using {PHONE_NUMBER_ID}/settings API",
        ),
        (
            health.NOT_REGISTERED,
            133010,
            "Phone number not registered on the WhatsApp Business Platform",
            "Register the phone number using {PHONE_NUMBER_ID}/register API",
        ),
        (
            health.NUMBER_BANNED,
            131031,
            "The phone number has been banned for violating WhatsApp Business policies",
            "Request a review of the decision in WhatsApp Manager",
        ),
        (
            health.WABA_LOCKED,
            131031,
            "The WhatsApp Business Account has been restricted or disabled for violating a platform policy",
            "Request a review of the decision in WhatsApp Manager",
        ),
        (
            health.BUSINESS_BLOCKED,
            368,
            "The business has been temporarily blocked for policy violations",
            "Review the WhatsApp Business Messaging Policy and request a review in Business Support Home",
        ),
    ],
)
def test_every_health_error_is_metas(
    error: dict[str, Any], code: int, description: str, solution: str
) -> None:
    assert error == {"error_code": code, "error_description": description, "possible_solution": solution}
    assert list(error) == ["error_code", "error_description", "possible_solution"]


def seed_sample(index: int) -> Any:
    """Seed 000's sample ``index``, its masked ids replaced by the ids this module's records carry."""
    sample = json.loads(SEED_DETAILS.read_text())[index]["health_status"]
    ids = {"PHONE_NUMBER": "11", "WABA": "22", "BUSINESS": "33", "APP": "44"}
    for item in sample["entities"]:
        item["id"] = ids[item["entity_type"]]
    return sample


def test_seed_sample_with_a_declined_name_and_no_sip_is_reproduced_exactly() -> None:
    result = status(number(name_status=NameStatus.DECLINED, sip_enabled=False, sip_server_configured=False))
    assert result == seed_sample(0)
    assert json.dumps(result) == json.dumps(seed_sample(0)), "keys in the seed's order"


def test_seed_sample_of_an_available_number_is_reproduced_exactly() -> None:
    result = status(number(sip_server_configured=False))
    assert json.dumps(result) == json.dumps(seed_sample(1))


def test_a_healthy_number_is_available_with_no_errors_or_info() -> None:
    assert status(number()) == {
        "can_send_message": "AVAILABLE",
        "entities": [
            {
                "can_receive_call_sip": "AVAILABLE",
                "can_send_message": "AVAILABLE",
                "entity_type": "PHONE_NUMBER",
                "id": "11",
            },
            {"can_send_message": "AVAILABLE", "entity_type": "WABA", "id": "22"},
            {"can_send_message": "AVAILABLE", "entity_type": "BUSINESS", "id": "33"},
            {
                "can_receive_call_sip": "AVAILABLE",
                "can_send_message": "AVAILABLE",
                "entity_type": "APP",
                "id": "44",
            },
        ],
    }


# (state, name status, quality) -> the phone entity's status, errors and additional info.
PHONE_CASES = [
    (S.CONNECTED, NameStatus.APPROVED, Quality.GREEN, "AVAILABLE", [], []),
    (S.CONNECTED, NameStatus.AVAILABLE_WITHOUT_REVIEW, Quality.YELLOW, "AVAILABLE", [], []),
    (S.CONNECTED, NameStatus.APPROVED, Quality.NA, "AVAILABLE", [], []),
    (S.CONNECTED, NameStatus.PENDING_REVIEW, Quality.GREEN, "LIMITED", [], [health.NAME_NOT_APPROVED]),
    (S.CONNECTED, NameStatus.DECLINED, Quality.GREEN, "LIMITED", [], [health.NAME_NOT_APPROVED]),
    (S.CONNECTED, NameStatus.EXPIRED, Quality.GREEN, "LIMITED", [], [health.NAME_NOT_APPROVED]),
    (S.CONNECTED, NameStatus.NONE, Quality.GREEN, "LIMITED", [], [health.NAME_NOT_APPROVED]),
    (S.CONNECTED, NameStatus.APPROVED, Quality.RED, "LIMITED", [], [health.LOW_QUALITY]),
    (S.FLAGGED, NameStatus.APPROVED, Quality.GREEN, "LIMITED", [], [health.LOW_QUALITY]),
    (S.FLAGGED, NameStatus.APPROVED, Quality.RED, "LIMITED", [], [health.LOW_QUALITY]),
    (S.RESTRICTED, NameStatus.APPROVED, Quality.GREEN, "LIMITED", [], [health.RESTRICTED_INFO]),
    (
        S.RESTRICTED,
        NameStatus.DECLINED,
        Quality.RED,
        "LIMITED",
        [],
        [health.RESTRICTED_INFO, health.NAME_NOT_APPROVED, health.LOW_QUALITY],
    ),
    (S.UNVERIFIED, NameStatus.APPROVED, Quality.GREEN, "BLOCKED", [health.NOT_REGISTERED], []),
    (S.VERIFIED, NameStatus.APPROVED, Quality.GREEN, "BLOCKED", [health.NOT_REGISTERED], []),
    (S.DISCONNECTED, NameStatus.APPROVED, Quality.GREEN, "BLOCKED", [health.NOT_REGISTERED], []),
    (
        S.DISCONNECTED,
        NameStatus.PENDING_REVIEW,
        Quality.RED,
        "BLOCKED",
        [health.NOT_REGISTERED],
        [health.NAME_NOT_APPROVED, health.LOW_QUALITY],
    ),
    (S.BANNED, NameStatus.APPROVED, Quality.GREEN, "BLOCKED", [health.NUMBER_BANNED], []),
]


@pytest.mark.parametrize(("state", "name", "quality", "expected", "errors", "info"), PHONE_CASES)
def test_the_phone_entity(
    state: NumberState,
    name: NameStatus,
    quality: Quality,
    expected: str,
    errors: list[dict[str, Any]],
    info: list[str],
) -> None:
    result = status(number(state=state, name_status=name, quality=quality))
    phone: dict[str, Any] = {}
    if info:
        phone["additional_info"] = info
    phone.update(can_receive_call_sip="AVAILABLE", can_send_message=expected, entity_type="PHONE_NUMBER")
    if errors:
        phone["errors"] = errors
    phone["id"] = "11"
    assert json.dumps(entity(result, "PHONE_NUMBER")) == json.dumps(phone)
    assert result["can_send_message"] == expected


def test_sip_not_enabled_is_reported_after_the_number_errors_and_does_not_block_messaging() -> None:
    result = status(number(state=S.DISCONNECTED, sip_enabled=False))
    phone = entity(result, "PHONE_NUMBER")
    assert phone["errors"] == [health.NOT_REGISTERED, health.SIP_NOT_ENABLED]
    assert phone["can_receive_call_sip"] == "BLOCKED"
    available = entity(status(number(sip_enabled=False)), "PHONE_NUMBER")
    assert available == {
        "can_receive_call_sip": "BLOCKED",
        "can_send_message": "AVAILABLE",
        "entity_type": "PHONE_NUMBER",
        "errors": [health.SIP_NOT_ENABLED],
        "id": "11",
    }


def test_sip_flags_drive_138024_and_138025_independently() -> None:
    result = status(number(sip_enabled=False))
    assert "errors" not in entity(result, "APP")
    result = status(number(sip_server_configured=False))
    assert entity(result, "APP") == {
        "can_receive_call_sip": "BLOCKED",
        "can_send_message": "AVAILABLE",
        "entity_type": "APP",
        "errors": [health.SIP_SERVER_MISSING],
        "id": "44",
    }
    assert "errors" not in entity(result, "PHONE_NUMBER")
    assert result["can_send_message"] == "AVAILABLE", "SIP does not affect messaging"


def test_a_restricted_waba_is_blocked_with_its_error() -> None:
    result = status(number(), waba_restricted=True)
    assert entity(result, "WABA") == {
        "can_send_message": "BLOCKED",
        "entity_type": "WABA",
        "errors": [health.WABA_LOCKED],
        "id": "22",
    }
    assert entity(result, "PHONE_NUMBER")["can_send_message"] == "AVAILABLE"
    assert result["can_send_message"] == "BLOCKED"


def test_a_restricted_business_is_blocked_with_its_error() -> None:
    result = status(number(), business_restricted=True)
    assert entity(result, "BUSINESS") == {
        "can_send_message": "BLOCKED",
        "entity_type": "BUSINESS",
        "errors": [health.BUSINESS_BLOCKED],
        "id": "33",
    }
    assert entity(result, "WABA") == {"can_send_message": "AVAILABLE", "entity_type": "WABA", "id": "22"}
    assert result["can_send_message"] == "BLOCKED"


@pytest.mark.parametrize(
    ("changes", "waba_restricted", "overall"),
    [
        ({}, False, "AVAILABLE"),
        ({"quality": Quality.RED}, False, "LIMITED"),
        ({"name_status": NameStatus.DECLINED}, True, "BLOCKED"),
        ({"state": S.BANNED, "quality": Quality.RED}, False, "BLOCKED"),
        ({"sip_enabled": False, "sip_server_configured": False}, False, "AVAILABLE"),
    ],
)
def test_overall_status_is_the_worst_entity(
    changes: dict[str, Any], waba_restricted: bool, overall: str
) -> None:
    result = status(number(**changes), waba_restricted=waba_restricted)
    assert result["can_send_message"] == overall
    assert [e["entity_type"] for e in result["entities"]] == ["PHONE_NUMBER", "WABA", "BUSINESS", "APP"]
    assert list(result) == ["can_send_message", "entities"]


def test_limited_beats_available_whatever_the_entity_order() -> None:
    # The phone entity comes first; a LIMITED phone must win over three AVAILABLE entities after it.
    assert status(number(name_status=NameStatus.NONE))["can_send_message"] == "LIMITED"
