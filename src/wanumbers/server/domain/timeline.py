"""A number's timeline, pure: what each stored event says in words, the number's own milestones, and
how one page of both is merged, newest first.

Two streams make a timeline. **Events** are Meta's webhook changes as stored (``events``, the emulator's
or, in live mode, the ones Meta sent), read newest first by id. **Milestones** are what the store keeps of
the number that no event records: when it was added (``phone_numbers.created_at``), each verification
code requested (``otp_codes.issued_at``) and each register or deregister call (``registration_events``).
The store keeps no time of a code's verification, so the timeline shows none.

A page takes the newer head of the two streams until it has ``limit`` entries; its ``Cursor`` remembers
where each stream stopped, so the pages after it show every entry exactly once whatever the clock did
(the emulator's clock can be moved back, so event ids and times need not agree). Ties in time put the
event above the milestone: the event is the consequence (a registration's ONBOARDING).

``describe`` is the one place an event's field and value become words (docs/console.md, "Timeline").
Values Meta sent in live mode are stored as received, so every read of them tolerates a missing key or a
value of another type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any, Generic, Protocol, TypeVar

from wanumbers.server.domain import webhooks
from wanumbers.server.domain.outbound import PhoneNumberChange

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)  # later than any milestone: the first page's bound
MAX_ROW_ID = 2**31 - 1  # ids of events and of the milestone tables are 32-bit integers


class Kind(IntEnum):
    """A milestone's table, in the order ties at one instant are shown (oldest first): a Kaleyra
    ``number/add`` adds the number and requests its code in one transaction, at one instant."""

    ADDED = 0
    CODE_REQUESTED = 1
    REGISTRATION = 2


@dataclass(frozen=True, slots=True)
class Milestone:
    kind: Kind
    at: datetime
    row_id: int  # the row's id in its table (the number's id for ADDED)
    detail: str = ""  # the code's channel and language; "register" or "deregister"

    @property
    def key(self) -> MilestoneKey:
        return (micros(self.at), int(self.kind), self.row_id)

    @property
    def words(self) -> str:
        if self.kind is Kind.ADDED:
            return "Number added"
        if self.kind is Kind.CODE_REQUESTED:
            return (
                f"Verification code requested ({self.detail})"
                if self.detail
                else "Verification code requested"
            )
        return "Deregistered" if self.detail == "deregister" else "Registered"


MilestoneKey = tuple[int, int, int]  # (microseconds since the epoch, kind, row id)


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page stopped: events older than ``event_id`` (by id) and milestones older than
    ``milestone`` (by key) come next. ``None``: from the newest."""

    event_id: int | None = None
    milestone: MilestoneKey | None = None


def valid(cursor: Cursor) -> bool:
    """Whether a page could have made ``cursor`` (a link's is checked before it reaches a statement)."""
    if cursor.event_id is not None and not 0 < cursor.event_id <= MAX_ROW_ID:
        return False
    if cursor.milestone is None:
        return True
    at, kind, row_id = cursor.milestone
    return 0 <= at <= micros(LATEST) and kind in set(Kind) and 0 < row_id < 2**63


def milestone_bound(cursor: Cursor, kind: Kind) -> tuple[datetime, int]:
    """(at, row id) such that the milestones of ``kind`` after ``cursor`` are exactly those with
    ``at < bound`` or ``at = bound and row id < bound id``: what the repositories' keyset reads."""
    if cursor.milestone is None:
        return LATEST, MAX_ROW_ID
    at, rank, row_id = cursor.milestone
    moment = EPOCH + timedelta(microseconds=at)
    if int(kind) < rank:
        return moment, MAX_ROW_ID  # same instant, lower kind: all of them come after
    if int(kind) > rank:
        return moment, 0  # same instant, higher kind: shown already
    return moment, row_id


def after(cursor: Cursor, milestone: Milestone) -> bool:
    """Whether ``milestone`` comes after ``cursor`` (the number's own ADDED, read with the number)."""
    return cursor.milestone is None or milestone.key < cursor.milestone


class Recorded(Protocol):
    """A stored event: its id and the change Meta reports."""

    @property
    def id(self) -> int: ...

    @property
    def change(self) -> PhoneNumberChange: ...


R = TypeVar("R", bound=Recorded)


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    entries: list[R | Milestone]
    older: Cursor | None  # the next page's cursor, None when this page is the last


