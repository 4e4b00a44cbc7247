"""Fresh in-memory stores, fast: the schema is migrated once per process into a template database,
and each store gets a page-by-page copy of it through sqlite3's ``backup()`` (tens of microseconds
instead of the tens of milliseconds Alembic needs). Used by the in-process sandbox and ``sqlite://``.

A closed store's connection is kept for the next store and emptied back to the template's rows instead
of copied over again: ``backup()`` bumps the copy's schema version, which makes SQLite prepare every
statement anew on the connection (50 to 300 µs each for the joins on the request path, most of a fresh
sandbox's first round), while emptying leaves the schema, and so the prepared statements, as they are.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from sqlalchemy import Engine

from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine

__all__ = ["MEMORY_URL", "fresh_database", "release"]

MEMORY_URL = "sqlite://"

_lock = threading.Lock()
_MAX_IDLE = 8


@dataclass(frozen=True)
class _Template:
    """The migrated database every fresh one starts as, and what it takes to return a copy to it."""

    connection: sqlite3.Connection
    engine: Engine  # keeps the template's pool, and so its connection, alive
    schema: tuple[str, ...]
    emptying: tuple[str, ...]  # DELETE statements, children before the tables they reference
    rows: tuple[tuple[str, list[tuple[object, ...]]], ...]  # (INSERT statement, the template's rows)

    def copy_into(self, connection: sqlite3.Connection) -> None:
        self.connection.backup(connection)

    def reset(self, connection: sqlite3.Connection) -> bool:
        """Give ``connection``, a copy made by ``copy_into``, the template's rows again; False (and
        nothing done) if its schema is no longer the template's."""
        if connection.in_transaction:
            connection.rollback()
        if _schema(connection) != self.schema:
            return False
        connection.execute("BEGIN")
        try:
            for statement in self.emptying:
                connection.execute(statement)
            for insert, rows in self.rows:
                connection.executemany(insert, rows)
        except BaseException:
            connection.rollback()
            raise
        connection.execute("COMMIT")
        return True


_template: _Template | None = None
# Connections of closed stores, kept for reuse with their prepared statements.
_idle: list[sqlite3.Connection] = []


def _migrated_template() -> _Template:
    global _template
    if _template is None:
        engine = make_engine(MEMORY_URL)
        migrate.upgrade(engine)
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        tables = _children_first(raw)
        rows = tuple(
            (f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(found[0]))})', found)
            for table in tables
            if (found := raw.execute(f'SELECT * FROM "{table}"').fetchall())
        )
        _template = _Template(
            connection=raw,
            engine=engine,
            schema=_schema(raw),
            emptying=tuple(f'DELETE FROM "{table}"' for table in tables),
            rows=tuple(reversed(rows)),  # parents first
        )
    return _template


def _schema(connection: sqlite3.Connection) -> tuple[str, ...]:
    """What a reused connection must share with the template: the databases it has open (a store never
    attaches one) and every object of its own schema and of its temporary one."""
    # "temp" is listed once anything looked at it (as this does): its objects are counted below instead.
    databases = tuple(row[1] for row in connection.execute("PRAGMA database_list") if row[1] != "temp")
    found = connection.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"
        " UNION ALL SELECT sql FROM sqlite_temp_master WHERE sql IS NOT NULL ORDER BY 1"
    )
    return databases + tuple(row[0] for row in found)


def _children_first(connection: sqlite3.Connection) -> list[str]:
    """Every table, each before the tables its foreign keys reference (the order a plain DELETE of
    each passes the foreign-key checks in)."""
    names = [
        row[0]
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    parents = {
        name: {row[2] for row in connection.execute(f'PRAGMA foreign_key_list("{name}")')} - {name}
        for name in names
    }
    ordered: list[str] = []
    while parents:
        free = sorted(name for name in parents if not any(name in refs for refs in parents.values()))
        if not free:
            raise RuntimeError(f"foreign keys form a cycle among {sorted(parents)}")
        ordered += free
        for name in free:
            del parents[name]
    return ordered


def fresh_database() -> sqlite3.Connection:
    """An in-memory database at the head revision holding no data."""
    with _lock:  # the template is read by backup(); one store at a time keeps that safe across threads
        template = _migrated_template()
        while _idle:
            connection = _idle.pop()
            if template.reset(connection):
                return connection
            connection.close()
        connection = _connect()
        template.copy_into(connection)
    return connection


def _connect() -> sqlite3.Connection:
    connection = sqlite3.connect(
        ":memory:", isolation_level=None, check_same_thread=False, cached_statements=512
    )
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def release(connection: sqlite3.Connection) -> None:
    """Hand back a closed store's connection; it is emptied when it is next handed out."""
    # What the store set on it would act on the next store's behalf: its statement bound, for one.
    connection.set_progress_handler(None, 0)
    connection.row_factory = None
    with _lock:
        if len(_idle) < _MAX_IDLE:
            _idle.append(connection)
            return
    connection.close()
