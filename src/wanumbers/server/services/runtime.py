"""Everything a use case needs, built once by the app: engine, clock, id source, keys and upstream."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.storage.reads import HotReads
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.base import Upstream

CLOCK_OFFSET = "clock_offset_seconds"


@dataclass
class Runtime:
    engine: Engine
    upstream: Upstream
    otp_key: bytes
    ids: IdGenerator = field(default_factory=IdGenerator)
    clock: SystemClock = field(default_factory=SystemClock)
    allow_private_urls: bool = False  # WANUMBERS_ALLOW_PRIVATE_URLS: callback URLs may be private
    reads: HotReads = field(init=False)

    def __post_init__(self) -> None:
        self.reads = HotReads(self.engine)

    def uow(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.engine, write=write)

    def sync_clock(self, uow: UnitOfWork) -> None:
        """Pick up the control plane's clock offset; stored in the database so every worker agrees."""
        offset = uow.sim.setting(CLOCK_OFFSET)
        self.clock.offset = timedelta(seconds=float(offset or 0))
