"""The number lifecycle: every (state, event) pair of the transition table, and the vocabularies both
contracts print."""

from __future__ import annotations

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.lifecycle import (
    PORTFOLIO_LIMIT,
    TRANSITIONS,
    AccountMode,
    Event,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
    is_code_verified,
    is_registered,
    transition,
)

S, E = NumberState, Event

# The whole table: every legal move. Any pair not listed here must be refused.
LEGAL = {
    (S.UNVERIFIED, E.VERIFY_CODE): S.VERIFIED,
    (S.UNVERIFIED, E.BAN): S.BANNED,
    (S.VERIFIED, E.REGISTER): S.CONNECTED,
    (S.VERIFIED, E.BAN): S.BANNED,
    (S.CONNECTED, E.DEREGISTER): S.DISCONNECTED,
    (S.CONNECTED, E.FLAG): S.FLAGGED,
    (S.CONNECTED, E.RESTRICT): S.RESTRICTED,
    (S.CONNECTED, E.BAN): S.BANNED,
    (S.DISCONNECTED, E.REGISTER): S.CONNECTED,
    (S.DISCONNECTED, E.BAN): S.BANNED,
    (S.FLAGGED, E.DEREGISTER): S.DISCONNECTED,
    (S.FLAGGED, E.RESTRICT): S.RESTRICTED,
    (S.FLAGGED, E.RESTORE): S.CONNECTED,
    (S.FLAGGED, E.BAN): S.BANNED,
    (S.RESTRICTED, E.DEREGISTER): S.DISCONNECTED,
    (S.RESTRICTED, E.RESTORE): S.CONNECTED,
    (S.RESTRICTED, E.BAN): S.BANNED,
    (S.BANNED, E.RESTORE): S.CONNECTED,
}
ILLEGAL = [(state, event) for state in S for event in E if (state, event) not in LEGAL]


def test_the_table_is_exactly_the_legal_moves() -> None:
    assert TRANSITIONS == LEGAL
    assert len(ILLEGAL) == 7 * 7 - len(LEGAL) == 31


@pytest.mark.parametrize(("state", "event"), sorted(LEGAL))
def test_legal_transitions(state: NumberState, event: Event) -> None:
    assert transition(state, event) is LEGAL[(state, event)]


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_illegal_transitions_are_refused_naming_the_move(state: NumberState, event: Event) -> None:
    with refused(Reason.ILLEGAL_TRANSITION, f"cannot {event.value} a number that is {state.value}"):
        transition(state, event)


def test_an_illegal_move_reads_as_a_sentence() -> None:
    with refused(Reason.ILLEGAL_TRANSITION, "cannot register a number that is UNVERIFIED"):
        transition(S.UNVERIFIED, E.REGISTER)


def test_a_number_cannot_be_registered_without_verifying_its_code_first() -> None:
    reachable_without_code = {after for (before, _), after in TRANSITIONS.items() if before is S.UNVERIFIED}
    assert reachable_without_code == {S.VERIFIED, S.BANNED}


@pytest.mark.parametrize(
    ("state", "registered", "code_verified"),
    [
        (S.UNVERIFIED, False, False),
        (S.VERIFIED, False, True),
        (S.CONNECTED, True, True),
        (S.DISCONNECTED, False, True),
        (S.FLAGGED, True, True),
        (S.RESTRICTED, True, True),
        (S.BANNED, False, True),
    ],
)
def test_registered_and_code_verified_states(
    state: NumberState, registered: bool, code_verified: bool
) -> None:
    assert is_registered(state) is registered
    assert is_code_verified(state) is code_verified


def test_the_vocabularies_are_metas_spellings() -> None:
    assert [s.value for s in S] == [
        "UNVERIFIED",
        "VERIFIED",
        "CONNECTED",
        "DISCONNECTED",
        "FLAGGED",
        "RESTRICTED",
        "BANNED",
    ]
    assert [e.value for e in E] == [
        "verify_code",
        "register",
        "deregister",
        "flag",
        "restrict",
        "ban",
        "restore",
    ]
    assert [n.value for n in NameStatus] == [
        "APPROVED",
        "AVAILABLE_WITHOUT_REVIEW",
        "DECLINED",
        "EXPIRED",
        "PENDING_REVIEW",
        "NONE",
    ]
    assert [q.value for q in Quality] == ["GREEN", "YELLOW", "RED", "NA"]
    assert [t.value for t in Throughput] == ["STANDARD", "HIGH", "NOT_APPLICABLE"]
    assert [m.value for m in AccountMode] == ["LIVE", "SANDBOX"]


def test_portfolio_limits_follow_metas_move_from_1k_to_2k() -> None:
    assert {tier.value: limit for tier, limit in PORTFOLIO_LIMIT.items()} == {
        "TIER_50": "TIER_50",
        "TIER_250": "TIER_250",
        "TIER_1K": "TIER_2K",
        "TIER_10K": "TIER_10K",
        "TIER_100K": "TIER_100K",
        "TIER_UNLIMITED": "TIER_UNLIMITED",
    }
    assert list(PORTFOLIO_LIMIT) == list(MessagingTier)
