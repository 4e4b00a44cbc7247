"""Domain errors carry a stable ``Reason``; each surface owns the table that renders a reason on the wire.

No HTTP status lives here: the same reason becomes a Kaleyra ``WA400`` body or a Graph ``(#100)`` error.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    CREDENTIAL_MISSING = "credential_missing"  # none presented (Graph answers 104, not 190)
    CREDENTIAL_REVOKED = "credential_revoked"  # an issued credential, revoked since
    CREDENTIAL_EXPIRED = "credential_expired"  # an issued credential past its lifetime
    ACCOUNT_NOT_FOUND = "account_not_found"
    WABA_NOT_FOUND = "waba_not_found"
    NUMBER_NOT_FOUND = "number_not_found"
    NUMBER_EXISTS = "number_exists"
    NUMBER_LIMIT = "number_limit"  # an account holds as many unverified claims as it may (domain/claims.py)
    INVALID_PHONE_NUMBER = "invalid_phone_number"
    PHONE_NUMBER_TOO_SHORT = "phone_number_too_short"
    ALREADY_VERIFIED = "already_verified"
    NOT_VERIFIED = "not_verified"
    OTP_WRONG = "otp_wrong"
    OTP_EXPIRED = "otp_expired"
    OTP_NOT_REQUESTED = "otp_not_requested"
    OTP_ATTEMPTS_EXHAUSTED = "otp_attempts_exhausted"
    OTP_SEND_LIMIT = "otp_send_limit"
    VERIFICATION_LOCKED = "verification_locked"
    REGISTRATION_LIMIT = "registration_limit"
    PIN_MISMATCH = "pin_mismatch"
    NOT_REGISTERED = "not_registered"
    NAME_NOT_APPROVED = "name_not_approved"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_PARAMETER = "invalid_parameter"
    UNSAFE_URL = "unsafe_url"
    VERSION_MISMATCH = "version_mismatch"
    TRANSIENT = "transient"
    UPSTREAM = "upstream"


class DomainError(Exception):
    """A rule said no. ``field`` names the offending input when there is one; ``retry_after`` is set in
    seconds for the limits a caller can wait out."""

    def __init__(
        self,
        reason: Reason,
        detail: str = "",
        *,
        field: str | None = None,
        retry_after: int | None = None,
        upstream: dict[str, object] | None = None,
    ) -> None:
        super().__init__(detail or reason.value)
        self.reason = reason
        self.detail = detail or reason.value
        self.field = field
        self.retry_after = retry_after
        self.upstream = upstream
