"""Which wire contract a path belongs to, and how that contract words the refusals the request guards
(ingress checks, rate limit, Idempotency-Key) give before any endpoint runs.

Kaleyra paths (``/v1/…``, ``/v2/…``) answer in Kaleyra's ``{"code","message","data","error"}``; Graph
paths (``/v23.0/…``) in Graph's ``{"error":{"message","type","code","fbtrace_id"}}``. Other paths (the
control plane, documents) are not guarded here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal
from urllib.parse import parse_qs

import orjson
from starlette.responses import Response
from starlette.types import Scope

from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.surfaces.asgi import headers_of
from wanumbers.server.surfaces.graph import errors as graph_errors
from wanumbers.server.surfaces.http import bearer_token
from wanumbers.server.surfaces.kaleyra import envelope as kaleyra

Contract = Literal["kaleyra", "graph"]
_KALEYRA = re.compile(r"^/v[12]/")
_GRAPH = re.compile(r"^/v\d{1,3}\.\d{1,3}/")
_GRAPH_UNVERSIONED = re.compile(r"^/\d{1,64}(/|$)")  # Graph also serves /{node_id}/… without a version


def contract_of(path: str) -> Contract | None:
    if _KALEYRA.match(path):
        return "kaleyra"
    if _GRAPH.match(path) or _GRAPH_UNVERSIONED.match(path):
        return "graph"
    return None


# The request body IngressGuard buffered (methods with a body), for the guards after it.
BODY = "wanumbers.body"


def credential_digest(contract: Contract, scope: Scope) -> str | None:
    """The digest of the credential the request presents (never the credential itself), found
    wherever the contract's own authentication looks: Kaleyra's ``api-key`` header; Graph's
    ``Authorization: Bearer|OAuth`` header, then ``access_token`` in the query, form or JSON body."""
    headers = headers_of(scope)
    if contract == "kaleyra":
        secret = headers.get("api-key", "").strip()
    else:
        secret = (
            bearer_token(headers.get("authorization", ""))
            or _form_param(bytes(scope.get("query_string", b"")), "access_token")
            or _body_param(scope.get(BODY, b""), headers.get("content-type", ""), "access_token")
        )
    return digest_secret(secret) if secret else None


def _form_param(encoded: bytes, name: str) -> str:
    values = parse_qs(encoded.decode("latin-1")).get(name)
    return values[0].strip() if values else ""


def _body_param(body: bytes, content_type: str, name: str) -> str:
    if not body:
        return ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return _form_param(body, name)
    if content_type.startswith("application/json"):
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return ""
        value = payload.get(name) if isinstance(payload, dict) else None
        return value.strip() if isinstance(value, str) else ""
    return ""


@dataclass(frozen=True)
class Problem:
    """A refusal: HTTP status, Kaleyra code, Graph code, the field it concerns, and its wording."""

    status: int
    kaleyra_code: str
    graph_code: int
    field: str
    message: str


class Refusal(Enum):
    TOO_LARGE = Problem(413, "WA413", 100, "payload", "request body exceeds 64 KiB")
    BAD_PAYLOAD = Problem(400, "WA400", 100, "payload", "Incorrect payload format")
    BAD_PATH = Problem(414, "WA414", 100, "path", "request path or one of its segments is too long")
    BAD_KEY = Problem(
        400, "WA400", 100, "idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters"
    )
    KEY_REUSED = Problem(
        422, "WA422", 100, "idempotency_key", "Idempotency-Key was already used with a different request"
    )
    IN_FLIGHT = Problem(
        409, "WA409", 2, "idempotency_key", "a request with this Idempotency-Key is still being processed"
    )
    RATE_LIMITED = Problem(429, "WA429", 4, "rate_limit", "Application request limit reached")


def refuse(contract: Contract, refusal: Refusal, path: str, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    problem = refusal.value
    if contract == "graph":
        return graph_error(problem.status, problem.graph_code, problem.message, headers)
    if refusal is Refusal.TOO_LARGE:
        return kaleyra.too_large()
    if refusal is Refusal.BAD_PAYLOAD:
        # The seeds' malformed-payload body; the update endpoint's message has a trailing space.
        if path.endswith("/number/update"):
            return kaleyra.bad_payload("Refer to correct payload format ")
        return kaleyra.bad_payload()
    body = {problem.field: problem.message}
    return kaleyra.failure(problem.kaleyra_code, problem.message, {}, body, problem.status, headers)


def server_fault(contract: Contract) -> Response:
    return graph_errors.server_fault() if contract == "graph" else kaleyra.server_fault()


def graph_error(status: int, code: int, message: str, headers: dict[str, str] | None) -> Response:
    transient = status in (409, 429)
    return graph_errors.graph_error(
        f"(#{code}) {message}", code, status=status, headers=headers, transient=transient
    )
