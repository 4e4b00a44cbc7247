"""The operator's stage, outermost (app.py ``OUTERMOST``), around every request whatever its path:

- ``GET /healthz`` (the process is up) and ``GET /readyz`` (the store answers within its bound and its
  schema is at head: 200, else 503), ``GET /metrics`` (Prometheus text). They are answered here, before
  the pipeline, so no contract's credential, rate limit or fault injection ever applies to them;
- the request id: ``X-Request-Id`` when the caller sent a sane one (1-128 of
  ``A-Z a-z 0-9 . _ : - / + = @``), else one made here (16 hex digits: 8 random per process, then a
  counter); echoed in the answer and carried by every log line of the request;
- one log line and one metrics observation per request, labelled by contract and route template (from
  the one route table, or Starlette's route for the control plane), never by the raw path.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wanumbers.server import logs, metrics
from wanumbers.server.services import health
from wanumbers.server.surfaces.asgi import ROUTE, runtime_of

CONTRACT = "wanumbers.contract"  # set by the pipeline for the contracts' paths
UNMATCHED = "unmatched"
_REQUEST_ID = b"x-request-id"
_SANE_ID = re.compile(rb"[A-Za-z0-9._:\-/+=@]{1,128}")
_JSON = [(b"content-type", b"application/json")]
_NOT_ALLOWED = [*_JSON, (b"allow", b"GET, HEAD")]


# Made ids: a random prefix per process and a counter, so ids are unique across workers and restarts
# without a random draw per request.
_made = itertools.count(1)
_PREFIX = os.urandom(4).hex()


def request_id_of(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == _REQUEST_ID and _SANE_ID.fullmatch(value):
            return value.decode("ascii")
    return f"{_PREFIX}{next(_made):08x}"


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def healthz(scope: Scope, send: Send) -> None:
    await _answer(send, 200, b'{"status":"ok"}', _JSON)


async def readyz(scope: Scope, send: Send) -> None:
    ready, body = await health.readiness(runtime_of(scope))
    await _answer(send, 200 if ready else 503, orjson.dumps(body), _JSON)


async def metrics_page(scope: Scope, send: Send) -> None:
    store: Any = runtime_of(scope).store
    text = metrics.exposition(getattr(store, "pool_stats", None))
    await _answer(send, 200, text, [(b"content-type", metrics.CONTENT_TYPE.encode())])


ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_page}


class Operations:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[str, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope["headers"])
        token = logs.REQUEST_ID.set(request_id)
        echoed = (_REQUEST_ID, request_id.encode("ascii"))
        status = 500  # what the client sees when the app fails before answering

        async def answering(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        endpoint = ENDPOINTS.get(scope["path"])
        try:
            if endpoint is None:
                await self.app(scope, receive, answering)
            elif scope["method"] in ("GET", "HEAD"):
                await endpoint(scope, answering)
            else:
                await _answer(answering, 405, b'{"status":"method not allowed"}', _NOT_ALLOWED)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started, endpoint is not None)
        logs.REQUEST_ID.reset(token)  # on an error it stays set: uvicorn's report of it carries the id

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float, ours: bool) -> None:
        contract, route = ("ops", scope["path"]) if ours else self._labels(scope)
        method = scope["method"]
        metrics.record_request(contract, route, method, status, seconds)
        client = scope.get("client")
        # The path, never the query string: Graph takes access_token= there.
        logs.request_line(
            request_id, method, scope["path"], route, status, seconds, client[0] if client else "-"
        )

    def _labels(self, scope: Scope) -> tuple[str, str]:
        contract: str | None = scope.get(CONTRACT)
        if contract is not None:
            name = scope.get(ROUTE)
            return contract, UNMATCHED if name is None else self._template(scope, name)
        route = scope.get("route")  # Starlette's, for the control plane and the documents
        path = getattr(route, "path", None)
        if path is None:
            return "other", UNMATCHED
        return ("sim" if path.startswith("/sim") else "other"), path

    def _template(self, scope: Scope, name: str) -> str:
        if self._templates is None:
            self._templates = {route.name: route.path for route in scope["app"].route_table.routes}
        return self._templates.get(name, name)
