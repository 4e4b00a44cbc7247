from __future__ import annotations

from typing import Any

from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality
from wanumbers.server.domain.records import Account, PhoneNumber, Waba


def number(**changes: Any) -> PhoneNumber:
    base = PhoneNumber(
        id=1,
        waba_id=2,
        e164="+919876543210",
        country_code="IN",
        dial_code="91",
        verified_name="X",
        state=NumberState.CONNECTED,
        name_status=NameStatus.APPROVED,
        quality=Quality.GREEN,
        sip_enabled=True,
        sip_server_configured=True,
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def health(n: PhoneNumber, waba_restricted: bool = False, business_restricted: bool = False) -> Any:
    account = Account(1, "HX", "A", "IN", business_id=3, app_id=4, business_restricted=business_restricted)
    return derive_health(n, Waba(2, 1, "v2", restricted=waba_restricted), account)


def entity(result: Any, kind: str) -> Any:
    return next(e for e in result["entities"] if e["entity_type"] == kind)


def test_healthy_number_is_available_with_no_errors() -> None:
    result = health(number())
    assert result["can_send_message"] == "AVAILABLE"
    assert [e["entity_type"] for e in result["entities"]] == ["PHONE_NUMBER", "WABA", "BUSINESS", "APP"]
    assert all("errors" not in e and "additional_info" not in e for e in result["entities"])


def test_unapproved_name_limits_the_number() -> None:
    result = health(number(name_status=NameStatus.PENDING_REVIEW))
    assert result["can_send_message"] == "LIMITED"
    assert entity(result, "PHONE_NUMBER")["additional_info"][0].startswith("Your display name has not been")


def test_sip_flags_drive_138024_and_138025_independently() -> None:
    result = health(number(sip_enabled=False))
    assert entity(result, "PHONE_NUMBER")["errors"][0]["error_code"] == 138024
    assert "errors" not in entity(result, "APP")
    result = health(number(sip_server_configured=False))
    assert entity(result, "APP")["errors"][0]["error_code"] == 138025
    assert entity(result, "APP")["can_receive_call_sip"] == "BLOCKED"
    assert result["can_send_message"] == "AVAILABLE", "SIP does not affect messaging"


def test_overall_status_is_the_worst_entity() -> None:
    assert health(number(), waba_restricted=True)["can_send_message"] == "BLOCKED"
    assert health(number(), business_restricted=True)["can_send_message"] == "BLOCKED"
    limited_and_blocked = health(number(name_status=NameStatus.DECLINED), waba_restricted=True)
    assert limited_and_blocked["can_send_message"] == "BLOCKED"


def test_low_quality_and_bans() -> None:
    assert health(number(quality=Quality.RED))["can_send_message"] == "LIMITED"
    banned = health(number(state=NumberState.BANNED))
    assert banned["can_send_message"] == "BLOCKED"
    assert entity(banned, "PHONE_NUMBER")["errors"][0]["error_code"] == 131031
