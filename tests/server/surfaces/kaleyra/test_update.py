"""PUT /v2/{sid}/whatsapp/{waba_id}/number/update: seed 003 (typos and trailing space included)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import stored_number
from tests.conftest import Tenant, make_tenant
from tests.server.surfaces.kaleyra.conftest import Added, add_number, reading, seed_body
from wanumbers.server.services.runtime import Runtime

PROFILE = {"title": "Incoming", "http_method": "POST", "url": "http://127.0.0.1:9/hook"}


def make_profile(client: TestClient, tenant: Tenant) -> str:
    response = client.post(f"/v1/{tenant.sid}/callback/profiles", headers=tenant.headers, json=PROFILE)
    assert response.status_code == 200, response.text
    profile_id: str = response.json()["data"]["profile_id"]
    return profile_id


def put(client: TestClient, tenant: Tenant, payload: Any, waba_id: int | None = None) -> Any:
    return client.put(tenant.path("update", waba_id=waba_id), headers=tenant.headers, json=payload)


def stored(runtime: Runtime, added: Added) -> Any:
    return stored_number(runtime, added.id)


def test_update_writes_profile_and_routing(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    incoming, outgoing = make_profile(app_client, tenant), make_profile(app_client, tenant)
    payload = {
        "phone_number": added.e164,
        "address": "EGL",
        "description": "Beauty Products",
        "category": "BEAUTY_SPA_SALON",
        "email": "care@example.com",
        "about": "Body Care (Body Lotion)",
        "callback_profile_id": incoming,
        "outgoing_callback_profile_id": outgoing,
    }
    response = put(app_client, tenant, payload)

    assert response.status_code == 200
    assert response.json() == seed_body("update", "Request Processed Successfully")
    number = stored(runtime, added)
    assert number.profile.address == "EGL" and number.profile.vertical == "BEAUTY"
    assert number.profile.email == "care@example.com"
    assert number.routing.callback_profile_id == incoming
    assert number.routing.outgoing_callback_profile_id == outgoing


def test_fields_not_sent_are_left_alone_and_empty_string_clears(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    put(app_client, tenant, {"phone_number": added.e164, "about": "A", "address": "B"})
    put(app_client, tenant, {"phone_number": added.e164, "about": ""})
    number = stored(runtime, added)
    assert number.profile.about is None and number.profile.address == "B"


def test_incoming_url_is_stored_for_a_v1_waba(app_client: TestClient, runtime: Runtime) -> None:
    v1 = make_tenant(runtime, "Legacy", api_version="v1")
    added = add_number(app_client, v1)
    url = "https://93.184.216.34/incoming"  # a literal public address: no DNS needed
    assert put(app_client, v1, {"phone_number": added.e164, "incoming_url": url}).status_code == 200
    assert stored(runtime, added).routing.incoming_url == url


def test_incoming_url_on_a_v2_number_is_refused_and_nothing_changes(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    payload = {"phone_number": added.e164, "about": "x", "incoming_url": "https://hooks.example.com/in"}
    response = put(app_client, tenant, payload)
    assert response.status_code == 400
    message = "incoming_url is only applicable for V1 version phone numbers"
    assert response.json() == {"code": "WA400", "message": message, "data": {}, "error": {"error": message}}
    assert stored(runtime, added).profile.about is None


def test_bad_credentials_give_rbc001(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    response = app_client.put(
        tenant.path("update"), headers={**tenant.headers, "api-key": ""}, json={"phone_number": added.e164}
    )
    assert response.status_code == 401
    assert response.json() == seed_body("update", "Incorrect SID or API key.")


def test_foreign_waba_gives_wa401(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, added: Added
) -> None:
    response = put(app_client, tenant, {"phone_number": added.e164}, waba_id=other_tenant.waba_id)
    assert response.status_code == 401
    assert response.json() == seed_body("update", "Waba_id is not present")


def test_unknown_number_gives_e112_with_404(app_client: TestClient, tenant: Tenant) -> None:
    response = put(app_client, tenant, {"phone_number": "+919812345678"})
    assert response.status_code == 404
    assert response.json() == seed_body("update", "invalid Phone Number or Phone Number Not Found")


def test_another_accounts_number_gives_e112(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, added: Added
) -> None:
    response = put(app_client, other_tenant, {"phone_number": added.e164, "about": "mine now"})
    assert response.status_code == 404
    assert response.json()["code"] == "E112"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"phone_number": "12"}, "please provide valid phone_number"),
        ({"phone_number": ""}, "please provide valid phone_number"),
        ({"email": "not-an-email"}, "invalid email format"),
        ({"description": "d" * 257}, "description exceeds maximum character limit of 256 characters"),
        ({"address": "a" * 257}, "address exceeds maximum character limit of 256 characters"),
        ({"about": "a" * 140}, "about info exceeds maximum character limit of 139 characters"),
        ({"category": "BEAUTY"}, "business_catregory value is invalid"),
    ],
)
def test_invalid_fields_give_the_seed_messages_and_change_nothing(
    app_client: TestClient,
    tenant: Tenant,
    added: Added,
    runtime: Runtime,
    payload: dict[str, str],
    message: str,
) -> None:
    body = {"phone_number": added.e164, "about": "should not be written", **payload}
    response = put(app_client, tenant, body)
    assert response.status_code == 400
    assert response.json() == seed_body("update", message)
    assert stored(runtime, added).profile.about is None


def test_limits_are_inclusive(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    payload = {"phone_number": added.e164, "description": "d" * 256, "address": "a" * 256, "about": "b" * 139}
    assert put(app_client, tenant, payload).status_code == 200


@pytest.mark.parametrize("body", [b'{"phone_number": "+91"', b"[1]", b'{"about": 5}'])
def test_malformed_payload_gives_message_with_trailing_space(
    app_client: TestClient, tenant: Tenant, body: bytes
) -> None:
    response = app_client.put(tenant.path("update"), headers=tenant.headers, content=body)
    assert response.status_code == 400
    assert response.json() == seed_body("update", "Refer to correct payload format ")
    assert response.json()["message"].endswith(" ")


def test_unknown_fields_are_rejected_not_written(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    response = put(app_client, tenant, {"phone_number": added.e164, "about": "x", "verified_name": "Evil"})
    assert response.status_code == 400
    assert response.json()["message"] == "unknown field 'verified_name' in payload"
    assert stored(runtime, added).verified_name == "KALEYRA"


def test_callback_profile_id_must_be_a_uuid(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    response = put(app_client, tenant, {"phone_number": added.e164, "callback_profile_id": "abc"})
    assert response.status_code == 400
    assert response.json()["message"] == "callback_profile_id must be a callback profile id (UUID)"


def test_an_empty_category_clears_it(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    put(app_client, tenant, {"phone_number": added.e164, "category": "RESTAURANT"})
    assert stored(runtime, added).profile.vertical == "RESTAURANT"
    assert put(app_client, tenant, {"phone_number": added.e164, "category": ""}).status_code == 200
    assert stored(runtime, added).profile.vertical is None


@pytest.mark.parametrize("name", ["callback_profile_id", "outgoing_callback_profile_id"])
def test_an_unknown_or_foreign_profile_id_is_refused_and_nothing_changes(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, added: Added, runtime: Runtime, name: str
) -> None:
    mine = make_profile(app_client, tenant)
    put(app_client, tenant, {"phone_number": added.e164, name: mine, "about": "Before"})
    message = f"{name} does not match any callback profile of this account"
    theirs = make_profile(app_client, other_tenant)
    for profile_id in (theirs, "e5a4f212-b0b0-4c77-9f04-7b0123456d34"):
        response = put(app_client, tenant, {"phone_number": added.e164, name: profile_id, "about": "After"})
        assert response.status_code == 400
        # The seeds' invalid-input shape (seed 003: "invalid email format" and the others).
        assert response.json() == {
            "code": "WA400",
            "message": message,
            "data": {},
            "error": {"error": message},
        }
        number = stored(runtime, added)
        assert getattr(number.routing, name) == mine and number.profile.about == "Before"


def test_a_profile_id_can_be_cleared(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    put(
        app_client,
        tenant,
        {"phone_number": added.e164, "callback_profile_id": make_profile(app_client, tenant)},
    )
    assert put(app_client, tenant, {"phone_number": added.e164, "callback_profile_id": ""}).status_code == 200
    assert stored(runtime, added).routing.callback_profile_id is None


def test_the_fault_gate_rides_on_the_credential_statement(
    app_client: TestClient, tenant: Tenant, added: Added, statements: list[str]
) -> None:
    body = {"phone_number": added.e164, "about": "Open all day"}
    assert app_client.put(tenant.path("update"), headers=tenant.headers, json=body).status_code == 200
    assert len(reading(statements, "credentials")) == 1
    assert reading(statements, "faults") == []
