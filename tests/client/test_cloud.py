"""CloudAPI: Graph paths, parameters, bodies and parsing for every method."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from wanumbers.client import (
    AsyncCloudAPI,
    BusinessVertical,
    CallingSettings,
    CloudAPI,
    CodeMethod,
    Command,
    MessagingLimitTier,
    PlatformType,
    QualityRating,
    ThroughputLevel,
)

from ._support import Recorder, reply

PHONE = "106540352242922"
WABA = "102290129340398"


def make(recorder: Recorder, **options: Any) -> CloudAPI:
    return CloudAPI(
        access_token="EAAG-token",
        phone_number_id=PHONE,
        waba_id=WABA,
        transport=recorder.transport,
        **options,
    )


def query(recorder: Recorder) -> dict[str, list[str]]:
    return parse_qs(recorder.last.url.query.decode())


def test_get_phone_number_by_id_requests_fields_with_bearer_auth() -> None:
    node = {
        "id": PHONE,
        "display_phone_number": "+1 555 123 4567",
        "verified_name": "My Business",
        "quality_rating": "GREEN",
        "platform_type": "CLOUD_API",
        "throughput": {"level": "STANDARD"},
        "last_onboarded_time": "2024-01-15T10:30:00+0000",
        "code_verification_status": "VERIFIED",
    }
    recorder = Recorder([reply(200, node)])
    number = make(recorder).get_phone_number_by_id(["display_phone_number", "quality_rating"])
    assert str(recorder.last.url).startswith(f"https://graph.facebook.com/v23.0/{PHONE}?")
    assert query(recorder) == {"fields": ["display_phone_number,quality_rating"]}
    assert recorder.last.headers["authorization"] == "Bearer EAAG-token"
    assert number.quality_rating is QualityRating.GREEN
    assert number.platform_type is PlatformType.CLOUD_API
    assert number.throughput is not None and number.throughput.level is ThroughputLevel.STANDARD


def test_phone_number_id_can_be_overridden_per_call() -> None:
    recorder = Recorder([reply(200, {"id": "999"})])
    make(recorder, api_version="v21.0").get_phone_number_by_id(phone_number_id="999")
    assert recorder.last.url.path == "/v21.0/999"
    assert recorder.last.url.query == b""


def test_missing_ids_are_a_clear_error() -> None:
    client = CloudAPI("T")
    with pytest.raises(ValueError, match="phone_number_id is required"):
        client.verify_code("123456")
    with pytest.raises(ValueError, match="waba_id is required"):
        client.get_phone_numbers()


def test_get_phone_numbers_encodes_filtering_sort_and_cursors() -> None:
    page = {
        "data": [{"id": "1", "display_phone_number": "+1 555", "status": "CONNECTED"}],
        "paging": {"cursors": {"before": "B", "after": "A"}},
    }
    recorder = Recorder([reply(200, page)])
    result = make(recorder).get_phone_numbers(
        fields=["id", "status"],
        filtering=[{"field": "account_mode", "operator": "EQUAL", "value": "SANDBOX"}],
        sort="creation_time.desc",
        limit=10,
        after="CURSOR",
    )
    assert recorder.last.url.path == f"/v23.0/{WABA}/phone_numbers"
    assert query(recorder) == {
        "fields": ["id,status"],
        "filtering": ['[{"field":"account_mode","operator":"EQUAL","value":"SANDBOX"}]'],
        "sort": ["creation_time.desc"],
        "limit": ["10"],
        "after": ["CURSOR"],
    }
    assert [n.id for n in result.data] == ["1"]
    assert result.next_cursor is None  # no "next" link: last page


def test_create_phone_number_returns_the_new_id() -> None:
    recorder = Recorder([reply(200, {"id": "1906385232743451"})])
    new_id = make(recorder).create_phone_number("+1", "5551234567", "My Business")
    assert new_id == "1906385232743451"
    assert recorder.last.method == "POST"
    assert recorder.last.url.path == f"/v23.0/{WABA}/phone_numbers"
    assert recorder.body() == {"cc": "1", "phone_number": "5551234567", "verified_name": "My Business"}
    assert "idempotency-key" in recorder.last.headers


def test_verification_code_flow_bodies() -> None:
    recorder = Recorder([reply(200, {"success": True})])
    client = make(recorder)
    assert client.request_verification_code(CodeMethod.VOICE, "en_US").success is True
    assert recorder.last.url.path == f"/v23.0/{PHONE}/request_code"
    assert recorder.body() == {"code_method": "VOICE", "language": "en_US"}
    client.verify_code("123456")
    assert recorder.last.url.path == f"/v23.0/{PHONE}/verify_code"
    assert recorder.body() == {"code": "123456"}


def test_register_and_deregister() -> None:
    recorder = Recorder([reply(200, {"success": True})])
    client = make(recorder)
    client.register("654321", data_localization_region="IN")
    assert recorder.last.url.path == f"/v23.0/{PHONE}/register"
    assert recorder.body() == {
        "messaging_product": "whatsapp",
        "pin": "654321",
        "data_localization_region": "IN",
    }
    client.deregister()
    assert recorder.last.url.path == f"/v23.0/{PHONE}/deregister"
    assert recorder.last.content == b""


def test_set_conversational_automation_sends_only_given_parts() -> None:
    recorder = Recorder([reply(200, {"success": True})])
    client = make(recorder)
    client.set_conversational_automation(
        enable_welcome_message=True,
        prompts=["Book a flight", "Check flight status"],
        commands=[
            Command(command_name="book_flight", command_description="Start booking a flight"),
            {"command_name": "help", "command_description": "Get help"},
        ],
    )
    assert recorder.last.url.path == f"/v23.0/{PHONE}/conversational_automation"
    assert recorder.body() == {
        "enable_welcome_message": True,
        "prompts": ["Book a flight", "Check flight status"],
        "commands": [
            {"command_name": "book_flight", "command_description": "Start booking a flight"},
            {"command_name": "help", "command_description": "Get help"},
        ],
    }
    client.set_conversational_automation(enable_welcome_message=False)
    assert recorder.body() == {"enable_welcome_message": False}


def test_get_conversational_automation_unwraps_the_field() -> None:
    node = {
        "conversational_automation": {
            "enable_welcome_message": True,
            "prompts": ["View menu", "Place order"],
            "commands": [{"command_name": "order", "command_description": "Place an order"}],
        },
        "id": PHONE,
    }
    recorder = Recorder([reply(200, node)])
    automation = make(recorder).get_conversational_automation()
    assert query(recorder) == {"fields": ["conversational_automation"]}
    assert automation.enable_welcome_message is True
    assert automation.prompts == ["View menu", "Place order"]
    assert automation.commands[0].command_name == "order"


def test_get_throughput_returns_level_and_tier_from_one_call() -> None:
    node = {"throughput": {"level": "HIGH"}, "messaging_limit_tier": "TIER_10K", "id": PHONE}
    recorder = Recorder([reply(200, node)])
    info = make(recorder).get_throughput()
    assert len(recorder.requests) == 1
    assert query(recorder) == {"fields": ["throughput,messaging_limit_tier"]}
    assert info.level is ThroughputLevel.HIGH
    assert info.messaging_limit_tier is MessagingLimitTier.TIER_10K


def test_get_throughput_tolerates_the_deprecated_tier_being_null() -> None:
    recorder = Recorder(
        [reply(200, {"throughput": {"level": "NOT_APPLICABLE"}, "messaging_limit_tier": None, "id": "1"})]
    )
    info = make(recorder).get_throughput()
    assert info.level is ThroughputLevel.NOT_APPLICABLE
    assert info.messaging_limit_tier is None


@pytest.mark.parametrize("wrapped", [False, True])
def test_get_business_profile_reads_flat_and_openapi_wrapped_shapes(wrapped: bool) -> None:
    profile = {
        "about": "Hi",
        "address": "1 Main St",
        "description": "Shop",
        "email": "a@b.co",
        "messaging_product": "whatsapp",
        "websites": ["https://example.com"],
        "vertical": "RETAIL",
    }
    item = {"business_profile": profile} if wrapped else profile
    recorder = Recorder([reply(200, {"data": [item]})])
    result = make(recorder).get_business_profile()
    assert recorder.last.url.path == f"/v23.0/{PHONE}/whatsapp_business_profile"
    assert "about" in query(recorder)["fields"][0]
    assert result.vertical is BusinessVertical.RETAIL
    assert result.websites == ["https://example.com"]


def test_update_business_profile_adds_messaging_product() -> None:
    recorder = Recorder([reply(200, {"success": True})])
    make(recorder).update_business_profile(
        about="Hello", vertical=BusinessVertical.EDU, websites=["https://a.b"]
    )
    assert recorder.body() == {
        "messaging_product": "whatsapp",
        "about": "Hello",
        "vertical": "EDU",
        "websites": ["https://a.b"],
    }


def test_settings_round_trip() -> None:
    settings = {
        "calling": {
            "status": "enabled",
            "call_icon_visibility": "visible",
            "sip": {"status": "enabled", "servers": [{"hostname": "sip.example.com", "port": 5061}]},
        },
        "payload_encryption": {"status": "disabled"},
        "storage_configuration": {"status": "default"},
    }
    recorder = Recorder([reply(200, settings), reply(200, {"success": True})])
    client = make(recorder)
    read = client.get_settings(include_sip_credentials=True)
    assert query(recorder) == {"include_sip_credentials": ["true"]}
    assert read.calling is not None and read.calling.sip is not None
    assert read.calling.sip.servers[0].hostname == "sip.example.com"

    client.update_settings(calling=CallingSettings(status="enabled", sip={"status": "enabled"}))
    assert recorder.last.url.path == f"/v23.0/{PHONE}/settings"
    assert recorder.body() == {"calling": {"status": "enabled", "sip": {"status": "enabled", "servers": []}}}


@pytest.mark.anyio
async def test_async_cloud_api_matches_the_sync_requests() -> None:
    node = {"throughput": {"level": "STANDARD"}, "messaging_limit_tier": "TIER_1K", "id": PHONE}
    recorder = Recorder([reply(200, {"id": "42"}), reply(200, node)])
    async with AsyncCloudAPI(
        "T", phone_number_id=PHONE, waba_id=WABA, transport=recorder.transport
    ) as client:
        assert await client.create_phone_number("91", "9876543210", "Shop") == "42"
        info = await client.get_throughput()
    assert info.messaging_limit_tier is MessagingLimitTier.TIER_1K
    assert [r.url.path for r in recorder.requests] == [f"/v23.0/{WABA}/phone_numbers", f"/v23.0/{PHONE}"]
