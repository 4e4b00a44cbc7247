"""GET /{waba-id}: the WhatsAppBusinessAccount node with ``fields``; unknown and foreign WABAs alike."""

from __future__ import annotations

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error


def test_the_default_fields(graph: Graph) -> None:
    body = graph.get(f"/{graph.tenant.waba_id}").json()
    assert set(body) == {"id", "name", "timezone_id", "message_template_namespace"}
    assert body["id"] == str(graph.tenant.waba_id)


def test_fields_are_rendered_in_request_order_with_id_last(graph: Graph) -> None:
    fields = "currency,account_review_status,business_verification_status,ownership_type,name"
    body = graph.get(f"/{graph.tenant.waba_id}", fields=fields).json()
    assert list(body) == [*fields.split(","), "id"]
    assert body["account_review_status"] in ("APPROVED", "PENDING", "REJECTED")
    assert len(body["currency"]) == 3


def test_an_unknown_field_names_the_node_type(graph: Graph) -> None:
    error = assert_graph_error(graph.get(f"/{graph.tenant.waba_id}", fields="colour"), 400, 100)
    assert error["message"] == (
        "(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessAccount)"
    )


def test_unknown_and_foreign_wabas_are_indistinguishable(graph: Graph, rival: Graph) -> None:
    foreign = assert_graph_error(graph.get(f"/{rival.tenant.waba_id}"), 400, 100, 33)
    unknown = assert_graph_error(graph.get("/999999"), 400, 100, 33)
    assert foreign["message"].replace(str(rival.tenant.waba_id), "X") == unknown["message"].replace(
        "999999", "X"
    )


def test_graph_sub_selection_narrows_a_field(graph: Graph) -> None:
    body = graph.get(f"/{graph.tenant.waba_id}", fields="health_status{can_send_message},country").json()
    assert body == {"health_status": {"can_send_message": "AVAILABLE"}, "id": str(graph.tenant.waba_id)}
