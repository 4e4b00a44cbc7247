"""Build the runtime from settings: store, migrations, keys and the upstream that plays Meta.

Shared by the ASGI app and the operator CLI, which work on the same database with or without a
running server. Start-up work (migrations, the first-run OTP key) is synchronous and runs before any
request is served, through SQLAlchemy and Alembic; requests then use the async store.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import location, migrate
from wanumbers.server.storage.engine import make_engine
from wanumbers.server.storage.store import Store, is_memory, open_store
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import Emulator

OTP_KEY = "otp_key"


def build_runtime(settings: Settings, store: Store | None = None, *, create: bool = True) -> Runtime:
    """``store``: one already at the head revision (the sandbox's copy of a migrated template);
    without it the settings' database is migrated and opened. ``create=False``: a store that does not
    exist yet is refused (``location.NoStore``) instead of made. A database URL that cannot be opened
    raises ``location.StoreLocationError``, whatever the driver's own error."""
    if store is None and is_memory(settings.database_url):
        store = open_store(settings.database_url, bounds=settings.store_bounds)  # a migrated copy
    if store is None:
        otp_key = prepare(settings, create=create)
        store = open_store(settings.database_url, bounds=settings.store_bounds, pool_size=settings.pool_size)
    else:
        otp_key = settings.otp_key or secrets.token_hex(32)  # a store of this process alone
    clock, ids = SystemClock(), IdGenerator()
    upstream: Upstream
    if settings.upstream == "graph":
        from wanumbers.server.upstream.graph import GraphUpstream

        upstream = GraphUpstream(settings, store, clock=clock)
    else:
        upstream = Emulator(store, clock, ids, otp_key.encode())
    return Runtime(
        store=store,
        upstream=upstream,
        otp_key=otp_key.encode(),
        ids=ids,
        clock=clock,
        allow_private_urls=settings.allow_private_urls,
    )


def prepare(settings: Settings, *, create: bool = True) -> str:
    """Check the URL, connect, migrate and read (or make) the OTP key; returns the key."""
    url = settings.database_url
    location.check(url)
    if not create:
        location.require_existing(url)
    try:
        engine = make_engine(url)
        try:
            if not create and migrate.current_revision(engine) is None:
                raise location.NoStore(url, location.redact(url))
            with migrate.exclusive_setup(engine):
                migrate.upgrade(engine)
                return settings.otp_key or _stored_otp_key(engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError, OSError) as error:
        raise location.explain(url, error) from error


def _stored_otp_key(engine: Engine) -> str:
    """Without WANUMBERS_OTP_KEY, a random key is made once and kept in the store, so every worker and
    restart checks codes with the same key."""
    with engine.begin() as connection:
        key = connection.execute(
            text("SELECT value FROM sim_settings WHERE key = :key"), {"key": OTP_KEY}
        ).scalar()
        if key is None:
            key = secrets.token_hex(32)
            connection.execute(
                text("INSERT INTO sim_settings (key, value) VALUES (:key, :value)"),
                {"key": OTP_KEY, "value": key},
            )
    return str(key)
