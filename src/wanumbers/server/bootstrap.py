"""Build the runtime from settings: store, migrations, keys and the upstream that plays Meta.

Shared by the ASGI app and the operator CLI, which work on the same database with or without a
running server. Start-up work (migrations, the OTP key: ``otp_keys.py``) is synchronous and runs before any
request is served, through SQLAlchemy and Alembic; requests then use the async store. A SQLite store with
no start-up work left is checked with sqlite3 alone, which keeps SQLAlchemy out of the process.
"""

from __future__ import annotations

import secrets

from wanumbers.server import otp_keys
from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.identifiers import IdGenerator
from wanumbers.server.services import callback_channel
from wanumbers.server.services.callback_channel import CallbackChannel
from wanumbers.server.services.events import DeliveryWorker, EventSink, MetaWebhooks, named
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import location, migrate
from wanumbers.server.storage.store import Store, is_memory, open_store
from wanumbers.server.upstream.base import Upstream
from wanumbers.server.upstream.emulator import Emulator


def build_runtime(settings: Settings, store: Store | None = None, *, create: bool = True) -> Runtime:
    """``store``: one already at the head revision (the sandbox's copy of a migrated template);
    without it the settings' database is migrated and opened. ``create=False``: a store that does not
    exist yet is refused (``location.NoStore``) instead of made. A database URL that cannot be opened
    raises ``location.StoreLocationError``, whatever the driver's own error."""
    if store is None and is_memory(settings.database_url):
        store = open_store(settings.database_url, bounds=settings.store_bounds)  # a migrated copy
    if store is None:
        keys = prepare(settings, create=create)
        store = open_store(settings.database_url, bounds=settings.store_bounds, pool_size=settings.pool_size)
    else:
        keys = otp_keys.OtpKeys((settings.otp_key or secrets.token_hex(32)).encode())  # this process's store
    clock, ids = SystemClock(), IdGenerator()
    # Meta's webhooks and Kaleyra's callback profiles (both secrets derive from the OTP key, under labels
    # of their own) share one queue; a profile's request is signed again before each send.
    channel = CallbackChannel(keys.current)
    kaleyra = named(channel.requests_for, callback_channel.NAME)
    events = EventSink([MetaWebhooks(keys.current), kaleyra])
    upstream: Upstream
    if settings.upstream == "graph":
        from wanumbers.server.upstream.graph import GraphUpstream

        upstream = GraphUpstream(settings, store, clock=clock)
    else:
        upstream = Emulator(store, clock, ids, keys.current, keys.previous, settings.claim_cap, events)
    private_receivers = settings.allow_private_urls or settings.upstream == "emulator"
    return Runtime(
        store=store,
        upstream=upstream,
        otp_key=keys.current,
        webhook_key=keys.current,  # app secrets derive from it, under their own label (domain/delivery.py)
        ids=ids,
        clock=clock,
        allow_private_urls=settings.allow_private_urls,
        private_receivers=private_receivers,
        events=events,
        worker=DeliveryWorker(
            store,
            clock,
            allow_private=private_receivers,
            refresh={callback_channel.NAME: channel.resign},
        ),
    )


def prepare(settings: Settings, *, create: bool = True) -> otp_keys.OtpKeys:
    """Check the URL, connect, migrate and resolve the OTP keys (``otp_keys.py``). A store that
    cannot be opened is ``location.StoreLocationError``; the keys' own errors pass unchanged."""
    url = settings.database_url
    location.check(url)
    if not create:
        location.require_existing(url)
    path = location.sqlite_file(url)
    if path is not None and migrate.sqlite_settled(path, (otp_keys.LEGACY_ROW,)):
        return otp_keys.resolve(settings, None)
    from sqlalchemy.exc import SQLAlchemyError

    from wanumbers.server.storage.engine import make_engine

    try:
        engine = make_engine(url)
        try:
            if not create and migrate.current_revision(engine) is None:
                raise location.NoStore(url, location.redact(url))
            with migrate.exclusive_setup(engine):
                migrate.upgrade(engine)
                return otp_keys.resolve(settings, engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError) as error:
        raise location.explain(url, error) from error
