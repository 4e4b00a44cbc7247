"""Graph API failures as domain errors, so each surface renders them in its own envelope.

The table is the inverse of what the Graph surface renders (``surfaces/graph/errors.py``), which is
Meta's own coding: https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes.
Outages, 5xx, timeouts and throttling become ``TRANSIENT`` (Kaleyra: WA500 "Please try again
later"); a token Graph refuses is our misconfiguration, not the caller's, so it is ``UPSTREAM``.
Log lines carry codes only: messages may echo what was sent, and a verify call sends an OTP.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from wanumbers.client import (
    AuthenticationError,
    GraphError,
    GraphNotFoundError,
    RateLimitError,
    TransientError,
    WanumbersError,
)
from wanumbers.server.domain.errors import DomainError, Reason

log = logging.getLogger("wanumbers.upstream")

REQUEST_CODE_ERROR = 136024
VERIFY_CODE_ERROR = 136025
_BY_CODE: dict[tuple[int, int | None], Reason] = {
    (133016, None): Reason.REGISTRATION_LIMIT,
    (133005, None): Reason.PIN_MISMATCH,
    (133006, None): Reason.NOT_VERIFIED,
    (100, 2207051): Reason.NOT_REGISTERED,
    (100, 2388001): Reason.NAME_NOT_APPROVED,
}
# What a verification failure was, read from Meta's error_data.details (first match wins).
_VERIFY_DETAILS = (
    ("already", Reason.ALREADY_VERIFIED),
    ("expired", Reason.OTP_EXPIRED),
    ("not been requested", Reason.OTP_NOT_REQUESTED),
    ("no code", Reason.OTP_NOT_REQUESTED),
    ("locked", Reason.VERIFICATION_LOCKED),
    ("too many", Reason.OTP_ATTEMPTS_EXHAUSTED),
)
_REQUEST_DETAILS = (
    ("already", Reason.ALREADY_VERIFIED),
    ("locked", Reason.VERIFICATION_LOCKED),
    ("too many", Reason.OTP_SEND_LIMIT),
    ("limit", Reason.OTP_SEND_LIMIT),
)
_PARAMETER_MESSAGES = (
    ("already exists", Reason.NUMBER_EXISTS),
    ("too short", Reason.PHONE_NUMBER_TOO_SHORT),
    ("invalid phone", Reason.INVALID_PHONE_NUMBER),
)


@contextmanager
def translated(operation: str, *, missing: Reason = Reason.NUMBER_NOT_FOUND) -> Iterator[None]:
    """Run a Graph call; its failures leave as ``DomainError``. ``missing`` is the reason for an
    object Graph does not know (the number, or the WABA when creating one)."""
    try:
        yield
    except WanumbersError as error:
        raise to_domain(error, operation, missing) from None


def to_domain(
    error: WanumbersError, operation: str, missing: Reason = Reason.NUMBER_NOT_FOUND
) -> DomainError:
    if isinstance(error, GraphNotFoundError):
        return DomainError(missing)
    if isinstance(error, AuthenticationError):
        log.error("Graph refused our access token on %s (%s)", operation, _code(error))
        return DomainError(Reason.UPSTREAM, "the upstream Graph API refused our credentials")
    if isinstance(error, GraphError) and (reason := _reason(error)) is not None:
        retry_after = int(error.retry_after) if error.retry_after else None
        return DomainError(reason, _detail(error), retry_after=retry_after)
    if isinstance(error, TransientError | RateLimitError):
        log.warning("Graph unavailable on %s (%s)", operation, _code(error))
        return DomainError(Reason.TRANSIENT, "the upstream Graph API is unavailable")
    log.error("unexpected Graph failure on %s (%s)", operation, _code(error))
    return DomainError(Reason.UPSTREAM, "the upstream Graph API failed")


def _reason(error: GraphError) -> Reason | None:
    code, subcode = error.code or 0, error.error_subcode
    if (found := _BY_CODE.get((code, subcode)) or _BY_CODE.get((code, None))) is not None:
        return found
    details = _detail(error).lower()
    if code == VERIFY_CODE_ERROR:
        return _first(details, _VERIFY_DETAILS, Reason.OTP_WRONG)
    if code == REQUEST_CODE_ERROR:
        return _first(details, _REQUEST_DETAILS, Reason.OTP_SEND_LIMIT)
    if code == 100 and not error.is_transient:
        return _first(error.message.lower(), _PARAMETER_MESSAGES, Reason.INVALID_PARAMETER)
    return None


def _first(text: str, table: tuple[tuple[str, Reason], ...], default: Reason) -> Reason:
    return next((reason for fragment, reason in table if fragment in text), default)


def _detail(error: GraphError) -> str:
    data = error.error_data
    if isinstance(data, dict) and isinstance(data.get("details"), str):
        return str(data["details"])
    message = error.message
    return message.split(") ", 1)[1] if message.startswith("(#") and ") " in message else message


def _code(error: WanumbersError) -> str:
    if isinstance(error, GraphError):
        return f"code {error.code}/{error.error_subcode}, HTTP {error.status_code}"
    return type(error).__name__
