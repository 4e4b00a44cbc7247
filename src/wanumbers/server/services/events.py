"""Events: recorded in the transaction of the change that causes them, delivered by a worker.

The seam is ``EventSink.producers``: async callables ``(uow, change) -> list[OutboundRequest]``. Each
event (a ``PhoneNumberChange``) is stored once and every producer renders the requests that carry it
(Meta's webhooks to subscribed apps here; Kaleyra's callback profiles are another producer); each
request becomes one delivery row in the same transaction, so a rolled-back change leaves nothing, and a
committed one is delivered at least once. Wiring a producer in::

    rt.events.producers.append(my_producer)   # async def my_producer(uow, change) -> list[OutboundRequest]

A producer may set a ``name`` attribute (shown by ``wanumbers events list``; default its ``__name__``).
Deliveries of one number to one URL are sent in the order they were recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import orjson

from wanumbers.server import metrics
from wanumbers.server.domain import webhooks
from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.delivery import (
    LEASE,
    Schedule,
    Status,
    app_secret,
    is_success,
    retry_after_seconds,
)
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange
from wanumbers.server.services import urls as url_checks
from wanumbers.server.storage.repositories.events import DeliveryRecord, StoredEvent, Target
from wanumbers.server.storage.store import Store
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.emulator import sync_clock

if TYPE_CHECKING:
    import httpx

    from wanumbers.server.services.runtime import Runtime

log = logging.getLogger("wanumbers.events")

Producer = Callable[[UnitOfWork, PhoneNumberChange], Awaitable[list[OutboundRequest]]]


# Renders a stored request again just before a send (a fresh signature timestamp), or ``None`` when it
# is no longer to be sent (its receiver was deleted): per producer name.
Refresh = Callable[[UnitOfWork, OutboundRequest], Awaitable[OutboundRequest | None]]


def named(producer: Producer, name: str) -> Producer:
    """``producer`` under ``name`` in the queue (``wanumbers events list`` shows it)."""

    async def produce(uow: UnitOfWork, change: PhoneNumberChange) -> list[OutboundRequest]:
        return await producer(uow, change)

    produce.name = name  # type: ignore[attr-defined]
    return produce


def producer_name(producer: Producer) -> str:
    return str(getattr(producer, "name", getattr(producer, "__name__", type(producer).__name__)))


def order_key(change: PhoneNumberChange, request: OutboundRequest) -> str:
    """A number's events (or, account-level, the WABA's) reach one URL in order."""
    subject = f"n{change.number_id}" if change.number_id is not None else f"w{change.waba_id}"
    return f"{subject} {request.url}"


class EventSink:
    """Where state changes hand their events: stored with their deliveries in the caller's unit of work."""

    def __init__(self, producers: Sequence[Producer] = ()) -> None:
        self.producers: list[Producer] = list(producers)
        self._wake: Callable[[], None] | None = None

    async def emit(self, uow: UnitOfWork, changes: Sequence[PhoneNumberChange], now: datetime) -> None:
        """Record ``changes`` with their deliveries in ``uow``; the worker is woken once they are
        committed, and only if there is something to deliver."""
        deliveries = 0
        for change in changes:
            targets = []
            for producer in self.producers:
                name = producer_name(producer)
                targets += [Target(name, order_key(change, req), req) for req in await producer(uow, change)]
            await uow.events.record(change, targets, now)
            deliveries += len(targets)
        if deliveries:
            uow.after_commit(self.wake)

    def on_emit(self, wake: Callable[[], None] | None) -> None:
        """The worker of this process registers to be woken when events are recorded."""
        self._wake = wake

    def wake(self) -> None:
        if self._wake is not None:
            self._wake()


# --- Meta's webhooks -----------------------------------------------------------------------------


async def number_override(uow: UnitOfWork, number_id: int | None) -> str | None:
    """The callback set by ``POST /{phone-number-id}`` with ``webhook_configuration``: it wins over the
    WABA's ``override_callback_uri`` and the app's ``callback_url``."""
    if number_id is None:
        return None
    override = await uow.numbers.webhook_override(number_id)
    return (override.uri or None) if override is not None else None


