"""S10's accounting: which of the changes sent came back as webhooks, once, in order, and how fast.

Pure (no I/O), so the rules are tested on their own (tests/bench/test_events.py). A change is named
by its number's ``display_phone_number`` and the event it must produce (``UPGRADE`` for a number's
first change, ``DOWNGRADE`` for its second), so every expected webhook has a key of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.stats import percentile

# A number's changes, in the order they are sent: up one tier from the seeded TIER_1K, then back.
TIERS = ("TIER_10K", "TIER_1K")
EVENTS = ("UPGRADE", "DOWNGRADE")
MAX_CHANGES_PER_NUMBER = len(TIERS)


@dataclass(frozen=True)
class Sent:
    """One control-plane change, accepted; ``at`` is ``time.monotonic()`` before it was sent."""

    display: str
    event: str
    at: float


@dataclass(frozen=True)
class Arrival:
    """One change of one delivery as the receiver saw it; ``at`` is ``time.monotonic()`` on receipt."""

    display: str
    event: str
    at: float


@dataclass
class Tally:
    expected: int = 0
    received: int = 0  # expected changes that arrived at least once
    lost: int = 0
    duplicates: int = 0  # further arrivals of a change already received (at least once allows it)
    unexpected: int = 0  # arrivals matching no change sent
    out_of_order: int = 0  # numbers whose changes first arrived in another order than sent
    latencies_ms: list[float] = field(default_factory=list)  # first arrival - sent, per change
    first_sent: float | None = None
    last_arrival: float | None = None

    @property
    def events_per_s(self) -> float | None:
        """Changes received per second, from the first change sent to the last receipt."""
        if self.first_sent is None or self.last_arrival is None or self.last_arrival <= self.first_sent:
            return None
        return self.received / (self.last_arrival - self.first_sent)

    def summary(self) -> dict[str, Any]:
        def pct(q: float) -> float | None:
            return round(percentile(self.latencies_ms, q), 2) if self.latencies_ms else None

        rate = self.events_per_s
        return {
            "expected": self.expected,
            "received": self.received,
            "lost": self.lost,
            "duplicates": self.duplicates,
            "unexpected": self.unexpected,
            "out_of_order": self.out_of_order,
            "events_per_s": round(rate, 1) if rate is not None else None,
            "p50_ms": pct(50),
            "p99_ms": pct(99),
            "max_ms": round(max(self.latencies_ms), 2) if self.latencies_ms else None,
        }


def account(sent: Sequence[Sent], arrivals: Sequence[Arrival]) -> Tally:
    tally = Tally(expected=len(sent))
    sent_at = {(s.display, s.event): s.at for s in sent}
    first: dict[tuple[str, str], float] = {}
    for arrival in arrivals:
        key = (arrival.display, arrival.event)
        if key not in sent_at:
            tally.unexpected += 1
        elif key in first:
            tally.duplicates += 1
        else:
            first[key] = arrival.at
    tally.received = len(first)
    tally.lost = tally.expected - tally.received
    tally.latencies_ms = [(first[key] - at) * 1000 for key, at in sent_at.items() if key in first]
    tally.out_of_order = _out_of_order(sent, first)
    if sent:
        tally.first_sent = min(s.at for s in sent)
    if first:
        tally.last_arrival = max(first.values())
    return tally


def _out_of_order(sent: Sequence[Sent], first: dict[tuple[str, str], float]) -> int:
    """Numbers whose received changes did not first arrive in the order they were sent."""
    by_number: dict[str, list[float]] = {}
    for s in sent:
        if (s.display, s.event) in first:
            by_number.setdefault(s.display, []).append(first[(s.display, s.event)])
    return sum(times != sorted(times) for times in by_number.values())


def changes_of(update: Any) -> list[tuple[str, str]]:
    """(display_phone_number, event) of every change of Meta's ``whatsapp_business_account`` envelope;
    raises ``ValueError`` on anything else."""
    if not isinstance(update, dict) or update.get("object") != "whatsapp_business_account":
        raise ValueError("not a whatsapp_business_account notification")
    found = []
    for entry in update["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            found.append((str(value["display_phone_number"]), str(value.get("event", ""))))
    return found
