"""Several workers on one PostgreSQL queue: claims skip rows another worker holds, so in the normal case
no delivery is sent twice, and each number's events still arrive in order."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_worker import subscribe
from wanumbers.server.domain.delivery import Status
from wanumbers.server.services import events, sim
from wanumbers.server.services.events import DeliveryWorker
from wanumbers.server.services.runtime import Runtime

NUMBERS = 6
TIERS = ("TIER_1K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED")


def test_two_workers_deliver_each_event_once_and_in_order(
    runtime: Runtime, tenant: Tenant, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serves one process: one worker (docs/events.md)")
    hook = ScriptedReceiver(delay=0.02).start()
    try:
        subscribe(runtime, tenant, hook.url)
        phones = [f"+91987654{3200 + i}" for i in range(NUMBERS)]
        for phone in phones:
            connected(runtime, tenant, phone)
            for tier in TIERS:
                sync(sim.set_tier(runtime, phone, tier))
        first = DeliveryWorker(runtime.store, runtime.clock, batch=4)
        second = DeliveryWorker(runtime.store, runtime.clock, batch=4)

        async def both() -> list[int]:
            return list(await asyncio.gather(first.drain(), second.drain()))

        sent = sync(both())
        assert sum(sent) == NUMBERS * len(TIERS)
        assert all(count > 0 for count in sent)  # both took a share
        bodies = hook.posts()
        assert len(bodies) == len(set(bodies)) == NUMBERS * len(TIERS)  # none twice
        by_number: dict[str, list[str]] = {}
        for body in bodies:
            value = json.loads(body)["entry"][0]["changes"][0]["value"]
            by_number.setdefault(value["display_phone_number"], []).append(value["current_limit"])
        assert all(limits == list(TIERS) for limits in by_number.values())
        assert {d.status for d in sync(events.deliveries(runtime, limit=1000))} == {Status.DELIVERED}
    finally:
        hook.stop()
