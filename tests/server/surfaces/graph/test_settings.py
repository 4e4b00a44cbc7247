"""GET/POST /{id}/settings: SIP calling on and off, reflected in health_status."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error


def _settings(graph: Graph, number_id: str) -> Any:
    response = graph.get(f"/{number_id}/settings")
    assert response.status_code == 200, response.text
    return response.json()


def _phone_and_app(graph: Graph, number_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    health = graph.get(f"/{number_id}", fields="health_status").json()["health_status"]
    by_type = {entity["entity_type"]: entity for entity in health["entities"]}
    return by_type["PHONE_NUMBER"], by_type["APP"]


def test_defaults(graph: Graph) -> None:
    # Meta's call-settings page writes the calling enums in upper case (pywa's enums too).
    number_id = graph.onboard()
    assert _settings(graph, number_id) == {
        "calling": {
            "status": "DISABLED",
            "call_icon_visibility": "DEFAULT",
            "callback_permission_status": "DISABLED",
            "sip": {"status": "DISABLED", "servers": []},
        },
        "payload_encryption": {"status": "disabled"},
        "storage_configuration": {"status": "default"},
    }


def test_enable_sip_with_server_then_disable(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {
        "calling": {
            "status": "enabled",
            "sip": {"status": "enabled", "servers": [{"hostname": "sip.acme.example", "port": 5061}]},
        }
    }
    assert graph.post(f"/{number_id}/settings", body).json() == {"success": True}
    calling = _settings(graph, number_id)["calling"]
    assert calling["status"] == "ENABLED" and calling["sip"]["status"] == "ENABLED"
    assert len(calling["sip"]["servers"]) == 1 and calling["sip"]["servers"][0]["app_id"].isdigit()
    phone, app = _phone_and_app(graph, number_id)
    assert phone["can_receive_call_sip"] == "AVAILABLE" and app["can_receive_call_sip"] == "AVAILABLE"
    assert "errors" not in app

    assert graph.post(f"/{number_id}/settings", {"calling": {"status": "disabled"}}).json() == {
        "success": True
    }
    phone, app = _phone_and_app(graph, number_id)
    assert phone["can_receive_call_sip"] == "BLOCKED"
    assert any(error["error_code"] == 138024 for error in phone["errors"])
    assert app["can_receive_call_sip"] == "AVAILABLE"  # the server stays configured


def test_sip_without_server_leaves_app_blocked(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", {"calling": {"status": "enabled", "sip": {"status": "enabled"}}})
    phone, app = _phone_and_app(graph, number_id)
    assert phone["can_receive_call_sip"] == "AVAILABLE"
    assert app["can_receive_call_sip"] == "BLOCKED"
    assert app["errors"][0]["error_code"] == 138025
    graph.post(f"/{number_id}/settings", {"calling": {"sip": {"servers": []}}})
    assert _settings(graph, number_id)["calling"]["sip"]["servers"] == []


def test_calling_as_json_string_form(graph: Graph) -> None:
    number_id = graph.onboard()
    form = {"calling": '{"status":"enabled","sip":{"status":"enabled"}}'}
    response = graph.client.post(f"/v23.0/{number_id}/settings", data=form, headers=graph.headers)
    assert response.json() == {"success": True}
    assert _settings(graph, number_id)["calling"]["sip"]["status"] == "ENABLED"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"payload_encryption": {"status": "enabled"}},
        {"calling": "on"},
        {"calling": {"status": "maybe"}},
        {"calling": {"sip": {"status": "on"}}},
        {"calling": {"sip": "enabled"}},
        {"calling": {"sip": {"servers": "sip.example"}}},
    ],
)
def test_invalid_settings_are_100(graph: Graph, body: dict[str, Any]) -> None:
    number_id = graph.onboard()
    assert_graph_error(graph.post(f"/{number_id}/settings", body), 400, 100)


def test_include_sip_credentials_is_accepted(graph: Graph) -> None:
    number_id = graph.onboard()
    response = graph.get(f"/{number_id}/settings", include_sip_credentials="true")
    assert response.status_code == 200


def test_foreign_number_is_100_33(graph: Graph, rival: Graph) -> None:
    number_id = rival.create()
    assert_graph_error(graph.get(f"/{number_id}/settings"), 400, 100, 33)
    assert_graph_error(graph.post(f"/{number_id}/settings", {"calling": {"status": "enabled"}}), 400, 100, 33)


@pytest.mark.parametrize("sip", [False, 0, "", []])
def test_a_sip_section_that_is_not_an_object_is_refused(graph: Graph, sip: Any) -> None:
    # Schemathesis found that any falsy ``sip`` was taken as "no change" and answered success.
    number_id = graph.onboard()
    response = graph.post(f"/{number_id}/settings", {"calling": {"status": "enabled", "sip": sip}})
    assert_graph_error(response, 400, 100)


def test_a_null_sip_section_changes_nothing(graph: Graph) -> None:
    number_id = graph.onboard()
    response = graph.post(f"/{number_id}/settings", {"calling": {"sip": None}})
    assert response.json() == {"success": True}
    assert _settings(graph, number_id)["calling"]["sip"]["status"] == "DISABLED"
