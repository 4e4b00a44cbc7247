"""The request pipeline of the wire contracts, readable in one place:

    ingress limits → route (the one table) → body (bounded) → credential (once) → rate limit
        → Idempotency-Key → endpoint (its faults, deadline and envelope: surfaces/http.py ``guarded``)

Each stage either hands on or answers a refusal in the request's contract envelope. Paths that belong
to no contract (the control plane, the OpenAPI document, the console, health) go to Starlette as they
are. Contract routes are dispatched here, from the same ``Route`` objects Starlette holds, so the
route that serves a request and the rules its guards applied cannot differ.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from wanumbers.server import metrics
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.surfaces import credentials, idempotency, ingress, routing
from wanumbers.server.surfaces.asgi import ROUTE, headers_of, replaying, runtime_of, settings_of
from wanumbers.server.surfaces.contracts import BODY, Refusal, refuse
from wanumbers.server.surfaces.credentials import RequestCredential
from wanumbers.server.surfaces.graph import params as graph_params
from wanumbers.server.surfaces.operations import CONTRACT
from wanumbers.server.surfaces.ratelimit import rate_limited
from wanumbers.server.surfaces.route_table import Contract, NotServed, RouteTable


class Pipeline:
    def __init__(self, app: ASGIApp, table: RouteTable) -> None:
        self.app = app
        self.table = table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        contract = self.table.contract_of(scope["path"]) if scope["type"] == "http" else None
        if contract is None:
            await self.app(scope, receive, send)
            return
        scope[CONTRACT] = contract  # metrics and the request log label by it
        response = await self._answer(contract, scope, receive)
        await response(scope, receive, send)

    async def _answer(self, contract: Contract, scope: Scope, receive: Receive) -> Response:
        refusal = ingress.path_refusal(scope)
        if refusal is not None:
            return refuse(contract, refusal, scope["path"])
        match = self.table.match(contract, scope)
        if isinstance(match, NotServed):
            return routing.answer(match, scope["method"])
        scope["path_params"] = match.path_params
        scope[ROUTE] = match.route.name
        body = await ingress.read_body(scope, receive, settings_of(scope).max_body_bytes)
        if isinstance(body, Refusal):
            return refuse(contract, body, scope["path"])
        scope[BODY] = body
        credential = await _credential(contract, scope, body)
        scope[credentials.SCOPE_KEY] = credential
        wait = await rate_limited(scope, credential)
        if wait is not None:
            metrics.rate_limited(contract)
            return refuse(contract, Refusal.RATE_LIMITED, scope["path"], wait)
        request = Request(scope, replaying(body, receive))
        return await idempotency.once(contract, request, credential, body, match.route.endpoint)


async def _credential(contract: Contract, scope: Scope, body: bytes) -> RequestCredential:
    """The request's credential. Graph's may sit in the query string or the body too; a body is parsed
    only once a token in the header or query string has been accepted, or when neither has one and
    the body may hold one (the parser is bounded either way: ``graph/multipart.py``)."""
    credential = credentials.from_headers(contract, scope["headers"])
    if contract == "kaleyra":
        return credential
    query = bytes(scope.get("query_string", b""))
    for token in graph_params.query_values(query, "access_token"):
        credential.add(token.strip())
    if body and not credential.missing:
        try:
            await credential.account(runtime_of(scope))
        except DomainError as refused:  # answered by the endpoint; the body stays unread
            scope[graph_params.SCOPE_KEY] = refused
            return credential
    if body and credential.missing and not _may_carry_a_token(body):
        return credential  # refused for its missing token by the endpoint; the body stays unread
    try:
        params = graph_params.parse(query, body, headers_of(scope).get("content-type", ""))
    except DomainError as unreadable:  # reported after the object is resolved, as Graph does
        scope[graph_params.SCOPE_KEY] = unreadable
        return credential
    body_token = params.get("access_token")
    if isinstance(body_token, str):
        credential.add(body_token.strip())
    scope[graph_params.SCOPE_KEY] = params
    return credential


def _may_carry_a_token(body: bytes) -> bool:
    """Whether a body without a header or query token might hold ``access_token``: spelled out, or
    escaped (``%5F``, ``\\u005f``, RFC 2231 ``name*=``), so only such a body is parsed unauthenticated."""
    return b"access_token" in body or b"%" in body or b"\\" in body
