"""The number lifecycle as an explicit transition table, shared by both contracts.

::

    UNVERIFIED --verify_code--> VERIFIED --register--> CONNECTED --deregister--> DISCONNECTED
                                                         |  ^                        |
                                               flag/restrict  restore                +--register--> CONNECTED
    any but BANNED --ban--> BANNED --restore--> CONNECTED

The Kaleyra ``number/verify`` call is ``verify_code`` followed by ``register``.
"""

from __future__ import annotations

from enum import StrEnum

from wanumbers.server.domain.errors import DomainError, Reason


class NumberState(StrEnum):
    UNVERIFIED = "UNVERIFIED"
    VERIFIED = "VERIFIED"
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"
    FLAGGED = "FLAGGED"
    RESTRICTED = "RESTRICTED"
    BANNED = "BANNED"


class Event(StrEnum):
    VERIFY_CODE = "verify_code"
    REGISTER = "register"
    DEREGISTER = "deregister"
    FLAG = "flag"
    RESTRICT = "restrict"
    BAN = "ban"
    RESTORE = "restore"


S = NumberState
_LIVE = (S.CONNECTED, S.FLAGGED, S.RESTRICTED)

TRANSITIONS: dict[tuple[NumberState, Event], NumberState] = {
    (S.UNVERIFIED, Event.VERIFY_CODE): S.VERIFIED,
    (S.VERIFIED, Event.REGISTER): S.CONNECTED,
    (S.DISCONNECTED, Event.REGISTER): S.CONNECTED,
    **{(state, Event.DEREGISTER): S.DISCONNECTED for state in _LIVE},
    (S.CONNECTED, Event.FLAG): S.FLAGGED,
    (S.CONNECTED, Event.RESTRICT): S.RESTRICTED,
    (S.FLAGGED, Event.RESTRICT): S.RESTRICTED,
    **{(state, Event.BAN): S.BANNED for state in S if state is not S.BANNED},
    (S.FLAGGED, Event.RESTORE): S.CONNECTED,
    (S.RESTRICTED, Event.RESTORE): S.CONNECTED,
    (S.BANNED, Event.RESTORE): S.CONNECTED,
}


def transition(state: NumberState, event: Event) -> NumberState:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise DomainError(
            Reason.ILLEGAL_TRANSITION, f"cannot {event.value} a number that is {state.value}"
        ) from None


def is_registered(state: NumberState) -> bool:
    return state in _LIVE


def is_code_verified(state: NumberState) -> bool:
    return state is not S.UNVERIFIED


class NameStatus(StrEnum):
    APPROVED = "APPROVED"
    AVAILABLE_WITHOUT_REVIEW = "AVAILABLE_WITHOUT_REVIEW"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    PENDING_REVIEW = "PENDING_REVIEW"
    NONE = "NONE"


class Quality(StrEnum):
    GREEN = "GREEN"
    YELLOW = "YELLOW"
    RED = "RED"
    NA = "NA"


class Throughput(StrEnum):
    STANDARD = "STANDARD"
    HIGH = "HIGH"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class MessagingTier(StrEnum):
    TIER_50 = "TIER_50"
    TIER_250 = "TIER_250"
    TIER_1K = "TIER_1K"
    TIER_10K = "TIER_10K"
    TIER_100K = "TIER_100K"
    TIER_UNLIMITED = "TIER_UNLIMITED"


class AccountMode(StrEnum):
    LIVE = "LIVE"
    SANDBOX = "SANDBOX"


# Meta moved limits to the business portfolio: 250 -> 2K -> 10K -> 100K -> unlimited.
PORTFOLIO_LIMIT: dict[MessagingTier, str] = {
    MessagingTier.TIER_50: "TIER_50",
    MessagingTier.TIER_250: "TIER_250",
    MessagingTier.TIER_1K: "TIER_2K",
    MessagingTier.TIER_10K: "TIER_10K",
    MessagingTier.TIER_100K: "TIER_100K",
    MessagingTier.TIER_UNLIMITED: "TIER_UNLIMITED",
}
