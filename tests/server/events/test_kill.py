"""kill -9 of a real ``wanumbers serve`` between the state change and the delivery, many rounds: every
committed event reaches the receiver at least once, none is invented (a refused change records none)."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests._processes import Server, start
from tests._sync import sync
from tests.conftest import make_tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_worker import subscribe
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import admin, events
from wanumbers.server.settings import Settings

ROUNDS = 20
TIERS = ("TIER_1K", "TIER_10K")
SETTLE_TIMEOUT = 20.0


def kill(server: Server) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)


def test_kill_9_between_change_and_delivery_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    hook = ScriptedReceiver(delay=0.15).start()  # slow enough that a kill often lands mid-delivery
    runtime = build_runtime(Settings(database_url=url))
    try:
        tenant = make_tenant(runtime)
        subscribe(runtime, tenant, hook.url)
        number = connected(runtime, tenant)
        admin_token = sync(admin.create_admin_token(runtime))
        sync(runtime.close())
        headers = {"Authorization": f"Bearer {admin_token}"}
        rng = random.Random(13)
        committed = 0
        for round_number in range(ROUNDS):
            server = start(url, tmp_path / f"server-{round_number}.log")
            try:
                tier = TIERS[round_number % 2]
                answer = httpx.post(
                    f"{server.url}/sim/numbers/{number.id}/tier",
                    json={"tier": tier},
                    headers=headers,
                    timeout=5,
                )
                assert answer.status_code == 200, answer.text
                committed += 1
                refused = httpx.post(
                    f"{server.url}/sim/numbers/{number.id}/restore", headers=headers, timeout=5
                )
                assert refused.status_code == 409  # illegal: rolled back, records nothing
                time.sleep(rng.uniform(0.0, 0.3))
            finally:
                kill(server)

        before_restart = len(hook.posts())
        server = start(url, tmp_path / "server-last.log")
        try:
            # leases of the killed workers end after 30 s of emulated time: move past them
            httpx.post(f"{server.url}/sim/clock", json={"advance_seconds": 120}, headers=headers, timeout=30)
            deadline = time.monotonic() + SETTLE_TIMEOUT
            while True:
                shown = httpx.get(f"{server.url}/sim/events", params={"limit": 1000}, headers=headers).json()
                if (
                    all(d["status"] == "delivered" for d in shown["deliveries"])
                    or time.monotonic() > deadline
                ):
                    break
                httpx.post(
                    f"{server.url}/sim/clock", json={"advance_seconds": 120}, headers=headers, timeout=30
                )
                time.sleep(0.2)
        finally:
            server.stop()

        runtime = build_runtime(Settings(database_url=url))
        recorded = sync(events.deliveries(runtime, limit=1000))
        assert len(sync(events.emitted(runtime, limit=1000))) == committed == ROUNDS
        assert len(recorded) == ROUNDS
        assert {d.status.value for d in recorded} == {"delivered"}
        bodies = [json.loads(body) for body in hook.posts()]
        received = {json.dumps(body, sort_keys=True) for body in bodies}
        expected = {json.dumps(json.loads(d.request.body), sort_keys=True) for d in recorded}
        assert received == expected  # every committed event arrived; nothing arrived that was not committed
        assert len(bodies) >= ROUNDS  # at least once (a kill after the answer sends again)
        figures = f"received before the last restart {before_restart}, in all {len(bodies)}"
        print(f"kill -9 rounds: {ROUNDS}; {figures}")  # the figure docs/events.md quotes (pytest -s)
    finally:
        sync(runtime.close())
        hook.stop()


pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
