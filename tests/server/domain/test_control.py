"""Pure control-plane rules: value choices, fault specs at their bounds, clock steps, number references."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.domain.refusals import invalid, refused
from wanumbers.server.domain.control import (
    ANY_ROUTE,
    ENFORCEMENT_EVENTS,
    MAX_CLOCK_OFFSET_SECONDS,
    MAX_DELAY_MS,
    MAX_FAULT_COUNT,
    NAME_DECISIONS,
    THROUGHPUT_LEVELS,
    FaultMode,
    FaultSpec,
    advanced_offset,
    choice,
    enforcement_event,
    fault_spec,
    number_ref,
)
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.lifecycle import Event, NameStatus, Quality, Throughput

ROUTES = {"kaleyra.add", "graph.register", "kaleyra.details"}


def test_the_bounds_and_choices() -> None:
    assert (ANY_ROUTE, MAX_FAULT_COUNT, MAX_DELAY_MS) == ("*", 10_000, 60_000)
    assert MAX_CLOCK_OFFSET_SECONDS == 315_360_000  # ten years of 365 days
    assert NAME_DECISIONS == (NameStatus.APPROVED, NameStatus.DECLINED)
    assert THROUGHPUT_LEVELS == (Throughput.STANDARD, Throughput.HIGH)
    assert ENFORCEMENT_EVENTS == (Event.FLAG, Event.RESTRICT, Event.BAN, Event.RESTORE)
    assert [mode.value for mode in FaultMode] == ["error", "delay"]


def test_choice_returns_the_member_for_its_value() -> None:
    assert choice(Quality, "RED", "quality") is Quality.RED
    assert choice(NameStatus, "DECLINED", "status", NAME_DECISIONS) is NameStatus.DECLINED


def test_choice_names_the_allowed_values() -> None:
    with invalid("status must be one of APPROVED, DECLINED", "status"):
        choice(NameStatus, "NONE", "status", NAME_DECISIONS)


def test_choice_without_a_restriction_lists_every_member() -> None:
    with invalid("quality must be one of GREEN, YELLOW, RED, NA", "quality"):
        choice(Quality, "green", "quality")


@pytest.mark.parametrize("action", ["flag", "restrict", "ban", "restore"])
def test_enforcement_actions_are_metas_four(action: str) -> None:
    assert enforcement_event(action) is Event(action)


@pytest.mark.parametrize("action", ["register", "verify_code", "deregister", "FLAG", ""])
def test_owner_actions_are_not_enforcement(action: str) -> None:
    with invalid("action must be one of flag, restrict, ban, restore", "action"):
        enforcement_event(action)


def test_fault_spec_accepts_any_route_and_known_routes() -> None:
    assert fault_spec("*", "delay", 3, 250, set()) == FaultSpec("*", FaultMode.DELAY, 3, 250)
    assert fault_spec("graph.register", "error", 1, 0, ROUTES) == FaultSpec(
        "graph.register", FaultMode.ERROR, 1, 0
    )


def test_an_unknown_route_is_refused_listing_the_known_ones_sorted() -> None:
    with invalid("route must be * or one of graph.register, kaleyra.add, kaleyra.details", "route"):
        fault_spec("kaleyra.ad", "error", 1, 0, ROUTES)


def test_an_unknown_mode_is_refused() -> None:
    with invalid("mode must be one of error, delay", "mode"):
        fault_spec("*", "drop", 1, 0, ROUTES)


@pytest.mark.parametrize("count", [1, MAX_FAULT_COUNT])
def test_count_bounds_are_inclusive(count: int) -> None:
    assert fault_spec("*", "error", count, 0, ROUTES).count == count


@pytest.mark.parametrize("count", [0, -1, MAX_FAULT_COUNT + 1, True, 1.0, "3", None])
def test_count_outside_1_to_10000_or_not_an_integer_is_refused(count: Any) -> None:
    with invalid("count must be an integer from 1 to 10000", "count"):
        fault_spec("*", "error", count, 0, ROUTES)


@pytest.mark.parametrize("delay_ms", [1, MAX_DELAY_MS])
def test_a_delay_fault_waits_1_to_60000_ms(delay_ms: int) -> None:
    assert fault_spec("*", "delay", 1, delay_ms, ROUTES).delay_ms == delay_ms


@pytest.mark.parametrize("delay_ms", [0, MAX_DELAY_MS + 1, False])
def test_a_delay_fault_outside_its_bounds_is_refused(delay_ms: Any) -> None:
    with invalid("delay_ms must be an integer from 1 to 60000", "delay_ms"):
        fault_spec("*", "delay", 1, delay_ms, ROUTES)


@pytest.mark.parametrize("delay_ms", [1, -1, 250])
def test_an_error_fault_takes_no_delay(delay_ms: int) -> None:
    with invalid("delay_ms must be an integer from 0 to 0", "delay_ms"):
        fault_spec("*", "error", 1, delay_ms, ROUTES)


def test_the_clock_moves_forward_by_whole_seconds() -> None:
    assert advanced_offset(0.0, 1) == 1
    assert advanced_offset(30.5, 60) == 90.5


@pytest.mark.parametrize("step", [0, -5, 1.5, True, "60"])
def test_the_clock_cannot_move_back_or_by_a_non_integer(step: Any) -> None:
    with invalid("advance_seconds must be an integer from 1 to 315360000", "advance_seconds"):
        advanced_offset(10.0, step)


def test_the_clock_may_reach_its_cap_exactly_but_not_pass_it() -> None:
    assert advanced_offset(0.0, MAX_CLOCK_OFFSET_SECONDS) == MAX_CLOCK_OFFSET_SECONDS
    assert advanced_offset(MAX_CLOCK_OFFSET_SECONDS - 2, 2) == MAX_CLOCK_OFFSET_SECONDS
    with invalid("the clock cannot run more than 315360000 seconds ahead", "advance_seconds"):
        advanced_offset(MAX_CLOCK_OFFSET_SECONDS - 1, 2)


@pytest.mark.parametrize(
    ("raw", "number_id", "e164"),
    [
        ("+919876543210", None, "+919876543210"),
        ("919876543210", 919876543210, "+919876543210"),
        ("+91 98765-43210", None, "+919876543210"),
        (" 919876543210 ", 919876543210, "+919876543210"),
        ("1", 1, "+1"),
        ("9" * 20, None, "+" + "9" * 20),
        (str(2**63 - 1), 2**63 - 1, f"+{2**63 - 1}"),
        (str(2**63), None, f"+{2**63}"),
    ],
)
def test_number_refs(raw: str, number_id: int | None, e164: str) -> None:
    ref = number_ref(raw)

    assert (ref.number_id, ref.e164) == (number_id, e164)


@pytest.mark.parametrize("raw", ["abc", "", "+", "9" * 21, "+91 9876x", "++91", "91+", "٩١٢"])
def test_a_number_ref_must_be_up_to_20_digits(raw: str) -> None:
    with refused(Reason.NUMBER_NOT_FOUND, f"no phone number {raw!r}: give its id or E.164 form"):
        number_ref(raw)
