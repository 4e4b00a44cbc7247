"""The ASGI app: mounts the surfaces over one runtime and owns the engine's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.ratelimit import RateLimit
from wanumbers.server.services.ratelimit import Limiter
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.surfaces.console.routes import routes as console_routes
from wanumbers.server.surfaces.graph.routes import routes as graph_routes
from wanumbers.server.surfaces.kaleyra.routes import routes as kaleyra_routes
from wanumbers.server.surfaces.openapi import routes as openapi_routes
from wanumbers.server.surfaces.operations import Operations
from wanumbers.server.surfaces.pipeline import Pipeline
from wanumbers.server.surfaces.route_table import RouteTable
from wanumbers.server.surfaces.routing import ROUTING_ERRORS
from wanumbers.server.surfaces.sim.routes import routes as sim_routes
from wanumbers.server.surfaces.webhooks.routes import routes as webhook_routes

# Stages around everything (outermost first), for every request whatever its path. Operations: health,
# readiness and metrics (outside every contract's credential and rate limit), request id, request log.
OUTERMOST: tuple[type, ...] = (Operations,)


class Service(Starlette):
    """Starlette, with the contracts' requests taken by the pipeline (surfaces/pipeline.py: ingress,
    route, credential, rate limit, Idempotency-Key, endpoint), which dispatches the contract routes
    itself; every other path goes through Starlette's own layers."""

    @cached_property
    def route_table(self) -> RouteTable:
        """The contracts' routes: which contract a path belongs to, and which route serves it."""
        return RouteTable(self.routes)

    def build_middleware_stack(self) -> ASGIApp:
        app: ASGIApp = Pipeline(super().build_middleware_stack(), self.route_table)
        for stage in reversed(OUTERMOST):
            app = stage(app)
        return app


# Kaleyra first: its /v1/… and /v2/… paths must win over Graph's version-less node paths; the
# document before Graph too, whose version-less GET /{node_id} would otherwise take /openapi.json.
ROUTES: list[BaseRoute] = [*kaleyra_routes, *openapi_routes, *sim_routes, *graph_routes]
# With the control plane off (live mode's default) /sim/… is not mounted: Starlette answers 404.
WITHOUT_CONTROL_PLANE: list[BaseRoute] = [route for route in ROUTES if route not in sim_routes]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Starlette:
    """The service. Pass ``runtime`` to share an already-built one (the in-process sandbox does)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rt: Runtime = app.state.runtime
        worker = rt.worker if runtime is None else None  # a shared runtime's owner delivers (the sandbox)
        if worker is not None:
            worker.start()  # the outbox's deliveries (services/events.py), on this process's loop
            rt.events.on_emit(worker.wake)
        yield
        if worker is not None:
            rt.events.on_emit(None)
            await worker.stop()
        if runtime is None:
            await app.state.runtime.close()
        else:  # shared with others (the sandbox, tests): only this loop's part is ours to end
            await runtime.release_loop()

    # The console (/console/…) is not a contract: Starlette serves it, with its own sign-in.
    contracts = ROUTES if settings.control_plane_on else WITHOUT_CONTROL_PLANE
    routes = [*console_routes(settings), *contracts, *webhook_routes(settings)]
    app = Service(routes=routes, lifespan=lifespan, exception_handlers=ROUTING_ERRORS)
    app.state.settings = settings
    limit = RateLimit.parse(settings.rate_limit)
    app.state.rate_limiter = Limiter(limit) if limit else None
    app.state.runtime = runtime or build_runtime(settings)
    return app


def served_app() -> Starlette:
    """What ``wanumbers serve`` runs in each worker: the service from the environment, with the log in
    ``WANUMBERS_LOG_FORMAT`` (text or json) on stderr, set up after uvicorn's own logging."""
    import os

    from wanumbers.server import logs

    logs.configure(os.environ.get("WANUMBERS_LOG_FORMAT", "text"))
    return create_app()
