"""The timeline's pure rules: each event Meta reports (the payloads ``domain/webhooks.py`` builds, and
live-mode values of any shape) in words, and pages of two streams merged newest first, every entry once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from wanumbers.server.domain import timeline, webhooks
from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus, NumberState, Quality, Throughput
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.domain.timeline import Cursor, Kind, Milestone

FIXTURES = Path(__file__).parents[2] / "fixtures" / "webhooks" / "meta"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
FACTS = webhooks.NumberFacts(
    state=NumberState.CONNECTED,
    name_status=NameStatus.PENDING_REVIEW,
    quality=Quality.GREEN,
    tier=MessagingTier.TIER_1K,
    throughput=Throughput.STANDARD,
    verified_name="Acme Support",
)


def words_after(**changed: Any) -> list[str]:
    """What the timeline says of every change the emulator emits for one step of a number."""
    after = webhooks.NumberFacts(**{**_fields(FACTS), **changed})
    changes = webhooks.number_changes(FACTS, after, waba_id=1, number_id=2, e164="+919876500001", now=NOW)
    return [timeline.describe(change) for change in changes]


@pytest.mark.parametrize(
    ("changed", "words"),
    [
        ({"name_status": NameStatus.APPROVED}, ["Display name approved: Acme Support"]),
        (
            {"name_status": NameStatus.DECLINED},
            ["Display name rejected: Acme Support (NAME_FORMAT_UNACCEPTABLE)"],
        ),
        ({"quality": Quality.RED}, ["Flagged: quality low (messaging limit TIER_1K)"]),
        ({"state": NumberState.FLAGGED}, ["Flagged: quality low (messaging limit TIER_1K)"]),
        ({"tier": MessagingTier.TIER_10K}, ["Messaging limit upgraded to TIER_10K (from TIER_1K)"]),
        ({"tier": MessagingTier.TIER_250}, ["Messaging limit downgraded to TIER_250 (from TIER_1K)"]),
        ({"throughput": Throughput.HIGH}, ["Throughput upgraded to high"]),
        (
            {"state": NumberState.RESTRICTED},
            ["Restricted: RESTRICTED_BIZ_INITIATED_MESSAGING until 2027-01-01 10:00 UTC"],
        ),
        ({"state": NumberState.BANNED}, ["Banned"]),
    ],
)
def test_each_change_the_emulator_reports_reads_as_words(changed: dict[str, Any], words: list[str]) -> None:
    assert words_after(**changed) == words


def test_a_first_registration_and_a_lifted_ban_read_as_words() -> None:
    verified = webhooks.NumberFacts(**{**_fields(FACTS), "state": NumberState.VERIFIED})
    connected = webhooks.NumberFacts(**{**_fields(FACTS), "state": NumberState.CONNECTED})
    banned = webhooks.NumberFacts(**{**_fields(FACTS), "state": NumberState.BANNED})
    onboarding = webhooks.number_changes(verified, connected, waba_id=1, number_id=2, e164="+1", now=NOW)
    reinstated = webhooks.number_changes(banned, connected, waba_id=1, number_id=2, e164="+1", now=NOW)
    assert [timeline.describe(change) for change in onboarding] == ["Onboarded: messaging limit TIER_1K"]
    assert [timeline.describe(change) for change in reinstated] == ["Ban lifted: reinstated"]
    unflag = webhooks.NumberFacts(**{**_fields(FACTS), "quality": Quality.RED})
    back = webhooks.number_changes(unflag, FACTS, waba_id=1, number_id=2, e164="+1", now=NOW)
    assert [timeline.describe(change) for change in back] == [
        "Unflagged: quality no longer low (messaging limit TIER_1K)"
    ]


def _fields(facts: webhooks.NumberFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in webhooks.NumberFacts.__slots__}


def change(field: str, value: Any) -> PhoneNumberChange:
    return PhoneNumberChange(waba_id=1, number_id=2, field=field, value=value, time=0)


@pytest.mark.parametrize(
    ("fixture", "words"),
    [
        ("phone_number_quality_update_flagged", "Flagged: quality low (messaging limit TIER_10K)"),
        ("phone_number_quality_update_throughput_upgrade", "Throughput upgraded to high"),
        ("phone_number_name_update_approved", "Display name approved: Lucky Shrub"),
        ("account_update_verified_account", "Account update: VERIFIED_ACCOUNT"),
        ("account_review_update", "account_review_update"),
    ],
)
def test_meta_s_documented_payloads_read_as_words(fixture: str, words: str) -> None:
    """What Meta sends in live mode, stored as received (the fixtures are Meta's examples)."""
    body = json.loads((FIXTURES / f"{fixture}.json").read_text())
    item = body["entry"][0]["changes"][0]
    assert timeline.describe(change(item["field"], item["value"])) == words


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        (webhooks.QUALITY_UPDATE, {}, "Quality update: unnamed"),
        (
            webhooks.QUALITY_UPDATE,
            {"event": "UPGRADE", "current_limit": ["x"]},
            "Messaging limit upgraded to not given",
        ),
        (webhooks.QUALITY_UPDATE, {"event": "SOMETHING_NEW"}, "Quality update: SOMETHING_NEW"),
        (webhooks.NAME_UPDATE, {"decision": "DEFERRED"}, "Display name review DEFERRED"),
        (webhooks.NAME_UPDATE, {"decision": True}, "Display name review updated"),
        (webhooks.NAME_UPDATE, {"decision": "APPROVED"}, "Display name approved"),
        (
            webhooks.NAME_UPDATE,
            {"decision": "REJECTED", "requested_verified_name": "A"},
            "Display name rejected: A",
        ),
        (webhooks.ACCOUNT_UPDATE, {}, "Account update: unnamed"),
        (webhooks.ACCOUNT_UPDATE, {"event": "ACCOUNT_RESTRICTION"}, "Restricted: no restriction given"),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"expiration": 0}, "x", {"restriction_type": "B"}],
            },
            "Restricted: unnamed restriction until 1970-01-01 00:00 UTC, B",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"restriction_type": "R", "expiration": -1}],
            },
            "Restricted: R",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"restriction_type": "R", "expiration": 2**37 - 1}],
            },
            "Restricted: R until 6325-04-08 15:04 UTC",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"restriction_type": "R", "expiration": 2**37}],
            },
            "Restricted: R",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"restriction_type": "R", "expiration": True}],
            },
            "Restricted: R",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {"event": "ACCOUNT_RESTRICTION", "restriction_info": "x"},
            "Restricted: no restriction given",
        ),
        (
            webhooks.ACCOUNT_UPDATE,
            {
                "event": "ACCOUNT_RESTRICTION",
                "restriction_info": [{"restriction_type": "R", "expiration": 10**20}],
            },
            "Restricted: R",
        ),
        (webhooks.ACCOUNT_UPDATE, {"event": "DISABLED_UPDATE", "ban_info": None}, "Ban state not given"),
        (
            webhooks.ACCOUNT_UPDATE,
            {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": "SCHEDULE_FOR_DISABLE"}},
            "Ban state SCHEDULE_FOR_DISABLE",
        ),
        ("messages", {"event": 7}, "messages: 7"),
    ],
)
def test_values_of_any_shape_read_without_failing(field: str, value: dict[str, Any], words: str) -> None:
    assert timeline.describe(change(field, value)) == words


