"""The Kaleyra producer of the delivery queue (``services.callback_channel.requests_for``): which
profiles of a number receive a change, and what they receive, sent to a real HTTP receiver on loopback
and verified there with the ``standardwebhooks`` package and the secret its owner is shown."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson
import pytest
from standardwebhooks import Webhook
from starlette.testclient import TestClient

from tests._sync import save, stored_number, sync
from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import Added, add_number
from tests.server.surfaces.test_operations import sample
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.lifecycle import NumberState
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange
from wanumbers.server.services import admin, callback_profiles, events, sim
from wanumbers.server.services.callback_channel import CallbackChannel
from wanumbers.server.services.runtime import Runtime

QUALITY = {"display_phone_number": "919876543210", "event": "FLAGGED", "current_limit": "TIER_10K"}


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on loopback that records every request and answers 204."""
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.append(Received(self.command, self.path, headers, body))
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = do_PUT = do_DELETE = _record

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def make_profile(client: TestClient, tenant: Tenant, **fields: Any) -> str:
    payload = {"title": "Hook", "http_method": "POST", "url": "http://127.0.0.1:9/", **fields}
    response = client.post(f"/v1/{tenant.sid}/callback/profiles", headers=tenant.headers, json=payload)
    assert response.status_code == 200, response.text
    profile_id: str = response.json()["data"]["profile_id"]
    return profile_id


def route(client: TestClient, tenant: Tenant, added: Added, **ids: str) -> None:
    response = client.put(
        tenant.path("update"), headers=tenant.headers, json={"phone_number": added.e164, **ids}
    )
    assert response.status_code == 200, response.text


def produced(runtime: Runtime, change: PhoneNumberChange) -> list[OutboundRequest]:
    async def run() -> list[OutboundRequest]:
        async with runtime.uow() as uow:
            return await CallbackChannel(runtime.webhook_key).requests_for(uow, change)

    return sync(run())


def quality(added: Added, tenant: Tenant, **value: str) -> PhoneNumberChange:
    return PhoneNumberChange(
        tenant.waba_id, int(added.id), "phone_number_quality_update", {**QUALITY, **value}, 1
    )


def send(request: OutboundRequest) -> httpx.Response:
    return httpx.request(
        request.method, request.url, headers=list(request.headers), content=request.body, timeout=5
    )


def test_a_subscribed_profile_receives_a_signed_request_its_owner_can_verify(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, receiver: Receiver
) -> None:
    added = add_number(app_client, tenant)
    template = {"number": "<display_phone_number>", "quality": "<event>", "limit": "<current_limit>"}
    profile_id = make_profile(
        app_client,
        tenant,
        url=receiver.url + "/kaleyra?waba=<waba_id>",
        body=template,
        headers={"Authorization": "Bearer receiver-token"},
        events=["phone_number_quality_update"],
    )
    route(app_client, tenant, added, callback_profile_id=profile_id)

    [request] = produced(runtime, quality(added, tenant))
    assert send(request).status_code == 204

    [got] = receiver.received
    assert (got.method, got.path) == ("POST", f"/kaleyra?waba={tenant.waba_id}")
    assert got.headers["authorization"] == "Bearer receiver-token"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    verified = Webhook(secret).verify(got.body, got.headers)
    assert verified == {"number": "919876543210", "quality": "FLAGGED", "limit": "TIER_10K"}
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(sync(callback_profiles.secret(runtime, tenant.sid, make_profile(app_client, tenant)))).verify(
            got.body, got.headers
        )


def test_a_get_profile_receives_kaleyras_quality_webhook_in_its_query(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, receiver: Receiver
) -> None:
    added = add_number(app_client, tenant)
    url = (
        receiver.url
        + "/q?display_phone_number=<display_phone_number>&event=<event>&current_limit=<current_limit>"
    )
    profile_id = make_profile(
        app_client, tenant, http_method="GET", url=url, events=["phone_number_quality_update"]
    )
    route(app_client, tenant, added, callback_profile_id=profile_id)

    [request] = produced(runtime, quality(added, tenant))
    send(request)

    [got] = receiver.received
    assert (got.method, got.path, got.body) == (
        "GET",
        "/q?display_phone_number=919876543210&event=FLAGGED&current_limit=TIER_10K",
        b"",
    )
    # ``Webhook.verify`` parses the body as JSON, which an empty body is not: compare its signature.
    webhook = Webhook(sync(callback_profiles.secret(runtime, tenant.sid, profile_id)))
    sent_at = datetime.fromtimestamp(int(got.headers["webhook-timestamp"]), UTC)
    assert got.headers["webhook-signature"] == webhook.sign(got.headers["webhook-id"], sent_at, "")


