"""``wanumbers apps secret`` and ``wanumbers events list|replay``, the control plane's ``/sim/events``
and the sandbox's ``sb.events``: the same deliveries, the same keys."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_worker import subscribe
from wanumbers.cli import main
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.testing import sandbox

DELIVERY_KEYS = {
    "id",
    "event_id",
    "producer",
    "field",
    "waba_id",
    "phone_number_id",
    "url",
    "status",
    "attempts",
    "next_attempt_at",
    "delivered_at",
    "last_status",
    "last_error",
}


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_apps_secret_prints_the_app_and_rotates_it(database_url: str, tenant: Tenant) -> None:
    shown = run("apps", "secret", "--sid", tenant.sid, "--database-url", database_url, "--json")
    assert set(shown) == {"app_id", "app_secret"}
    assert run("apps", "secret", "--sid", tenant.sid, "--database-url", database_url, "--json") == shown
    rotated = run("apps", "secret", "--sid", tenant.sid, "--rotate", "--database-url", database_url, "--json")
    assert rotated["app_id"] == shown["app_id"] and rotated["app_secret"] != shown["app_secret"]


def test_apps_secret_of_an_unknown_account_fails_clearly(database_url: str) -> None:
    result = CliRunner().invoke(main, ["apps", "secret", "--sid", "HXNOPE", "--database-url", database_url])
    assert result.exit_code != 0
    assert "no account with SID HXNOPE" in result.output


def test_events_list_and_replay(database_url: str, runtime: Runtime, tenant: Tenant) -> None:
    hook = ScriptedReceiver(status=500).start()
    try:
        subscribe(runtime, tenant, hook.url)
        connected(runtime, tenant)
        sync(sim.enforce(runtime, "+919876543210", "ban"))
        sync(runtime.deliver_due())
        [pending] = run("events", "list", "--status", "pending", "--database-url", database_url, "--json")
        assert set(pending) == DELIVERY_KEYS
        assert (pending["status"], pending["attempts"], pending["last_error"]) == ("pending", 1, "HTTP 500")
        assert (pending["field"], pending["url"], pending["producer"]) == ("account_update", hook.url, "meta")
        assert run("events", "list", "--status", "delivered", "--database-url", database_url, "--json") == []
        replayed = run("events", "replay", str(pending["id"]), "--database-url", database_url, "--json")
        assert (replayed["id"], replayed["status"], replayed["attempts"]) == (pending["id"], "pending", 0)
    finally:
        hook.stop()


def test_events_replay_of_an_unknown_delivery_fails_clearly(database_url: str) -> None:
    result = CliRunner().invoke(main, ["events", "replay", "424242", "--database-url", database_url])
    assert result.exit_code != 0
    assert "no delivery 424242" in result.output


def test_the_control_plane_shows_and_replays_events(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    from wanumbers.server.services import admin

    token = sync(admin.create_admin_token(runtime))
    headers = {"Authorization": f"Bearer {token}"}
    hook = ScriptedReceiver().start()
    try:
        subscribe(runtime, tenant, hook.url)
        connected(runtime, tenant)
        sync(sim.enforce(runtime, "+919876543210", "ban"))
        assert app_client.post("/sim/events/deliver", headers=headers).json() == {"sent": 1}
        shown = app_client.get("/sim/events", headers=headers).json()
        [delivery] = shown["deliveries"]
        assert set(delivery) == DELIVERY_KEYS and delivery["status"] == "delivered"
        [event] = shown["events"]
        assert (event["field"], event["value"]["event"]) == ("account_update", "DISABLED_UPDATE")
        replayed = app_client.post(f"/sim/events/{delivery['id']}/replay", headers=headers)
        assert replayed.status_code == 200, replayed.text
        assert len(hook.posts()) == 2
        bad = app_client.get("/sim/events", params={"status": "lost"}, headers=headers)
        assert bad.status_code == 400
        assert "status must be one of pending, delivered, dead" in bad.text
    finally:
        hook.stop()


def test_the_sandbox_exposes_events() -> None:
    hook = ScriptedReceiver().start()
    try:
        with sandbox() as sb:
            creds = sb.events.app_credentials()
            assert set(creds) == {"app_id", "app_secret"}
            http = sb.http_client()
            token = f"{creds['app_id']}|{creds['app_secret']}"
            params = {
                "object": "whatsapp_business_account",
                "callback_url": hook.url,
                "verify_token": "v",
                "fields": "phone_number_quality_update",
                "access_token": token,
            }
            assert http.post(f"/v23.0/{creds['app_id']}/subscriptions", params=params).json() == {
                "success": True
            }
            user = {"Authorization": f"Bearer {sb.access_token}"}
            assert http.post(f"/v23.0/{sb.waba_id}/subscribed_apps", headers=user).json() == {"success": True}
            number_id = sb.cloud.create_phone_number(cc="91", phone_number="9876543210", verified_name="Acme")
            sb.sim.set_tier(number_id, "TIER_10K")
            [event] = sb.events.emitted()
            assert event["value"]["event"] == "UPGRADE"
            assert sb.events.deliver() == 1
            assert [d["status"] for d in sb.events.deliveries()] == ["delivered"]
            assert len(hook.posts()) == 1
    finally:
        hook.stop()
