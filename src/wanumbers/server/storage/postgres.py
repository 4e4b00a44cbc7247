"""PostgreSQL through asyncpg: prepared statements, every wait bounded.

asyncpg needs about a third of the CPU per statement that psycopg's async mode needs, and a fifth of what
SQLAlchemy's asyncio layer needs (``python -m bench.io_model``). Each statement text is prepared once per
connection (asyncpg's statement cache). Connections come from ``pg_pool``, not asyncpg's pool, whose
checkout and return cost more than a statement.

Bounds (``StoreBounds``): connect and pool checkout time out on our side; statements have a client-side
timeout *and* the server's ``statement_timeout`` / ``lock_timeout``, so a lock held by another session
answers within the lock bound, and a server that stops answering (a hung network) within the statement
bound. A connection that timed out, or whose statement was cut off in flight, is terminated, never
reused; an error raised between statements (a refusal) rolls the transaction back and keeps it.

Connections belong to one event loop. The service runs one loop per worker, but the CLI, the test suite
and the in-process sandbox may reach one store from several loops, so there is a pool per loop.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg

from wanumbers.server.storage.bounds import (
    DEFAULT_BOUNDS,
    StoreBounds,
    StoreError,
    StoreTimeout,
    StoreUnavailable,
)
from wanumbers.server.storage.pg_pool import ConnectionPool, PoolClosed
from wanumbers.server.storage.sql import SQL, Params, Row, StatementHook, statement_log

T = TypeVar("T")
S = TypeVar("S", bound="PostgresSession")
_UNAVAILABLE = (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError, ConnectionError)
_TIMED_OUT = (asyncpg.LockNotAvailableError, asyncpg.QueryCanceledError)
IDLE_LIFETIME = 60.0  # seconds a pooled connection may sit unused before it is closed


class PostgresSession:
    dialect = "postgresql"

    def __init__(self, connection: asyncpg.Connection, store: PostgresStore) -> None:
        self.connection = connection
        self._bounds = store.bounds
        self._store = store
        self.broken = False
        self.in_flight = False  # a statement was sent and its answer not yet read

    async def fetch(self, sql: SQL, params: Params | None = None) -> Sequence[Row]:
        rows: Sequence[Row] = await self._call(self.connection.fetch, sql, params)
        return rows

    async def fetchrow(self, sql: SQL, params: Params | None = None) -> Row | None:
        row: Row | None = await self._call(self.connection.fetchrow, sql, params)
        return row

    async def fetchval(self, sql: SQL, params: Params | None = None) -> Any:
        return await self._call(self.connection.fetchval, sql, params)

    async def execute(self, sql: SQL, params: Params | None = None) -> int:
        status: str = await self._call(self.connection.execute, sql, params)
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else 0

    async def executemany(self, sql: SQL, rows: Sequence[Params]) -> None:
        self._before(sql)
        args = [[params[name] for name in sql.names] for params in rows]
        await self._guard(self.connection.executemany(sql.postgres, args, timeout=self._bounds.statement))

    def _before(self, sql: SQL) -> None:
        if self._store.before_statement is not None:
            self._store.before_statement(sql.sqlite)
        if statement_log.isEnabledFor(logging.DEBUG):
            statement_log.debug("%s", sql.postgres)

    async def _call(self, method: Callable[..., Awaitable[T]], sql: SQL, params: Params | None) -> T:
        self._before(sql)
        args = [params[name] for name in sql.names] if params else []
        return await self._guard(method(sql.postgres, *args, timeout=self._bounds.statement))

    async def _guard(self, pending: Awaitable[T]) -> T:
        # Cancelled while awaiting (the request's deadline, a client gone), in_flight stays set.
        self.in_flight = True
        try:
            result = await pending
        except TimeoutError as error:
            self.broken = True
            raise StoreTimeout("a PostgreSQL statement ran past its bound") from error
        except _TIMED_OUT as error:
            self.in_flight = False
            raise StoreTimeout(f"PostgreSQL: {error}") from error
        except _UNAVAILABLE as error:
            self.broken = True
            raise StoreUnavailable(f"PostgreSQL: {error}") from error
        except Exception:
            self.in_flight = False  # the server's answer (a constraint, a type): the connection is fine
            raise
        self.in_flight = False
        return result


class PostgresTransaction(PostgresSession):
    async def commit(self) -> None:
        await self.execute(_COMMIT)


_BEGIN, _COMMIT, _ROLLBACK = SQL("BEGIN"), SQL("COMMIT"), SQL("ROLLBACK")


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, dsn: str, *, bounds: StoreBounds = DEFAULT_BOUNDS, pool_size: int = 10) -> None:
        self.bounds = bounds
        self.before_statement: StatementHook | None = None
        self._dsn = dsn
        self._pool_size = pool_size
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ConnectionPool] = (
            weakref.WeakKeyDictionary()
        )

    def _pool(self) -> ConnectionPool:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = ConnectionPool(
                self._open,
                max_size=self._pool_size,
                checkout=self.bounds.checkout,
                idle_lifetime=IDLE_LIFETIME,
            )
        return pool

    async def _open(self) -> asyncpg.Connection:
        b = self.bounds
        try:
            async with asyncio.timeout(b.connect):
                connection: asyncpg.Connection = await asyncpg.connect(
                    self._dsn,
                    timeout=b.connect,
                    command_timeout=b.statement,
                    statement_cache_size=512,
                    server_settings={
                        "application_name": "wanumbers",
                        "statement_timeout": str(int(b.statement * 1000)),
                        "lock_timeout": str(int(b.lock * 1000)),
                        "idle_in_transaction_session_timeout": str(int(b.idle_in_transaction * 1000)),
                    },
                )
        except TimeoutError as error:
            raise StoreTimeout("could not reach PostgreSQL within the connect bound") from error
        except _UNAVAILABLE as error:
            raise StoreUnavailable(f"PostgreSQL: {error}") from error
        return connection

    async def _checkout(self, session_class: type[S]) -> tuple[ConnectionPool, S]:
        pool = self._pool()
        try:
            connection = await pool.acquire()
        except PoolClosed as error:
            raise StoreUnavailable("the PostgreSQL pool of this event loop is closed") from error
        return pool, session_class(connection, self)

    @staticmethod
    def _checkin(pool: ConnectionPool, session: PostgresSession) -> None:
        """Back to the pool, unless a statement was cut off mid-flight or the connection failed: its
        state is then unknown. An error raised between statements (a refusal) costs no connection;
        one left inside a transaction the pool itself does not take back."""
        if session.broken or session.in_flight:
            session.connection.terminate()
        pool.release(session.connection)

    def read(self) -> _Reading:
        """Statements in autocommit on a pooled connection."""
        return _Reading(self)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[PostgresTransaction]:
        pool, session = await self._checkout(PostgresTransaction)
        try:
            await session.execute(_BEGIN)
            done = False
            try:
                yield session
                done = True
            finally:
                if session.connection.is_in_transaction() and not (session.broken or session.in_flight):
                    try:
                        await session.execute(_ROLLBACK)
                    except StoreError:
                        if done:
                            raise
        finally:
            self._checkin(pool, session)

    def pool_stats(self) -> dict[str, int]:
        """Connections of this process's pools (one per event loop), for /metrics."""
        pools = list(self._pools.values())
        return {
            "open": sum(pool.open for pool in pools),
            "idle": sum(pool.idle for pool in pools),
            "max": self._pool_size,
        }

    async def release_loop(self) -> None:
        """Close the running loop's pool (before that loop ends: a connection cannot outlive its loop)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close(self.bounds.checkout)

    async def close(self) -> None:
        """Close this loop's pool; the pools of loops still running elsewhere end on their own loop."""
        await self.release_loop()
        for loop, pool in list(self._pools.items()):
            if not loop.is_closed():
                loop.call_soon_threadsafe(pool.terminate)
        self._pools.clear()


class _Reading:
    """``async with store.read()``: a class, not a generator-based context manager, because the
    hottest reads open one per request and a generator costs more than the pool's checkout."""

    __slots__ = ("_pool", "_session", "_store")

    def __init__(self, store: PostgresStore) -> None:
        self._store = store

    async def __aenter__(self) -> PostgresSession:
        self._pool, self._session = await self._store._checkout(PostgresSession)
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        self._store._checkin(self._pool, self._session)
