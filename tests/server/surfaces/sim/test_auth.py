"""Every /sim/… route demands an admin token and answers failures in the sim error envelope."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.sim.routes import routes


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wna_nope"}, {"Authorization": "Basic x"}])
def test_requests_without_a_live_admin_token_are_refused(
    app_client: TestClient, headers: dict[str, str]
) -> None:
    response = app_client.get("/sim/outbox", headers=headers)

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthenticated", "message": "invalid admin token"}}
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_an_api_key_or_access_token_is_not_an_admin_token(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    access_token = sync(admin.create_access_token(runtime, tenant.sid))

    for secret in (tenant.api_key, access_token):
        response = app_client.post("/sim/reset", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401


def test_a_revoked_admin_token_stops_working(app_client: TestClient, runtime: Runtime) -> None:
    token = sync(admin.create_admin_token(runtime))
    headers = {"Authorization": f"Bearer {token}"}
    assert app_client.get("/sim/clock", headers=headers).status_code == 200

    sync(admin.revoke_secret(runtime, "admin", token))

    assert app_client.get("/sim/clock", headers=headers).status_code == 401


def test_an_admin_token_with_a_lifetime_stops_at_its_end(app_client: TestClient, runtime: Runtime) -> None:
    token = sync(admin.create_admin_token(runtime, expires_in=120))
    headers = {"Authorization": f"Bearer {token}"}
    assert app_client.post("/sim/clock", headers=headers, json={"advance_seconds": 119}).status_code == 200
    assert app_client.get("/sim/clock", headers=headers).status_code == 200
    sync(sim.advance_clock(runtime, 1))
    assert app_client.get("/sim/clock", headers=headers).status_code == 401


def test_every_sim_route_is_guarded(app_client: TestClient) -> None:
    for route in routes:
        path = route.path.replace("{number}", "1").replace("{waba_id}", "1").replace("{sid}", "X")
        for method in route.methods or ():
            if method == "HEAD":
                continue
            response = app_client.request(method, path)
            assert response.status_code == 401, (method, path)


def test_a_wildcard_fault_does_not_lock_out_the_control_plane(
    app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    fault = {"route": "*", "mode": "error", "count": 5}
    assert app_client.post("/sim/faults", headers=admin_headers, json=fault).status_code == 201

    assert app_client.get("/sim/faults", headers=admin_headers).json()["faults"][0]["remaining"] == 5
    assert app_client.delete("/sim/faults", headers=admin_headers).json() == {"faults_cleared": 1}


def test_a_body_that_is_not_a_json_object_is_refused(
    app_client: TestClient, admin_headers: dict[str, str]
) -> None:
    for content in (b"{nope", b"[1, 2]"):
        response = app_client.post("/sim/clock", headers=admin_headers, content=content)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_json"
