"""``Idempotency-Key`` for the contracts' POST endpoints (see ``domain.idempotency`` for the rules).

The first request claims the key in the store, runs, and its answer (status, content type, body) is
remembered; a repeat within 24 h gets that answer again, marked ``Idempotent-Replayed: true``, and
the side effect is not done twice. A different request under the same key → 422; a duplicate while
the first is running → 409; both in the contract's envelope.
"""

from __future__ import annotations

import logging

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wanumbers.server.domain import idempotency
from wanumbers.server.domain.idempotency import Outcome, StoredResponse
from wanumbers.server.services import idempotency as service
from wanumbers.server.surfaces.asgi import (
    TooLarge,
    headers_of,
    read_bounded,
    replaying,
    runtime_of,
    settings_of,
)
from wanumbers.server.surfaces.contracts import (
    Contract,
    Refusal,
    contract_of,
    credential_digest,
    refuse,
    server_fault,
)

log = logging.getLogger("wanumbers")
_KEPT_HEADERS = ("content-type", "retry-after")


class IdempotencyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in idempotency.METHODS:
            await self.app(scope, receive, send)
            return
        contract = contract_of(scope.get("path", ""))
        headers = headers_of(scope) if contract else {}
        key = headers.get(idempotency.HEADER)
        digest = credential_digest(contract, scope) if contract else None
        if contract is None or key is None or digest is None:
            await self.app(scope, receive, send)
            return
        if not idempotency.is_valid_key(key):
            await refuse(contract, Refusal.BAD_KEY, scope["path"])(scope, receive, send)
            return
        try:
            body = await read_bounded(scope, receive, settings_of(scope).max_body_bytes)
        except TooLarge:
            await refuse(contract, Refusal.TOO_LARGE, scope["path"])(scope, receive, send)
            return
        key_scope = idempotency.scope(digest, scope["method"], scope["path"])
        await _once(self.app, contract, key_scope, key, body, scope, replaying(body, receive), send)


async def _once(
    app: ASGIApp,
    contract: Contract,
    key_scope: str,
    key: str,
    body: bytes,
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    rt = runtime_of(scope)
    fingerprint = idempotency.fingerprint(bytes(scope.get("query_string", b"")), body)
    try:
        claim = await service.claim(rt, key_scope, key, fingerprint)
    except Exception:
        log.exception("idempotency claim failed on %s", contract)
        await server_fault(contract)(scope, receive, send)
        return
    if claim.outcome is Outcome.REPLAY:
        assert claim.response is not None
        await _replay(claim.response)(scope, receive, send)
        return
    if claim.outcome is not Outcome.CLAIMED:
        refusal = Refusal.KEY_REUSED if claim.outcome is Outcome.MISMATCH else Refusal.IN_FLIGHT
        await refuse(contract, refusal, scope["path"])(scope, receive, send)
        return
    recorder = _Recorder(send)
    try:
        await app(scope, receive, recorder.send)
    finally:
        try:
            await service.finish(rt, key_scope, key, recorder.response())
        except Exception:  # the answer is already sent; an unfinished claim lapses after its lease
            log.exception("idempotency finish failed on %s", contract)


def _replay(stored: StoredResponse) -> Response:
    headers = {**stored.headers, idempotency.REPLAYED_HEADER: "true"}
    media_type = headers.pop("content-type", None)
    return Response(stored.body, stored.status, headers, media_type=media_type)


class _Recorder:
    """Passes the response through while keeping a copy of what should be replayed."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._status: int | None = None
        self._headers: dict[str, str] = {}
        self._chunks: list[bytes] = []
        self._complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._status = int(message["status"])
            for name, value in message.get("headers", []):
                if name.decode("latin-1").lower() in _KEPT_HEADERS:
                    self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            self._chunks.append(bytes(message.get("body", b"")))
            self._complete = not message.get("more_body", False)
        await self._send(message)

    def response(self) -> StoredResponse | None:
        """The whole answer, or ``None`` when the app failed before finishing one."""
        if self._status is None or not self._complete:
            return None
        return StoredResponse(self._status, self._headers, b"".join(self._chunks))
