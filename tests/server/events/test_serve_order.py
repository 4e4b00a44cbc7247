"""Many changes of one number through a real ``wanumbers serve`` (SQLite and PostgreSQL), sent one
after another as fast as the control plane answers, none waiting for its webhook: every one reaches a
healthy loopback receiver, once, in the order of the changes, signed. How fast is the benchmark's
question, not this test's (S10 in docs/benchmarks.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests._processes import start
from tests._sync import sync
from tests.conftest import make_tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_worker import subscribe
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.webhooks import signature
from wanumbers.server.services import admin, apps
from wanumbers.server.settings import Settings

CHANGES = 100
TIERS = ("TIER_1K", "TIER_10K")  # the number starts at TIER_250: every change moves it
ARRIVAL_BOUND_S = 60.0  # a bound on the wait, so a lost event fails the test instead of hanging it


def test_every_one_of_100_changes_arrives_once_in_order(database_url: str, tmp_path: Path) -> None:
    hook = ScriptedReceiver().start()
    runtime = build_runtime(Settings(database_url=database_url))
    tenant = make_tenant(runtime)
    subscribe(runtime, tenant, hook.url)
    number = connected(runtime, tenant)
    secret = sync(apps.secret(runtime, tenant.sid)).app_secret
    headers = {"Authorization": f"Bearer {sync(admin.create_admin_token(runtime))}"}
    sync(runtime.close())
    server = start(database_url, tmp_path / "server.log")
    sent = [TIERS[i % 2] for i in range(CHANGES)]
    try:
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            for tier in sent:
                client.post(f"/sim/numbers/{number.id}/tier", json={"tier": tier}).raise_for_status()
        deadline = time.monotonic() + ARRIVAL_BOUND_S
        while len(hook.posts()) < CHANGES and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.stop()
        hook.stop()
    posts = [(body, head) for method, _, body, head in hook.requests if method == "POST"]
    values = [json.loads(body)["entry"][0]["changes"][0]["value"] for body, _ in posts]
    assert [value["current_limit"] for value in values] == sent
    assert [value["old_limit"] for value in values] == ["TIER_250", *sent[:-1]]  # each follows the last
    assert all(head["x-hub-signature-256"] == signature(secret, body) for body, head in posts)
