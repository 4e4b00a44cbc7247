"""Pure control-plane rules: value choices, fault specs, clock steps, number references."""

from __future__ import annotations

import pytest

from wanumbers.server.domain.control import (
    MAX_CLOCK_OFFSET_SECONDS,
    NAME_DECISIONS,
    FaultMode,
    advanced_offset,
    choice,
    fault_spec,
    number_ref,
)
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import NameStatus


def test_choice_names_the_allowed_values() -> None:
    with pytest.raises(DomainError) as caught:
        choice(NameStatus, "NONE", "status", NAME_DECISIONS)

    assert caught.value.detail == "status must be one of APPROVED, DECLINED"
    assert caught.value.field == "status"


def test_fault_spec_defaults_and_bounds() -> None:
    spec = fault_spec("*", "delay", 3, 250, set())

    assert (spec.route, spec.mode, spec.count, spec.delay_ms) == ("*", FaultMode.DELAY, 3, 250)
    with pytest.raises(DomainError):
        fault_spec("kaleyra.add", "error", True, 0, {"kaleyra.add"})  # JSON true is not a count


def test_the_clock_cannot_run_past_its_cap() -> None:
    assert advanced_offset(0.0, 60) == 60
    with pytest.raises(DomainError):
        advanced_offset(MAX_CLOCK_OFFSET_SECONDS - 1, 2)


@pytest.mark.parametrize(
    ("raw", "number_id", "e164"),
    [
        ("+919876543210", None, "+919876543210"),
        ("919876543210", 919876543210, "+919876543210"),
        ("+91 98765-43210", None, "+919876543210"),
        ("9" * 20, None, "+" + "9" * 20),
    ],
)
def test_number_refs(raw: str, number_id: int | None, e164: str) -> None:
    ref = number_ref(raw)

    assert (ref.number_id, ref.e164) == (number_id, e164)


def test_a_number_ref_must_be_digits() -> None:
    with pytest.raises(DomainError) as caught:
        number_ref("abc")

    assert caught.value.reason is Reason.NUMBER_NOT_FOUND
