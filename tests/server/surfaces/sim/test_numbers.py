"""/sim/numbers/{number}/…: each change shows up in the Kaleyra details document."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import Added
from tests.server.surfaces.sim.conftest import details, entity, error_codes
from wanumbers.server.domain.health import LOW_QUALITY, NAME_NOT_APPROVED


def post(client: TestClient, headers: dict[str, str], added: Added, action: str, body: Any = None) -> Any:
    return client.post(f"/sim/numbers/{added.id}/{action}", headers=headers, json=body)


def test_approving_the_name_lifts_the_limit(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    before = details(app_client, tenant, connected)
    assert before["health_status"]["can_send_message"] == "LIMITED"

    response = post(app_client, admin_headers, connected, "name", {"status": "APPROVED"})

    assert response.status_code == 200
    assert response.json()["name_status"] == "APPROVED"
    after = details(app_client, tenant, connected)
    assert after["name_status"] == "APPROVED"
    assert NAME_NOT_APPROVED not in entity(after, "PHONE_NUMBER").get("additional_info", [])
    assert after["health_status"]["can_send_message"] == "AVAILABLE"


def test_declining_the_name_keeps_the_number_limited(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    assert post(app_client, admin_headers, connected, "name", {"status": "DECLINED"}).status_code == 200

    node = details(app_client, tenant, connected)
    assert node["name_status"] == "DECLINED"
    assert NAME_NOT_APPROVED in entity(node, "PHONE_NUMBER")["additional_info"]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("name", {"status": "PENDING_REVIEW"}, "status"),
        ("name", {}, "status"),
        ("quality", {"rating": "BLUE"}, "rating"),
        ("tier", {"tier": "TIER_2"}, "tier"),
        ("throughput", {"level": "NOT_APPLICABLE"}, "level"),
        ("account-mode", {"mode": "live"}, "mode"),
        ("sip", {"sip_enabled": "yes"}, "sip_enabled"),
    ],
)
def test_values_meta_could_not_produce_are_refused(
    app_client: TestClient,
    connected: Added,
    admin_headers: dict[str, str],
    action: str,
    body: Any,
    field: str,
) -> None:
    response = post(app_client, admin_headers, connected, action, body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["field"] == field


@pytest.mark.parametrize("rating", ["GREEN", "YELLOW", "RED", "NA"])
def test_quality_rating_and_score_follow_together(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str], rating: str
) -> None:
    assert post(app_client, admin_headers, connected, "quality", {"rating": rating}).status_code == 200

    node = details(app_client, tenant, connected)
    assert node["quality_rating"] == rating
    assert node["quality_score"] == {"score": rating}
    assert (LOW_QUALITY in entity(node, "PHONE_NUMBER").get("additional_info", [])) == (rating == "RED")


def test_tier_throughput_and_account_mode_are_served(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    post(app_client, admin_headers, connected, "tier", {"tier": "TIER_10K"})
    post(app_client, admin_headers, connected, "throughput", {"level": "HIGH"})
    response = post(app_client, admin_headers, connected, "account-mode", {"mode": "SANDBOX"})

    assert response.json()["account_mode"] == "SANDBOX"
    assert response.json()["whatsapp_business_manager_messaging_limit"] == "TIER_10K"
    node = details(app_client, tenant, connected)
    assert node["messaging_limit_tier"] == "TIER_10K"
    assert node["throughput"] == {"level": "HIGH"}


def test_ban_blocks_the_number_and_restore_brings_it_back(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    assert post(app_client, admin_headers, connected, "ban").status_code == 200

    banned = details(app_client, tenant, connected)
    assert banned["status"] == "BANNED"
    assert banned["health_status"]["can_send_message"] == "BLOCKED"
    assert 131031 in error_codes(entity(banned, "PHONE_NUMBER"))

    assert post(app_client, admin_headers, connected, "restore").status_code == 200
    assert details(app_client, tenant, connected)["status"] == "CONNECTED"


def test_flag_then_restrict_follow_the_transition_table(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    assert post(app_client, admin_headers, connected, "flag").json()["status"] == "FLAGGED"
    assert details(app_client, tenant, connected)["health_status"]["can_send_message"] == "LIMITED"

    assert post(app_client, admin_headers, connected, "restrict").json()["state"] == "RESTRICTED"
    assert details(app_client, tenant, connected)["status"] == "RESTRICTED"


def test_an_illegal_transition_is_a_conflict(
    app_client: TestClient, connected: Added, admin_headers: dict[str, str]
) -> None:
    response = post(app_client, admin_headers, connected, "restore")

    assert response.status_code == 409
    assert response.json() == {
        "error": {"code": "illegal_transition", "message": "cannot restore a number that is CONNECTED"}
    }


def test_sip_on_clears_both_sip_errors(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    node = details(app_client, tenant, connected)
    assert 138024 in error_codes(entity(node, "PHONE_NUMBER"))
    assert 138025 in error_codes(entity(node, "APP"))

    body = {"sip_enabled": True, "sip_server_configured": True}
    assert post(app_client, admin_headers, connected, "sip", body).status_code == 200

    node = details(app_client, tenant, connected)
    phone, app = entity(node, "PHONE_NUMBER"), entity(node, "APP")
    assert {138024, 138025}.isdisjoint(error_codes(phone) | error_codes(app))
    assert phone["can_receive_call_sip"] == app["can_receive_call_sip"] == "AVAILABLE"


def test_sip_flags_change_one_at_a_time(
    app_client: TestClient, connected: Added, admin_headers: dict[str, str]
) -> None:
    body = post(app_client, admin_headers, connected, "sip", {"sip_server_configured": True}).json()

    assert (body["sip_enabled"], body["sip_server_configured"]) == (False, True)
    assert post(app_client, admin_headers, connected, "sip", {}).status_code == 400


@pytest.mark.parametrize("form", ["id", "e164", "encoded", "digits"])
def test_numbers_are_addressed_by_id_or_e164(
    app_client: TestClient, connected: Added, admin_headers: dict[str, str], form: str
) -> None:
    ref = {
        "id": connected.id,
        "e164": connected.e164,
        "encoded": connected.e164.replace("+", "%2B"),
        "digits": connected.e164[1:],
    }[form]

    response = app_client.get(f"/sim/numbers/{ref}", headers=admin_headers)

    assert response.status_code == 200
    assert response.json()["id"] == connected.id
    assert response.json()["phone_number"] == connected.e164


@pytest.mark.parametrize("ref", ["123456789012345", "+15550001111", "not-a-number", "9" * 20])
def test_an_unknown_number_is_not_found(
    app_client: TestClient, admin_headers: dict[str, str], ref: str
) -> None:
    response = app_client.post(f"/sim/numbers/{ref}/ban", headers=admin_headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "number_not_found"


def test_the_control_plane_reaches_numbers_of_every_account(
    app_client: TestClient, other_tenant: Tenant, admin_headers: dict[str, str]
) -> None:
    from tests.server.surfaces.kaleyra.conftest import add_number

    foreign = add_number(app_client, other_tenant, phone_number="9876500001")

    response = post(app_client, admin_headers, foreign, "name", {"status": "APPROVED"})

    assert response.status_code == 200
    assert response.json()["sid"] == other_tenant.sid
