"""The delivery worker's bounds against misbehaving receivers on real sockets: slow, redirecting,
huge-answering, asking to wait, failing for good; and that one bad receiver does not hold up another."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from wanumbers.server.domain.delivery import Schedule, Status
from wanumbers.server.services import admin, apps, events, sim
from wanumbers.server.services.events import DeliveryWorker
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.events import DeliveryRecord

E164 = "+919876543210"


@pytest.fixture
def hook() -> Iterator[ScriptedReceiver]:
    receiver = ScriptedReceiver().start()
    yield receiver
    receiver.stop()


def subscribe(runtime: Runtime, tenant: Tenant, url: str) -> None:
    account = sync(admin.find_account(runtime, tenant.sid))
    sync(
        apps.subscribe_app(
            runtime,
            account,
            object_name="whatsapp_business_account",
            callback_url=url,
            verify_token="v",
            fields="account_update,phone_number_quality_update",
        )
    )
    sync(_subscribe_waba(runtime, tenant))


async def _subscribe_waba(runtime: Runtime, tenant: Tenant) -> None:
    async with runtime.uow() as uow:
        account = await uow.accounts.by_sid(tenant.sid)
        waba = await uow.wabas.get(tenant.waba_id)
    assert account is not None and waba is not None
    await apps.subscribe_waba(runtime, account, waba)


def use_worker(runtime: Runtime, **options: object) -> DeliveryWorker:
    worker = DeliveryWorker(runtime.store, runtime.clock, **options)  # type: ignore[arg-type]
    runtime.worker = worker
    return worker


def ban(runtime: Runtime, tenant: Tenant) -> None:
    connected(runtime, tenant)
    sync(sim.enforce(runtime, E164, "ban"))


def only(runtime: Runtime) -> DeliveryRecord:
    [delivery] = sync(events.deliveries(runtime))
    return delivery


def test_a_slow_receiver_is_cut_off_at_the_timeout(
    runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    subscribe(runtime, tenant, hook.url)
    use_worker(runtime, timeout=0.5)
    hook.delay = 3.0
    ban(runtime, tenant)
    started = time.monotonic()
    sync(runtime.deliver_due())
    assert time.monotonic() - started < 2.0
    delivery = only(runtime)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        Status.PENDING,
        1,
        "no answer within 0.5 s",
    )


def test_a_redirect_is_not_followed(runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver) -> None:
    target = ScriptedReceiver().start()
    try:
        subscribe(runtime, tenant, hook.url)
        hook.status, hook.headers = 307, [(b"location", target.url.encode())]
        ban(runtime, tenant)
        sync(runtime.deliver_due())
        delivery = only(runtime)
        assert (delivery.status, delivery.last_status, delivery.last_error) == (
            Status.PENDING,
            307,
            "HTTP 307",
        )
        assert target.requests == []
    finally:
        target.stop()


def test_a_huge_answer_is_read_only_in_part(runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver) -> None:
    subscribe(runtime, tenant, hook.url)
    hook.body_size = 200 * 1024 * 1024  # 200 MB the worker must not read
    ban(runtime, tenant)
    started = time.monotonic()
    sync(runtime.deliver_due())
    assert time.monotonic() - started < 3.0
    assert only(runtime).status is Status.DELIVERED


def test_retry_after_is_honoured(runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver) -> None:
    subscribe(runtime, tenant, hook.url)
    use_worker(runtime, jitter=lambda: 0.0)
    hook.status, hook.headers = 503, [(b"retry-after", b"120")]
    ban(runtime, tenant)
    sync(runtime.deliver_due())
    delivery = only(runtime)
    assert delivery.status is Status.PENDING
    wait = delivery.next_attempt_at - runtime.clock.now()
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)
    hook.status, hook.headers = 200, []
    sync(sim.advance_clock(runtime, 60))
    assert len(hook.posts()) == 1  # not yet due
    sync(sim.advance_clock(runtime, 61))
    assert len(hook.posts()) == 2
    assert only(runtime).status is Status.DELIVERED


def test_a_receiver_that_keeps_failing_ends_dead_after_the_window(
    runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    subscribe(runtime, tenant, hook.url)
    use_worker(
        runtime, schedule=Schedule(first=10.0, cap=20.0, window=timedelta(seconds=60)), jitter=lambda: 0.999
    )
    hook.status = 500
    ban(runtime, tenant)
    sync(runtime.deliver_due())
    for _ in range(10):
        sync(sim.advance_clock(runtime, 25))
    delivery = only(runtime)
    assert delivery.status is Status.DEAD
    assert delivery.last_error == "HTTP 500"
    assert 3 <= delivery.attempts <= 6
    assert len(hook.posts()) == delivery.attempts
    assert [d.id for d in sync(events.deliveries(runtime, "dead"))] == [delivery.id]
    sync(events.replay(runtime, delivery.id))  # an operator sends a dead letter again
    hook.status = 200
    sync(runtime.deliver_due())
    assert only(runtime).status is Status.DELIVERED


def test_a_slow_receiver_does_not_hold_up_another(
    runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    fast = ScriptedReceiver().start()
    try:
        other = make_tenant(runtime, "Other")
        subscribe(runtime, tenant, hook.url)
        subscribe(runtime, other, fast.url)
        hook.delay = 1.5
        ban(runtime, tenant)
        connected(runtime, other, "+919876543219")
        sync(sim.enforce(runtime, "+919876543219", "ban"))
        started = time.monotonic()
        sync(runtime.deliver_due())
        elapsed = time.monotonic() - started
        assert elapsed < 3.0  # sent side by side, not one after the other
        assert [d.status for d in sync(events.deliveries(runtime))] == [Status.DELIVERED] * 2
    finally:
        fast.stop()


def test_the_worker_is_woken_once_a_change_commits_and_only_with_something_to_deliver(
    runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    """Woken before the commit, the worker found nothing and had to look again and again; woken for a
    change nobody receives, it ran a claim for nothing (bench S10: S1 beside deliveries)."""
    wakes: list[int] = []
    runtime.events.on_emit(lambda: wakes.append(1))
    connected(runtime, tenant)
    sync(sim.enforce(runtime, E164, "ban"))
    assert wakes == []  # an event recorded, no receiver subscribed: nothing to wake for

    subscribe(runtime, tenant, hook.url)
    sync(sim.enforce(runtime, E164, "restore"))
    assert wakes == [1]

    async def emit_and_roll_back() -> None:
        [stored, *_] = await events.emitted(runtime)
        async with runtime.uow(write=True) as uow:
            await runtime.events.emit(uow, [stored.change], runtime.clock.now())
            assert wakes == [1]  # not before the commit
        # left without commit: rolled back, so nothing to deliver and no wake

    sync(emit_and_roll_back())
    assert wakes == [1]
