"""docs/graph.md's endpoint table lists exactly the Graph operations the app serves (method and path,
the id placeholders aside), so the table cannot drift from the routes."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from wanumbers.server.app import ROUTES

GRAPH_MD = Path(__file__).resolve().parents[4] / "docs" / "graph.md"
_ROW = re.compile(r"^\| `(GET|POST|DELETE) (/[^`]*)` \|", re.MULTILINE)


def _normal(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "{id}", path)


def _documented() -> set[tuple[str, str]]:
    text = GRAPH_MD.read_text(encoding="utf-8")
    table = text[text.index("## Endpoints") : text.index("### Fields")]
    return {(method, _normal(path)) for method, path in _ROW.findall(table)}


def _served() -> set[tuple[str, str]]:
    served = set()
    for route in ROUTES:
        if not isinstance(route, Route) or not route.name.startswith("graph."):
            continue
        if route.name.endswith((".unversioned", ".slash")):
            continue
        path = route.path.replace("/{version:graph_version}", "")
        served |= {(method, _normal(path)) for method in route.methods or () if method != "HEAD"}
    return served


def test_the_endpoint_table_matches_the_routes() -> None:
    assert _documented() == _served()
