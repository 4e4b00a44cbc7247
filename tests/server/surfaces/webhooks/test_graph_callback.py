"""Live mode's webhook callback: Meta's handshake, signed notifications applied to the store, and
unsigned or wrongly signed ones refused with nothing recorded."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import save, stored_number, sync
from tests.conftest import make_tenant
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus, NumberState, Throughput
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "meta"
SECRET, VERIFY = "app-secret-for-tests", "verify-me"
PATH = "/webhooks/graph"


def live_settings(database_url: str, **extra: Any) -> Settings:
    return Settings(
        database_url=database_url,
        upstream="graph",
        graph_base_url="http://127.0.0.1:9",  # never called: notifications need no Graph call
        graph_token="live-token-for-tests",
        **extra,
    )


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[TestClient, Runtime, PhoneNumber]]:
    # WANUMBERS_ALLOW_PRIVATE_URLS: the callback profile's receiver is on loopback.
    settings = live_settings(
        database_url, graph_app_secret=SECRET, graph_verify_token=VERIFY, allow_private_urls=True
    )
    rt = build_runtime(settings)
    tenant = make_tenant(rt)
    number = PhoneNumber(
        id=106540352242922, waba_id=tenant.waba_id, e164="+15550783881", country_code="US", dial_code="1",
        verified_name="Old Name", state=NumberState.CONNECTED,
    )  # fmt: skip
    sync(_create(rt, number))
    with TestClient(create_app(settings, runtime=rt)) as client:
        yield client, rt, number
    sync(rt.close())


def tenant_sid(rt: Runtime, waba_id: int) -> str:
    async def owner() -> str:
        async with rt.uow() as uow:
            waba = await uow.wabas.get(waba_id)
            assert waba is not None
            account = await uow.accounts.by_id(waba.account_id)
            assert account is not None
            return account.sid

    return sync(owner())


async def _create(rt: Runtime, number: PhoneNumber) -> None:
    from datetime import UTC, datetime

    async with rt.uow(write=True) as uow:
        await uow.numbers.add(number, datetime.now(UTC))
        await uow.commit()


def notification(name: str, waba_id: int) -> bytes:
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    body["entry"][0]["id"] = str(waba_id)
    return json.dumps(body).encode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def test_the_handshake_echoes_the_challenge_for_our_verify_token(live: Any) -> None:
    client, _, _ = live
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    answer = client.get(PATH, params=params)
    assert (answer.status_code, answer.text) == (200, "1158201444")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.challenge": "1"},
    ],
)
def test_a_handshake_without_our_token_is_refused(live: Any, params: dict[str, str]) -> None:
    client, _, _ = live
    answer = client.get(PATH, params=params)
    assert answer.status_code == 403
    assert "1" not in answer.text.replace("hub", "")


def test_a_signed_quality_update_reaches_the_number(live: Any) -> None:
    client, rt, number = live
    body = notification("phone_number_quality_update_throughput_upgrade", number.waba_id)
    answer = client.post(PATH, content=body, headers=signed(body))
    assert answer.status_code == 200
    assert answer.json() == {"received": 1, "applied": 1}
    stored = stored_number(rt, number.id)
    assert (stored.tier, stored.throughput) == (MessagingTier.TIER_UNLIMITED, Throughput.HIGH)


def test_a_signed_name_decision_reaches_the_stored_number(live: Any) -> None:
    client, rt, number = live
    body = notification("phone_number_name_update_approved", number.waba_id)
    assert client.post(PATH, content=body, headers=signed(body)).status_code == 200
    stored = stored_number(rt, number.id)
    assert (stored.name_status, stored.verified_name) == (NameStatus.APPROVED, "Lucky Shrub")


def test_a_restriction_reaches_the_waba(live: Any) -> None:
    client, rt, number = live
    body = notification("account_update_account_restriction", number.waba_id)
    assert client.post(PATH, content=body, headers=signed(body)).json() == {"received": 1, "applied": 1}

    async def restricted() -> bool:
        async with rt.uow() as uow:
            waba = await uow.wabas.get(number.waba_id)
            assert waba is not None
            return waba.restricted

    assert sync(restricted()) is True


def test_a_change_for_a_number_of_another_waba_is_not_applied(live: Any) -> None:
    client, rt, number = live
    body = notification("phone_number_name_update_approved", number.waba_id + 1)
    assert client.post(PATH, content=body, headers=signed(body)).json() == {"received": 1, "applied": 0}
    assert stored_number(rt, number.id).name_status is NameStatus.PENDING_REVIEW


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403),
        ({"X-Hub-Signature-256": "not-a-signature"}, 403),
        ("other-secret", 403),
    ],
)
def test_unsigned_or_wrongly_signed_notifications_change_nothing(
    live: Any, headers: dict[str, str] | str, status: int
) -> None:
    client, rt, number = live
    body = notification("phone_number_name_update_approved", number.waba_id)
    sent = signed(body, headers) if isinstance(headers, str) else headers
    answer = client.post(PATH, content=body, headers=sent)
    assert answer.status_code == status
    assert "error" in answer.json()
    assert stored_number(rt, number.id).name_status is NameStatus.PENDING_REVIEW


def test_a_signed_body_that_is_no_notification_is_400(live: Any) -> None:
    client, _, _ = live
    body = b'{"object": "page", "entry": []}'
    answer = client.post(PATH, content=body, headers=signed(body))
    assert answer.status_code == 400
    assert answer.json() == {"error": "not a notification: object must be 'whatsapp_business_account'"}


def test_without_an_app_secret_there_is_no_callback(database_url: str, runtime: Runtime) -> None:
    for settings in (
        live_settings(database_url),
        Settings(database_url=database_url, graph_app_secret=SECRET),
    ):
        with TestClient(create_app(settings, runtime=runtime)) as client:
            assert client.post(PATH, content=b"{}", headers=signed(b"{}")).status_code == 404


def test_a_received_quality_update_is_forwarded_to_the_numbers_callback_profile(live: Any) -> None:
    """The gateway's promise: what Meta tells us about a number reaches the BSP customer's callback
    profile, signed with the profile's Standard Webhooks secret."""
    from standardwebhooks import Webhook

    from tests.server.events.receiver import ScriptedReceiver
    from wanumbers.server.services import admin, callback_profiles

    client, rt, number = live
    receiver = ScriptedReceiver().start()
    try:
        account = sync(admin.find_account(rt, tenant_sid(rt, number.waba_id)))
        payload = {
            "title": "Hook",
            "http_method": "POST",
            "url": receiver.url,
            "events": ["phone_number_quality_update"],
        }
        profile = sync(callback_profiles.create(rt, account, payload))
        stored = stored_number(rt, number.id)
        stored.routing.callback_profile_id = profile.id
        sync(save(rt, stored))

        body = notification("phone_number_quality_update_throughput_upgrade", number.waba_id)
        assert client.post(PATH, content=body, headers=signed(body)).json() == {"received": 1, "applied": 1}
        sync(rt.deliver_due())

        [(_, _, sent, headers)] = [r for r in receiver.requests if r[0] == "POST"]
        secret = sync(callback_profiles.secret(rt, account.sid, profile.id))
        forwarded = Webhook(secret).verify(sent, headers)
        assert forwarded["event"] == "THROUGHPUT_UPGRADE"
        assert forwarded["display_phone_number"] == "15550783881"
    finally:
        receiver.stop()


