"""``GET /openapi.json``: the OpenAPI document of both contracts. Public: it describes, it holds nothing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wanumbers.server.openapi import document


async def openapi_document(request: Request) -> Response:
    return Response(document(), media_type="application/json")


routes = [Route("/openapi.json", openapi_document, methods=["GET"], name="openapi")]
