"""Bearer auth: ``Authorization: Bearer TOKEN`` (``OAuth TOKEN`` from older SDKs) or the
``access_token`` parameter, checked against the store on every request."""

from __future__ import annotations

from starlette.requests import Request

from wanumbers.server.domain.records import Account
from wanumbers.server.services import auth
from wanumbers.server.surfaces.graph.params import Params
from wanumbers.server.surfaces.http import bearer_token, runtime


class MissingToken(Exception):
    """No credential at all: Graph answers 104, not 190."""


def token_of(request: Request, params: Params) -> str:
    header_token = bearer_token(request.headers.get("authorization", ""))
    if header_token:
        return header_token
    token = params.get("access_token")
    if isinstance(token, str) and token.strip():
        return token.strip()
    raise MissingToken


async def account_of(request: Request, params: Params) -> Account:
    return await auth.account_for_token(runtime(request), token_of(request, params))
