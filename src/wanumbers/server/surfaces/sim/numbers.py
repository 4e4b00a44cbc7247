"""``/sim/numbers/{number}/…``: steer one number as Meta would. ``{number}`` is the phone-number id or
the E.164 form (``+`` optional, ``%2B`` in URLs). Each answers the number as it now stands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.services import sim
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.http import Endpoint, runtime
from wanumbers.server.surfaces.sim import views
from wanumbers.server.surfaces.sim.envelope import json_body, ok


async def _respond(
    request: Request, use_case: Callable[..., Awaitable[NumberView]], *args: Any, **kwargs: Any
) -> Response:
    view = await use_case(runtime(request), request.path_params["number"], *args, **kwargs)
    return ok(views.number(view))


async def show(request: Request) -> Response:
    return await _respond(request, sim.show_number)


def _setter(use_case: Callable[[Runtime, str, object], Awaitable[NumberView]], key: str) -> Endpoint:
    """An endpoint that passes body[``key``] to ``use_case``."""

    async def endpoint(request: Request) -> Response:
        body = await json_body(request)
        return await _respond(request, use_case, body.get(key))

    return endpoint


def _enforcement(action: str) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        await json_body(request)  # no parameters, but a malformed body is still refused
        return await _respond(request, sim.enforce, action)

    return endpoint


async def sip(request: Request) -> Response:
    body = await json_body(request)
    return await _respond(
        request,
        sim.configure_sip,
        enabled=body.get("sip_enabled"),
        server_configured=body.get("sip_server_configured"),
    )


review_name = _setter(sim.review_name, "status")
quality = _setter(sim.set_quality, "rating")
tier = _setter(sim.set_tier, "tier")
throughput = _setter(sim.set_throughput, "level")
account_mode = _setter(sim.set_account_mode, "mode")
ENFORCEMENT = {action: _enforcement(action) for action in ("flag", "restrict", "ban", "restore")}
