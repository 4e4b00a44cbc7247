"""Plumbing every surface shares: bounded body reading, JSON rendering, guarded endpoints."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.asgi import TooLarge, read_bounded

log = logging.getLogger("wanumbers")


class JSONResponse(Response):
    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        *,
        sort_keys: bool = False,
    ) -> None:
        self._option = orjson.OPT_SORT_KEYS if sort_keys else 0
        super().__init__(content, status_code, headers)

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=self._option)


def bearer_token(authorization: str) -> str:
    """The token of ``Authorization: Bearer TOKEN`` (or ``OAuth TOKEN``, as older SDKs send), else ``""``."""
    scheme, _, value = authorization.strip().partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "oauth") else ""


def runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


async def read_body(request: Request) -> bytes:
    """The body, refusing (before reading it whole) anything over the limit: raises ``TooLarge``."""
    return await read_bounded(request.scope, request.receive, request.app.state.settings.max_body_bytes)


Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Envelope:
    """How one contract renders what went wrong."""

    domain_error: Callable[[DomainError], Response]
    server_fault: Callable[[], Response]
    too_large: Callable[[], Response]


def guarded(route: str, envelope: Envelope) -> Callable[[Endpoint], Endpoint]:
    """Wrap an endpoint: apply injected faults for ``route``, and render every failure in the
    contract's own envelope: a request never sees a bare 500 page or a stack trace."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            try:
                if await _inject_fault(request, route):
                    return envelope.server_fault()
                return await endpoint(request)
            except DomainError as error:
                return envelope.domain_error(error)
            except TooLarge:
                return envelope.too_large()
            except Exception:
                # No request data in the log line: bodies and headers may carry secrets.
                log.exception("unhandled error on %s", route)
                return envelope.server_fault()

        return wrapper

    return decorate


async def _inject_fault(request: Request, route: str) -> bool:
    """True when the control plane armed a failure for this route; sleeps first for a delay fault."""
    rt = runtime(request)
    if not await sim.faults_armed(rt):  # the common case, answered without a write
        return False
    fault = await sim.take_fault(rt, route)
    if fault is None:
        return False
    mode, delay_ms = fault
    if mode == "delay":
        await anyio.sleep(delay_ms / 1000)
        return False
    return True