class MetaWebhooks:
    """Producer of Meta's webhooks: one signed POST per subscribed app that wants the field.

    Receiver precedence, as Meta documents it: the number's override, else the WABA's
    ``override_callback_uri`` for the app, else the app's ``callback_url``."""

    name = "meta"
    user_agent = "facebookexternalua"

    def __init__(self, server_key: bytes) -> None:
        self._key = server_key

    async def __call__(self, uow: UnitOfWork, change: PhoneNumberChange) -> list[OutboundRequest]:
        requests: list[OutboundRequest] = []
        body, number_override_uri = b"", None
        for receiver in await uow.subscriptions.receivers(change.waba_id, webhooks.OBJECT):
            if receiver.fields is None or receiver.callback_url is None:
                continue  # the app has no callback for this object: Meta sends it nothing
            if not webhooks.wanted(receiver.fields, change.field):
                continue
            if not requests:  # the first receiver: a change no app wants (most) reads nothing more
                body = orjson.dumps(webhooks.envelope([change]))
                number_override_uri = await number_override(uow, change.number_id)
            url = number_override_uri or receiver.override_callback_uri or receiver.callback_url
            secret = app_secret(self._key, receiver.app_id, receiver.generation)
            headers = (
                ("Content-Type", "application/json"),
                ("User-Agent", self.user_agent),
                (webhooks.SIGNATURE_HEADER, webhooks.signature(secret, body)),
            )
            requests.append(OutboundRequest(method="POST", url=url, headers=headers, body=body))
        return requests


# --- delivery ------------------------------------------------------------------------------------

MAX_RESPONSE_BYTES = 64 * 1024  # what is read of a receiver's answer, at most


class DeliveryWorker:
    """Claims due deliveries and sends them: bounded concurrency, a deadline per request, no
    redirects, at most ``MAX_RESPONSE_BYTES`` of an answer read. Runs in the app's lifespan; with
    PostgreSQL several workers share the queue (rows another holds are skipped)."""

    def __init__(
        self,
        store: Store,
        clock: SystemClock,
        *,
        schedule: Schedule | None = None,
        concurrency: int = 8,
        timeout: float = 5.0,
        batch: int = 32,
        poll: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        jitter: Callable[[], float] = random.random,
        allow_private: bool = True,
        refresh: Mapping[str, Refresh] | None = None,
    ) -> None:
        self._store = store
        self._refresh = dict(refresh or {})
        self._clock = clock
        self.schedule = schedule or Schedule()
        self._concurrency = concurrency
        self._timeout = timeout
        self._batch = batch
        self._poll = poll
        self._transport = transport
        self._jitter = jitter
        self._allow_private = allow_private  # False in live mode unless WANUMBERS_ALLOW_PRIVATE_URLS
        # One HTTP client and concurrency bound per event loop: the lifespan's loop keeps its own; a
        # drain from another loop (the sandbox's helper loop, a test's) opens one and closes it after.
        self._lanes: dict[asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, asyncio.Semaphore]] = {}
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def _lane(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        loop = asyncio.get_running_loop()
        lane = self._lanes.get(loop)
        if lane is None:
            import httpx  # on the first delivery, not at start: it costs a cold start ~0.1 s

            client = httpx.AsyncClient(
                transport=self._transport,
                follow_redirects=False,
                timeout=httpx.Timeout(self._timeout),
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
                trust_env=False,
            )
            lane = self._lanes[loop] = (client, asyncio.Semaphore(self._concurrency))
        return lane

    async def _close_lane(self) -> None:
        lane = self._lanes.pop(asyncio.get_running_loop(), None)
        if lane is not None:
            await lane[0].aclose()

    async def run_once(self) -> int:
        """One round: claim what is due now, send it, record each outcome. Returns how many were sent."""
        async with UnitOfWork(self._store, write=True) as uow:
            await sync_clock(self._clock, uow)
            now = self._clock.now()
            due = await uow.events.claim(now, now + LEASE, self._batch)
            await uow.commit()
        await asyncio.gather(*(self._deliver(delivery) for delivery in due))
        return len(due)

    async def drain(self, max_rounds: int = 100) -> int:
        """Rounds until nothing is due (bounded): what the control plane and tests call."""
        sent = 0
        owner = self._task is not None and self._task.get_loop() is asyncio.get_running_loop()
        try:
            for _ in range(max_rounds):
                count = await self.run_once()
                if not count:
                    break
                sent += count
        finally:
            if not owner:
                await self._close_lane()
        return sent

    async def _deliver(self, delivery: DeliveryRecord) -> None:
        request = await self._current(delivery)
        if request is None:
            async with UnitOfWork(self._store, write=True) as uow:
                now = self._clock.now()
                error = "not sent: its receiver no longer exists"
                await uow.events.failed(
                    delivery.id, status=Status.DEAD, code=None, error=error, retry_at=now, now=now
                )
                await uow.commit()
            metrics.event_delivery(delivery.producer, "dead")
            return
        client, limit = self._lane()
        async with limit:
            code, error, retry_after = await self._send(client, request)
        async with UnitOfWork(self._store, write=True) as uow:
            await sync_clock(self._clock, uow)
            now = self._clock.now()
            if code is not None and is_success(code):
                await uow.events.delivered(delivery.id, code, now)
                outcome = "delivered"
            else:
                attempts = delivery.attempts + 1
                wait = self.schedule.delay(attempts, self._jitter(), retry_after)
                retry_at = now + timedelta(seconds=wait)
                status = self.schedule.next_status(delivery.first_attempt_at or now, retry_at)
                await uow.events.failed(
                    delivery.id, status=status, code=code, error=error, retry_at=retry_at, now=now
                )
                if status is Status.DEAD:
                    log.warning("delivery %s dead after %s attempts: %s", delivery.id, attempts, error)
                outcome = "dead" if status is Status.DEAD else "retry"
            await uow.commit()
        metrics.event_delivery(delivery.producer, outcome)

    async def _current(self, delivery: DeliveryRecord) -> OutboundRequest | None:
        """The request to send now: as stored, or rendered again by its producer's ``refresh``."""
        refresh = self._refresh.get(delivery.producer)
        if refresh is None:
            return delivery.request
        async with UnitOfWork(self._store) as uow:
            return await refresh(uow, delivery.request)

    async def _send(
        self, client: httpx.AsyncClient, request: OutboundRequest
    ) -> tuple[int | None, str, float | None]:
        """(status, error, Retry-After): status ``None`` when no answer came. Every try checks the URL
        again (SSRF) and connects to the address it vetted, with the URL's own Host and TLS name."""
        import httpx  # imported by ``_lane`` already

        try:
            async with asyncio.timeout(self._timeout):
                vetted = await url_checks.check_callable(
                    request.url, "url", allow_private=self._allow_private
                )
                headers = [*request.headers, ("Host", vetted.host_header)]
                async with client.stream(
                    request.method,
                    vetted.connect_url,
                    headers=headers,
                    content=request.body,
                    extensions=vetted.extensions,
                ) as response:
                    read = 0
                    async for chunk in response.aiter_raw():
                        read += len(chunk)
                        if read >= MAX_RESPONSE_BYTES:
                            break
                    code = response.status_code
                    retry_after = retry_after_seconds(response.headers.get("retry-after"))
        except TimeoutError:
            return None, f"no answer within {self._timeout:g} s", None
        except DomainError as refused:
            return None, f"refused: {refused.detail}", None
        except httpx.HTTPError as failure:
            return None, f"{type(failure).__name__}: {failure}"[:500], None
        error = "" if is_success(code) else f"HTTP {code}"
        return code, error, retry_after

    # --- the background loop ---------------------------------------------------------------------

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="wanumbers-deliveries")

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            try:
                while await self.run_once():
                    pass
            except Exception:  # a store fault: log, wait, try again
                log.exception("delivery round failed")
            # Woken after a commit recorded deliveries in this process; the poll finds what other
            # processes recorded, retries that came due and leases that lapsed.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
            self._wake.clear()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._close_lane()


