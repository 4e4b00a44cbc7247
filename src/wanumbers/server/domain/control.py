"""Rules of the emulator's control plane: which values an operator may set, how numbers are addressed,
what a fault looks like. The control plane plays Meta's back office, so it may set any state the
transition table allows, but only values Meta itself could produce.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import Event, NameStatus, Throughput

E = TypeVar("E", bound=StrEnum)

ANY_ROUTE = "*"
MAX_FAULT_COUNT = 10_000
MAX_DELAY_MS = 60_000
# Ten years: far enough for any rate window, near enough that datetime arithmetic cannot overflow.
MAX_CLOCK_OFFSET_SECONDS = 10 * 365 * 24 * 3600

# A review ends in one of these; PENDING_REVIEW and the rest are states Meta sets on its own.
NAME_DECISIONS = (NameStatus.APPROVED, NameStatus.DECLINED)
# NOT_APPLICABLE is derived (an unregistered number has no throughput), never set.
THROUGHPUT_LEVELS = (Throughput.STANDARD, Throughput.HIGH)
# The enforcement actions Meta takes on a number; the others (verify, register…) are the owner's.
ENFORCEMENT_EVENTS = (Event.FLAG, Event.RESTRICT, Event.BAN, Event.RESTORE)


class FaultMode(StrEnum):
    ERROR = "error"  # the call answers the contract's server-fault body
    DELAY = "delay"  # the call sleeps ``delay_ms`` then proceeds normally


@dataclass(frozen=True, slots=True)
class FaultSpec:
    route: str
    mode: FaultMode
    count: int
    delay_ms: int


@dataclass(frozen=True, slots=True)
class Fault:
    """An armed fault: the next ``remaining`` calls of ``route`` (or of every route, ``*``) misbehave."""

    id: int
    route: str
    mode: str
    remaining: int
    delay_ms: int
    created_at: datetime


def choice(kind: type[E], value: object, name: str, allowed: Collection[E] | None = None) -> E:
    """``value`` as a member of ``kind`` (restricted to ``allowed``), else INVALID_PARAMETER naming them."""
    options = list(allowed if allowed is not None else kind)
    for option in options:
        if value == option.value:
            return option
    listed = ", ".join(option.value for option in options)
    raise DomainError(Reason.INVALID_PARAMETER, f"{name} must be one of {listed}", field=name)


def enforcement_event(action: str) -> Event:
    return choice(Event, action, "action", ENFORCEMENT_EVENTS)


def _integer(value: object, name: str, low: int, high: int) -> int:
    # bool is an int subclass in Python; JSON true must not pass as 1.
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(
            Reason.INVALID_PARAMETER, f"{name} must be an integer from {low} to {high}", field=name
        )
    return value


def fault_spec(
    route: object, mode: object, count: object, delay_ms: object, known_routes: Collection[str]
) -> FaultSpec:
    """Validate a fault. Unknown routes are refused: a typo would otherwise arm a fault that never fires."""
    if route != ANY_ROUTE and route not in known_routes:
        listed = ", ".join(sorted(known_routes))
        raise DomainError(Reason.INVALID_PARAMETER, f"route must be * or one of {listed}", field="route")
    fault_mode = choice(FaultMode, mode, "mode")
    times = _integer(count, "count", 1, MAX_FAULT_COUNT)
    low = 1 if fault_mode is FaultMode.DELAY else 0
    high = MAX_DELAY_MS if fault_mode is FaultMode.DELAY else 0
    delay = _integer(delay_ms, "delay_ms", low, high)
    return FaultSpec(route=str(route), mode=fault_mode, count=times, delay_ms=delay)


def advanced_offset(current_seconds: float, advance_seconds: object) -> float:
    """The clock only moves forward: codes that expired must stay expired, as they would at Meta."""
    step = _integer(advance_seconds, "advance_seconds", 1, MAX_CLOCK_OFFSET_SECONDS)
    if current_seconds + step > MAX_CLOCK_OFFSET_SECONDS:
        raise DomainError(
            Reason.INVALID_PARAMETER,
            f"the clock cannot run more than {MAX_CLOCK_OFFSET_SECONDS} seconds ahead",
            field="advance_seconds",
        )
    return current_seconds + step


# ASCII digits only: ``\d`` also matches Arabic-Indic digits, which ``int`` accepts.
_DIGITS = re.compile(r"\+?[0-9]{1,20}")
_MAX_ID = 2**63


@dataclass(frozen=True, slots=True)
class NumberRef:
    """How an operator names a number: its phone-number id, or its E.164 form (the ``+`` optional)."""

    number_id: int | None
    e164: str | None


def number_ref(raw: str) -> NumberRef:
    text = raw.strip().replace(" ", "").replace("-", "")
    if not _DIGITS.fullmatch(text):
        raise DomainError(Reason.NUMBER_NOT_FOUND, f"no phone number {raw!r}: give its id or E.164 form")
    if text.startswith("+"):
        return NumberRef(number_id=None, e164=text)
    # Bare digits could be either; ids are tried first (they are what Graph calls use). Ids are
    # BIGINT, so anything wider can only be a phone number.
    number_id = int(text)
    return NumberRef(number_id=number_id if number_id < _MAX_ID else None, e164="+" + text)