# --- paging -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    id: int
    change: PhoneNumberChange


def event(event_id: int, seconds: int) -> Stored:
    return Stored(event_id, PhoneNumberChange(1, 2, webhooks.QUALITY_UPDATE, {}, seconds))


def milestone(kind: Kind, seconds: float, row_id: int) -> Milestone:
    return Milestone(kind, timeline.EPOCH + timedelta(seconds=seconds), row_id)


def walk(events: list[Stored], milestones: list[Milestone], limit: int) -> list[list[object]]:
    """Every page from the newest, reading each stream as the repositories do (after the cursor,
    ``limit + 1`` rows)."""
    pages, cursor = [], Cursor()
    for _ in range(100):
        newer = [
            e
            for e in sorted(events, key=lambda e: -e.id)
            if cursor.event_id is None or e.id < cursor.event_id
        ]
        kept = [m for m in milestones if timeline.after(cursor, m)]
        assert kept == [m for m in milestones if _bounded(cursor, m)]  # the repositories read the same
        kept = sorted(kept, key=lambda m: m.key, reverse=True)[: limit + 1]
        found = timeline.page(newer[: limit + 1], kept, cursor, limit)
        pages.append(found.entries)
        if found.older is None:
            return pages
        cursor = found.older
    raise AssertionError("the pages never end")


def _bounded(cursor: Cursor, item: Milestone) -> bool:
    """The repositories' keyset, from ``milestone_bound``: the same set as ``after``."""
    at, row_id = timeline.milestone_bound(cursor, item.kind)
    return item.at < at or (item.at == at and item.row_id < row_id)


def test_pages_show_every_entry_once_newest_first_and_events_above_milestones_of_their_second() -> None:
    events = [event(i, 100 + 10 * i) for i in range(1, 8)]  # times 110..170
    milestones = [
        milestone(Kind.ADDED, 100.25, 99),
        milestone(Kind.CODE_REQUESTED, 100.25, 1),  # the add's code: the same instant
        milestone(Kind.CODE_REQUESTED, 130.5, 2),  # within the second of event 3
        milestone(Kind.REGISTRATION, 175, 1),
    ]
    pages = walk(events, milestones, limit=3)
    flat = [entry for page in pages for entry in page]
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    assert len(flat) == len(events) + len(milestones) and len(set(map(id, flat))) == len(flat)
    order = [e.id if isinstance(e, Stored) else f"{e.kind.name}{e.row_id}" for e in flat]
    assert order == [
        "REGISTRATION1", 7, 6, 5, 4, 3, "CODE_REQUESTED2", 2, 1, "CODE_REQUESTED1", "ADDED99",
    ]  # fmt: skip


