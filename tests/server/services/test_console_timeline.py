"""A number's timeline (``services.console.timeline``) on both stores: its events in words with their
deliveries, its milestones from the store, newest first, paged by keyset, seen only by who may see the
number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests._sync import owned_waba, sync
from tests.conftest import Tenant
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import admin, console, events, numbers, sim
from wanumbers.server.services.console import Principal, TimelineEntry
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork

E164, OTHER = "+919876543210", "+919876543211"


def connected(rt: Runtime, tenant: Tenant, e164: str = E164) -> PhoneNumber:
    """Added, its code requested and verified, registered: what Kaleyra's add and verify do."""
    account = sync(admin.find_account(rt, tenant.sid))
    waba = owned_waba(rt, account, tenant.waba_id)
    number = sync(numbers.onboard(rt, waba, parse_phone(e164), "Acme", "SMS"))
    code = sync(sim.outbox(rt, e164))[0].code
    sync(numbers.confirm(rt, waba, number, parse_phone(e164), code))
    return number


def admin_principal() -> Principal:
    return Principal("admin", "digest")


def words(entries: list[TimelineEntry]) -> list[str]:
    return [entry.words for entry in entries]


def test_the_timeline_is_the_number_s_events_and_milestones_newest_first(
    runtime: Runtime, tenant: Tenant
) -> None:
    number = connected(runtime, tenant)
    connected(runtime, tenant, OTHER)  # another number's events are not this one's
    sync(sim.review_name(runtime, E164, "APPROVED"))
    sync(sim.set_tier(runtime, E164, "TIER_10K"))
    sync(sim.set_quality(runtime, E164, "RED"))
    shown = sync(console.timeline(runtime, admin_principal(), number.id))
    assert words(shown.entries) == [
        "Flagged: quality low (messaging limit TIER_10K)",
        "Messaging limit upgraded to TIER_10K (from TIER_250)",
        "Display name approved: Acme",
        "Onboarded: messaging limit TIER_250",
        "Registered",
        "Verification code requested (SMS, en_US)",
        "Number added",
    ]
    assert shown.older is None
    recorded = sync(events.emitted(runtime))
    mine = [event for event in recorded if event.change.number_id == number.id]
    assert [entry.event_id for entry in shown.entries[:4]] == [event.id for event in mine]
    assert [entry.at for entry in shown.entries[:4]] == [
        datetime.fromtimestamp(event.change.time, UTC) for event in mine
    ]
    assert all(entry.at.tzinfo is UTC for entry in shown.entries)
    assert shown.entries[0].field == "phone_number_quality_update" and shown.entries[-1].event_id is None


def test_pages_walk_the_whole_timeline_once(runtime: Runtime, tenant: Tenant) -> None:
    number = connected(runtime, tenant)
    for tier in ("TIER_1K", "TIER_10K", "TIER_100K", "TIER_1K", "TIER_250"):
        sync(sim.set_tier(runtime, E164, tier))
    everything = sync(console.timeline(runtime, admin_principal(), number.id)).entries
    assert len(everything) == 9  # 6 events, registered, code requested, added
    for limit in (1, 2, 4):
        walked, cursor, pages = [], None, 0
        while True:
            page = sync(console.timeline(runtime, admin_principal(), number.id, cursor, limit))
            assert len(page.entries) <= limit
            walked += page.entries
            pages += 1
            if page.older is None:
                break
            cursor = page.older
        assert walked == everything and pages == -(-len(everything) // limit)


def test_an_api_key_sees_the_timeline_of_its_own_numbers_only(
    runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    number = connected(runtime, tenant)
    own = sync(console.sign_in(runtime, tenant.api_key))
    assert words(sync(console.timeline(runtime, own, number.id)).entries)[-1] == "Number added"
    stranger = sync(console.sign_in(runtime, other_tenant.api_key))
    with pytest.raises(DomainError) as refused:
        sync(console.timeline(runtime, stranger, number.id))
    assert refused.value.reason is Reason.NUMBER_NOT_FOUND and refused.value.detail == console.NOT_FOUND


async def _receivers(uow: UnitOfWork, change: PhoneNumberChange) -> list[OutboundRequest]:
    """Two receivers for every change (the events tests deliver for real; here only the rows count)."""
    return [OutboundRequest("POST", f"http://127.0.0.1:9/{n}", (), b"{}") for n in (1, 2)]


def test_each_event_carries_its_deliveries_by_status(runtime: Runtime, tenant: Tenant) -> None:
    number = connected(runtime, tenant)
    runtime.events.producers.append(events.named(_receivers, "test"))
    sync(sim.review_name(runtime, E164, "APPROVED"))
    first, second = sorted(sync(events.deliveries(runtime)), key=lambda d: d.id)

    async def settle() -> None:
        async with runtime.uow(write=True) as uow:
            now = runtime.clock.now()
            await uow.events.delivered(first.id, 200, now)
            await uow.events.failed(
                second.id, status=Status.DEAD, code=500, error="HTTP 500", retry_at=now, now=now
            )
            await uow.commit()

    sync(settle())
    approved, onboarded = sync(console.timeline(runtime, admin_principal(), number.id)).entries[:2]
    assert approved.words == "Display name approved: Acme"
    assert [(d.id, d.producer, d.status) for d in approved.deliveries] == [
        (first.id, "test", Status.DELIVERED),
        (second.id, "test", Status.DEAD),
    ]
    assert approved.counts == [("delivered", 1), ("dead", 1)]
    assert onboarded.deliveries == () and onboarded.counts == []  # recorded before any receiver
