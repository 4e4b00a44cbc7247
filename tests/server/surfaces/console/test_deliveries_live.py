"""Live mode (``--upstream graph --console on``): what Meta reports reaches a number's callback
profile, and the admin reads, opens and replays that delivery from the console; the emulator's controls
stay off, and an API key still gets no deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from tests._sync import save, stored_number, sync
from tests.conftest import make_tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.surfaces.console.test_console import csrf_of, sign_in
from tests.server.surfaces.webhooks.test_graph_callback import (
    PATH,
    SECRET,
    VERIFY,
    live_settings,
    notification,
    signed,
)
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.lifecycle import NumberState
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import admin, callback_profiles, console, events
from wanumbers.server.services.runtime import Runtime


@dataclass
class Live:
    client: TestClient
    rt: Runtime
    number_id: int
    api_key: str
    receiver: ScriptedReceiver


async def _create(rt: Runtime, number: PhoneNumber) -> None:
    from datetime import UTC, datetime

    async with rt.uow(write=True) as uow:
        await uow.numbers.add(number, datetime.now(UTC))
        await uow.commit()


@pytest.fixture
def live(database_url: str) -> Iterator[Live]:
    """A live-mode service with the console on; a number of the tenant's whose callback profile points
    at a loopback receiver (private URLs allowed, as WANUMBERS_ALLOW_PRIVATE_URLS=1 does)."""
    settings = live_settings(
        database_url,
        graph_app_secret=SECRET,
        graph_verify_token=VERIFY,
        allow_private_urls=True,
        console="on",
    )
    rt = build_runtime(settings)
    tenant = make_tenant(rt)
    number = PhoneNumber(
        id=106540352242922, waba_id=tenant.waba_id, e164="+15550783881", country_code="US", dial_code="1",
        verified_name="Live Name", state=NumberState.CONNECTED,
    )  # fmt: skip
    sync(_create(rt, number))
    receiver = ScriptedReceiver().start()
    account = sync(admin.find_account(rt, tenant.sid))
    hook = {
        "title": "Hook",
        "http_method": "POST",
        "url": receiver.url,
        "events": ["phone_number_quality_update"],
    }
    profile = sync(callback_profiles.create(rt, account, hook))
    stored = stored_number(rt, number.id)
    stored.routing.callback_profile_id = profile.id
    sync(save(rt, stored))
    try:
        with TestClient(create_app(settings, runtime=rt), base_url="http://127.0.0.1") as client:
            yield Live(client, rt, number.id, tenant.api_key, receiver)
    finally:
        receiver.stop()
        sync(rt.close())


def forwarded(live: Live) -> int:
    """Meta's signed quality update received, forwarded to the profile and delivered: its delivery id."""
    body = notification(
        "phone_number_quality_update_throughput_upgrade", stored_number(live.rt, live.number_id).waba_id
    )
    answer = live.client.post(PATH, content=body, headers=signed(body))
    assert answer.json() == {"received": 1, "applied": 1}
    sync(live.rt.deliver_due())
    (delivery,) = sync(events.deliveries(live.rt))
    assert delivery.status is Status.DELIVERED and delivery.producer == "kaleyra"
    return delivery.id


def test_the_admin_reads_and_replays_a_live_delivery(live: Live) -> None:
    delivery_id = forwarded(live)
    admin_token = sync(admin.create_admin_token(live.rt))
    sign_in(live.client, admin_token)
    fleet = live.client.get("/console/fleet")
    assert '<a href="/console/deliveries">Deliveries</a>' in fleet.text
    assert "/console/emulator" not in fleet.text
    listed = live.client.get("/console/deliveries")
    assert (
        listed.status_code == 200
        and f'<a href="/console/deliveries/{delivery_id}">#{delivery_id}</a>' in listed.text
    )
    one = live.client.get(f"/console/deliveries/{delivery_id}")
    assert one.status_code == 200 and "webhook-signature" in one.text and "THROUGHPUT_UPGRADE" in one.text
    sent = len([r for r in live.receiver.requests if r[0] == "POST"])
    replayed = live.client.post(f"/console/deliveries/{delivery_id}/replay", data={"csrf": csrf_of(one)})
    assert replayed.status_code == 200 and "Queued again" in replayed.text
    sync(live.rt.deliver_due())
    assert len([r for r in live.receiver.requests if r[0] == "POST"]) == sent + 1
    # the emulator's controls stay the emulator's
    assert live.client.get("/console/emulator").status_code == 404
    ban = live.client.post(f"/console/numbers/{live.number_id}/ban", data={"csrf": csrf_of(fleet)})
    assert ban.status_code == 404


def test_the_timeline_shows_what_meta_sent_with_its_delivery(live: Live) -> None:
    """Read through the service: the number page itself asks the live Graph API for the number first."""
    delivery_id = forwarded(live)
    shown = sync(console.timeline(live.rt, console.Principal("admin", "digest"), live.number_id)).entries
    (latest,) = [entry for entry in shown if entry.event_id is not None]  # at the time Meta's example gives
    assert latest.words == "Throughput upgraded to high"
    assert [(d.id, d.producer, d.status) for d in latest.deliveries] == [
        (delivery_id, "kaleyra", Status.DELIVERED)
    ]


def test_an_api_key_gets_no_deliveries_in_live_mode_either(live: Live) -> None:
    delivery_id = forwarded(live)
    sign_in(live.client, live.api_key)
    fleet = live.client.get("/console/fleet")
    assert "/console/deliveries" not in fleet.text
    assert live.client.get("/console/deliveries").status_code == 403
    assert live.client.get(f"/console/deliveries/{delivery_id}").status_code == 403
    replay = live.client.post(f"/console/deliveries/{delivery_id}/replay", data={"csrf": csrf_of(fleet)})
    assert replay.status_code == 403