def test_a_received_change_is_forwarded_to_the_app_subscribed_through_the_gateway(live: Any) -> None:
    """An app subscribed through our Graph surface (Meta's calls, unchanged) hears what Meta told the
    gateway, in Meta's envelope, signed with its own app secret: pywa's receiver accepts it."""
    from tests.server.events.receiver import VERIFY_TOKEN, PywaReceiver, eventually
    from wanumbers.server.services import admin, apps

    client, rt, number = live
    sid = tenant_sid(rt, number.waba_id)
    creds = sync(apps.secret(rt, sid))
    receiver = PywaReceiver(app_secret=creds.app_secret).start()
    try:
        app_token = {"Authorization": f"Bearer {creds.app_id}|{creds.app_secret}"}
        subscription = {
            "object": "whatsapp_business_account",
            "callback_url": receiver.url,
            "verify_token": VERIFY_TOKEN,
            "fields": "phone_number_quality_update",
        }
        subscribed = client.post(
            f"/v23.0/{creds.app_id}/subscriptions", params=subscription, headers=app_token
        )
        assert subscribed.json() == {"success": True}
        user = {"Authorization": f"Bearer {sync(admin.create_access_token(rt, sid))}"}
        assert client.post(f"/v23.0/{number.waba_id}/subscribed_apps", headers=user).json() == {
            "success": True
        }

        body = notification("phone_number_quality_update_throughput_upgrade", number.waba_id)
        assert client.post(PATH, content=body, headers=signed(body)).json() == {"received": 1, "applied": 1}
        sync(rt.deliver_due())

        eventually(lambda: receiver.fields() == [("phone_number_quality_update", "THROUGHPUT_UPGRADE")])
        [update] = receiver.updates()
        assert update["object"] == "whatsapp_business_account"
        assert update["entry"][0]["id"] == str(number.waba_id)
        assert update["entry"][0]["changes"][0]["value"]["display_phone_number"] == "15550783881"
    finally:
        receiver.stop()
