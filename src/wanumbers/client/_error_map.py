"""Turn an error response into the right exception class, for each wire contract.

Codes come from the seeds (Kaleyra) and Meta's error-code references (Graph); when a code is not
in a table the HTTP status decides, so an unexpected error still lands in a catchable category.
Graph codes: https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx

from ._exceptions import (
    APIError,
    GraphAuthenticationError,
    GraphError,
    GraphNotFoundError,
    GraphRateLimitError,
    GraphTransientError,
    GraphValidationError,
    GraphVerificationError,
    KaleyraAuthenticationError,
    KaleyraError,
    KaleyraNotFoundError,
    KaleyraRateLimitError,
    KaleyraTransientError,
    KaleyraValidationError,
    KaleyraVerificationError,
    RateLimitError,
    TransientError,
)
from ._retry import parse_retry_after
from .types.kaleyra_envelope import SUCCESS_CODES

__all__ = ["graph_error", "is_kaleyra_error_body", "kaleyra_error"]

_KALEYRA_AUTH = frozenset({"RBC001", "RBC201"})
_KALEYRA_NOT_FOUND = frozenset({"WA401", "E112", "RBC302"})  # RBC302: no such callback profile
_KALEYRA_RATE_LIMIT = frozenset({"WAV2101"})  # account daily limit reached
# WA500 is also used for plain input errors (seeds 001, 002); those must not be retried.
_KALEYRA_WA500_INPUT = ("too short to be a phone number", "already approved")

_GRAPH_AUTH = frozenset({102, 104, 190})
_GRAPH_RATE_LIMIT = frozenset({4, 17, 32, 613, 80007, 130429, 131056, 133016})
_GRAPH_VERIFICATION = frozenset({136025, 133005})  # wrong verify code; two-step PIN mismatch
_GRAPH_TRANSIENT = frozenset({1, 2, 131000, 133004})
_GRAPH_VALIDATION = frozenset({100, 131008, 131009})
_GRAPH_NOT_FOUND_SUBCODE = 33  # "Object with ID ... does not exist, cannot be loaded ..."


def _decode(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def is_kaleyra_error_body(body: Any) -> bool:
    """A Kaleyra envelope whose code is not a success code (HTTP status alone is not trusted)."""
    return (
        isinstance(body, dict)
        and isinstance(body.get("code"), str)
        and "message" in body
        and body["code"] not in SUCCESS_CODES
    )


def _kaleyra_class(status: int, code: str | None, message: str, error: dict[str, Any]) -> type[KaleyraError]:
    text = message.lower()
    if status == 429:
        return KaleyraRateLimitError
    if code in _KALEYRA_AUTH:
        return KaleyraAuthenticationError
    if code in _KALEYRA_NOT_FOUND:
        return KaleyraNotFoundError
    if code in _KALEYRA_RATE_LIMIT:
        return KaleyraRateLimitError
    if code in ("WA400", "RBC301"):
        about_otp = "otp" in text or "otp" in error
        return KaleyraVerificationError if about_otp else KaleyraValidationError
    if code == "WA500":
        if any(fragment in text for fragment in _KALEYRA_WA500_INPUT):
            return KaleyraValidationError
        return KaleyraTransientError  # "Please try again later" and anything unrecognised
    return _by_status(status)[0]


def kaleyra_error(response: httpx.Response) -> KaleyraError:
    """The exception for a failed Kaleyra response (error envelope or bare HTTP error)."""
    body = _decode(response)
    envelope = body if is_kaleyra_error_body(body) else {}
    code: str | None = envelope.get("code")
    message = str(envelope.get("message") or f"HTTP {response.status_code}")
    raw_error = envelope.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    cls = _kaleyra_class(response.status_code, code, message, error)
    exc = cls(
        message.strip(),
        response=response,
        body=body,
        code=code,
        error=error,
        retry_after=parse_retry_after(response.headers),
    )
    return _mark_retryable(exc)


def _graph_class(status: int, payload: dict[str, Any]) -> type[GraphError]:
    code, subcode = payload.get("code"), payload.get("error_subcode")
    if status == 429 or code in _GRAPH_RATE_LIMIT:
        return GraphRateLimitError
    if code in _GRAPH_AUTH:
        return GraphAuthenticationError
    if code in _GRAPH_VERIFICATION:
        return GraphVerificationError
    if (code == 100 and subcode == _GRAPH_NOT_FOUND_SUBCODE) or code == 803:
        return GraphNotFoundError
    if payload.get("is_transient") is True or code in _GRAPH_TRANSIENT:
        return GraphTransientError
    if code in _GRAPH_VALIDATION:
        return GraphValidationError
    return _by_status(status)[1]


def graph_error(response: httpx.Response) -> GraphError:
    """The exception for a failed Graph response."""
    body = _decode(response)
    wrapped = body.get("error") if isinstance(body, dict) else None
    payload: dict[str, Any] = wrapped if isinstance(wrapped, dict) else {}
    cls = _graph_class(response.status_code, payload)
    exc = cls(
        str(payload.get("message") or f"HTTP {response.status_code}"),
        response=response,
        body=body,
        code=_int_or_none(payload.get("code")),
        error_subcode=_int_or_none(payload.get("error_subcode")),
        type=payload.get("type"),
        fbtrace_id=payload.get("fbtrace_id"),
        is_transient=payload.get("is_transient") is True,
        error_data=payload.get("error_data"),
        retry_after=parse_retry_after(response.headers),
    )
    return _mark_retryable(exc)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


_BY_STATUS: dict[int, tuple[type[KaleyraError], type[GraphError]]] = {
    400: (KaleyraValidationError, GraphValidationError),
    401: (KaleyraAuthenticationError, GraphAuthenticationError),
    403: (KaleyraAuthenticationError, GraphAuthenticationError),
    404: (KaleyraNotFoundError, GraphNotFoundError),
    422: (KaleyraValidationError, GraphValidationError),
    429: (KaleyraRateLimitError, GraphRateLimitError),
}


def _by_status(status: int) -> tuple[type[KaleyraError], type[GraphError]]:
    """Fallback when the code is unknown: the HTTP status picks the category."""
    if status >= 500:
        return KaleyraTransientError, GraphTransientError
    return _BY_STATUS.get(status, (KaleyraError, GraphError))


E = TypeVar("E", bound=APIError)


def _mark_retryable(exc: E) -> E:
    # Throttles are retried only when the server asked for a pause (HTTP 429); 133016's weekly
    # registration cap or a daily quota will not lift within a backoff window.
    if isinstance(exc, RateLimitError):
        exc.retryable = exc.status_code == 429
    else:
        exc.retryable = isinstance(exc, TransientError)
    return exc
