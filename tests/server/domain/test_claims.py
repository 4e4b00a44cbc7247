"""Number squatting: the cap on unverified claims per account and the lapse of a claim (domain/claims)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain import claims
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.lifecycle import NumberState

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
S = NumberState
LIMIT = "Phone number limit exceeded for this WhatsApp Business Account"


def test_the_figures() -> None:
    assert claims.PENDING_CAP == 20
    assert timedelta(hours=24) == claims.CLAIM_HOLD
    assert claims.LIMIT_MESSAGE == "Phone number limit exceeded for this WhatsApp Business Account"
    assert claims.holding_since(NOW) == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("state", "claim"),
    [(S.UNVERIFIED, True)] + [(state, False) for state in S if state is not S.UNVERIFIED],
)
def test_only_an_unverified_number_is_a_claim(state: NumberState, claim: bool) -> None:
    assert claims.is_claim(state) is claim


@pytest.mark.parametrize(
    ("state", "age", "lapsed"),
    [
        (S.UNVERIFIED, timedelta(0), False),
        (S.UNVERIFIED, timedelta(hours=24), False),  # exactly the hold: still held
        (S.UNVERIFIED, timedelta(hours=24, microseconds=1), True),
        (S.UNVERIFIED, timedelta(days=30), True),
        (S.VERIFIED, timedelta(days=30), False),
        (S.CONNECTED, timedelta(days=30), False),
        (S.BANNED, timedelta(days=30), False),
        (S.DISCONNECTED, timedelta(days=30), False),
    ],
)
def test_a_claim_lapses_once_its_hold_has_passed_unverified(
    state: NumberState, age: timedelta, lapsed: bool
) -> None:
    assert claims.has_lapsed(state, NOW - age, NOW) is lapsed


@pytest.mark.parametrize(
    ("state", "age", "holder", "claimant", "yields"),
    [
        (S.UNVERIFIED, timedelta(days=2), 1, 2, True),
        (S.UNVERIFIED, timedelta(days=2), 1, 1, False),  # the holder's own add: already exists
        (S.UNVERIFIED, timedelta(hours=24), 1, 2, False),
        (S.UNVERIFIED, timedelta(hours=1), 1, 2, False),
        (S.VERIFIED, timedelta(days=2), 1, 2, False),
        (S.CONNECTED, timedelta(days=400), 1, 2, False),
    ],
)
def test_a_lapsed_claim_yields_to_another_account(
    state: NumberState, age: timedelta, holder: int, claimant: int, yields: bool
) -> None:
    assert claims.yields_to(state, NOW - age, holder, claimant, NOW) is yields


@pytest.mark.parametrize("held", [0, 1, 19])
def test_claims_under_the_cap_are_allowed(held: int) -> None:
    claims.check_cap(held)


@pytest.mark.parametrize("held", [20, 21, 500])
def test_the_claim_past_the_cap_is_refused_with_metas_words(held: int) -> None:
    message = f"{LIMIT}: at most 20 phone numbers that are not verified yet"
    with refused(Reason.NUMBER_LIMIT, message, field="phone_number"):
        claims.check_cap(held)


def test_the_cap_can_be_given() -> None:
    claims.check_cap(4, cap=5)
    message = f"{LIMIT}: at most 5 phone numbers that are not verified yet"
    with refused(Reason.NUMBER_LIMIT, message, field="phone_number"):
        claims.check_cap(5, cap=5)
