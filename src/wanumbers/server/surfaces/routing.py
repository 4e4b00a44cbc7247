"""What the contracts answer when no route serves a request, in each contract's own envelope.

- Kaleyra: 404 ``WA404 Unknown path``; a path served for other methods answers 405 ``WA405`` with
  ``Allow`` listing every method of the path (RFC 9110 §15.5.6).
- Graph, as Graph does: an unknown edge or path is 400, code 2500, ``Unknown path components: /foo``;
  a method the path does not serve is 400, 100/33 ``Unsupported delete request. Object with ID …``, with
  no ``Allow`` (Graph sends none).
- ``OPTIONS`` on a served path answers 204 with ``Allow`` (both contracts).
Paths of no contract keep Starlette's plain-text 404/405 (``ROUTING_ERRORS``).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from wanumbers.server.surfaces.graph.errors import graph_error, unsupported
from wanumbers.server.surfaces.kaleyra import envelope
from wanumbers.server.surfaces.route_table import NotServed

_MESSAGES = {404: "Unknown path", 405: "Method Not Allowed"}


def answer(missed: NotServed, method: str) -> Response:
    allow = ", ".join(sorted(missed.allowed))
    if method == "OPTIONS" and missed.allowed:
        return Response(status_code=204, headers={"Allow": allow})
    if missed.contract == "graph":
        if missed.allowed:
            return unsupported(method, missed.node_id)
        return graph_error(f"Unknown path components: {missed.unknown_components}", 2500)
    status = 405 if missed.allowed else 404
    headers = {"Allow": allow} if missed.allowed else None
    message = _MESSAGES[status]
    return envelope.failure(f"WA{status}", message, {}, {"path": message}, status, headers)


async def routing_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 for paths of no contract (the control plane, documents)."""
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(exc.detail, exc.status_code, exc.headers)


ROUTING_ERRORS = {404: routing_error, 405: routing_error}
