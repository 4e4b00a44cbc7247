"""Graph's error envelope and the table from domain reasons to Meta's codes.

``{"error": {"message": "(#code) title", "type", "code", "error_subcode"?, "error_data"?, "fbtrace_id"}}``.
Some reasons mean different things per endpoint (a locked number is a request-code failure on
``request_code`` and a verify-code failure on ``verify_code``), so rendering takes the operation.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wanumbers.server.domain.credentials import CredentialExpired
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.surfaces.http import JSONResponse

NODE_TYPE = "WhatsAppBusinessPhoneNumber"
_TRACE_ALPHABET = string.ascii_letters + string.digits + "_-"
MISSING_TOKEN = "An access token is required to request this resource."
INVALID_TOKEN = "Invalid OAuth access token - Cannot parse access token"
SOMETHING_WRONG = "(#131000) Something went wrong"


def fbtrace_id() -> str:
    """Shaped like Meta's: 23 URL-safe characters, unique per response, for support correlation."""
    return "A" + "".join(secrets.choice(_TRACE_ALPHABET) for _ in range(22))


def graph_error(
    message: str,
    code: int,
    *,
    status: int = 400,
    kind: str = "OAuthException",
    subcode: int | None = None,
    details: str | None = None,
    headers: dict[str, str] | None = None,
    transient: bool = False,
) -> JSONResponse:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = fbtrace_id()
    return JSONResponse({"error": error}, status, {**www_authenticate(code, message), **(headers or {})})


def www_authenticate(code: int, message: str) -> dict[str, str]:
    """Graph sends this on its error answers, the message repeated as the third part. Header values
    are Latin-1 and the message may quote what the caller sent, so it is kept to printable ASCII."""
    kind = "invalid_token" if code == 190 else "invalid_request"
    safe = "".join(char if " " <= char <= "~" and char not in '"\\' else "?" for char in message)
    return {"WWW-Authenticate": f'OAuth "Facebook Platform" "{kind}" "{safe}"'}


REVOKED_TOKEN = (
    "Error validating access token: The session has been invalidated because the user changed their "
    "password or Facebook has changed the session for security reasons."
)
_PACIFIC = ZoneInfo("America/Los_Angeles")  # Graph quotes token times in Meta's own time zone
_CREDENTIAL_REASONS = (
    Reason.UNAUTHENTICATED,
    Reason.CREDENTIAL_MISSING,
    Reason.CREDENTIAL_REVOKED,
    Reason.CREDENTIAL_EXPIRED,
)


def refused_token(error: DomainError) -> JSONResponse:
    """Graph's answers for a token it will not take: none (104), garbage or a conflict (190), one
    revoked (190/460) or expired (190/463, quoting both moments as Graph does)."""
    if error.reason is Reason.CREDENTIAL_MISSING:
        return graph_error(MISSING_TOKEN, 104, status=401)
    if error.reason is Reason.CREDENTIAL_REVOKED:
        return graph_error(REVOKED_TOKEN, 190, status=401, subcode=460)
    if isinstance(error, CredentialExpired):
        message = (
            f"Error validating access token: Session has expired on {_pacific(error.expired_at)}. "
            f"The current time is {_pacific(error.now)}."
        )
        return graph_error(message, 190, status=401, subcode=463)
    return graph_error(INVALID_TOKEN, 190, status=401)


def _pacific(moment: datetime) -> str:
    """``Tuesday, 01-Dec-25 06:00:00 PST``: how Graph's 463 message writes a moment."""
    return moment.astimezone(_PACIFIC).strftime("%A, %d-%b-%y %H:%M:%S %Z")


def unsupported(method: str, object_id: str) -> JSONResponse:
    """Missing and foreign objects answer alike, so ids of other accounts cannot be probed."""
    message = (
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api"
    )
    return graph_error(message, 100, kind="GraphMethodException", subcode=33)


def nonexisting_field(name: str, node_type: str = NODE_TYPE) -> JSONResponse:
    return graph_error(f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})", 100)


def server_fault() -> JSONResponse:
    return graph_error(SOMETHING_WRONG, 131000, status=500, details="Please try again later", transient=True)


def too_large() -> JSONResponse:
    return graph_error("(#100) The request body is too large", 100, status=413)


@dataclass(frozen=True)
class Code:
    code: int
    title: str
    subcode: int | None = None


REQUEST_CODE_ERROR = Code(136024, "Request code error")
VERIFY_CODE_ERROR = Code(136025, "Verify code error")
_OTP_REASONS = (
    Reason.ALREADY_VERIFIED,
    Reason.OTP_SEND_LIMIT,
    Reason.VERIFICATION_LOCKED,
    Reason.OTP_WRONG,
    Reason.OTP_EXPIRED,
    Reason.OTP_NOT_REQUESTED,
    Reason.OTP_ATTEMPTS_EXHAUSTED,
)
_CODES: dict[Reason, Code] = {
    Reason.REGISTRATION_LIMIT: Code(133016, "Account register deregister rate limit exceeded"),
    Reason.PIN_MISMATCH: Code(133005, "Two step verification PIN Mismatch"),
    Reason.NOT_VERIFIED: Code(133006, "Phone number re-verification needed"),
    Reason.NOT_REGISTERED: Code(100, "Invalid parameter", subcode=2207051),
    Reason.NAME_NOT_APPROVED: Code(100, "Cannot Create Certificate", subcode=2388001),
    # Meta's OpenAPI document, POST /{waba_id}/phone_numbers 403 (docs/graph.md, "Number squatting").
    Reason.NUMBER_LIMIT: Code(200, "Phone number limit exceeded for this WhatsApp Business Account", 1349175),
}
_FORBIDDEN = (Reason.NUMBER_LIMIT,)
_PARAMETER_REASONS = (
    Reason.INVALID_PARAMETER,
    Reason.INVALID_PHONE_NUMBER,
    Reason.PHONE_NUMBER_TOO_SHORT,
    Reason.NUMBER_EXISTS,
    Reason.ILLEGAL_TRANSITION,
    Reason.UNSAFE_URL,
    Reason.VERSION_MISMATCH,
)
_WAIT_OUT = (Reason.OTP_SEND_LIMIT,)
_NOT_FOUND = (Reason.WABA_NOT_FOUND, Reason.NUMBER_NOT_FOUND, Reason.ACCOUNT_NOT_FOUND)


def _code_for(reason: Reason, operation: str) -> Code | None:
    if reason in _OTP_REASONS:
        return REQUEST_CODE_ERROR if operation == "request_code" else VERIFY_CODE_ERROR
    return _CODES.get(reason)


def render(error: DomainError, operation: str = "", method: str = "GET", object_id: str = "") -> JSONResponse:
    """The Graph body for a domain error raised while serving ``operation`` on ``object_id``."""
    reason = error.reason
    if reason in _CREDENTIAL_REASONS:
        return refused_token(error)
    if reason in _NOT_FOUND:
        return unsupported(method, object_id)
    if reason in _PARAMETER_REASONS:
        return graph_error(f"(#100) {error.detail}", 100)
    code = _code_for(reason, operation)
    if code is None:
        return server_fault()
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return graph_error(
        f"(#{code.code}) {code.title}",
        code.code,
        # Meta's code, but a limit the caller can wait out is a 429, so clients back off instead of failing.
        status=429 if reason in _WAIT_OUT else 403 if reason in _FORBIDDEN else 400,
        subcode=code.subcode,
        details=error.detail,
        headers=headers,
    )
