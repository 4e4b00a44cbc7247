"""Graph looks the object up before it reads the parameters: a call on an object that does not exist
(or is another account's) says so, whatever the parameters (spec: notes/graph-fidelity-spec.md)."""

from __future__ import annotations

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error


@pytest.mark.parametrize("edge", ["request_code", "verify_code", "register"])
def test_a_missing_object_is_reported_before_missing_parameters(graph: Graph, edge: str) -> None:
    error = assert_graph_error(graph.post(f"/999999/{edge}", {}), 400, 100, 33)
    assert "Object with ID '999999' does not exist" in error["message"]


def test_a_foreign_object_is_reported_before_bad_parameters(graph: Graph, rival: Graph) -> None:
    number_id = rival.create()
    error = assert_graph_error(graph.post(f"/{number_id}/request_code", {"code_method": "FAX"}), 400, 100, 33)
    assert f"'{number_id}'" in error["message"]
