from __future__ import annotations

import pytest

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import TRANSITIONS, Event, NumberState, transition

S, E = NumberState, Event


@pytest.mark.parametrize(
    ("state", "event", "after"),
    [
        (S.UNVERIFIED, E.VERIFY_CODE, S.VERIFIED),
        (S.VERIFIED, E.REGISTER, S.CONNECTED),
        (S.CONNECTED, E.DEREGISTER, S.DISCONNECTED),
        (S.DISCONNECTED, E.REGISTER, S.CONNECTED),
        (S.CONNECTED, E.FLAG, S.FLAGGED),
        (S.FLAGGED, E.RESTORE, S.CONNECTED),
        (S.UNVERIFIED, E.BAN, S.BANNED),
        (S.BANNED, E.RESTORE, S.CONNECTED),
    ],
)
def test_legal_transitions(state: NumberState, event: Event, after: NumberState) -> None:
    assert transition(state, event) is after


@pytest.mark.parametrize(
    ("state", "event"),
    [(S.UNVERIFIED, E.REGISTER), (S.VERIFIED, E.VERIFY_CODE), (S.BANNED, E.BAN), (S.CONNECTED, E.RESTORE)],
)
def test_illegal_transitions_raise_with_a_stable_reason(state: NumberState, event: Event) -> None:
    with pytest.raises(DomainError) as raised:
        transition(state, event)
    assert raised.value.reason is Reason.ILLEGAL_TRANSITION
    assert state.value in raised.value.detail


def test_a_number_cannot_be_registered_without_verifying_its_code_first() -> None:
    reachable_without_code = {after for (before, _), after in TRANSITIONS.items() if before is S.UNVERIFIED}
    assert reachable_without_code == {S.VERIFIED, S.BANNED}
