"""Which routes a fault may target: every named route of the wire contracts (``kaleyra.*``,
``graph.*``), read from the app itself so routes added later are covered without a list to update."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.routing import BaseRoute, Mount

CONTROL_PLANE_PREFIX = "sim."


def contract_routes(routes: Iterable[BaseRoute]) -> set[str]:
    names: set[str] = set()
    for route in routes:
        if isinstance(route, Mount):
            names |= contract_routes(route.routes)
            continue
        name = getattr(route, "name", None)
        if isinstance(name, str) and "." in name and not name.startswith(CONTROL_PLANE_PREFIX):
            names.add(name)
    return names
