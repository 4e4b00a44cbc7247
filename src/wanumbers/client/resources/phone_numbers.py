"""Graph phone-number node and WABA edge: read, list, create, verify, register.

References:
https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/
https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/phone_numbers/
https://developers.facebook.com/docs/whatsapp/cloud-api/reference/registration
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .._base import Call, join_path
from ..types.page import Page
from ..types.phone_number import PhoneNumber
from ..types.success import SuccessResponse

__all__ = [
    "create_phone_number",
    "deregister",
    "get_phone_number",
    "list_phone_numbers",
    "register",
    "request_code",
    "verify_code",
]


def fields_param(fields: Sequence[str] | None) -> dict[str, str]:
    if fields is None:
        return {}
    if isinstance(fields, str):  # a lone "a,b" string is a common (and harmless) shortcut
        return {"fields": fields}
    return {"fields": ",".join(fields)}


def parse_success(body: Any) -> SuccessResponse:
    return SuccessResponse.model_validate(body)


def _page(body: Any) -> Page[PhoneNumber]:
    return Page[PhoneNumber].model_validate(body)


def _created_id(body: Any) -> str:
    if not isinstance(body, dict) or not body.get("id"):
        raise ValueError("expected {'id': ...}")
    return str(body["id"])


def get_phone_number(version: str, phone_id: str, fields: Sequence[str] | None) -> Call[PhoneNumber]:
    return Call("GET", join_path(version, phone_id), PhoneNumber.model_validate, fields_param(fields))


def list_phone_numbers(
    version: str,
    waba_id: str,
    *,
    fields: Sequence[str] | None,
    filtering: Sequence[Mapping[str, Any]] | None,
    sort: str | None,
    limit: int | None,
    after: str | None,
    before: str | None,
) -> Call[Page[PhoneNumber]]:
    params = fields_param(fields)
    if filtering is not None:
        params["filtering"] = json.dumps([dict(f) for f in filtering], separators=(",", ":"))
    optional = {"sort": sort, "limit": limit, "after": after, "before": before}
    params.update({key: str(value) for key, value in optional.items() if value is not None})
    return Call("GET", join_path(version, waba_id, "phone_numbers"), _page, params)


def create_phone_number(
    version: str, waba_id: str, cc: str, phone_number: str, verified_name: str
) -> Call[str]:
    body = {"cc": cc.lstrip("+"), "phone_number": phone_number, "verified_name": verified_name}
    return Call("POST", join_path(version, waba_id, "phone_numbers"), _created_id, json=body)


def request_code(version: str, phone_id: str, code_method: str, language: str) -> Call[SuccessResponse]:
    body = {"code_method": str(code_method), "language": language}
    return Call("POST", join_path(version, phone_id, "request_code"), parse_success, json=body)


def verify_code(version: str, phone_id: str, code: str) -> Call[SuccessResponse]:
    path = join_path(version, phone_id, "verify_code")
    return Call("POST", path, parse_success, json={"code": code})


def register(
    version: str, phone_id: str, pin: str, data_localization_region: str | None
) -> Call[SuccessResponse]:
    body = {"messaging_product": "whatsapp", "pin": pin}
    if data_localization_region is not None:
        body["data_localization_region"] = data_localization_region
    return Call("POST", join_path(version, phone_id, "register"), parse_success, json=body)


def deregister(version: str, phone_id: str) -> Call[SuccessResponse]:
    return Call("POST", join_path(version, phone_id, "deregister"), parse_success)
