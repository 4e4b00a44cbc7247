"""``GET /webhooks/graph``: Meta's verification handshake; ``POST``: its signed notifications.

Meta's contract for a callback: answer the handshake with ``hub.challenge`` when ``hub.verify_token`` is
ours, and 200 to every notification accepted. A notification without ``X-Hub-Signature-256`` answers
401, one whose signature does not match the app secret 403, and neither is recorded.
"""

from __future__ import annotations

import hmac
import logging

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from wanumbers.server.domain import inbound
from wanumbers.server.services.inbound import receive
from wanumbers.server.settings import Settings
from wanumbers.server.storage.bounds import StoreError
from wanumbers.server.surfaces.asgi import TooLarge
from wanumbers.server.surfaces.http import JSONResponse, read_body, runtime

PATH = "/webhooks/graph"
log = logging.getLogger("wanumbers")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def handshake(request: Request) -> Response:
    token = _settings(request).graph_verify_token or ""
    params = request.query_params
    offered = params.get("hub.verify_token", "")
    if params.get("hub.mode") == "subscribe" and token and hmac.compare_digest(offered, token):
        return PlainTextResponse(params.get("hub.challenge", ""))
    return _refused(403, "hub.mode must be subscribe and hub.verify_token must match")


async def notification(request: Request) -> Response:
    secret = _settings(request).graph_app_secret or ""
    signature = request.headers.get("x-hub-signature-256")
    if signature is None:
        return _refused(401, "X-Hub-Signature-256 is missing")
    try:
        body = await read_body(request)
    except TooLarge:
        return _refused(413, "the notification is larger than the body limit")
    if not inbound.signature_matches(secret, body, signature):
        return _refused(403, "X-Hub-Signature-256 does not match the body")
    try:
        changes = inbound.parse_notification(orjson.loads(body))
    except (orjson.JSONDecodeError, inbound.MalformedNotification) as error:
        return _refused(400, f"not a notification: {error}")
    try:
        received = await receive(runtime(request), changes)
    except StoreError as error:  # Meta retries a notification that is not answered 200
        log.warning(
            "webhook notification not recorded: the store could not take it (%s)", type(error).__name__
        )
        return _refused(503, "the store could not record the notification; retry")
    return JSONResponse({"received": received.changes, "applied": received.applied})


def _refused(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status)


def routes(settings: Settings) -> list[BaseRoute]:
    """The callback, when this service fronts Graph and knows the app secret that signs Meta's calls."""
    if settings.upstream != "graph" or not settings.graph_app_secret:
        return []
    return [
        Route(PATH, handshake, methods=["GET"], name="webhooks.graph.handshake"),
        Route(PATH, notification, methods=["POST"], name="webhooks.graph.notification"),
    ]
