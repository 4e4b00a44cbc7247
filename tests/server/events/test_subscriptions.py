"""Subscriptions the way Meta takes them, on the Graph surface: the app token exchange, the app's
subscription with its GET handshake, the WABA's subscribed apps and override, and who receives what."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import admin, apps, events, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

VERIFY = "token-42"


@pytest.fixture
def hook() -> Iterator[ScriptedReceiver]:
    receiver = ScriptedReceiver().start()
    yield receiver
    receiver.stop()


def app_token(runtime: Runtime, tenant: Tenant) -> tuple[int, str]:
    creds = sync(apps.secret(runtime, tenant.sid))
    return creds.app_id, f"{creds.app_id}|{creds.app_secret}"


def subscribe_app(client: TestClient, app_id: int, token: str, url: str, **extra: str) -> object:
    params = {
        "object": "whatsapp_business_account",
        "callback_url": url,
        "verify_token": VERIFY,
        "fields": "account_update",
        **extra,
    }
    return client.post(
        f"/v23.0/{app_id}/subscriptions", params=params, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_handshake_is_meta_s_and_the_subscription_reads_back(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    app_id, token = app_token(runtime, tenant)
    answer = subscribe_app(app_client, app_id, token, hook.url)
    assert answer.json() == {"success": True}  # type: ignore[attr-defined]
    [(method, query, _, _)] = hook.requests
    assert method == "GET"
    assert (
        "hub.mode=subscribe" in query and f"hub.verify_token={VERIFY}" in query and "hub.challenge=" in query
    )
    listed = app_client.get(f"/{app_id}/subscriptions", params={"access_token": token})
    assert listed.json() == {
        "data": [
            {
                "object": "whatsapp_business_account",
                "callback_url": hook.url,
                "active": True,
                "fields": [{"name": "account_update", "version": "v23.0"}],
            }
        ]
    }


def test_a_callback_that_does_not_echo_the_challenge_is_refused_and_nothing_is_stored(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    hook.challenge_answer = "not the challenge"
    app_id, token = app_token(runtime, tenant)
    answer = subscribe_app(app_client, app_id, token, hook.url)
    assert answer.status_code == 400  # type: ignore[attr-defined]
    error = answer.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == 2200
    assert "Response does not match challenge" in error["message"]
    assert app_client.get(f"/{app_id}/subscriptions", params={"access_token": token}).json() == {"data": []}


def test_an_unreachable_callback_is_refused(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    hook = ScriptedReceiver()  # never started
    app_id, token = app_token(runtime, tenant)
    error = subscribe_app(app_client, app_id, token, hook.url).json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == 2200
    assert "Couldn't connect" in error["message"]


@pytest.mark.parametrize(
    ("token", "code"),
    [("{app}|wrong-secret", 190), ("garbage", 190), ("999|x", 190)],
)
def test_a_bad_app_token_is_refused(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver, token: str, code: int
) -> None:
    app_id, _ = app_token(runtime, tenant)
    answer = subscribe_app(app_client, app_id, token.replace("{app}", str(app_id)), hook.url)
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert answer.json()["error"]["code"] == code  # type: ignore[attr-defined]
    assert hook.requests == []  # refused before any call out


def test_another_app_s_token_does_not_reach_this_app(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, other_tenant: Tenant, hook: ScriptedReceiver
) -> None:
    app_id, _ = app_token(runtime, tenant)
    _, other = app_token(runtime, other_tenant)
    answer = subscribe_app(app_client, app_id, other, hook.url)
    assert answer.json()["error"]["code"] == 100  # type: ignore[attr-defined]
    assert hook.requests == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"object": "page"}, "object must be whatsapp_business_account"),
        ({"fields": "nope"}, "unknown webhook field 'nope'"),
        ({"callback_url": "ftp://example.com/x"}, "callback_url"),
    ],
)
def test_bad_subscription_parameters_are_refused(
    app_client: TestClient,
    runtime: Runtime,
    tenant: Tenant,
    hook: ScriptedReceiver,
    params: dict[str, str],
    message: str,
) -> None:
    app_id, token = app_token(runtime, tenant)
    params = dict(params)
    url = params.pop("callback_url", hook.url)
    error = subscribe_app(app_client, app_id, token, url, **params).json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == 100
    assert message in error["message"]


def test_the_client_credentials_exchange(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    creds = sync(apps.secret(runtime, tenant.sid))
    base = {"grant_type": "client_credentials", "client_id": str(creds.app_id)}
    wrong = app_client.get("/oauth/access_token", params={**base, "client_secret": "nope"})
    assert wrong.status_code == 401
    grant = app_client.get(
        "/oauth/access_token", params={**base, "grant_type": "password", "client_secret": "x"}
    )
    assert grant.json()["error"]["code"] == 100


def test_a_rotated_secret_retires_the_old_one(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    old = sync(apps.secret(runtime, tenant.sid))
    new = sync(apps.secret(runtime, tenant.sid, rotate=True))
    assert (new.app_id, len(new.app_secret)) == (old.app_id, 32)
    assert new.app_secret != old.app_secret
    assert sync(apps.secret(runtime, tenant.sid)) == new
    params = {
        "grant_type": "client_credentials",
        "client_id": str(old.app_id),
        "client_secret": old.app_secret,
    }
    assert app_client.get("/oauth/access_token", params=params).status_code == 401


def test_the_waba_override_wins_over_the_app_callback(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    override = ScriptedReceiver().start()
    try:
        app_id, token = app_token(runtime, tenant)
        subscribe_app(app_client, app_id, token, hook.url)
        user = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
        refused = app_client.post(
            f"/{tenant.waba_id}/subscribed_apps", params={"override_callback_uri": override.url}, headers=user
        )
        assert refused.json()["error"]["message"] == "(#100) verify_token is required"
        answer = app_client.post(
            f"/{tenant.waba_id}/subscribed_apps",
            params={"override_callback_uri": override.url, "verify_token": VERIFY},
            headers=user,
        )
        assert answer.json() == {"success": True}
        listed = app_client.get(f"/v23.0/{tenant.waba_id}/subscribed_apps", headers=user).json()
        assert listed["data"][0]["override_callback_uri"] == override.url
        assert listed["data"][0]["whatsapp_business_api_data"]["id"] == str(app_id)

        connected(runtime, tenant)
        sync(sim.enforce(runtime, "+919876543210", "ban"))
        sync(runtime.deliver_due())
        assert len(override.posts()) == 1
        assert hook.posts() == []

        assert app_client.delete(f"/{tenant.waba_id}/subscribed_apps", headers=user).json() == {
            "success": True
        }
        assert app_client.get(f"/{tenant.waba_id}/subscribed_apps", headers=user).json() == {"data": []}
        sync(sim.enforce(runtime, "+919876543210", "restore"))
        assert sync(events.deliveries(runtime, "pending")) == []  # unsubscribed: nothing to deliver
    finally:
        override.stop()


def test_the_numbers_own_override_wins_over_the_wabas_and_the_apps(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    waba_override, number_override = ScriptedReceiver().start(), ScriptedReceiver().start()
    try:
        app_id, token = app_token(runtime, tenant)
        subscribe_app(app_client, app_id, token, hook.url)
        user = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
        params = {"override_callback_uri": waba_override.url, "verify_token": VERIFY}
        assert app_client.post(f"/{tenant.waba_id}/subscribed_apps", params=params, headers=user).json() == {
            "success": True
        }
        number = connected(runtime, tenant)
        configuration = {"override_callback_uri": number_override.url, "verify_token": VERIFY}
        answer = app_client.post(
            f"/v23.0/{number.id}", json={"webhook_configuration": configuration}, headers=user
        )
        assert answer.json() == {"success": True}

        sync(sim.enforce(runtime, "+919876543210", "ban"))
        sync(runtime.deliver_due())
        assert len(number_override.posts()) == 1
        assert waba_override.posts() == [] and hook.posts() == []

        removed = {"override_callback_uri": "", "verify_token": VERIFY}
        assert app_client.post(
            f"/v23.0/{number.id}", json={"webhook_configuration": removed}, headers=user
        ).json()
        sync(sim.enforce(runtime, "+919876543210", "restore"))
        sync(runtime.deliver_due())
        assert len(waba_override.posts()) == 1 and len(number_override.posts()) == 1
    finally:
        waba_override.stop()
        number_override.stop()


def test_only_subscribed_fields_are_delivered(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    app_id, token = app_token(runtime, tenant)
    subscribe_app(app_client, app_id, token, hook.url)  # account_update only
    user = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    app_client.post(f"/{tenant.waba_id}/subscribed_apps", headers=user)
    connected(runtime, tenant)
    sync(sim.set_tier(runtime, "+919876543210", "TIER_10K"))  # a quality update: not subscribed
    sync(sim.enforce(runtime, "+919876543210", "ban"))
    assert [d.change.field for d in sync(events.deliveries(runtime))] == ["account_update"]


def test_an_app_token_route_looks_up_no_user_credential(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    # Its fault gate asks alone: looking the app token up as a user's token would find nothing.
    app_id, token = app_token(runtime, tenant)
    seen: list[str] = []
    runtime.store.before_statement = seen.append
    try:
        assert subscribe_app(app_client, app_id, token, hook.url).status_code == 200  # type: ignore[attr-defined]
    finally:
        runtime.store.before_statement = None
    assert [sql for sql in seen if "FROM credentials c JOIN accounts" in sql] == []


def test_a_change_no_app_wants_reads_nothing_of_the_number(runtime: Runtime, tenant: Tenant) -> None:
    # The number's own override is read for the first receiver only: most changes have none.
    connected(runtime, tenant)
    seen: list[str] = []
    runtime.store.before_statement = seen.append
    try:
        sync(sim.set_tier(runtime, "+919876543210", "TIER_10K"))
    finally:
        runtime.store.before_statement = None
    assert [sql for sql in seen if sql.startswith("SELECT webhook_override_uri")] == []
    assert sync(events.deliveries(runtime)) == []


@pytest.mark.parametrize(
    ("upstream", "allow_private_urls", "private"),
    [("emulator", False, True), ("graph", False, False), ("graph", True, True), ("emulator", True, True)],
)
def test_receivers_may_be_private_with_the_emulator_or_when_allowed(
    upstream: str, allow_private_urls: bool, private: bool
) -> None:
    settings = Settings(upstream=upstream, graph_base_url="http://127.0.0.1:9", graph_token="live-token",
                        allow_private_urls=allow_private_urls)  # type: ignore[arg-type]  # fmt: skip
    assert build_runtime(settings).private_receivers is private


def test_a_loopback_callback_is_refused_in_live_mode_unless_allowed(
    app_client: TestClient,
    runtime: Runtime,
    tenant: Tenant,
    hook: ScriptedReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runtime, "private_receivers", False)  # live mode (bootstrap.py decides it)
    app_id, token = app_token(runtime, tenant)
    error = subscribe_app(app_client, app_id, token, hook.url).json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == 100
    assert "callback_url" in error["message"]
    assert hook.requests == []  # refused before any call out
    monkeypatch.setattr(runtime, "private_receivers", True)  # live mode with WANUMBERS_ALLOW_PRIVATE_URLS=1
    assert subscribe_app(app_client, app_id, token, hook.url).json() == {"success": True}  # type: ignore[attr-defined]
