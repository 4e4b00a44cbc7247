"""Everything a use case needs, built once by the app: store, clock, id source, keys and upstream."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.storage.store import Store
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import sync_clock

if TYPE_CHECKING:
    from wanumbers.server.services.events import DeliveryWorker, EventSink


@dataclass
class Runtime:
    store: Store
    upstream: Upstream
    otp_key: bytes
    webhook_key: bytes = b""  # app secrets derive from it (services/apps.py)
    ids: IdGenerator = field(default_factory=IdGenerator)
    clock: SystemClock = field(default_factory=SystemClock)
    allow_private_urls: bool = False  # WANUMBERS_ALLOW_PRIVATE_URLS: callback URLs may be private
    # Webhook receivers (app callbacks, WABA and number overrides, callback profiles) may be private:
    # the normal case with the emulator, opt-in (allow_private_urls) in live mode.
    private_receivers: bool = False
    events: EventSink = field(default_factory=lambda: _sink())  # the outbox's producers (services/events.py)
    worker: DeliveryWorker | None = None  # sends the outbox's deliveries; started by the app's lifespan

    def uow(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.store, write=write)

    async def sync_clock(self, uow: UnitOfWork) -> None:
        """Pick up the control plane's clock offset (see ``upstream.emulator.sync_clock``)."""
        await sync_clock(self.clock, uow)

    async def release_loop(self) -> None:
        """Give back what the running event loop holds (its connection pool) before the loop ends."""
        await self.store.release_loop()

    async def deliver_due(self) -> int:
        """Send every delivery due now (the control plane's clock advance, tests); returns how many."""
        return 0 if self.worker is None else await self.worker.drain()

    async def close(self) -> None:
        if self.worker is not None:
            await self.worker.stop()
        await self.upstream.close()
        await self.store.close()


def _sink() -> EventSink:
    from wanumbers.server.services.events import EventSink

    return EventSink()
