"""Kaleyra request payloads: parsing and the exact validation messages of seeds 001-003.

A payload that is not a JSON object, or whose fields have the wrong JSON type, fails as a whole
("Refer to correct payload format"), as a Go ``json.Unmarshal`` into a typed struct would. Field rules
then run in the order the seeds list them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from wanumbers.server.domain.identifiers import is_digits, parse_id
from wanumbers.server.domain.profile import CATEGORY_TO_VERTICAL

ADD_FIELDS = ("phone_number", "name", "verification_type", "country_code")
VERIFY_FIELDS = ("id", "phone_number", "otp")
PROFILE_FIELDS = ("address", "description", "email", "about")
ROUTING_FIELDS = ("incoming_url", "callback_profile_id", "outgoing_callback_profile_id")
UPDATE_FIELDS = ("phone_number", "category", *PROFILE_FIELDS, *ROUTING_FIELDS)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
CATEGORY_MESSAGE = "business_catregory value is invalid. Valid values are : " + ", ".join(
    CATEGORY_TO_VERTICAL
)


class PayloadError(Exception):
    """The body is not the JSON object the endpoint expects."""


@dataclass
class FieldErrors:
    """Validation failures in the order found; ``message`` is the first one's, as Go reports it."""

    errors: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def message(self) -> str:
        return next(iter(self.errors.values()))

    def __bool__(self) -> bool:
        return bool(self.errors)


def required(struct: str, name: str) -> str:
    return f"key: '{struct}.{name}' error:field validation for '{name}' failed on the 'required' tag"


def parse_object(body: bytes, string_fields: tuple[str, ...]) -> dict[str, Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PayloadError from exc
    if not isinstance(payload, dict):
        raise PayloadError
    for name in string_fields:
        if name in payload and not isinstance(payload[name], str | None):
            raise PayloadError
    return payload


@dataclass(frozen=True)
class AddRequest:
    phone_number: str
    name: str
    verification_type: str
    country_code: str


def validate_add(payload: dict[str, Any], waba_id: str) -> tuple[AddRequest, FieldErrors]:
    struct = "cloudapinumberaddrequest"
    errors = FieldErrors()
    values = {name: (payload.get(name) or "").strip() for name in ADD_FIELDS}
    for name in ADD_FIELDS:
        if not values[name]:
            errors.add(name, required(struct, name))
    if not waba_id.strip():
        errors.add("waba_id", required(struct, "waba_id"))
    if len(values["name"]) > 255:
        errors.add("name", "phone number name exceeds 255 characters")
    kind = values["verification_type"].upper()
    if kind and kind not in ("SMS", "VOICE"):
        errors.add("verification_type", "verification_type must be one of SMS, VOICE")
    return AddRequest(values["phone_number"], values["name"], kind, values["country_code"]), errors


@dataclass(frozen=True)
class VerifyRequest:
    id: int
    phone_number: str
    otp: str


def validate_verify(payload: dict[str, Any]) -> tuple[VerifyRequest, FieldErrors]:
    """``id`` arrives as a JSON number (the seed's curl) or a string (the seed's table): take both."""
    raw_id = payload.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str | None):
        raise PayloadError
    text_id = str(raw_id).strip() if raw_id is not None else ""
    if text_id and not is_digits(text_id):
        raise PayloadError
    errors = FieldErrors()
    struct = "cloudapinumberverifyrequest"
    values = {"id": text_id, **{n: (payload.get(n) or "").strip() for n in ("phone_number", "otp")}}
    for name in VERIFY_FIELDS:
        if not values[name]:
            errors.add(name, required(struct, name))
    # An id past the store's range names no number: 0 is never issued, so it is reported as not found.
    number_id = (parse_id(text_id) or 0) if text_id else 0
    return VerifyRequest(number_id, values["phone_number"], values["otp"]), errors


@dataclass(frozen=True)
class UpdateRequest:
    phone_number: str
    given: dict[str, str]


def validate_update(payload: dict[str, Any]) -> UpdateRequest | str:
    """The request, or the first failure's message (the update seed reports one error at a time)."""
    unknown = sorted(set(payload) - set(UPDATE_FIELDS))
    if unknown:
        return f"unknown field '{unknown[0]}' in payload"
    given = {name: value.strip() for name, value in payload.items() if isinstance(value, str)}
    phone = given.pop("phone_number", "")
    checks = (
        (not phone, "please provide valid phone_number"),
        (
            bool(given.get("email")) and not _EMAIL.match(given.get("email", "")),
            "invalid email format",
        ),
        (
            len(given.get("description", "")) > 256,
            "description exceeds maximum character limit of 256 characters",
        ),
        (
            len(given.get("address", "")) > 256,
            "address exceeds maximum character limit of 256 characters",
        ),
        (
            len(given.get("about", "")) > 139,
            "about info exceeds maximum character limit of 139 characters",
        ),
        (bool(given.get("category")) and given.get("category") not in CATEGORY_TO_VERTICAL, CATEGORY_MESSAGE),
    )
    for failed, message in checks:
        if failed:
            return message
    for name in ("callback_profile_id", "outgoing_callback_profile_id"):
        if given.get(name) and not _is_uuid(given[name]):
            return f"{name} must be a callback profile id (UUID)"
    return UpdateRequest(phone, given)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
