"""Fresh in-memory stores, fast: the schema is migrated once per process into a template database,
and each sandbox gets a page-by-page copy of it through sqlite3's ``backup()`` (tens of microseconds
instead of the tens of milliseconds Alembic needs)."""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Engine

from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine

__all__ = ["MEMORY_URL", "fresh_engine", "release"]

MEMORY_URL = "sqlite://"

_lock = threading.Lock()
_template: sqlite3.Connection | None = None
_template_engine: Engine | None = None  # keeps the template's pool (and so its connection) alive
# Engines of closed sandboxes, kept for reuse: SQLAlchemy caches compiled statements per engine, and
# compiling them again was most of the cost of a cold sandbox's first requests.
_idle: list[Engine] = []
_MAX_IDLE = 8


def _raw(engine: Engine) -> sqlite3.Connection:
    """The engine's one DBAPI connection (``sqlite://`` engines use a StaticPool)."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _migrated_template() -> sqlite3.Connection:
    global _template, _template_engine
    if _template is None:
        _template_engine = make_engine(MEMORY_URL)
        migrate.upgrade(_template_engine)
        _template = _raw(_template_engine)
    return _template


def fresh_engine() -> Engine:
    """An engine on an in-memory database at the head revision holding no data: a reused one whose
    contents the template overwrites, or a new one."""
    with _lock:  # backup() reads the template; one copy at a time keeps that safe across threads
        engine = _idle.pop() if _idle else make_engine(MEMORY_URL)
        _migrated_template().backup(_raw(engine))
    return engine


def release(engine: Engine) -> None:
    """Hand back a closed sandbox's engine; its data is wiped when it is next handed out."""
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(engine)
            return
    engine.dispose()
