"""What the router itself answers on the contracts' paths (no route, or not this method), in the
contract's own envelope instead of Starlette's plain-text page.

Starlette's 405 lists only the methods of the first route whose path matched; a path served by two
routes (``GET`` and ``POST /{waba_id}/phone_numbers``) must list both, so ``Allow`` is rebuilt here
from every route of the path (RFC 9110 §15.5.6).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from wanumbers.server.surfaces.contracts import contract_of
from wanumbers.server.surfaces.graph.errors import graph_error
from wanumbers.server.surfaces.kaleyra import envelope

_MESSAGES = {404: "Unknown path", 405: "Method Not Allowed"}


def _allowed(request: Request) -> str:
    path = request.url.path
    methods = {
        method
        for route in request.app.routes
        if isinstance(route, Route) and route.methods and route.path_regex.match(path)
        for method in route.methods
    }
    return ", ".join(sorted(methods))


async def routing_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    headers = {"Allow": _allowed(request)} if status == 405 else None
    message = _MESSAGES.get(status, exc.detail)
    contract = contract_of(request.url.path)
    if contract == "kaleyra":
        return envelope.failure(f"WA{status}", message, {}, {"path": message}, status, headers)
    if contract == "graph":
        return graph_error(f"(#100) {message}", 100, status=status, headers=headers)
    return PlainTextResponse(exc.detail, status, headers)


ROUTING_ERRORS = {404: routing_error, 405: routing_error}