def test_a_clock_moved_back_still_shows_every_entry_once() -> None:
    """The emulator's clock can go back: event ids and times disagree, and no entry is lost."""
    events = [event(1, 500), event(2, 600), event(3, 100), event(4, 200)]
    milestones = [milestone(Kind.CODE_REQUESTED, t, i) for i, t in enumerate((50, 150, 550, 650), start=1)]
    for limit in (1, 2, 3, 10):
        flat = [entry for page in walk(events, milestones, limit) for entry in page]
        assert sorted(e.id for e in flat if isinstance(e, Stored)) == [1, 2, 3, 4]
        assert sorted(m.row_id for m in flat if isinstance(m, Milestone)) == [1, 2, 3, 4]
        stored = [e.id for e in flat if isinstance(e, Stored)]
        assert stored == [4, 3, 2, 1]  # events keep their own order


def test_milestones_of_one_kind_at_one_instant_are_each_shown_once() -> None:
    """Two rows of one table at one instant, a page boundary between them: the keyset's row id."""
    milestones = [milestone(kind, 100, row) for kind in Kind for row in (1, 2, 3)]
    for limit in (1, 2, 4):
        flat = [entry for page in walk([event(1, 100)], milestones, limit) for entry in page]
        assert len(flat) == 10 and isinstance(flat[0], Stored)
        keys = [entry.key for entry in flat[1:] if isinstance(entry, Milestone)]
        assert keys == sorted({m.key for m in milestones}, reverse=True)


def test_either_stream_may_run_out_first() -> None:
    newer, older = [milestone(Kind.ADDED, 100, 1)], [event(1, 10)]
    assert timeline.page(older, newer, Cursor(), 5).entries == [newer[0], older[0]]
    assert timeline.page([event(2, 100)], [milestone(Kind.ADDED, 10, 1)], Cursor(), 5).older is None
    assert timeline.page([], [], Cursor(), 50) == timeline.Page([], None)


def test_a_milestone_a_second_after_an_event_is_above_it_and_its_key_is_an_integer() -> None:
    """At today's clock, not only near the epoch: a key travels in a link as JSON, so it is an int."""
    at = int(NOW.timestamp())
    later = Milestone(Kind.REGISTRATION, NOW + timedelta(seconds=1.5), 1)
    same = Milestone(Kind.REGISTRATION, NOW + timedelta(seconds=0.5), 2)
    found = timeline.page([event(1, at)], [later, same], Cursor(), 5).entries
    assert [getattr(entry, "row_id", "event") for entry in found] == [1, "event", 2]
    assert type(timeline.micros(NOW)) is int and all(type(part) is int for part in later.key)


def test_an_event_s_time_is_shown_in_utc() -> None:
    assert timeline.when(PhoneNumberChange(1, 2, "f", {}, 86_400)) == datetime(1970, 1, 2, tzinfo=UTC)


LATEST_MICROS = 253_402_214_400_000_000  # 9999-12-31T00:00:00Z


def test_a_cursor_is_checked_at_each_bound() -> None:
    good = [
        Cursor(),
        Cursor(1),
        Cursor(2**31 - 1),
        Cursor(None, (0, 0, 1)),
        Cursor(5, (LATEST_MICROS, 2, 2**63 - 1)),
    ]
    bad = [
        Cursor(0),
        Cursor(2**31),
        Cursor(None, (-1, 0, 1)),
        Cursor(None, (LATEST_MICROS + 1, 0, 1)),
        Cursor(None, (0, 3, 1)),
        Cursor(None, (0, -1, 1)),
        Cursor(None, (0, 0, 0)),
        Cursor(None, (0, 0, 2**63)),
    ]
    assert [timeline.valid(cursor) for cursor in good] == [True] * len(good)
    assert [timeline.valid(cursor) for cursor in bad] == [False] * len(bad)
    assert timeline.micros(timeline.LATEST) == LATEST_MICROS


def test_milestones_read_as_words() -> None:
    assert milestone(Kind.ADDED, 0, 1).words == "Number added"
    assert Milestone(Kind.CODE_REQUESTED, NOW, 1).words == "Verification code requested"
    assert (
        Milestone(Kind.CODE_REQUESTED, NOW, 1, "SMS, en_US").words
        == "Verification code requested (SMS, en_US)"
    )
    assert Milestone(Kind.REGISTRATION, NOW, 1, "register").words == "Registered"
    assert Milestone(Kind.REGISTRATION, NOW, 1, "deregister").words == "Deregistered"
