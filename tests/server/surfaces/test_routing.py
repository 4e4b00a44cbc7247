"""What the contracts answer when no route serves a request, each in its own envelope: Kaleyra 404 / 405
with ``Allow`` listing every method of the path; Graph 400 2500 for an unknown path (Graph's own
answers: tests/server/surfaces/graph/test_routing_errors.py); OPTIONS 204 with ``Allow`` on both."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import Tenant


def test_options_lists_every_method_of_the_path(app_client: TestClient, tenant: Tenant) -> None:
    # Schemathesis found ``Allow: GET, HEAD`` on a path that also serves POST (Starlette lists only the
    # first matching route's methods).
    for edge in ("phone_numbers", "settings", "whatsapp_business_profile"):
        response = app_client.request("OPTIONS", f"/v23.0/{tenant.waba_id}/{edge}")
        assert response.status_code == 204
        assert response.headers["allow"] == "GET, HEAD, POST"
    kaleyra = app_client.request("OPTIONS", tenant.path("add"))
    assert (kaleyra.status_code, kaleyra.headers["allow"]) == (204, "POST")


def test_kaleyra_refuses_an_unsupported_method_in_its_envelope(
    app_client: TestClient, tenant: Tenant
) -> None:
    response = app_client.delete(tenant.path("add"), headers=tenant.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {
        "code": "WA405",
        "message": "Method Not Allowed",
        "data": {},
        "error": {"path": "Method Not Allowed"},
    }


def test_an_unknown_path_is_answered_in_the_contracts_envelope(
    app_client: TestClient, tenant: Tenant
) -> None:
    kaleyra = app_client.get(f"/v2/{tenant.sid}/whatsapp/{tenant.waba_id}/number/nope")
    assert kaleyra.status_code == 404
    assert kaleyra.json()["code"] == "WA404"
    graph = app_client.get("/v23.0/123/nope")
    assert graph.status_code == 400
    assert graph.json()["error"] == {
        "message": "Unknown path components: /nope",
        "type": "OAuthException",
        "code": 2500,
        "fbtrace_id": graph.json()["error"]["fbtrace_id"],
    }


def test_other_paths_keep_starlettes_plain_answer(app_client: TestClient) -> None:
    response = app_client.get("/no/such/page")
    assert response.status_code == 404
    assert response.text == "Not Found"
