"""Build the runtime from settings: engine, migrations, keys and the upstream that plays Meta.

Shared by the ASGI app and the operator CLI, which work on the same database with or without a
running server.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import Emulator

OTP_KEY = "otp_key"


def build_runtime(settings: Settings, engine: Engine | None = None) -> Runtime:
    engine = engine or make_engine(settings.database_url)
    with migrate.exclusive_setup(engine):
        migrate.upgrade(engine)
        otp_key = (settings.otp_key or _stored_otp_key(engine)).encode()
    clock, ids = SystemClock(), IdGenerator()
    upstream: Upstream
    if settings.upstream == "graph":
        from wanumbers.server.upstream.graph import GraphUpstream

        upstream = GraphUpstream(settings, clock=clock)
    else:
        upstream = Emulator(clock, ids, otp_key)
    return Runtime(
        engine=engine,
        upstream=upstream,
        otp_key=otp_key,
        ids=ids,
        clock=clock,
        allow_private_urls=settings.allow_private_urls,
    )


def _stored_otp_key(engine: Engine) -> str:
    """Without WANUMBERS_OTP_KEY, a random key is made once and kept in the store, so every worker and
    restart checks codes with the same key."""
    with UnitOfWork(engine, write=True) as uow:
        key = uow.sim.setting(OTP_KEY)
        if key is None:
            key = secrets.token_hex(32)
            uow.sim.set_setting(OTP_KEY, key)
            uow.commit()
    return key
