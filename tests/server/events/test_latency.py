"""State change → receipt on loopback with a healthy receiver, through a real ``wanumbers serve``
(SQLite): each change waits for its webhook before the next. The figures docs/events.md quotes come
from ``pytest -s`` of this test; the bound asserted is loose, for a shared machine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from tests._processes import start
from tests._sync import sync
from tests.conftest import make_tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_worker import subscribe
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import admin
from wanumbers.server.settings import Settings

CHANGES = 100
TIERS = ("TIER_1K", "TIER_10K")


class Timed(ScriptedReceiver):
    arrivals: list[float]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await super().__call__(scope, receive, send)
        if scope["type"] == "http" and scope["method"] == "POST":
            self.arrivals.append(time.monotonic())


def test_a_change_reaches_a_healthy_receiver_within_a_fraction_of_a_second(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'latency.db'}"
    hook = Timed()
    hook.arrivals = []
    hook.start()
    runtime = build_runtime(Settings(database_url=url))
    tenant = make_tenant(runtime)
    subscribe(runtime, tenant, hook.url)
    number = connected(runtime, tenant)
    headers = {"Authorization": f"Bearer {sync(admin.create_admin_token(runtime))}"}
    sync(runtime.close())
    server = start(url, tmp_path / "server.log")
    latencies = []
    try:
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            for i in range(CHANGES):
                before, started = len(hook.arrivals), time.monotonic()
                client.post(f"/sim/numbers/{number.id}/tier", json={"tier": TIERS[i % 2]}).raise_for_status()
                while len(hook.arrivals) <= before and time.monotonic() < started + 5:
                    time.sleep(0.0005)
                assert len(hook.arrivals) > before, "the webhook did not arrive within 5 s"
                latencies.append((hook.arrivals[before] - started) * 1000)
    finally:
        server.stop()
        hook.stop()
    latencies.sort()
    p50, p99 = latencies[CHANGES // 2], latencies[CHANGES * 99 // 100 - 1]
    print(f"change -> receipt over {CHANGES}: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms")
    assert p99 < 1000
