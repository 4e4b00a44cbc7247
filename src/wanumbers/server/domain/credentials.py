"""Whether a presented credential may act, and why not.

A credential is found by the digest of the secret presented. One that was never issued, one revoked
and one past its lifetime are all refused, but Graph tells the last two apart (190 with subcode 460 or
463), so the reason is kept. Lifetimes are measured on the emulator's clock (wall time plus the control
plane's offset), so a test can make a token expire by advancing the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wanumbers.server.domain.errors import DomainError, Reason

MAX_LIFETIME = timedelta(days=3650)  # ten years: "never" is spelled by giving no lifetime


class CredentialExpired(DomainError):
    """Refused for its age: Graph's 190/463 quotes both moments."""

    def __init__(self, expired_at: datetime, now: datetime) -> None:
        super().__init__(Reason.CREDENTIAL_EXPIRED, "the credential has expired")
        self.expired_at = expired_at
        self.now = now


@dataclass(frozen=True, slots=True)
class Issued:
    """What the store knows of an issued credential."""

    revoked_at: datetime | None
    expires_at: datetime | None


def check_live(issued: Issued | None, now: datetime) -> None:
    """Raise unless ``issued`` may act at ``now``: unknown, revoked and expired are refused."""
    if issued is None:
        raise DomainError(Reason.UNAUTHENTICATED, "Incorrect SID or API key.")
    if issued.revoked_at is not None:
        raise DomainError(Reason.CREDENTIAL_REVOKED, "the credential has been revoked")
    if issued.expires_at is not None and issued.expires_at <= now:
        raise CredentialExpired(issued.expires_at, now)


def expiry(now: datetime, lifetime_seconds: int | None) -> datetime | None:
    """When a credential issued at ``now`` for ``lifetime_seconds`` stops working; ``None`` = never."""
    if lifetime_seconds is None:
        return None
    lifetime = timedelta(seconds=lifetime_seconds)
    if not timedelta(0) < lifetime <= MAX_LIFETIME:
        raise DomainError(
            Reason.INVALID_PARAMETER,
            f"expires_in must be from 1 to {int(MAX_LIFETIME.total_seconds())} seconds",
            field="expires_in",
        )
    return now + lifetime
