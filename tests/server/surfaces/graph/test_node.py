"""GET /{phone_number_id}: fields projection, defaults, unknown fields, auth and foreign ids."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.server.surfaces.graph.conftest import Graph, V, assert_graph_error
from wanumbers.server.domain.node import FIELDS
from wanumbers.server.services import admin

ISSUE_FIELDS = (
    "id",
    "display_phone_number",
    "verified_name",
    "quality_rating",
    "quality_score",
    "code_verification_status",
    "name_status",
    "new_name_status",
    "status",
    "platform_type",
    "throughput",
    "messaging_limit_tier",
    "whatsapp_business_manager_messaging_limit",
    "account_mode",
    "health_status",
    "conversational_automation",
    "certificate",
    "new_certificate",
    "is_official_business_account",
    "is_pin_enabled",
    "is_preverified_number",
    "is_on_biz_app",
    "search_visibility",
    "eligibility_for_api_business_global_search",
    "last_onboarded_time",
    "country_code",
    "country_dial_code",
    "host_platform",
    "unified_cert_status",
    "webhook_configuration",
    "username",
)


def test_every_field_the_issue_lists_is_served() -> None:
    assert set(ISSUE_FIELDS) <= set(FIELDS)


def test_no_fields_gives_metas_default_set_with_id_last(graph: Graph) -> None:
    number_id = graph.create()
    body = graph.get(f"/{number_id}").json()
    assert list(body) == ["display_phone_number", "verified_name", "quality_rating", "id"]
    assert body == {
        "display_phone_number": "+91 98765 43210",
        "verified_name": "Acme Foods",
        "quality_rating": "NA",
        "id": number_id,
    }


def test_requested_fields_only_plus_id(graph: Graph) -> None:
    number_id = graph.create()
    body = graph.get(f"/{number_id}", fields="status,throughput").json()
    assert body == {"status": "PENDING", "throughput": {"level": "NOT_APPLICABLE"}, "id": number_id}


def test_every_field_renders_on_a_registered_number(graph: Graph) -> None:
    number_id = graph.onboard()
    body = graph.get(f"/{number_id}", fields=",".join(ISSUE_FIELDS)).json()
    assert set(body) == set(ISSUE_FIELDS)
    assert body["status"] == "CONNECTED"
    assert body["code_verification_status"] == "VERIFIED"
    assert body["platform_type"] == body["host_platform"] == "CLOUD_API"
    assert body["throughput"] == {"level": "STANDARD"}
    assert body["quality_rating"] == "GREEN" and body["quality_score"] == {"score": "GREEN"}
    assert body["messaging_limit_tier"] == "TIER_250"
    assert body["whatsapp_business_manager_messaging_limit"] == "TIER_250"
    assert body["is_pin_enabled"] is True
    assert body["is_official_business_account"] is False
    assert body["is_preverified_number"] is False and body["is_on_biz_app"] is False
    assert body["last_onboarded_time"].endswith("+0000")
    assert body["country_code"] == "IN" and body["country_dial_code"] == "91"
    assert body["name_status"] == "PENDING_REVIEW" and body["new_name_status"] == "NONE"
    assert body["unified_cert_status"] == "NAME_PENDING_REVIEW"
    assert body["certificate"] is None and body["new_certificate"] is None
    assert body["search_visibility"] == "VISIBLE"
    assert body["account_mode"] == "LIVE"
    assert body["username"] is None
    assert body["webhook_configuration"] == {"override_callback_uri": ""}
    assert body["conversational_automation"] == {
        "enable_welcome_message": False,
        "prompts": [],
        "commands": [],
        "id": body["id"],
    }
    assert body["health_status"]["can_send_message"] == "LIMITED"


def test_unregistered_number_fields(graph: Graph) -> None:
    number_id = graph.create()
    body = graph.get(
        f"/{number_id}",
        fields="code_verification_status,platform_type,search_visibility,is_pin_enabled,last_onboarded_time",
    ).json()
    assert body == {
        "code_verification_status": "NOT_VERIFIED",
        "platform_type": "NOT_APPLICABLE",
        "search_visibility": "HIDDEN",
        "is_pin_enabled": False,
        "last_onboarded_time": None,
        "id": number_id,
    }


def test_sub_selection_narrows_nested_fields(graph: Graph) -> None:
    number_id = graph.onboard()
    body = graph.get(f"/{number_id}", fields="health_status{can_send_message},throughput{level}").json()
    assert body == {
        "health_status": {"can_send_message": "LIMITED"},
        "throughput": {"level": "STANDARD"},
        "id": number_id,
    }


def test_unknown_field_fails_the_whole_call(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.get(f"/{number_id}", fields="id,certificate_status,verified_name")
    error = assert_graph_error(response, 400, 100)
    assert error["message"] == (
        "(#100) Tried accessing nonexisting field (certificate_status) "
        "on node type (WhatsAppBusinessPhoneNumber)"
    )
    assert error["type"] == "OAuthException"


def test_path_without_version_works(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.get(f"/{number_id}", params={"fields": "status"}, headers=graph.headers)
    assert response.json() == {"status": "PENDING", "id": number_id}


@pytest.mark.parametrize("version", ["v2.0", "v18.0", "v23.0", "v26.0"])
def test_any_version_graph_released(graph: Graph, version: str) -> None:
    number_id = graph.create()
    response = graph.client.get(f"/{version}/{number_id}", headers=graph.headers)
    assert response.status_code == 200


def test_access_token_query_parameter(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.get(f"{V}/{number_id}", params={"access_token": graph.token, "fields": "id"})
    assert response.json() == {"id": number_id}


def test_missing_token_is_104(graph: Graph) -> None:
    number_id = graph.create()
    error = assert_graph_error(graph.client.get(f"{V}/{number_id}"), 401, 104)
    assert error["type"] == "OAuthException"
    assert error["message"] == "An access token is required to request this resource."


@pytest.mark.parametrize("token", ["nonsense", "wnt_" + "A" * 49])
def test_invalid_token_is_190(graph: Graph, token: str) -> None:
    number_id = graph.create()
    response = graph.client.get(f"{V}/{number_id}", headers={"Authorization": f"Bearer {token}"})
    error = assert_graph_error(response, 401, 190)
    assert error["type"] == "OAuthException"


def test_revoked_token_is_190(graph: Graph) -> None:
    number_id = graph.create()
    sync(admin.revoke_secret(graph.rt, "access_token", graph.token))
    assert_graph_error(graph.get(f"/{number_id}"), 401, 190, 460)


def test_api_key_is_not_a_graph_token(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.get(
        f"{V}/{number_id}", headers={"Authorization": f"Bearer {graph.tenant.api_key}"}
    )
    assert_graph_error(response, 401, 190)


UNSUPPORTED = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation. Please read the Graph API documentation at "
    "https://developers.facebook.com/docs/graph-api"
)


def test_unknown_id_is_100_33(graph: Graph) -> None:
    error = assert_graph_error(graph.get("/123456789012345"), 400, 100, 33)
    assert error["type"] == "GraphMethodException"
    assert error["message"] == UNSUPPORTED.format(method="get", id="123456789012345")


def test_foreign_id_is_indistinguishable_from_missing(graph: Graph, rival: Graph) -> None:
    number_id = rival.create()
    response = graph.get(f"/{number_id}")
    error = assert_graph_error(response, 400, 100, 33)
    assert error["message"] == UNSUPPORTED.format(method="get", id=number_id)
    missing = graph.get("/999999999999999").json()["error"]
    assert {k: v for k, v in missing.items() if k not in ("message", "fbtrace_id")} == {
        k: v for k, v in error.items() if k not in ("message", "fbtrace_id")
    }
    assert response.headers["www-authenticate"].startswith('OAuth "Facebook Platform" "invalid_request"')


def test_non_numeric_id_is_100_33(graph: Graph) -> None:
    error = assert_graph_error(graph.get("/me"), 400, 100, 33)
    assert "'me'" in error["message"]


def test_a_waba_id_names_the_waba_node_not_a_phone_number(graph: Graph) -> None:
    error = assert_graph_error(graph.get(f"/{graph.tenant.waba_id}", fields="display_phone_number"), 400, 100)
    assert error["message"] == (
        "(#100) Tried accessing nonexisting field (display_phone_number) "
        "on node type (WhatsAppBusinessAccount)"
    )


def test_kaleyra_routes_still_answer(app_client: TestClient, graph: Graph) -> None:
    response = app_client.get(
        f"/v2/{graph.tenant.sid}/whatsapp/+919876543210/phone_number_details",
        headers={"api-key": graph.tenant.api_key},
    )
    assert response.json()["code"] == "WA401"


@pytest.mark.parametrize("object_id", ["9223372036854775808", "80200125857031301753", "99999999999999999999"])
def test_an_id_past_the_stores_range_is_not_found_not_a_500(graph: Graph, object_id: str) -> None:
    # Schemathesis found these: ids beyond a signed 64-bit integer overflowed in the query (500).
    response = graph.get(f"/{object_id}", fields="id")
    error = assert_graph_error(response, 400, 100, 33)
    assert f"Object with ID '{object_id}'" in error["message"]
    assert_graph_error(graph.post(f"/{object_id}/phone_numbers", {"cc": "91"}), 400, 100, 33)


STATUS_READ = "status,throughput{level},display_phone_number,name_status,health_status,last_onboarded_time"


def test_a_read_of_status_fields_alone_renders_them_as_a_full_read_does(graph: Graph) -> None:
    # Status fields alone map only the status columns; one more field maps the whole number.
    number_id = graph.create()
    body = {"enable_welcome_message": True, "prompts": ["Book a table"]}
    assert graph.post(f"/{number_id}/conversational_automation", body).json() == {"success": True}
    status_only = graph.get(f"/{number_id}", fields=STATUS_READ).json()
    full = graph.get(f"/{number_id}", fields=STATUS_READ + ",conversational_automation").json()
    automation = full.pop("conversational_automation")
    assert (automation["enable_welcome_message"], automation["prompts"]) == (True, ["Book a table"])
    assert status_only == full
    assert list(status_only) == [*(name.partition("{")[0] for name in STATUS_READ.split(",")), "id"]
