"""Kaleyra's envelope ``{"code","message","data","error"}`` and the table from domain reasons to it.

``data`` is ``[]`` or ``{}`` exactly as each seed sample has it. ``error`` maps are rendered with sorted
keys, as Go's ``encoding/json`` does. WA500 bodies caused by the request itself (too short, already
approved) keep their code but answer 400: the status must not claim a server fault.
"""

from __future__ import annotations

from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.surfaces.http import JSONResponse

OK = "Request Processed Successfully"
BAD_CREDENTIALS = "Incorrect SID or API key."
WABA_MISSING = "Waba_id is not present or does not belong to the account."
PHONE_MISSING = "Phone number is not present or does not belong to the account."
TRY_LATER = "Please try again later"
# Kaleyra answers every refused key alike: missing, unknown, revoked, expired, or two that conflict.
CREDENTIAL_REASONS = (
    Reason.UNAUTHENTICATED,
    Reason.CREDENTIAL_MISSING,
    Reason.CREDENTIAL_REVOKED,
    Reason.CREDENTIAL_EXPIRED,
)


def success(data: Any) -> JSONResponse:
    return JSONResponse({"code": "WA200", "message": OK, "data": data, "error": {}})


def failure(
    code: str,
    message: str,
    data: Any,
    error: dict[str, str],
    status: int,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"code": code, "message": message, "data": data, "error": dict(sorted(error.items()))}
    return JSONResponse(body, status, headers)


def field_error(message: str, field: str = "error", *, data: Any = None, status: int = 400) -> JSONResponse:
    """WA400 with the message repeated under ``error[field]`` (the seeds' most common shape)."""
    return failure("WA400", message, [] if data is None else data, {field: message}, status)


def bad_credentials(error: str = "record not found", code: str = "RBC001") -> JSONResponse:
    return failure(code, BAD_CREDENTIALS, [], {"body": BAD_CREDENTIALS, "error": error}, 401)


def bad_payload(message: str = "Refer to correct payload format") -> JSONResponse:
    return failure("WA400", message, {}, {"payload": "Incorrect payload format"}, 400)


def server_fault() -> JSONResponse:
    return failure("WA500", TRY_LATER, {}, {"error": "Internal server error"}, 500)


def too_large() -> JSONResponse:
    message = "request body exceeds 64 KiB"
    return failure("WA413", message, {}, {"payload": message}, 413)


def waba_missing() -> JSONResponse:
    return failure("WA401", WABA_MISSING, {}, {"waba_id": WABA_MISSING}, 401)


def phone_missing() -> JSONResponse:
    return failure("WA401", PHONE_MISSING, {}, {"phone_number": PHONE_MISSING}, 401)


def number_not_found() -> JSONResponse:
    return failure("E112", "invalid Phone Number or Phone Number Not Found", [], {}, 404)


def _limited(error: DomainError, message: str) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return failure("WA429", message, {}, {"otp": message}, 429, headers)


def render(error: DomainError) -> JSONResponse:
    """The Kaleyra body for a domain error. Wording for cases the seeds do not show is ours and is
    listed in docs/kaleyra.md."""
    reason = error.reason
    if reason in CREDENTIAL_REASONS:
        return bad_credentials()
    if reason is Reason.WABA_NOT_FOUND:
        return waba_missing()
    if reason is Reason.NUMBER_NOT_FOUND:
        return phone_missing()
    if reason is Reason.NUMBER_EXISTS:
        return field_error("phone number already exists", "phone_number")
    if reason is Reason.INVALID_PHONE_NUMBER:
        return field_error("invalid phone number", "phone_number")
    if reason is Reason.NUMBER_LIMIT:
        return field_error(error.detail, "phone_number")
    if reason is Reason.PHONE_NUMBER_TOO_SHORT:
        return failure("WA500", error.detail, [], {"error": error.detail}, 400)
    if reason is Reason.ALREADY_VERIFIED:
        message = "wa phone number already approved"
        return failure("WA500", message, [], {"error": message}, 400)
    if reason is Reason.OTP_WRONG:
        return field_error("Incorrect OTP", "otp", data={})
    if reason is Reason.OTP_EXPIRED:
        return field_error("OTP has expired, please request a new OTP", "otp", data={})
    if reason is Reason.OTP_NOT_REQUESTED:
        return field_error("OTP has not been requested for this phone number", "otp", data={})
    if reason is Reason.OTP_ATTEMPTS_EXHAUSTED:
        return _limited(error, "too many incorrect OTP attempts, please request a new OTP")
    if reason is Reason.VERIFICATION_LOCKED:
        return _limited(error, "verification locked after too many failed attempts")
    if reason is Reason.REGISTRATION_LIMIT:
        return _limited(error, "too many registration requests for this phone number")
    if reason is Reason.OTP_SEND_LIMIT:
        return _limited(error, "too many OTP requests, please try again later")
    if reason in (Reason.VERSION_MISMATCH, Reason.UNSAFE_URL, Reason.INVALID_PARAMETER):
        return field_error(error.detail, data={})
    return server_fault()
