"""Pipeline stage: ``Idempotency-Key`` on the contracts' POST endpoints (rules: ``domain.idempotency``).

The first request claims the key in the store, runs, and its answer (status, content type, body) is
remembered; a repeat within 24 h gets that answer again, marked ``Idempotent-Replayed: true``, and the
side effect is not done twice. A different request under the same key → 422; a duplicate while the
first is running → 409; both in the contract's envelope.

Keys belong to the account the credential acts for, and a replay is answered only to a credential that
may act for that account now: a revoked key, or another account's, gets no one's stored answer. A
request whose credential is refused runs without the key, so the endpoint answers why.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain import idempotency
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.idempotency import Outcome, StoredResponse
from wanumbers.server.services import idempotency as service
from wanumbers.server.surfaces.asgi import runtime_of
from wanumbers.server.surfaces.contracts import Refusal, refuse, server_fault
from wanumbers.server.surfaces.credentials import RequestCredential
from wanumbers.server.surfaces.route_table import Contract

log = logging.getLogger("wanumbers")
_KEPT_HEADERS = ("content-type", "retry-after")
Endpoint = Callable[[Request], Awaitable[Response]]


async def once(
    contract: Contract, request: Request, credential: RequestCredential, body: bytes, endpoint: Endpoint
) -> Response:
    """Run ``endpoint`` under the request's Idempotency-Key, if it carries one."""
    key = request.headers.get(idempotency.HEADER)
    if key is None or request.method not in idempotency.METHODS:
        return await endpoint(request)
    if not idempotency.is_valid_key(key):
        return refuse(contract, Refusal.BAD_KEY, request.url.path)
    rt = runtime_of(request.scope)
    try:
        account = await credential.account(rt)
    except DomainError:
        return await endpoint(request)
    except Exception:
        log.exception("credential check failed on %s", contract)
        return server_fault(contract)
    key_scope = idempotency.scope(f"account:{account.id}", request.method, request.url.path)
    fingerprint = idempotency.fingerprint(bytes(request.scope.get("query_string", b"")), body, rt.otp_key)
    try:
        claim = await service.claim(rt, key_scope, key, fingerprint)
    except Exception:
        log.exception("idempotency claim failed on %s", contract)
        return server_fault(contract)
    if claim.outcome is Outcome.REPLAY:
        assert claim.response is not None
        return _replay(claim.response)
    if claim.outcome is not Outcome.CLAIMED:
        refusal = Refusal.KEY_REUSED if claim.outcome is Outcome.MISMATCH else Refusal.IN_FLIGHT
        return refuse(contract, refusal, request.url.path)
    response: Response | None = None
    try:
        response = await endpoint(request)
        return response
    finally:
        try:
            await service.finish(rt, key_scope, key, _stored(response))
        except Exception:  # the answer goes out anyway; an unfinished claim lapses after its lease
            log.exception("idempotency finish failed on %s", contract)


def _stored(response: Response | None) -> StoredResponse | None:
    """What a repeat would get; ``None`` when the endpoint failed before answering."""
    if response is None:
        return None
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in response.raw_headers
        if name.decode("latin-1") in _KEPT_HEADERS
    }
    return StoredResponse(response.status_code, headers, bytes(response.body))


def _replay(stored: StoredResponse) -> Response:
    headers = {**stored.headers, idempotency.REPLAYED_HEADER: "true"}
    media_type = headers.pop("content-type", None)
    return Response(stored.body, stored.status, headers, media_type=media_type)
