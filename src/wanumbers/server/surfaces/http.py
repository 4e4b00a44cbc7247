"""Plumbing every surface shares: bounded body reading, JSON rendering, guarded endpoints."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.bounds import StoreError
from wanumbers.server.surfaces import credentials
from wanumbers.server.surfaces.asgi import TooLarge, read_bounded
from wanumbers.server.surfaces.credentials import RequestCredential

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


class InjectedFault(Exception):
    """The control plane armed an error for this route: answered as the contract's server fault."""


def guarded(
    route: str, envelope: Envelope, *, gates_faults: bool = True, reads_credential: bool = True
) -> Callable[[Endpoint], Endpoint]:
    """Wrap an endpoint: apply injected faults for ``route``, bound it by the request deadline, and
    render every failure in the contract's own envelope: a request never sees a bare 500 page or a
    stack trace. ``gates_faults=False``: the endpoint calls ``apply_faults`` itself, with the armed
    flag its one statement already read (the hot reads). Otherwise the gate takes the flag from the
    request credential's statement, which the endpoint then reuses; ``reads_credential=False`` (an
    endpoint that never looks that credential up: Graph's app-token routes) has the gate ask alone."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            try:
                async with asyncio.timeout(request.app.state.settings.request_timeout) as deadline:
                    request.state.deadline = deadline
                    if gates_faults:
                        armed = await _faults_armed(request) if reads_credential else None
                        await apply_faults(request, route, armed)
                    return await endpoint(request)
            except DomainError as error:
                return envelope.domain_error(error)
            except TooLarge:
                return envelope.too_large()
            except InjectedFault:
                return envelope.server_fault()
            except TimeoutError:
                log.warning("%s ran past the request deadline", route)
                return envelope.server_fault()
            except StoreError as error:
                log.warning("%s: the store could not serve it (%s)", route, type(error).__name__)
                return envelope.server_fault()
            except Exception:
                # No request data in the log line: bodies and headers may carry secrets.
                log.exception("unhandled error on %s", route)
                return envelope.server_fault()

        return wrapper

    return decorate


async def _faults_armed(request: Request) -> bool | None:
    """The armed-faults flag the request's credential statement reads (the credential is looked up
    here, before the endpoint asks for it, and kept for it), or ``None`` if there is none to read."""
    credential: RequestCredential | None = request.scope.get(credentials.SCOPE_KEY)
    return None if credential is None else await credential.faults_armed(runtime(request))


async def apply_faults(request: Request, route: str, armed: bool | None = None) -> None:
    """Fire the fault the control plane armed for ``route``, if any: raise ``InjectedFault``, or sleep
    for a delay fault (the request deadline moves by the delay: an injected delay is not our I/O).
    ``armed``: whether any fault is armed, when the caller already read it."""
    rt = runtime(request)
    if armed is None:
        armed = await sim.faults_armed(rt)
    if not armed:  # the common case, answered without a write
        return
    fault = await sim.take_fault(rt, route)
    if fault is None:
        return
    mode, delay_ms = fault
    if mode != "delay":
        raise InjectedFault
    deadline: asyncio.Timeout | None = getattr(request.state, "deadline", None)
    if deadline is not None and deadline.when() is not None:
        deadline.reschedule(deadline.when() + delay_ms / 1000)  # type: ignore[operator]
    await asyncio.sleep(delay_ms / 1000)