def page(events: Sequence[R], milestones: Sequence[Milestone], cursor: Cursor, limit: int) -> Page[R]:
    """Up to ``limit`` entries after ``cursor``. ``events``: those after the cursor, newest id first;
    ``milestones``: those after it, any order; each stream read with at least ``limit + 1`` rows when
    that many exist, so a leftover means an older page."""
    ordered = sorted(milestones, key=lambda item: item.key, reverse=True)
    entries: list[R | Milestone] = []
    next_event, next_milestone = 0, 0
    event_id, milestone_key = cursor.event_id, cursor.milestone
    while len(entries) < limit and (next_event < len(events) or next_milestone < len(ordered)):
        if next_milestone >= len(ordered) or (
            next_event < len(events) and events[next_event].change.time >= _seconds(ordered[next_milestone])
        ):
            event = events[next_event]
            entries.append(event)
            event_id, next_event = event.id, next_event + 1
        else:
            milestone = ordered[next_milestone]
            entries.append(milestone)
            milestone_key, next_milestone = milestone.key, next_milestone + 1
    more = next_event < len(events) or next_milestone < len(ordered)
    return Page(entries, Cursor(event_id, milestone_key) if more else None)


def _seconds(milestone: Milestone) -> int:
    """The whole second of a milestone, as an event's ``time`` counts them."""
    return micros(milestone.at) // 1_000_000


def when(change: PhoneNumberChange) -> datetime:
    """An event's ``time`` (Unix seconds of the emulator's or Meta's clock) as an aware UTC datetime."""
    return EPOCH + timedelta(seconds=change.time)


# --- what an event says --------------------------------------------------------------------------


def describe(change: PhoneNumberChange) -> str:
    """An event in words, from its webhook field and value."""
    value = change.value
    if change.field == webhooks.NAME_UPDATE:
        return _name_update(value)
    if change.field == webhooks.QUALITY_UPDATE:
        return _quality_update(value)
    if change.field == webhooks.ACCOUNT_UPDATE:
        return _account_update(value)
    event = _text(value, "event")
    return f"{change.field}: {event}" if event else change.field


def _text(value: Mapping[str, Any], key: str) -> str:
    item = value.get(key)
    return str(item) if isinstance(item, (str, int)) and not isinstance(item, bool) else ""


def _name_update(value: Mapping[str, Any]) -> str:
    decision, name = _text(value, "decision"), _text(value, "requested_verified_name")
    named = f": {name}" if name else ""
    if decision == "APPROVED":
        return f"Display name approved{named}"
    if decision == "REJECTED":
        reason = _text(value, "rejection_reason")
        return f"Display name rejected{named}" + (f" ({reason})" if reason else "")
    return f"Display name review {decision or 'updated'}{named}"


_QUALITY_EVENTS = {
    "ONBOARDING": "Onboarded: messaging limit {current}",
    "FLAGGED": "Flagged: quality low (messaging limit {current})",
    "UNFLAGGED": "Unflagged: quality no longer low (messaging limit {current})",
    "UPGRADE": "Messaging limit upgraded to {current}{old}",
    "DOWNGRADE": "Messaging limit downgraded to {current}{old}",
    "THROUGHPUT_UPGRADE": "Throughput upgraded to high",
}


def _quality_update(value: Mapping[str, Any]) -> str:
    event, current, old = _text(value, "event"), _text(value, "current_limit"), _text(value, "old_limit")
    template = _QUALITY_EVENTS.get(event)
    if template is None:
        return f"Quality update: {event or 'unnamed'}"
    return template.format(current=current or "not given", old=f" (from {old})" if old else "")


def _account_update(value: Mapping[str, Any]) -> str:
    event = _text(value, "event")
    if event == "ACCOUNT_RESTRICTION":
        return "Restricted: " + _restrictions(value.get("restriction_info"))
    if event == "DISABLED_UPDATE":
        info = value.get("ban_info")
        state = _text(info, "waba_ban_state") if isinstance(info, Mapping) else ""
        words = {"DISABLE": "Banned", "REINSTATE": "Ban lifted: reinstated"}
        return words.get(state, f"Ban state {state or 'not given'}")
    return f"Account update: {event or 'unnamed'}"


def _restrictions(info: object) -> str:
    items = [item for item in info if isinstance(item, Mapping)] if isinstance(info, list) else []
    parts = []
    for item in items:
        kind = _text(item, "restriction_type") or "unnamed restriction"
        expiration = item.get("expiration")
        if isinstance(expiration, int) and not isinstance(expiration, bool) and 0 <= expiration < 2**37:
            kind += f" until {EPOCH + timedelta(seconds=expiration):%Y-%m-%d %H:%M} UTC"
        parts.append(kind)
    return ", ".join(parts) or "no restriction given"