def test_incoming_and_outgoing_profiles_each_receive_it_once(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    added = add_number(app_client, tenant)
    events = ["phone_number_quality_update"]
    incoming = make_profile(app_client, tenant, url="http://127.0.0.1:9/in", events=events)
    outgoing = make_profile(app_client, tenant, url="http://127.0.0.1:9/out", events=events)
    route(app_client, tenant, added, callback_profile_id=incoming, outgoing_callback_profile_id=outgoing)
    assert [r.url for r in produced(runtime, quality(added, tenant))] == [
        "http://127.0.0.1:9/in",
        "http://127.0.0.1:9/out",
    ]

    route(app_client, tenant, added, outgoing_callback_profile_id=incoming)
    [request] = produced(runtime, quality(added, tenant))
    assert request.url == "http://127.0.0.1:9/in"
    # Without a template the body is the Meta value, flat: Kaleyra's quality webhook's fields.
    assert orjson.loads(request.body) == QUALITY


def test_what_receives_nothing(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, runtime: Runtime
) -> None:
    added = add_number(app_client, tenant)
    unsubscribed = make_profile(app_client, tenant, events=["message_status"])
    route(app_client, tenant, added, callback_profile_id=unsubscribed)
    assert produced(runtime, quality(added, tenant)) == []

    subscribed = make_profile(app_client, tenant, events=["phone_number_quality_update"])
    route(app_client, tenant, added, callback_profile_id=subscribed)
    assert len(produced(runtime, quality(added, tenant))) == 1
    # An event callback profiles do not carry, an account-level change, a number that does not exist.
    name = PhoneNumberChange(
        tenant.waba_id, int(added.id), "phone_number_name_update", {"decision": "APPROVED"}, 1
    )
    assert produced(runtime, name) == []
    account = PhoneNumberChange(tenant.waba_id, None, "phone_number_quality_update", QUALITY, 1)
    assert produced(runtime, account) == []
    missing = PhoneNumberChange(tenant.waba_id, 1, "phone_number_quality_update", QUALITY, 1)
    assert produced(runtime, missing) == []

    # A deleted profile, and one of another account written past the API's check, send nothing.
    theirs = make_profile(app_client, other_tenant, events=["phone_number_quality_update"])
    number = stored_number(runtime, added.id)
    number.routing.callback_profile_id = theirs
    sync(save(runtime, number))
    assert produced(runtime, quality(added, tenant)) == []
    number.routing.callback_profile_id = subscribed
    sync(save(runtime, number))
    app_client.delete(f"/v1/{tenant.sid}/callback/profiles/{subscribed}", headers=tenant.headers)
    assert produced(runtime, quality(added, tenant)) == []


def test_a_number_without_profiles_receives_nothing(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    added = add_number(app_client, tenant)
    assert produced(runtime, quality(added, tenant)) == []


def resigned(
    runtime: Runtime, request: OutboundRequest, timestamp: int | None = None
) -> OutboundRequest | None:
    async def run() -> OutboundRequest | None:
        async with runtime.uow() as uow:
            return await CallbackChannel(runtime.webhook_key).resign(uow, request, timestamp)

    return sync(run())


def test_a_request_resent_late_is_resigned_and_verifies_again(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, receiver: Receiver
) -> None:
    added = add_number(app_client, tenant)
    profile_id = make_profile(
        app_client, tenant, url=receiver.url + "/late", events=["phone_number_quality_update"]
    )
    route(app_client, tenant, added, callback_profile_id=profile_id)
    [request] = produced(runtime, quality(added, tenant))
    headers = dict(request.headers)
    assert headers["webhook-id"].startswith(f"msg_{profile_id.replace('-', '')}_")
    webhook = Webhook(sync(callback_profiles.secret(runtime, tenant.sid, profile_id)))

    # An hour later the first signature is refused by the receiver's library; the resigned one is not.
    stale = Received(
        "POST",
        "/late",
        {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 3600)},
        request.body,
    )
    stale.headers["webhook-signature"] = webhook.sign(
        headers["webhook-id"],
        datetime.fromtimestamp(int(stale.headers["webhook-timestamp"]), UTC),
        request.body.decode(),
    )
    with pytest.raises(Exception, match="too old"):
        webhook.verify(stale.body, stale.headers)
    late = resigned(
        runtime, OutboundRequest(request.method, request.url, tuple(stale.headers.items()), request.body)
    )
    assert (
        late is not None
        and late.body == request.body
        and dict(late.headers)["webhook-id"] == headers["webhook-id"]
    )
    send(late)
    [got] = receiver.received
    assert webhook.verify(got.body, got.headers) == QUALITY


def test_a_request_whose_profile_is_gone_is_not_resigned(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    added = add_number(app_client, tenant)
    profile_id = make_profile(app_client, tenant, events=["phone_number_quality_update"])
    route(app_client, tenant, added, callback_profile_id=profile_id)
    [request] = produced(runtime, quality(added, tenant))
    assert resigned(runtime, request, 5) is not None
    foreign = OutboundRequest("POST", "http://127.0.0.1:9/", (("webhook-id", "msg_1"),), b"")
    assert resigned(runtime, foreign) is None
    assert resigned(runtime, OutboundRequest("POST", "http://127.0.0.1:9/", (), b"")) is None
    app_client.delete(f"/v1/{tenant.sid}/callback/profiles/{profile_id}", headers=tenant.headers)
    assert resigned(runtime, request) is None


def test_a_rotated_secret_signs_every_send_after_the_rotation(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    added = add_number(app_client, tenant)
    profile_id = make_profile(app_client, tenant, events=["phone_number_quality_update"])
    route(app_client, tenant, added, callback_profile_id=profile_id)
    old = Webhook(sync(callback_profiles.secret(runtime, tenant.sid, profile_id)))
    [before] = produced(runtime, quality(added, tenant))
    assert old.verify(before.body, dict(before.headers)) == QUALITY

    rotated = sync(callback_profiles.secret(runtime, tenant.sid, profile_id, rotate=True))
    assert sync(callback_profiles.secret(runtime, tenant.sid, profile_id)) == rotated
    new = Webhook(rotated)
    [after] = produced(runtime, quality(added, tenant))
    resent = resigned(runtime, before)  # a retry of an event made before the rotation
    assert resent is not None
    for request in (after, resent):
        assert new.verify(request.body, dict(request.headers)) == QUALITY
        with pytest.raises(Exception, match="No matching signature"):
            old.verify(request.body, dict(request.headers))


def test_the_secret_derives_from_the_key_outside_the_store(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    profile_id = make_profile(app_client, tenant)
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    elsewhere = dataclasses.replace(runtime, webhook_key=b"another server key")
    assert sync(callback_profiles.secret(elsewhere, tenant.sid, profile_id)) != secret


def test_another_accounts_profile_cannot_be_rotated(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, runtime: Runtime
) -> None:
    profile_id = make_profile(app_client, tenant)
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    with pytest.raises(DomainError, match="No profile exists with id"):
        sync(callback_profiles.secret(runtime, other_tenant.sid, profile_id, rotate=True))
    assert sync(callback_profiles.secret(runtime, tenant.sid, profile_id)) == secret


def connected_with_profile(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, url: str
) -> tuple[Added, str]:
    """A CONNECTED number whose callback profile (at ``url``) takes quality updates."""
    added = add_number(app_client, tenant)
    number = stored_number(runtime, added.id)
    number.state = NumberState.CONNECTED
    sync(save(runtime, number))
    profile_id = make_profile(app_client, tenant, url=url, events=["phone_number_quality_update"])
    route(app_client, tenant, added, callback_profile_id=profile_id)
    return added, profile_id


def test_the_queue_delivers_a_control_plane_quality_drop_to_the_profile_signed_when_sent(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, receiver: Receiver
) -> None:
    """End to end: the emulator's state change → the outbox → the worker → the profile's URL, signed
    when it is sent (the worker re-signs a profile's request before each try)."""
    added, profile_id = connected_with_profile(app_client, tenant, runtime, receiver.url + "/q")

    sync(sim.set_quality(runtime, added.e164, "RED"))
    delivered_before = sample(
        app_client, "wanumbers_event_deliveries_total", producer="kaleyra", outcome="delivered"
    )
    sync(runtime.deliver_due())

    [got] = [r for r in receiver.received if r.path == "/q"]
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    body = Webhook(secret).verify(got.body, got.headers)
    assert body["event"] == "FLAGGED" and body["display_phone_number"] == added.e164.lstrip("+")
    [delivery] = [d for d in sync(events.deliveries(runtime)) if d.producer == "kaleyra"]
    assert delivery.status is Status.DELIVERED
    delivered = sample(
        app_client, "wanumbers_event_deliveries_total", producer="kaleyra", outcome="delivered"
    )
    assert delivered == delivered_before + 1


def test_a_delivery_whose_profile_was_deleted_is_not_sent(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, receiver: Receiver
) -> None:
    added, profile_id = connected_with_profile(app_client, tenant, runtime, receiver.url + "/q")
    sync(sim.set_quality(runtime, added.e164, "RED"))
    sync(callback_profiles.delete(runtime, sync(admin.find_account(runtime, tenant.sid)), profile_id))

    sync(runtime.deliver_due())

    assert [r for r in receiver.received if r.path == "/q"] == []
    [delivery] = [d for d in sync(events.deliveries(runtime)) if d.producer == "kaleyra"]
    assert delivery.status is Status.DEAD
    assert delivery.last_error == "not sent: its receiver no longer exists"
