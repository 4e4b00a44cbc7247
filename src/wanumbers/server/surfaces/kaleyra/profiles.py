"""Kaleyra's callback-profile API (``/v1/{sid}/callback/profiles``), in its own envelope:
``{"code","message","data","error","status"}`` as Kaleyra's profile pages print it (``RBC024`` on success,
``RBC302`` with ``error: [{"params": …}]`` for an id that is not the account's). Wording Kaleyra does not
show (create, list, patch, invalid input: ``RBC301``) is ours and listed in docs/kaleyra.md.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wanumbers.server.domain import callback_profiles as rules
from wanumbers.server.domain.callback_profiles import CallbackProfile
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Account
from wanumbers.server.services import callback_profiles
from wanumbers.server.surfaces import credentials
from wanumbers.server.surfaces.http import Endpoint, Envelope, JSONResponse, guarded, read_body, runtime
from wanumbers.server.surfaces.kaleyra import envelope

OK = "RBC024"
INVALID = "RBC301"
NOT_FOUND = "RBC302"
BAD_PAYLOAD = "Refer to correct payload format"
MAX_LIMIT = 100


def answer(message: str, data: Any) -> JSONResponse:
    return JSONResponse({"code": OK, "message": message, "data": data, "error": {}, "status": 200})


def failure(code: str, message: str, params: str, status: int) -> JSONResponse:
    body = {"code": code, "message": message, "data": {}, "error": [{"params": params}], "status": status}
    return JSONResponse(body, status)


def render_error(error: DomainError) -> Response:
    if error.reason is Reason.PROFILE_NOT_FOUND:
        return failure(NOT_FOUND, "No profile exists with this id", error.detail, 404)
    if error.reason in (Reason.INVALID_PARAMETER, Reason.UNSAFE_URL):
        return failure(INVALID, error.detail, error.detail, 400)
    return envelope.render(error)


def _iso(moment: Any) -> str | None:
    return (
        None
        if moment is None
        else moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def view(profile: CallbackProfile) -> dict[str, Any]:
    """A profile as Kaleyra's read answers it: ``headers``, ``body`` and ``events`` as JSON text."""
    return {
        "profile_id": profile.id,
        "title": profile.title,
        "url": profile.url,
        "http_method": profile.http_method,
        "headers": orjson.dumps(profile.headers).decode(),
        "body_type": "JSON" if profile.body is not None else None,
        "body": profile.body,
        "status": 1,  # 1 active (Kaleyra: 2 auto-disabled, 3 disabled)
        "created_at": _iso(profile.created_at),
        "modified_at": _iso(profile.modified_at),
        "enc": None,
        "response_message": profile.response_message,
        "channel": profile.channel,
        "events": orjson.dumps(list(profile.events)).decode(),
        "dynamic_variables": None,
        "replacers": {},
    }


async def _account(request: Request) -> Account:
    return await credentials.of(request.scope).account(runtime(request), request.path_params["sid"])


async def _payload(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "application/json")
    if not content_type.lower().startswith("application/json"):
        raise DomainError(Reason.INVALID_PARAMETER, BAD_PAYLOAD)
    try:
        payload = orjson.loads(await read_body(request))
    except orjson.JSONDecodeError:
        raise DomainError(Reason.INVALID_PARAMETER, BAD_PAYLOAD) from None
    if not isinstance(payload, dict):
        raise DomainError(Reason.INVALID_PARAMETER, BAD_PAYLOAD)
    return payload


async def create_profile(request: Request) -> Response:
    account = await _account(request)
    profile = await callback_profiles.create(runtime(request), account, await _payload(request))
    return answer("Profile created successfully", view(profile))


def _number(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise DomainError(Reason.INVALID_PARAMETER, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


async def list_profiles(request: Request) -> Response:
    account = await _account(request)
    limit = _number(request, "limit", callback_profiles.DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _number(request, "offset", 0, 0, 1_000_000)
    title = request.query_params.get("title")
    if title is not None:  # given, it follows the rules of a title (an empty one is refused)
        title = rules.parse({"title": title}, partial=True)["title"]
    found = await callback_profiles.page(
        runtime(request), account, limit=limit, offset=offset, title=title or ""
    )
    return answer("Profiles fetched successfully", [view(profile) for profile in found])


async def get_profile(request: Request) -> Response:
    account = await _account(request)
    profile = await callback_profiles.get(runtime(request), account, request.path_params["profile_id"])
    return answer("Profile fetched successfully", view(profile))


async def patch_profile(request: Request) -> Response:
    account = await _account(request)
    profile_id = request.path_params["profile_id"]
    payload = await _payload(request)
    profile = await callback_profiles.patch(runtime(request), account, profile_id, payload)
    return answer("Profile updated successfully", view(profile))


async def delete_profile(request: Request) -> Response:
    account = await _account(request)
    profile_id = request.path_params["profile_id"]
    await callback_profiles.delete(runtime(request), account, profile_id)
    return answer("Profile deleted successfully", {"profileId": profile_id})


ENVELOPE = Envelope(
    domain_error=render_error, server_fault=envelope.server_fault, too_large=envelope.too_large
)


def _route(path: str, endpoint: Endpoint, method: str, name: str) -> Route:
    return Route(path, guarded(name, ENVELOPE)(endpoint), methods=[method], name=name)


BASE = "/v1/{sid}/callback/profiles"
ONE = BASE + "/{profile_id}"
routes = [
    _route(BASE, create_profile, "POST", "kaleyra.profiles.create"),
    _route(BASE, list_profiles, "GET", "kaleyra.profiles.list"),
    _route(ONE, get_profile, "GET", "kaleyra.profiles.get"),
    _route(ONE, patch_profile, "PATCH", "kaleyra.profiles.patch"),
    _route(ONE, delete_profile, "DELETE", "kaleyra.profiles.delete"),
]
