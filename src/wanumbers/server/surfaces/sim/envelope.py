"""Rendering and guarding for ``/sim/…``: admin-token auth, JSON bodies, and one error envelope.

Control-plane routes are never subject to injected faults: a ``*`` fault must not lock out the very
API that clears it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import auth
from wanumbers.server.surfaces.asgi import TooLarge
from wanumbers.server.surfaces.http import Endpoint, JSONResponse, read_body, runtime

log = logging.getLogger("wanumbers")

# Reasons the control plane can meet, and their HTTP status; any other rule refusal is a 400.
_STATUS: dict[Reason, int] = {
    Reason.UNAUTHENTICATED: 401,
    Reason.ACCOUNT_NOT_FOUND: 404,
    Reason.WABA_NOT_FOUND: 404,
    Reason.NUMBER_NOT_FOUND: 404,
    Reason.ILLEGAL_TRANSITION: 409,
}


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status)


def failure(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    error: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    headers = {"WWW-Authenticate": 'Bearer realm="wanumbers-sim"'} if status == 401 else None
    return JSONResponse({"error": error}, status, headers)


def render(error: DomainError) -> JSONResponse:
    return failure(_STATUS.get(error.reason, 400), error.reason.value, error.detail, error.field)


class InvalidBody(Exception):
    """The body is not a JSON object."""


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` so action endpoints need none."""
    raw = await read_body(request)
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidBody from exc
    if not isinstance(body, dict):
        raise InvalidBody
    return body


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def admin_only(endpoint: Endpoint) -> Endpoint:
    """Check the admin token, then run the endpoint, rendering every failure in the sim envelope."""

    @functools.wraps(endpoint)
    async def wrapper(request: Request) -> Response:
        try:
            await auth.check_admin(runtime(request), _bearer(request))
            return await endpoint(request)
        except DomainError as error:
            return render(error)
        except InvalidBody:
            return failure(400, "invalid_json", "the body must be a JSON object")
        except TooLarge:
            return failure(413, "payload_too_large", "the body is too large")
        except Exception:
            # No request data in the log line: bodies and headers may carry secrets.
            log.exception("unhandled error on %s", request.url.path)
            return failure(500, "internal", "internal error")

    return wrapper
