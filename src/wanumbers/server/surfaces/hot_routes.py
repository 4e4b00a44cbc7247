"""Answer the hottest routes ahead of Starlette's router.

Starlette's exception middleware, its scan of every route and its request wrapper cost more than the
details lookup itself. The routes listed here are the very same ``Route`` objects the router holds,
with the same guarded endpoints (faults, error envelopes, logging), so behaviour is identical; only
the dispatch is shorter. Everything else falls through to Starlette.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class HotRoutes:
    def __init__(self, app: ASGIApp, routes: Sequence[Route]) -> None:
        self.app = app
        self._routes = tuple(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self._routes:
                match = route.path_regex.match(scope["path"])
                if match is not None and route.methods and scope["method"] in route.methods:
                    scope["path_params"] = match.groupdict()
                    response = await route.endpoint(Request(scope, receive))
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
