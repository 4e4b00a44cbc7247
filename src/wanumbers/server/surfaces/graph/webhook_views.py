"""Webhook subscriptions on the Graph surface: ``GET /oauth/access_token`` (client credentials),
``POST/GET /{app-id}/subscriptions`` (app token ``{app-id}|{app-secret}``), and the WABA's
``POST/GET/DELETE /{waba-id}/subscribed_apps`` (the account's access token)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import parse_id
from wanumbers.server.services import apps
from wanumbers.server.surfaces import credentials
from wanumbers.server.surfaces.contracts import BODY
from wanumbers.server.surfaces.graph import errors
from wanumbers.server.surfaces.graph import params as graph_params
from wanumbers.server.surfaces.graph.endpoint import ENVELOPE, GraphCall
from wanumbers.server.surfaces.graph.params import Params, text
from wanumbers.server.surfaces.http import Endpoint, JSONResponse, guarded, runtime

SUCCESS = {"success": True}


def _params(request: Request) -> Params:
    """The request's parameters (query, form or JSON). The pipeline leaves a body unread when the
    token it found is not an account's (an app token is not), so it is parsed here then."""
    parsed = request.scope.get(graph_params.SCOPE_KEY, {})
    if isinstance(parsed, dict):
        return parsed
    query = bytes(request.scope.get("query_string", b""))
    body = request.scope.get(BODY, b"")
    return graph_params.parse(query, body, request.headers.get("content-type", ""))


def _render(error: DomainError, operation: str, request: Request, object_id: str) -> Response:
    if isinstance(error, apps.CallbackVerificationFailed):
        return errors.graph_error(f"(#2200) {error.detail}", 2200)
    return errors.render(error, operation, request.method, object_id)


def _app_token(request: Request, params: Params) -> str:
    """The app token among what the request presented (pywa sends its user token in the header and
    the app token as ``access_token``: the app token is the one that counts here)."""
    presented = set(credentials.of(request.scope).secrets)
    body_token = params.get("access_token")
    if isinstance(body_token, str) and body_token:
        presented.add(body_token)
    tokens = [token for token in presented if "|" in token]
    if not presented:
        raise DomainError(Reason.CREDENTIAL_MISSING)
    if len(tokens) != 1:
        raise DomainError(Reason.UNAUTHENTICATED, errors.INVALID_TOKEN)
    return tokens[0]


def app_endpoint(operation: str, handler: Endpoint) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        raw_id = request.path_params.get("node_id", "")
        try:
            return await handler(request)
        except DomainError as error:
            return _render(error, operation, request, raw_id)

    endpoint.__name__ = operation
    return guarded(f"graph.{operation}", ENVELOPE, reads_credential=False)(endpoint)


async def oauth_access_token(request: Request) -> Response:
    params = _params(request)
    token = await apps.access_token(
        runtime(request), params.get("grant_type"), params.get("client_id"), params.get("client_secret")
    )
    return JSONResponse({"access_token": token, "token_type": "bearer"})


async def _app(request: Request, params: Params) -> tuple[int, object]:
    raw_id = request.path_params.get("node_id", "")
    app_id = parse_id(raw_id) or 0
    account = await apps.app_account(runtime(request), _app_token(request, params), app_id)
    return app_id, account


async def post_subscriptions(request: Request) -> Response:
    params = _params(request)
    rt = runtime(request)
    _, account = await _app(request, params)
    await apps.subscribe_app(
        rt,
        account,  # type: ignore[arg-type]
        object_name=text(params, "object", required=True),
        callback_url=text(params, "callback_url", required=True),
        verify_token=text(params, "verify_token", required=True),
        fields=params.get("fields"),
    )
    return JSONResponse(SUCCESS)


async def get_subscriptions(request: Request) -> Response:
    params = _params(request)
    _, account = await _app(request, params)
    subs = await apps.app_subscriptions(runtime(request), account)  # type: ignore[arg-type]
    data = [
        {
            "object": sub.object,
            "callback_url": sub.callback_url,
            "active": True,
            "fields": [{"name": name, "version": "v23.0"} for name in sub.fields],
        }
        for sub in subs
    ]
    return JSONResponse({"data": data})


async def post_subscribed_apps(request: Request, g: GraphCall) -> Response:
    await apps.subscribe_waba(
        g.rt,
        g.account,
        g.waba,
        override=text(g.params, "override_callback_uri"),
        verify_token=text(g.params, "verify_token"),
    )
    return JSONResponse(SUCCESS)


async def get_subscribed_apps(request: Request, g: GraphCall) -> Response:
    data = []
    for app_id, override in await apps.waba_subscriptions(g.rt, g.waba):
        item: dict[str, object] = {"whatsapp_business_api_data": {"id": str(app_id), "name": g.account.name}}
        if override:
            item["override_callback_uri"] = override
        data.append(item)
    return JSONResponse({"data": data})


async def delete_subscribed_apps(request: Request, g: GraphCall) -> Response:
    await apps.unsubscribe_waba(g.rt, g.account, g.waba)
    return JSONResponse(SUCCESS)
