"""Fresh in-memory stores, fast: the schema is migrated once per process into a template database,
and each store gets a page-by-page copy of it through sqlite3's ``backup()`` (tens of microseconds
instead of the tens of milliseconds Alembic needs). Used by the in-process sandbox and ``sqlite://``."""

from __future__ import annotations

import sqlite3
import threading

from sqlalchemy import Engine

from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine

__all__ = ["MEMORY_URL", "fresh_database", "release"]

MEMORY_URL = "sqlite://"

_lock = threading.Lock()
_template: sqlite3.Connection | None = None
_template_engine: Engine | None = None  # keeps the template's pool (and so its connection) alive
# Connections of closed stores, kept for reuse: each keeps its prepared statements, which a new
# connection would have to prepare again on its first requests.
_idle: list[sqlite3.Connection] = []
_MAX_IDLE = 8


def _migrated_template() -> sqlite3.Connection:
    global _template, _template_engine
    if _template is None:
        _template_engine = make_engine(MEMORY_URL)
        migrate.upgrade(_template_engine)
        with _template_engine.connect() as connection:
            raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        _template = raw
    return _template


def fresh_database() -> sqlite3.Connection:
    """An in-memory database at the head revision holding no data."""
    with _lock:  # backup() reads the template; one copy at a time keeps that safe across threads
        connection = _idle.pop() if _idle else _connect()
        _migrated_template().backup(connection)
    return connection


def _connect() -> sqlite3.Connection:
    connection = sqlite3.connect(
        ":memory:", isolation_level=None, check_same_thread=False, cached_statements=512
    )
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def release(connection: sqlite3.Connection) -> None:
    """Hand back a closed store's connection; its data is overwritten when it is next handed out."""
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(connection)
            return
    connection.close()
