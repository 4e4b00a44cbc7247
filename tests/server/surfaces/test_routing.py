"""What the router answers on the contracts' paths: no route (404) or not this method (405), in the
contract's envelope, with ``Allow`` listing every method the path serves."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import Tenant


def test_an_unsupported_method_lists_every_method_of_the_path(app_client: TestClient, tenant: Tenant) -> None:
    # Schemathesis found ``Allow: GET, HEAD`` on a path that also serves POST (Starlette lists only the
    # first matching route's methods).
    for edge in ("phone_numbers", "settings", "whatsapp_business_profile"):
        response = app_client.request("OPTIONS", f"/v23.0/{tenant.waba_id}/{edge}")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD, POST"
        error = response.json()["error"]
        assert error["code"] == 100 and error["type"] == "OAuthException"
        assert len(error["fbtrace_id"]) == 23


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


def test_an_unknown_path_is_404_in_the_contracts_envelope(app_client: TestClient, tenant: Tenant) -> None:
    kaleyra = app_client.get(f"/v2/{tenant.sid}/whatsapp/{tenant.waba_id}/number/nope")
    assert kaleyra.status_code == 404
    assert kaleyra.json()["code"] == "WA404"
    graph = app_client.get("/v23.0/123/nope")
    assert graph.status_code == 404
    assert graph.json()["error"]["code"] == 100


def test_other_paths_keep_starlettes_plain_answer(app_client: TestClient) -> None:
    response = app_client.get("/no/such/page")
    assert response.status_code == 404
    assert response.text == "Not Found"
