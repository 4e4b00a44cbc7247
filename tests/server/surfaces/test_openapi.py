"""GET /openapi.json: the document of both contracts, public, and in step with the routes served."""

from __future__ import annotations

import json

from starlette.routing import Route
from starlette.testclient import TestClient

from wanumbers.server.app import ROUTES
from wanumbers.server.openapi import document


def test_the_document_is_served_without_credentials(app_client: TestClient) -> None:
    response = app_client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == document()
    assert response.json()["openapi"].startswith("3.")


def _served() -> set[tuple[str, str]]:
    """(method, path) of every contract route, Graph's at the document's version prefix."""
    served = set()
    for route in ROUTES:
        if not isinstance(route, Route) or not route.name.startswith(("kaleyra.", "graph.")):
            continue
        if route.name.endswith((".unversioned", ".slash")):  # the same operations at alias paths
            continue
        path = route.path.replace("{version:graph_version}", "v23.0").replace(":maybe_empty}", "}")
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method, path))
    return served


def _documented() -> set[tuple[str, str]]:
    paths = json.loads(document())["paths"]
    # Graph's path parameter is one ``{node_id}`` in the routes; the document names it for what it is.
    return {
        (
            method.upper(),
            path.replace("{phone_number_id}", "{node_id}")
            .replace("/v23.0/{waba_id}", "/v23.0/{node_id}")
            .replace("/v23.0/{app_id}", "/v23.0/{node_id}"),
        )
        for path, operations in paths.items()
        for method in operations
    }


def test_every_contract_route_is_documented_and_nothing_else(app_client: TestClient) -> None:
    assert _documented() == _served()
