"""The one route table of the wire contracts: which contract a path belongs to, which route serves a
request, and what the contract answers when none does.

Everything that asks "is this a Kaleyra or a Graph path?" asks this table, so the guards and the router
cannot disagree (a guard that matched ``/v\\d{1,3}\\.\\d{1,3}/`` while the router took any digits let
``/v1234.0/…`` skip every guard). A path belongs to a contract when its first segment could start one of
the contract's routes: Kaleyra's literal ``v1`` / ``v2``; for Graph, a version Graph has released, a
numeric node id, or a literal first segment of a Graph route.

Graph's versions: ``vMAJOR.MINOR`` as Meta released them (v2.0 to v2.12, v3.0 to v3.3, then vN.0). Meta
serves a deprecated one as its oldest live version, which behaves like the others here; a version Meta
never released is taken by Graph as a node id, so ``/v99.0/123/phone_numbers`` answers 2500
``Unknown path components: /123/phone_numbers`` (as Graph answers ``/v2.80/…``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from wanumbers.server.domain.identifiers import is_digits

Contract = Literal["kaleyra", "graph"]
LATEST_GRAPH_VERSION = 26  # update when Meta releases vN.0 (docs/graph.md, "Versions")
GRAPH_VERSIONS = frozenset(
    [f"v2.{minor}" for minor in range(13)]
    + [f"v3.{minor}" for minor in range(4)]
    + [f"v{major}.0" for major in range(4, LATEST_GRAPH_VERSION + 1)]
)
_VERSION_SHAPE = re.compile(r"v\d+\.\d+")


@dataclass(frozen=True, slots=True)
class Served:
    route: Route
    contract: Contract
    path_params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NotServed:
    """No route serves the request: ``allowed`` lists the methods of the path (empty: no such path)."""

    contract: Contract
    allowed: tuple[str, ...]
    unknown_components: str = ""  # Graph: the part of the path it could not resolve
    node_id: str = ""  # Graph: the object the path names


def contract_of_route(route: BaseRoute) -> Contract | None:
    name = getattr(route, "name", "") or ""
    if name.startswith("kaleyra."):
        return "kaleyra"
    if name.startswith("graph."):
        return "graph"
    return None


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.count("/") else ""


class RouteTable:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes: tuple[Route, ...] = tuple(
            route for route in routes if isinstance(route, Route) and contract_of_route(route)
        )
        kaleyra = [route for route in self.routes if contract_of_route(route) == "kaleyra"]
        graph = [route for route in self.routes if contract_of_route(route) == "graph"]
        self._kaleyra_heads = frozenset(_first_segment(route.path) for route in kaleyra)
        self._graph_literals = frozenset(
            head for route in graph if not (head := _first_segment(route.path)).startswith("{")
        )
        # A path parameter spans one segment, so only routes with as many segments can match: routes are
        # kept by (contract, segments), in table order, and a request tries only its own few.
        buckets: dict[tuple[Contract, int], list[Route]] = {}
        for contract, routes_of in (("kaleyra", kaleyra), ("graph", graph)):
            for route in routes_of:
                buckets.setdefault((contract, route.path.count("/")), []).append(route)  # type: ignore[arg-type]
        self._buckets = {key: tuple(routes) for key, routes in buckets.items()}

    def contract_of(self, path: str) -> Contract | None:
        head = _first_segment(path)
        if head in self._kaleyra_heads:
            return "kaleyra"
        if _VERSION_SHAPE.fullmatch(head) or is_digits(head) or head in self._graph_literals:
            return "graph"
        return None

    def match(self, contract: Contract, scope: Scope) -> Served | NotServed:
        allowed: list[str] = []
        for route in self._buckets.get((contract, scope["path"].count("/")), ()):
            outcome, child = route.matches(scope)
            if outcome is Match.FULL:
                params: dict[str, Any] = child["path_params"]
                if contract == "graph" and params.get("version", "v23.0") not in GRAPH_VERSIONS:
                    return self._unreleased_version(scope["path"])
                return Served(route, contract, params)
            if outcome is Match.PARTIAL and route.methods:
                allowed += [method for method in sorted(route.methods) if method not in allowed]
        return self._not_served(contract, scope["path"], tuple(allowed))

    def _not_served(self, contract: Contract, path: str, allowed: tuple[str, ...]) -> NotServed:
        if contract == "kaleyra":
            return NotServed(contract, allowed)
        segments = [segment for segment in path.split("/") if segment]
        if segments and segments[0] in GRAPH_VERSIONS:
            segments = segments[1:]
        node_id = segments[0] if segments else ""
        unknown = "/" + "/".join(segments[1:]) if len(segments) > 1 else "/"
        return NotServed(contract, allowed, unknown, node_id)

    @staticmethod
    def _unreleased_version(path: str) -> NotServed:
        segments = [segment for segment in path.split("/") if segment]
        return NotServed("graph", (), "/" + "/".join(segments[1:]), segments[0])
