"""OTP policy: 6 digits from ``secrets``, keyed hash at rest, 10-minute life, single use, bound to one
number; a new code replaces the old; 5 wrong checks burn a code; 5 sends per number per 10 minutes; 20
failures per number (not reset by new codes) lock verification."""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_code
from wanumbers.server.domain.records import OtpCode

CODE_TTL = timedelta(minutes=10)
MAX_CHECKS_PER_CODE = 5
SEND_WINDOW = timedelta(minutes=10)
MAX_SENDS_PER_WINDOW = 5
MAX_FAILURES_PER_NUMBER = 20
CHANNELS = ("SMS", "VOICE")
_SIX_DIGITS = re.compile(r"[0-9]{6}")  # ASCII, as Kaleyra checks: ``\d`` takes Arabic-Indic digits too


def is_well_formed(code: str) -> bool:
    return bool(_SIX_DIGITS.fullmatch(code))


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def check_send_allowed(recent_sends: Sequence[datetime], now: datetime) -> None:
    """``recent_sends``: issue times of this number's codes inside the window, oldest first."""
    inside = [sent for sent in recent_sends if now - sent < SEND_WINDOW]
    if len(inside) >= MAX_SENDS_PER_WINDOW:
        wait = SEND_WINDOW - (now - inside[0])
        raise DomainError(
            Reason.OTP_SEND_LIMIT,
            "too many codes requested for this number, try again later",
            retry_after=max(1, int(wait.total_seconds())),
        )


def check_not_locked(failures: int) -> None:
    if failures >= MAX_FAILURES_PER_NUMBER:
        raise DomainError(Reason.VERIFICATION_LOCKED, "verification is locked after too many failed attempts")


def check_code(otp: OtpCode | None, code: str, *, key: bytes, subject: str, now: datetime) -> bool:
    """True on a match. Raises when there is no usable code; returns False for a wrong code, which the
    caller records (attempts and failures) before reporting it."""
    if otp is None or otp.spent:
        raise DomainError(Reason.OTP_NOT_REQUESTED, "no verification code has been requested")
    if otp.attempts >= MAX_CHECKS_PER_CODE:
        raise DomainError(Reason.OTP_ATTEMPTS_EXHAUSTED, "too many attempts, request a new code")
    if now >= otp.expires_at:
        raise DomainError(Reason.OTP_EXPIRED, "the verification code has expired")
    return hmac.compare_digest(otp.digest, digest_code(code, key, subject))
