"""What Graph answers when the path or method is not one it serves (spec: notes/graph-fidelity-spec.md).

The pipeline's route table (surfaces/route_table.py) decides; surfaces/routing.py words the answers.
"""

from __future__ import annotations

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error

UNSUPPORTED = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation. Please read the Graph API documentation at "
    "https://developers.facebook.com/docs/graph-api"
)


def test_an_unknown_edge_is_2500_unknown_path_components(graph: Graph) -> None:
    number_id = graph.create()
    error = assert_graph_error(graph.get(f"/{number_id}/foo"), 400, 2500)
    assert error["message"] == "Unknown path components: /foo" and error["type"] == "OAuthException"


def test_a_wrong_method_is_100_33_unsupported_request(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.delete(f"/v23.0/{number_id}/register", headers=graph.headers)
    error = assert_graph_error(response, 400, 100, 33)
    assert error["type"] == "GraphMethodException"
    assert error["message"] == UNSUPPORTED.format(method="delete", id=number_id)
    assert "allow" not in response.headers


@pytest.mark.parametrize("version", ["/v23.0", ""])
def test_the_node_is_served_with_a_trailing_slash(graph: Graph, version: str) -> None:
    # pywa posts its webhook override to /{id}/; Starlette answered a 307 with an empty body.
    number_id = graph.create()
    response = graph.client.get(f"{version}/{number_id}/", headers=graph.headers, follow_redirects=False)
    assert response.status_code == 200 and response.json()["id"] == number_id


def test_a_version_graph_does_not_have_is_refused(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.get(f"/v99.0/{number_id}", headers=graph.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2500


def test_options_lists_post_on_the_node(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.options(f"/v23.0/{number_id}", headers=graph.headers)
    assert {"GET", "POST"} <= {method.strip() for method in response.headers.get("allow", "").split(",")}


def test_a_method_on_another_accounts_object_is_100_33_as_on_a_missing_one(
    graph: Graph, rival: Graph
) -> None:
    number_id = rival.create()
    foreign = graph.client.delete(f"/v23.0/{number_id}/register", headers=graph.headers)
    missing = graph.client.delete("/v23.0/999999/register", headers=graph.headers)
    assert assert_graph_error(foreign, 400, 100, 33)["message"] == UNSUPPORTED.format(
        method="delete", id=number_id
    )
    assert assert_graph_error(missing, 400, 100, 33)["message"] == UNSUPPORTED.format(
        method="delete", id="999999"
    )


@pytest.mark.parametrize(
    ("path", "unknown"),
    [("/v99.0/123/phone_numbers", "/123/phone_numbers"), ("/v2.80/123", "/123"), ("/v23.0/123/a/b", "/a/b")],
)
def test_unknown_path_components_are_those_graph_could_not_resolve(
    graph: Graph, path: str, unknown: str
) -> None:
    # A version Graph never released is taken as a node id (Graph answers /v2.80/… so).
    error = assert_graph_error(graph.client.get(path, headers=graph.headers), 400, 2500)
    assert error["message"] == f"Unknown path components: {unknown}"


def test_guards_apply_to_every_path_the_routes_serve(graph: Graph) -> None:
    # The guards' path rule and the router once disagreed: /v1234.0/… skipped every guard.
    number_id = graph.create()
    nul = graph.client.get(f"/v1234.0/{number_id}", params={"fields": "id\x00"}, headers=graph.headers)
    assert nul.status_code == 400  # refused by the ingress checks, in Graph's envelope
    assert nul.json()["error"]["code"] == 100
