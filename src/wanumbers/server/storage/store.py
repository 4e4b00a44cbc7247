"""Open the store a database URL names: SQLite (embedded, the default) or PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, TypeAlias

from wanumbers.server.storage.bounds import DEFAULT_BOUNDS, StoreBounds
from wanumbers.server.storage.sqlite import SqliteSession, SqliteStore, SqliteTransaction

if TYPE_CHECKING:
    from wanumbers.server.storage.postgres import PostgresSession, PostgresStore, PostgresTransaction

# Written as strings so that a SQLite deployment never imports asyncpg (a tenth of a cold start).
Store: TypeAlias = "SqliteStore | PostgresStore"
ReadSession: TypeAlias = "SqliteSession | PostgresSession"
WriteSession: TypeAlias = "SqliteTransaction | PostgresTransaction"

_MEMORY = ("sqlite://", "sqlite:///:memory:")


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def is_memory(url: str) -> bool:
    return url in _MEMORY


def postgres_dsn(url: str) -> str:
    """The plain ``postgresql://`` form asyncpg takes, whichever SQLAlchemy driver the URL names."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql{sep}{rest}" if scheme.split("+")[0] in ("postgresql", "postgres") else url


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1] if ":///" in url else ""


def open_store(
    url: str,
    *,
    bounds: StoreBounds = DEFAULT_BOUNDS,
    pool_size: int = 10,
    connection: sqlite3.Connection | None = None,
) -> Store:
    """``connection``: the in-memory SQLite database to serve (the sandbox's); needed for ``sqlite://``,
    whose data lives only on the connection that made it."""
    if is_sqlite(url):
        if is_memory(url) and connection is None:
            from wanumbers.server.storage.memory import fresh_database

            connection = fresh_database()
        return SqliteStore(sqlite_path(url), bounds=bounds, connection=connection)
    from wanumbers.server.storage.postgres import PostgresStore

    return PostgresStore(postgres_dsn(url), bounds=bounds, pool_size=pool_size)
