"""Meta's webhooks end to end, against a real third-party receiver (pywa's FastAPI server, signature
validation on, uvicorn on a real port): subscribed the way Meta takes it, emitted in the transaction of
the change, delivered signed, retried while the receiver is down, in order per number."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests._sync import owned_waba, save, sync
from tests.conftest import Tenant
from tests.server.events.receiver import VERIFY_TOKEN, PywaReceiver, eventually
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import MessagingTier, NumberState
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import admin, apps, events, numbers, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork

E164 = "+919876543210"
FIELDS = "account_update,phone_number_quality_update,phone_number_name_update"


@pytest.fixture
def receiver(runtime: Runtime, tenant: Tenant) -> Iterator[PywaReceiver]:
    creds = sync(apps.secret(runtime, tenant.sid))
    started = PywaReceiver(creds.app_secret).start()
    yield started
    started.stop()


def subscribe(client: TestClient, runtime: Runtime, tenant: Tenant, url: str) -> None:
    """What a production setup does (pywa's own registration): app token, app subscription, WABA."""
    creds = sync(apps.secret(runtime, tenant.sid))
    token = client.get(
        "/v23.0/oauth/access_token",
        params={
            "grant_type": "client_credentials",
            "client_id": creds.app_id,
            "client_secret": creds.app_secret,
        },
    )
    assert token.status_code == 200, token.text
    assert token.json() == {"access_token": f"{creds.app_id}|{creds.app_secret}", "token_type": "bearer"}
    answer = client.post(
        f"/v23.0/{creds.app_id}/subscriptions",
        params={
            "object": "whatsapp_business_account",
            "callback_url": url,
            "verify_token": VERIFY_TOKEN,
            "fields": FIELDS,
            "access_token": token.json()["access_token"],
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"success": True}
    user_token = sync(admin.create_access_token(runtime, tenant.sid))
    waba = client.post(
        f"/v23.0/{tenant.waba_id}/subscribed_apps", headers={"Authorization": f"Bearer {user_token}"}
    )
    assert waba.status_code == 200, waba.text


def connected(runtime: Runtime, tenant: Tenant, e164: str = E164) -> PhoneNumber:
    account = sync(admin.find_account(runtime, tenant.sid))
    number = sync(
        numbers.onboard(
            runtime, owned_waba(runtime, account, tenant.waba_id), parse_phone(e164), "Acme", "SMS"
        )
    )
    number.state = NumberState.CONNECTED
    sync(save(runtime, number))
    return number


def statuses(runtime: Runtime) -> list[Status]:
    return [delivery.status for delivery in sync(events.deliveries(runtime))]


def test_pywa_receives_our_account_update_and_quality_events_and_accepts_the_signatures(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, receiver: PywaReceiver
) -> None:
    subscribe(app_client, runtime, tenant, receiver.url)
    connected(runtime, tenant)
    sync(sim.set_quality(runtime, E164, "RED"))
    sync(sim.enforce(runtime, E164, "ban"))
    sync(sim.restrict_waba(runtime, tenant.waba_id, True))

    assert sync(runtime.deliver_due()) == 3
    received = receiver.fields()
    # the number's two events in order; the WABA's restriction is another sequence, sent alongside
    assert [item for item in received if item[1] != "ACCOUNT_RESTRICTION"] == [
        ("phone_number_quality_update", "FLAGGED"),
        ("account_update", "DISABLED_UPDATE"),
    ]
    assert ("account_update", "ACCOUNT_RESTRICTION") in received
    # pywa parsed them into its own types: the payloads are what a real client expects
    eventually(lambda: len(receiver.raw) == 3 and len(receiver.account_updates) == 2)
    by_event = {update.event.value: update for update in receiver.account_updates}
    assert sorted(by_event) == ["ACCOUNT_RESTRICTION", "DISABLED_UPDATE"]
    ban_info = by_event["DISABLED_UPDATE"].ban_info
    assert ban_info is not None
    assert ban_info.state.value == "DISABLE"
    assert [r.type.value for r in by_event["ACCOUNT_RESTRICTION"].restriction_info or ()] == [
        "RESTRICTED_ADD_PHONE_NUMBER_ACTION",
        "RESTRICTED_BIZ_INITIATED_MESSAGING",
    ]
    assert {update["entry"][0]["id"] for update in receiver.updates()} == {str(tenant.waba_id)}
    assert statuses(runtime) == [Status.DELIVERED] * 3


def test_a_delivery_signed_with_a_rotated_secret_is_refused_by_the_receiver(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, receiver: PywaReceiver
) -> None:
    """The signature really is checked: the receiver holds the old secret, we sign with the new one."""
    subscribe(app_client, runtime, tenant, receiver.url)
    connected(runtime, tenant)
    sync(apps.secret(runtime, tenant.sid, rotate=True))
    sync(sim.enforce(runtime, E164, "ban"))
    sync(runtime.deliver_due())
    [delivery] = sync(events.deliveries(runtime))
    assert (delivery.status, delivery.attempts, delivery.last_status) == (Status.PENDING, 1, 403)
    assert receiver.accepted == []


def test_a_receiver_down_then_up_gets_everything_in_order(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, receiver: PywaReceiver
) -> None:
    subscribe(app_client, runtime, tenant, receiver.url)
    first = connected(runtime, tenant)
    second = connected(runtime, tenant, "+919876543211")
    receiver.stop()
    for tier in ("TIER_1K", "TIER_10K", "TIER_100K"):
        sync(sim.set_tier(runtime, str(first.id), tier))
    sync(sim.set_tier(runtime, str(second.id), "TIER_1K"))

    sync(runtime.deliver_due())  # the receiver is down: each number's first event fails, the rest wait
    found = sync(events.deliveries(runtime))
    assert sorted(delivery.attempts for delivery in found) == [0, 0, 1, 1]
    assert {delivery.last_error.split(":")[0] for delivery in found if delivery.last_error} == {
        "ConnectError"
    }

    receiver.start()
    sync(runtime.deliver_due())
    assert receiver.accepted == []  # nothing is due yet: the retry waits in emulated time
    sync(sim.advance_clock(runtime, 60))  # due retries go out now (the clock advance runs them)
    limits = [
        (
            change["value"]["display_phone_number"],
            change["value"]["old_limit"],
            change["value"]["current_limit"],
        )
        for update in receiver.updates()
        for change in update["entry"][0]["changes"]
    ]
    mine = [limit[1:] for limit in limits if limit[0] == "919876543210"]
    assert mine == [("TIER_250", "TIER_1K"), ("TIER_1K", "TIER_10K"), ("TIER_10K", "TIER_100K")]
    assert len(limits) == 4
    assert statuses(runtime) == [Status.DELIVERED] * 4


def test_a_rolled_back_change_emits_nothing(
    app_client: TestClient,
    runtime: Runtime,
    tenant: Tenant,
    receiver: PywaReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(app_client, runtime, tenant, receiver.url)
    number = connected(runtime, tenant)

    async def failing_commit(self: UnitOfWork) -> None:
        raise DomainError(Reason.TRANSIENT, "the store went away")

    monkeypatch.setattr(UnitOfWork, "commit", failing_commit)
    with pytest.raises(DomainError):
        sync(sim.enforce(runtime, E164, "ban"))
    monkeypatch.undo()

    assert sync(events.emitted(runtime)) == []
    assert sync(events.deliveries(runtime)) == []
    assert sync(sim.show_number(runtime, str(number.id))).number.state is NumberState.CONNECTED
    sync(runtime.deliver_due())
    assert receiver.accepted == []


def test_events_are_recorded_without_a_subscriber_and_a_replay_sends_again(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, receiver: PywaReceiver
) -> None:
    connected(runtime, tenant)
    sync(sim.set_tier(runtime, E164, MessagingTier.TIER_1K.value))
    [event] = sync(events.emitted(runtime))
    assert event.change.field == "phone_number_quality_update"
    assert sync(events.deliveries(runtime)) == []  # no app subscribed: nothing to deliver

    subscribe(app_client, runtime, tenant, receiver.url)
    sync(sim.enforce(runtime, E164, "ban"))
    sync(runtime.deliver_due())
    [delivery] = sync(events.deliveries(runtime, "delivered"))
    sync(events.replay(runtime, delivery.id))
    assert sync(events.deliveries(runtime, "pending"))[0].id == delivery.id
    sync(runtime.deliver_due())
    # at least once, by request: the same signed body again (pywa itself drops the duplicate)
    assert receiver.fields() == [("account_update", "DISABLED_UPDATE")] * 2
    assert receiver.accepted[0] == receiver.accepted[1]


def test_a_reset_forgets_the_events_of_the_account(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    connected(runtime, tenant)
    sync(sim.set_tier(runtime, E164, "TIER_1K"))
    assert len(sync(events.emitted(runtime))) == 1
    sync(sim.reset_account(runtime, tenant.sid))
    assert sync(events.emitted(runtime)) == []
    connected(runtime, tenant)
    sync(sim.set_tier(runtime, E164, "TIER_1K"))
    sync(sim.reset_all(runtime))
    assert sync(events.emitted(runtime)) == []
