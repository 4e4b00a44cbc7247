"""One store, one lifecycle: what one contract does, the other sees (issue 3's round trips)."""

from __future__ import annotations

from typing import Any

import pytest

from tests._sync import sync
from tests.server.surfaces.graph.conftest import CC, PHONE, Graph, assert_graph_error
from tests.server.surfaces.kaleyra.conftest import add_number, verify
from wanumbers.server.services import sim

E164 = f"+{CC}{PHONE}"
SHARED = (
    "display_phone_number,verified_name,quality_rating,quality_score,status,throughput,"
    "messaging_limit_tier,health_status,name_status"
)


def _kaleyra_details(graph: Graph) -> Any:
    response = graph.client.get(
        f"/v2/{graph.tenant.sid}/whatsapp/{E164}/phone_number_details",
        headers={"api-key": graph.tenant.api_key},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_bsp_add_then_graph_verify_and_register(graph: Graph) -> None:
    added = add_number(graph.client, graph.tenant)  # BSP add = create + request_code
    node = graph.get(f"/{added.id}", fields="status,code_verification_status").json()
    assert node == {"status": "PENDING", "code_verification_status": "NOT_VERIFIED", "id": added.id}
    code = added.otp(graph.rt)  # the code the BSP add sent
    assert graph.post(f"/{added.id}/verify_code", {"code": code}).json() == {"success": True}
    body = {"messaging_product": "whatsapp", "pin": "123456"}
    assert graph.post(f"/{added.id}/register", body).json() == {"success": True}
    assert _kaleyra_details(graph)["status"] == "CONNECTED"


def test_bsp_add_and_verify_then_graph_reads_the_same_node(graph: Graph) -> None:
    added = add_number(graph.client, graph.tenant)
    assert verify(graph.client, graph.tenant, added, added.otp(graph.rt)).status_code == 200
    node = graph.get(f"/{added.id}", fields=SHARED).json()
    details = _kaleyra_details(graph)
    assert {key: node[key] for key in details} == details
    listed = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", fields="status").json()["data"]
    assert listed == [{"status": "CONNECTED", "id": added.id}]


def test_graph_onboarding_then_bsp_details(graph: Graph) -> None:
    number_id = graph.onboard()
    details = _kaleyra_details(graph)
    assert details["id"] == number_id and details["status"] == "CONNECTED"
    node = graph.get(f"/{number_id}", fields=SHARED).json()
    assert {key: node[key] for key in details} == details


def test_graph_create_and_code_then_bsp_verify(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"})
    body = {"id": int(number_id), "phone_number": E164, "otp": graph.last_code(E164)}
    response = graph.client.post(graph.tenant.path("verify"), headers=graph.tenant.headers, json=body)
    assert response.json()["code"] == "WA200"
    node = graph.get(f"/{number_id}", fields="status,code_verification_status,platform_type").json()
    assert node == {
        "status": "CONNECTED",
        "code_verification_status": "VERIFIED",
        "platform_type": "CLOUD_API",
        "id": number_id,
    }


def test_bsp_added_number_conflicts_with_graph_create(graph: Graph) -> None:
    add_number(graph.client, graph.tenant)
    body = {"cc": CC, "phone_number": PHONE, "verified_name": "Dup"}
    assert_graph_error(graph.post(f"/{graph.tenant.waba_id}/phone_numbers", body), 400, 100)


def test_bsp_update_writes_the_profile_graph_reads(graph: Graph) -> None:
    added = add_number(graph.client, graph.tenant)
    update = {
        "phone_number": E164,
        "about": "Fresh food",
        "email": "hi@acme.example",
        "category": "FOOD_GROCERY",
    }
    response = graph.client.put(graph.tenant.path("update"), headers=graph.tenant.headers, json=update)
    assert response.json()["code"] == "WA200", response.text
    profile = graph.get(f"/{added.id}/whatsapp_business_profile").json()["data"][0]
    assert profile == {
        "about": "Fresh food",
        "email": "hi@acme.example",
        "vertical": "GROCERY",
        "messaging_product": "whatsapp",
    }


def test_graph_settings_show_in_bsp_health(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {"calling": {"status": "enabled", "sip": {"status": "enabled", "servers": [{"hostname": "h"}]}}}
    graph.post(f"/{number_id}/settings", body)
    entities = _kaleyra_details(graph)["health_status"]["entities"]
    sip = {entity["entity_type"]: entity.get("can_receive_call_sip") for entity in entities}
    assert sip["PHONE_NUMBER"] == "AVAILABLE" and sip["APP"] == "AVAILABLE"


@pytest.mark.parametrize("route", ["graph.get_node", "*"])
def test_injected_fault_is_131000(graph: Graph, route: str) -> None:
    number_id = graph.create()
    sync(sim.inject_fault(graph.rt, [route], route=route, mode="error"))
    response = graph.get(f"/{number_id}")
    error = assert_graph_error(response, 500, 131000)
    assert error["message"] == "(#131000) Something went wrong"
    assert error["is_transient"] is True
    assert graph.get(f"/{number_id}").status_code == 200  # one charge only


def test_fault_on_one_route_leaves_others(graph: Graph) -> None:
    number_id = graph.create()
    sync(sim.inject_fault(graph.rt, ["graph.request_code"], route="graph.request_code", mode="error"))
    assert graph.get(f"/{number_id}").status_code == 200
    response = graph.post(f"/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"})
    assert_graph_error(response, 500, 131000)
