"""A Unicode digit (``²`` passes ``str.isdigit`` but ``int`` refuses it) is bad input on every surface:
a 4xx in the contract's envelope, never a 500 that clients would retry as transient."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime

SUPERSCRIPT_TWO = "%C2%B2"


def test_kaleyra_waba_id_is_not_present(app_client: TestClient, tenant: Tenant) -> None:
    path = f"/v2/{tenant.sid}/whatsapp/{SUPERSCRIPT_TWO}/number/add"
    body = {"phone_number": "9876543210", "name": "A", "verification_type": "SMS", "country_code": "+91"}
    response = app_client.post(path, headers=tenant.headers, json=body)
    assert response.status_code == 401
    assert response.json()["code"] == "WA401"


def test_kaleyra_verify_id_is_a_payload_error(app_client: TestClient, tenant: Tenant) -> None:
    body = {"id": "²", "phone_number": "+919876543210", "otp": "123456"}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Refer to correct payload format"


def test_kaleyra_otp_of_unicode_digits_is_badly_formed(app_client: TestClient, tenant: Tenant) -> None:
    body = {"id": "1", "phone_number": "+919876543210", "otp": "12345²"}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "Incorrect OTP format"


def test_graph_node_id_is_unsupported(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    response = app_client.get(f"/v23.0/{SUPERSCRIPT_TWO}", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


def test_graph_list_limit_is_an_invalid_parameter(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    response = app_client.get(
        f"/v23.0/{tenant.waba_id}/phone_numbers?limit={SUPERSCRIPT_TWO}", headers=headers
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100


def test_control_plane_outbox_limit_is_refused(app_client: TestClient, runtime: Runtime) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_admin_token(runtime))}"}
    response = app_client.get(f"/sim/outbox?limit={SUPERSCRIPT_TWO}", headers=headers)
    assert response.status_code == 400
