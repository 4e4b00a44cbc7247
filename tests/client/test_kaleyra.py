"""Kaleyra client: request shape per seed, parsing of the seeds' success bodies."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.client import (
    AsyncKaleyra,
    BusinessCategory,
    CanSendMessage,
    CodeMethod,
    HealthEntityType,
    Kaleyra,
    MessagingLimitTier,
    NameStatus,
    PhoneNumberDetails,
    PhoneNumberStatus,
    QualityRating,
    ThroughputLevel,
)

from ._support import Recorder, reply

SID = "HXAP16XXXXXX97IN"
KEY = "AXXXXXXXXXXXXXXXXXXXXX3"


def make(recorder: Recorder, **options: Any) -> Kaleyra:
    return Kaleyra(sid=SID, api_key=KEY, transport=recorder.transport, **options)


@pytest.mark.parametrize(
    ("pod", "host"),
    [
        ("IN", "api.in.kaleyra.io"),
        ("SG", "api.ap.kaleyra.io"),
        ("EU", "api.eu.kaleyra.io"),
        ("NA", "api.na.kaleyra.io"),
        ("eu", "api.eu.kaleyra.io"),
    ],
)
def test_pod_selects_the_seed_api_domain(pod: Any, host: str, seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v2"])])
    Kaleyra(SID, KEY, pod=pod, transport=recorder.transport).get_number_details("914XXXXXX139")
    assert recorder.last.url.host == host
    assert recorder.last.url.scheme == "https"


def test_unknown_pod_is_rejected() -> None:
    with pytest.raises(ValueError, match="pod must be one of"):
        Kaleyra(SID, KEY, pod="XX")  # type: ignore[arg-type]


def test_base_url_overrides_pod_and_keeps_its_path_prefix(seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v2"])])
    client = Kaleyra(SID, KEY, pod="EU", base_url="http://sandbox.local/bsp/", transport=recorder.transport)
    client.get_number_details("914XXXXXX139")
    assert str(recorder.last.url) == (
        f"http://sandbox.local/bsp/v2/{SID}/whatsapp/914XXXXXX139/phone_number_details"
    )


def test_add_number_posts_seed_body_and_returns_data(seed_001: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_001["add_ok"])])
    new_id = make(recorder).add_number("766XXXXXXXXXX", "976XXXXXXX", "KALEYRA", CodeMethod.SMS, "+91")
    assert new_id == "7654XXXXXXXXXX"
    request = recorder.last
    assert request.method == "POST"
    assert request.url.path == f"/v2/{SID}/whatsapp/766XXXXXXXXXX/number/add"
    assert request.headers["api-key"] == KEY
    assert request.headers["content-type"] == "application/json"
    assert recorder.body() == {
        "phone_number": "976XXXXXXX",
        "name": "KALEYRA",
        "verification_type": "SMS",
        "country_code": "+91",
    }


def test_verify_number_sends_id_phone_and_otp(seed_002: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_002["verify_ok"])])
    result = make(recorder).verify_number("1090XXXXXXXXXXX", "678997654XXXXX", "+9197654XXXXX", "671142")
    assert result == "7654XXXXXXXXXX"
    assert recorder.last.url.path == f"/v2/{SID}/whatsapp/1090XXXXXXXXXXX/number/verify"
    assert recorder.body() == {"id": "678997654XXXXX", "phone_number": "+9197654XXXXX", "otp": "671142"}


def test_update_number_sends_only_given_fields_with_put(seed_003: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_003["update_ok"])])
    result = make(recorder).update_number(  # type: ignore[func-returns-value]
        "766XXXXXXXXXX",
        "+914846XXXXXX",
        about="Body Care (Body Lotion)",
        category=BusinessCategory.BEAUTY_SPA_SALON,
        callback_profile_id="e5a4f212-b0b0-4c77-9f04-7bXXXXXXd34f",
    )
    assert result is None
    assert recorder.last.method == "PUT"
    assert recorder.last.url.path == f"/v2/{SID}/whatsapp/766XXXXXXXXXX/number/update"
    assert "idempotency-key" not in recorder.last.headers
    assert recorder.body() == {
        "phone_number": "+914846XXXXXX",
        "about": "Body Care (Body Lotion)",
        "category": "BEAUTY_SPA_SALON",
        "callback_profile_id": "e5a4f212-b0b0-4c77-9f04-7bXXXXXXd34f",
    }


def test_number_details_v2_parses_the_whole_seed_document(seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v2"])])
    details = make(recorder).get_number_details("914XXXXXX139")

    assert isinstance(details, PhoneNumberDetails)
    assert recorder.last.method == "GET"
    assert recorder.last.url.path == f"/v2/{SID}/whatsapp/914XXXXXX139/phone_number_details"
    assert details.id == "489XXXXXXXX9632"
    assert details.display_phone_number == "+91 4X XXXX X139"
    assert details.messaging_limit_tier is MessagingLimitTier.TIER_1K
    assert details.name_status is NameStatus.DECLINED
    assert details.quality_rating is QualityRating.GREEN
    assert details.quality_score is not None and details.quality_score.score is QualityRating.GREEN
    assert details.status is PhoneNumberStatus.CONNECTED
    assert details.throughput is not None and details.throughput.level is ThroughputLevel.STANDARD
    assert details.verified_name == "MKLRV2"

    health = details.health_status
    assert health is not None and health.can_send_message is CanSendMessage.LIMITED
    assert [e.entity_type for e in health.entities] == ["PHONE_NUMBER", "WABA", "BUSINESS", "APP"]
    phone = health.entity(HealthEntityType.PHONE_NUMBER)
    assert phone is not None
    assert phone.can_receive_call_sip is CanSendMessage.BLOCKED
    assert phone.additional_info[0].startswith("Your display name has not been approved yet.")
    assert phone.errors[0].error_code == 138024
    assert phone.errors[0].possible_solution == "Configure SIP using {PHONE_NUMBER_ID}/settings API"
    waba = health.entity("WABA")
    assert waba is not None and waba.errors == [] and waba.can_receive_call_sip is None


def test_number_details_v1_uses_the_v1_path(seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v1"])])
    details = make(recorder).get_number_details("+918000000079", api_version="v1")
    assert recorder.last.url.path == f"/v1/{SID}/whatsapp/918000000079/phone_number_details"
    assert details.name_status is NameStatus.APPROVED
    assert details.health_status is not None
    assert details.health_status.can_send_message is CanSendMessage.AVAILABLE


def test_number_details_rejects_unknown_api_version() -> None:
    with pytest.raises(ValueError, match="api_version"):
        Kaleyra(SID, KEY).get_number_details("1", api_version="v3")  # type: ignore[arg-type]


def test_path_segments_are_percent_encoded(seed_001: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_001["add_ok"])])
    make(recorder).add_number("76/../x", "976", "K", "SMS", "+91")
    assert recorder.last.url.raw_path.decode() == f"/v2/{SID}/whatsapp/76%2F..%2Fx/number/add"


def test_user_agent_and_default_headers_are_sent(seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v2"])])
    make(recorder, default_headers={"X-Trace": "t1"}).get_number_details("914XXXXXX139")
    assert recorder.last.headers["user-agent"].startswith("wanumbers-python/")
    assert recorder.last.headers["x-trace"] == "t1"


def test_context_manager_closes_owned_client(seed_000: dict[str, Any]) -> None:
    recorder = Recorder([reply(200, seed_000["details_v2"])])
    with make(recorder) as client:
        client.get_number_details("914XXXXXX139")
    assert client._http.is_closed


@pytest.mark.anyio
async def test_async_client_speaks_the_same_contract(
    seed_000: dict[str, Any], seed_001: dict[str, Any], seed_003: dict[str, Any]
) -> None:
    recorder = Recorder(
        [
            reply(200, seed_001["add_ok"]),
            reply(200, seed_003["update_ok"]),
            reply(200, seed_000["details_v2"]),
        ]
    )
    async with AsyncKaleyra(SID, KEY, transport=recorder.transport) as client:
        assert await client.add_number("766", "976XXXXXXX", "KALEYRA", "VOICE", "+91") == "7654XXXXXXXXXX"
        assert await client.update_number("766", "+914846XXXXXX", email="a@b.co") is None  # type: ignore[func-returns-value]
        details = await client.get_number_details("914XXXXXX139")
    assert details.verified_name == "MKLRV2"
    assert [r.method for r in recorder.requests] == ["POST", "PUT", "GET"]
    assert recorder.body(1) == {"phone_number": "+914846XXXXXX", "email": "a@b.co"}