# --- operator views ------------------------------------------------------------------------------


async def deliveries(rt: Runtime, status: object = None, limit: int = 100) -> list[DeliveryRecord]:
    """Deliveries, newest first; ``status`` one of pending, delivered, dead."""
    wanted = _status(status)
    async with rt.uow() as uow:
        return await uow.events.deliveries(wanted, limit)


async def emitted(rt: Runtime, waba_id: int | None = None, limit: int = 100) -> list[StoredEvent]:
    """Events recorded, newest first (with or without receivers)."""
    async with rt.uow() as uow:
        return await uow.events.events(waba_id, limit)


def _delivery_id(delivery_id: object) -> int:
    number = delivery_id if isinstance(delivery_id, int) and not isinstance(delivery_id, bool) else None
    if (
        isinstance(delivery_id, str)
        and delivery_id.isascii()
        and delivery_id.isdigit()
        and len(delivery_id) < 19
    ):
        number = int(delivery_id)
    if number is None or number < 1:
        raise DomainError(Reason.INVALID_PARAMETER, "id must be a positive integer", field="id")
    return number


async def delivery(rt: Runtime, delivery_id: object) -> DeliveryRecord | None:
    """One delivery with its stored request (the console's deliveries page), or ``None``."""
    number = _delivery_id(delivery_id)
    async with rt.uow() as uow:
        return await uow.events.get(number)


async def replay(rt: Runtime, delivery_id: object) -> DeliveryRecord:
    """Send a delivery again (whatever its status), as soon as the worker runs."""
    number = _delivery_id(delivery_id)
    async with rt.uow(write=True) as uow:
        await rt.sync_clock(uow)
        if not await uow.events.replay(number, rt.clock.now()):
            raise DomainError(Reason.INVALID_PARAMETER, f"no delivery {number}", field="id")
        record = await uow.events.get(number)
        await uow.commit()
    assert record is not None
    rt.events.wake()
    return record


def _status(value: object) -> Status | None:
    if value is None or value == "":
        return None
    try:
        return Status(str(value))
    except ValueError:
        choices = ", ".join(status.value for status in Status)
        raise DomainError(
            Reason.INVALID_PARAMETER, f"status must be one of {choices}", field="status"
        ) from None
