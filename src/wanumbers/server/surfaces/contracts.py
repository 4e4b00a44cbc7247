"""How each wire contract words the refusals the pipeline gives before any endpoint runs (ingress checks,
credentials, rate limit, Idempotency-Key): Kaleyra in ``{"code","message","data","error"}``, Graph in
``{"error":{"message","type","code","fbtrace_id"}}``. Which contract a path belongs to is the route
table's decision (surfaces/route_table.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from starlette.responses import Response

from wanumbers.server.surfaces.graph import errors as graph_errors
from wanumbers.server.surfaces.kaleyra import envelope as kaleyra
from wanumbers.server.surfaces.route_table import Contract

# The request body the pipeline buffered (methods with a body), for the stages after it.
BODY = "wanumbers.body"


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
