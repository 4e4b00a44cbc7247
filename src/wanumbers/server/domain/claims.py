"""Who may hold a phone number nobody has verified yet (number squatting, issue 10.7).

A phone number exists once platform-wide, so an account that adds a number it does not own, and never
verifies it, keeps the real owner out. Meta bounds this per business: a business portfolio starts with
2 registered numbers, 20 once the business is verified, and answers a create past its limit with
``(#200) Phone number limit exceeded for this WhatsApp Business Account`` (subcode 1349175). The rule
here, for the emulator (in live mode Graph applies its own):

- **Cap.** An account (a business) holds at most ``PENDING_CAP`` claims at once: numbers it added that
  are not verified yet and still within their hold. The add past it is refused with Meta's error.
- **Lapse.** A claim holds for ``CLAIM_HOLD`` from its creation. Once it has lapsed unverified, an add
  of the same number by **another** account takes it over: the stale claim is deleted (with its codes)
  and the new one made. Before then, and for any verified number, the add answers "already exists".
  Requesting more codes does not extend the hold, so a squatter cannot keep a number by resending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wanumbers.server.domain import lifecycle
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import NumberState

PENDING_CAP = 20
CLAIM_HOLD = timedelta(hours=24)
LIMIT_MESSAGE = "Phone number limit exceeded for this WhatsApp Business Account"


def is_claim(state: NumberState) -> bool:
    """A number that is only claimed: no code has been verified for it."""
    return not lifecycle.is_code_verified(state)


def holding_since(now: datetime) -> datetime:
    """Claims created at or after this instant still hold (and count against the cap)."""
    return now - CLAIM_HOLD


def has_lapsed(state: NumberState, created_at: datetime, now: datetime) -> bool:
    return is_claim(state) and created_at < holding_since(now)


def yields_to(
    state: NumberState, created_at: datetime, holder_account_id: int, claimant_account_id: int, now: datetime
) -> bool:
    """Whether another account's add takes over the number its holder has."""
    return holder_account_id != claimant_account_id and has_lapsed(state, created_at, now)


def check_cap(held: int, cap: int = PENDING_CAP) -> None:
    """Refuse one more claim for an account that already holds ``held`` live ones."""
    if held >= cap:
        raise DomainError(
            Reason.NUMBER_LIMIT,
            f"{LIMIT_MESSAGE}: at most {cap} phone numbers that are not verified yet",
            field="phone_number",
        )
