"""The ASGI app: mounts the surfaces over one runtime and owns the engine's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.ratelimit import RateLimit
from wanumbers.server.services.ratelimit import Limiter
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.surfaces.graph.routes import routes as graph_routes
from wanumbers.server.surfaces.hot_routes import HotRoutes
from wanumbers.server.surfaces.idempotency import IdempotencyGuard
from wanumbers.server.surfaces.ingress import IngressGuard
from wanumbers.server.surfaces.kaleyra.routes import routes as kaleyra_routes
from wanumbers.server.surfaces.openapi import routes as openapi_routes
from wanumbers.server.surfaces.ratelimit import RateLimitGuard
from wanumbers.server.surfaces.routing import ROUTING_ERRORS
from wanumbers.server.surfaces.sim.routes import routes as sim_routes

# Outermost first: hostile input is refused before anything else; the ingress guard buffers the (bounded)
# body, so the rate limit and Idempotency-Key see a credential sent in it, as Graph's own auth does.
GUARDS = (IngressGuard, RateLimitGuard, IdempotencyGuard)
HOT_ROUTES = [route for route in kaleyra_routes if route.name.startswith("kaleyra.details")]


class Service(Starlette):
    """Starlette with the guards outermost and the hot routes (surfaces/hot_routes.py) answered before
    Starlette's own error, exception and routing layers, which cost more than the details lookup. Each
    guard and every guarded endpoint renders its own failures in the contract's envelope."""

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = HotRoutes(super().build_middleware_stack(), HOT_ROUTES)
        for guard in reversed(GUARDS):
            app = guard(app)
        return app


# Kaleyra first: its /v1/… and /v2/… paths must win over Graph's version-less node paths; the
# document before Graph too, whose version-less GET /{node_id} would otherwise take /openapi.json.
ROUTES: list[BaseRoute] = [*kaleyra_routes, *openapi_routes, *sim_routes, *graph_routes]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """The service. Pass ``runtime`` to share an already-built one (the in-process sandbox does)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if runtime is None:
            await app.state.runtime.close()
        else:  # shared with others (the sandbox, tests): only this loop's part is ours to end
            await runtime.release_loop()

    app = Service(routes=ROUTES, lifespan=lifespan, exception_handlers=ROUTING_ERRORS)
    app.state.settings = settings
    limit = RateLimit.parse(settings.rate_limit)
    app.state.rate_limiter = Limiter(limit) if limit else None
    app.state.runtime = runtime or build_runtime(settings)
    return app
