"""SQLite: statements run inline on the event loop, and nothing ever blocks it.

A statement on a kept-open ``sqlite3`` connection costs ~6 µs of CPU; handing it to a thread costs ~24 µs
and aiosqlite ~30 µs (``python -m bench.io_model``), so statements run inline. What could block is
waiting for a lock, and that never happens inside SQLite here:

- readers use their own connections (one per thread) over WAL, which never waits for a writer;
- the write lock is taken with ``BEGIN IMMEDIATE`` and a busy timeout of 0: when another process holds
  it, the attempt fails at once and is retried after an ``asyncio.sleep``, until the lock bound;
- writers in this process queue on a ``threading.Lock`` taken the same way (a transaction spans
  awaits, and the sandbox reaches one store from more than one thread and loop);
- a progress handler interrupts any statement that runs past the statement bound;
- the write-ahead log is checkpointed by a thread of its own, never inside a commit (``storage/wal.py``).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

from wanumbers.server.storage.bounds import DEFAULT_BOUNDS, StoreBounds, StoreTimeout, StoreUnavailable
from wanumbers.server.storage.sql import SQL, Params, Row, StatementHook, sqlite_timestamp, statement_log
from wanumbers.server.storage.wal import Checkpointer

T = TypeVar("T")
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_FIRST_PAUSE, _LONGEST_PAUSE = 0.0005, 0.02  # seconds between attempts at a lock held elsewhere
_PROGRESS_STEPS = 1000  # SQLite VM steps between statement-bound checks (a key lookup takes ~100)


class _Busy(Exception):
    """The database lock is held elsewhere; try again after a pause."""


class _Connection:
    """A ``sqlite3`` connection whose statements are interrupted past their deadline."""

    def __init__(self, raw: sqlite3.Connection, store: SqliteStore) -> None:
        self.raw = raw
        self.store = store
        self.deadline = 0.0
        raw.row_factory = sqlite3.Row
        raw.set_progress_handler(self._overdue, _PROGRESS_STEPS)

    def _overdue(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def run(self, sql: str, params: Params | None, bound: float) -> sqlite3.Cursor:
        if self.store.before_statement is not None:
            self.store.before_statement(sql)
        if statement_log.isEnabledFor(logging.DEBUG):
            statement_log.debug("%s", sql)
        self.deadline = time.monotonic() + bound
        try:
            return self.raw.execute(sql, _bind(params) if params else ())
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode in _BUSY:
                raise _Busy from error
            if error.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT:
                raise StoreTimeout("a SQLite statement ran past its bound") from error
            raise StoreUnavailable(str(error)) from error


def _bind(params: Params) -> dict[str, Any]:
    return {k: sqlite_timestamp(v) if isinstance(v, datetime) else v for k, v in params.items()}


class SqliteSession:
    dialect = "sqlite"

    def __init__(self, connection: _Connection, bounds: StoreBounds) -> None:
        self._connection = connection
        self._bounds = bounds

    async def fetch(self, sql: SQL, params: Params | None = None) -> Sequence[Row]:
        return (await self._cursor(sql, params)).fetchall()

    async def fetchrow(self, sql: SQL, params: Params | None = None) -> Row | None:
        row: Row | None = (await self._cursor(sql, params)).fetchone()
        return row

    async def fetchval(self, sql: SQL, params: Params | None = None) -> Any:
        row = (await self._cursor(sql, params)).fetchone()
        return None if row is None else row[0]

    async def execute(self, sql: SQL, params: Params | None = None) -> int:
        return (await self._cursor(sql, params)).rowcount

    async def executemany(self, sql: SQL, rows: Sequence[Params]) -> None:
        for params in rows:
            await self._cursor(sql, params)

    async def _cursor(self, sql: SQL, params: Params | None) -> sqlite3.Cursor:
        try:
            return self._connection.run(sql.sqlite, params, self._bounds.statement)
        except _Busy:
            deadline = time.monotonic() + self._bounds.lock
            return await _retry(
                lambda: self._connection.run(sql.sqlite, params, self._bounds.statement), deadline
            )


async def _retry(attempt: Callable[[], T], deadline: float) -> T:
    """``attempt()`` until it stops raising ``_Busy``, pausing between tries, up to ``deadline``."""
    pause = _FIRST_PAUSE
    while True:
        if time.monotonic() + pause > deadline:
            raise StoreTimeout("the SQLite database stayed locked past the lock bound")
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)
        try:
            return attempt()
        except _Busy:
            continue


async def _take(lock: threading.Lock, deadline: float) -> None:
    def attempt() -> None:
        if not lock.acquire(blocking=False):
            raise _Busy

    try:
        attempt()
    except _Busy:
        await _retry(attempt, deadline)


class SqliteStore:
    """One SQLite database: a writer connection and a reader connection per thread."""

    dialect = "sqlite"

    def __init__(
        self,
        path: str,
        *,
        bounds: StoreBounds = DEFAULT_BOUNDS,
        connection: sqlite3.Connection | None = None,
    ) -> None:
        """``path`` of the database file; or pass ``connection``, an in-memory database (the sandbox's),
        which then serves reads and writes alike."""
        self.bounds = bounds
        self.before_statement: StatementHook | None = None
        self._path = path
        self._shared = connection is not None
        self._writer = _Connection(connection or self._open(reader=False), self)
        # An in-memory database (the sandbox's) has no log to move.
        self._checkpointer = None if self._shared else Checkpointer(path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[_Connection] = []

    def _open(self, *, reader: bool) -> sqlite3.Connection:
        raw = sqlite3.connect(
            self._path, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        raw.execute("PRAGMA busy_timeout=0")  # we wait ourselves, off the loop's back: see the module doc
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
        if reader:
            raw.execute("PRAGMA query_only=ON")
        else:
            raw.execute("PRAGMA wal_autocheckpoint=0")  # storage/wal.py does it, off the loop
        return raw

    def pool_stats(self) -> dict[str, int]:
        """Open connections (the writer and a reader per thread), for /metrics."""
        return {"open": 1 + len(self._readers)}

    def _reader(self) -> SqliteSession:
        """This thread's reading session (sessions hold no state of their own, so one is kept)."""
        reader: SqliteSession | None = getattr(self._local, "reader", None)
        if reader is None:
            connection = _Connection(self._open(reader=True), self)
            self._readers.append(connection)
            reader = self._local.reader = SqliteSession(connection, self.bounds)
        return reader

    def read(self) -> _Reading:
        """Statements in autocommit: each reads the latest committed state."""
        return _Reading(self)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqliteTransaction]:
        """A transaction holding the write lock; rolled back unless committed."""
        deadline = time.monotonic() + self.bounds.lock
        if self._checkpointer is not None:
            await self._checkpointer.settled(deadline)
        await _take(self._lock, deadline)
        try:
            transaction = SqliteTransaction(self._writer, self.bounds)
            await transaction.begin(deadline)
            try:
                yield transaction
            finally:
                transaction.end()
            if transaction.committed and self._checkpointer is not None:
                self._checkpointer.committed()
        finally:
            self._lock.release()

    async def release_loop(self) -> None:
        """Nothing to do: SQLite connections belong to threads, not event loops."""

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
        for reader in self._readers:
            reader.raw.close()
        self._readers.clear()
        self._local = threading.local()
        if self._shared:
            from wanumbers.server.storage.memory import release

            release(self._writer.raw)
        else:
            self._writer.raw.close()


class _Reading:
    """``async with store.read()``: a class, not a generator-based context manager, because the
    hottest reads open one per request and a generator costs more than the statement."""

    __slots__ = ("_locked", "_store")

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        self._locked = False

    async def __aenter__(self) -> SqliteSession:
        store = self._store
        if not store._shared:
            return store._reader()
        await _take(store._lock, time.monotonic() + store.bounds.lock)
        self._locked = True
        return SqliteSession(store._writer, store.bounds)

    async def __aexit__(self, *exc: object) -> None:
        if self._locked:
            self._store._lock.release()


class SqliteTransaction(SqliteSession):
    def __init__(self, connection: _Connection, bounds: StoreBounds) -> None:
        super().__init__(connection, bounds)
        self._raw = connection
        self.committed = False

    async def begin(self, deadline: float) -> None:
        def attempt() -> None:
            self._raw.run("BEGIN IMMEDIATE", None, self._bounds.statement)

        try:
            attempt()
        except _Busy:
            await _retry(attempt, deadline)

    async def commit(self) -> None:
        self._raw.run("COMMIT", None, self._bounds.statement)
        self.committed = True

    def end(self) -> None:
        if self._raw.raw.in_transaction:
            self._raw.raw.execute("ROLLBACK")
