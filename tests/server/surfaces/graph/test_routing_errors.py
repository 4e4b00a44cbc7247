"""What Graph answers when the path or method is not one it serves (spec: notes/graph-fidelity-spec.md).

The router's own answers live in surfaces/routing.py, which is being reworked (issue 9): those tests are
strict xfails that flip when the behaviour lands.
"""

from __future__ import annotations

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error

UNSUPPORTED = (
    "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing "
    "permissions, or does not support this operation. Please read the Graph API documentation at "
    "https://developers.facebook.com/docs/graph-api"
)


@pytest.mark.xfail(strict=True, reason="needs Graph's 2500 for unknown edges in surfaces/routing.py")
def test_an_unknown_edge_is_2500_unknown_path_components(graph: Graph) -> None:
    number_id = graph.create()
    error = assert_graph_error(graph.get(f"/{number_id}/foo"), 400, 2500)
    assert error["message"] == "Unknown path components: /foo" and error["type"] == "OAuthException"


@pytest.mark.xfail(strict=True, reason="needs Graph's 100/33 for a method a node does not serve")
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


@pytest.mark.xfail(strict=True, reason="needs the versions Graph serves (v99.0 does not exist)")
def test_a_version_graph_does_not_have_is_refused(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.get(f"/v99.0/{number_id}", headers=graph.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2500


@pytest.mark.xfail(strict=True, reason="needs OPTIONS' Allow to list every method of the node (GET, POST)")
def test_options_lists_post_on_the_node(graph: Graph) -> None:
    number_id = graph.create()
    response = graph.client.options(f"/v23.0/{number_id}", headers=graph.headers)
    assert {"GET", "POST"} <= {method.strip() for method in response.headers.get("allow", "").split(",")}
