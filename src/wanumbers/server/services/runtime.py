"""Everything a use case needs, built once by the app: store, clock, id source, keys and upstream."""

from __future__ import annotations

from dataclasses import dataclass, field

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.storage.store import Store
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import sync_clock


@dataclass
class Runtime:
    store: Store
    upstream: Upstream
    otp_key: bytes
    ids: IdGenerator = field(default_factory=IdGenerator)
    clock: SystemClock = field(default_factory=SystemClock)
    allow_private_urls: bool = False  # WANUMBERS_ALLOW_PRIVATE_URLS: callback URLs may be private

    def uow(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.store, write=write)

    async def sync_clock(self, uow: UnitOfWork) -> None:
        """Pick up the control plane's clock offset (see ``upstream.emulator.sync_clock``)."""
        await sync_clock(self.clock, uow)

    async def release_loop(self) -> None:
        """Give back what the running event loop holds (its connection pool) before the loop ends."""
        await self.store.release_loop()

    async def close(self) -> None:
        await self.upstream.close()
        await self.store.close()
