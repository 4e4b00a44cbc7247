"""Build the runtime from settings: store, migrations, keys and the upstream that plays Meta.

Shared by the ASGI app and the operator CLI, which work on the same database with or without a
running server. Start-up work (migrations, the first-run OTP key) is synchronous and runs before any
request is served, through SQLAlchemy and Alembic; requests then use the async store.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, text

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.services.events import DeliveryWorker, EventSink, MetaWebhooks
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine
from wanumbers.server.storage.store import Store, is_memory, open_store
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import Emulator

OTP_KEY = "otp_key"
WEBHOOK_KEY = (
    "webhook_key"  # app secrets are derived from it (services/apps.py); the CLI and every worker read it
)


def build_runtime(settings: Settings, store: Store | None = None) -> Runtime:
    """``store``: one already at the head revision (the sandbox's copy of a migrated template);
    without it the settings' database is migrated and opened."""
    if store is None and is_memory(settings.database_url):
        store = open_store(settings.database_url, bounds=settings.store_bounds)  # a migrated copy
    if store is None:
        engine = make_engine(settings.database_url)
        try:
            with migrate.exclusive_setup(engine):
                migrate.upgrade(engine)
                otp_key = settings.otp_key or _stored_key(engine, OTP_KEY)
                webhook_key = _stored_key(engine, WEBHOOK_KEY)
        finally:
            engine.dispose()
        store = open_store(settings.database_url, bounds=settings.store_bounds, pool_size=settings.pool_size)
    else:
        otp_key = settings.otp_key or secrets.token_hex(32)  # a store of this process alone
        webhook_key = secrets.token_hex(32)
    clock, ids = SystemClock(), IdGenerator()
    events = EventSink([MetaWebhooks(webhook_key.encode())])
    upstream: Upstream
    if settings.upstream == "graph":
        from wanumbers.server.upstream.graph import GraphUpstream

        upstream = GraphUpstream(settings, store, clock=clock)
    else:
        upstream = Emulator(store, clock, ids, otp_key.encode(), events)
    return Runtime(
        store=store,
        upstream=upstream,
        otp_key=otp_key.encode(),
        webhook_key=webhook_key.encode(),
        ids=ids,
        clock=clock,
        allow_private_urls=settings.allow_private_urls,
        events=events,
        worker=DeliveryWorker(store, clock),
    )


def _stored_key(engine: Engine, name: str) -> str:
    """A random key made once and kept in the store, so every worker, restart and operator command
    uses the same one (the OTP key unless WANUMBERS_OTP_KEY is set; the webhook key always)."""
    with engine.begin() as connection:
        key = connection.execute(
            text("SELECT value FROM sim_settings WHERE key = :key"), {"key": name}
        ).scalar()
        if key is None:
            key = secrets.token_hex(32)
            connection.execute(
                text("INSERT INTO sim_settings (key, value) VALUES (:key, :value)"),
                {"key": name, "value": key},
            )
    return str(key)
