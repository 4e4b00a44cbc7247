"""A small pool of asyncpg connections for one event loop: a checkout is a list pop, a return a push.

asyncpg's own pool, with a checkout bound, runs the checkout under ``wait_for`` and the return under
``shield`` (a task each) and re-arms an idle timer on every return: 141.7 µs of CPU per pooled statement
against 46.5 µs with this one (``python -m bench.io_model``; docs/architecture.md, "I/O model"). Here a
free connection is taken without suspending; only a checkout that has to wait (every connection busy)
arms a timer, for the checkout bound.

- Connections open lazily, up to ``max_size``, each within the connect bound (``connect``); one opened
  for a waiter also within what is left of the waiter's checkout bound.
- A connection handed back closed (terminated after a timeout, or lost) or inside a transaction leaves
  the pool; the next checkout opens another, so the pool recovers by itself.
- Waiters are served in arrival order: a returned connection goes straight to the oldest one, and a slot
  a connection leaves is kept for it.
- Idle connections are closed after ``idle_lifetime`` seconds unused (one timer, not one per return), so
  a quiet worker does not hold PostgreSQL's connection slots. ``close`` is bounded as a whole.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable

import asyncpg

from wanumbers.server.storage.bounds import StoreTimeout

Connect = Callable[[], Awaitable[asyncpg.Connection]]


class PoolClosed(Exception):
    """The pool was closed (its loop is ending): no more checkouts."""


class ConnectionPool:
    def __init__(self, connect: Connect, *, max_size: int, checkout: float, idle_lifetime: float) -> None:
        self._connect = connect
        self.max_size = max_size
        self._checkout = checkout
        self._idle_lifetime = idle_lifetime
        self._loop = asyncio.get_running_loop()
        self._idle: list[tuple[asyncpg.Connection, float]] = []  # (connection, returned at), newest last
        self._waiters: collections.deque[asyncio.Future[asyncpg.Connection | None]] = collections.deque()
        self._all: set[asyncpg.Connection] = set()
        self._opening = 0
        # Slots freed for a waiter that has not yet woken to open its connection: kept from newcomers,
        # so waiters are served in arrival order.
        self._reserved = 0
        self._sweep: asyncio.TimerHandle | None = None
        self._lapsing: set[asyncpg.Connection] = set()  # idle too long, saying goodbye
        self._goodbyes: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def size(self) -> int:
        """Connections open, being opened, or promised to a waiter."""
        return len(self._all) + self._opening + self._reserved

    @property
    def open(self) -> int:
        return len(self._all)

    @property
    def idle(self) -> int:
        return len(self._idle)

    async def acquire(self) -> asyncpg.Connection:
        """A connection of this pool's own; raises ``StoreTimeout`` past the checkout bound (every
        connection busy; a connection opened for a waiter counts against its bound too), or the
        connect error when a new one cannot be opened."""
        deadline: float | None = None
        while True:
            if self._closed:
                raise PoolClosed
            while self._idle:
                connection, _ = self._idle.pop()
                if not connection.is_closed():
                    return connection
                self._all.discard(connection)
            if self.size < self.max_size:
                return await self._open(deadline)
            if deadline is None:
                deadline = self._loop.time() + self._checkout
            handed = await self._wait(deadline)
            if handed is not None:
                return handed
            self._reserved -= 1  # the slot kept for us: the next turn opens it

    async def _open(self, deadline: float | None) -> asyncpg.Connection:
        self._opening += 1
        try:
            if deadline is None:
                connection = await self._connect()
            else:  # a waiter's: within what is left of its checkout bound
                async with asyncio.timeout_at(deadline):
                    connection = await self._connect()
        except TimeoutError:
            self._opening -= 1
            self._free_slot()
            raise StoreTimeout("no PostgreSQL connection free within the checkout bound") from None
        except BaseException:
            self._opening -= 1
            self._free_slot()
            raise
        self._opening -= 1
        if self._closed:
            connection.terminate()
            raise PoolClosed
        self._all.add(connection)
        return connection

    async def _wait(self, deadline: float) -> asyncpg.Connection | None:
        """The connection a release hands over, or ``None`` when a slot was freed for us instead."""
        waiter: asyncio.Future[asyncpg.Connection | None] = self._loop.create_future()
        self._waiters.append(waiter)
        try:
            async with asyncio.timeout_at(deadline):
                return await waiter
        except BaseException as error:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                # Served just as the bound ran out or the request was cancelled: pass it on.
                handed = waiter.result()
                if handed is None:
                    self._reserved -= 1
                    self._free_slot()
                else:
                    self.release(handed)
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            if isinstance(error, TimeoutError):
                raise StoreTimeout("no PostgreSQL connection free within the checkout bound") from None
            raise

    def release(self, connection: asyncpg.Connection) -> None:
        """Hand ``connection`` back (closed ones leave the pool, and so does one still in a transaction:
        its state is not what the next checkout expects)."""
        if connection.is_closed() or connection.is_in_transaction() or self._closed:
            self._all.discard(connection)
            if not connection.is_closed():
                connection.terminate()
            self._free_slot()
            return
        if self._wake_one(connection):
            return
        self._idle.append((connection, self._loop.time()))
        if self._sweep is None:
            self._sweep = self._loop.call_later(self._idle_lifetime, self._close_lapsed)

    def _free_slot(self) -> None:
        """A connection left the pool: the oldest waiter, if any, may open one in its place."""
        if not self._closed and self._wake_one(None):
            self._reserved += 1

    def _wake_one(self, connection: asyncpg.Connection | None) -> bool:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return True
        return False

    def _close_lapsed(self) -> None:
        self._sweep = None
        lapsed_before = self._loop.time() - self._idle_lifetime
        kept: list[tuple[asyncpg.Connection, float]] = []
        for connection, returned_at in self._idle:
            if returned_at <= lapsed_before:
                self._all.discard(connection)
                self._lapsing.add(connection)
                goodbye = self._loop.create_task(self._goodbye(connection))
                self._goodbyes.add(goodbye)
                goodbye.add_done_callback(self._goodbyes.discard)
            else:
                kept.append((connection, returned_at))
        self._idle = kept
        if kept:  # the oldest one left lapses first
            due = kept[0][1] + self._idle_lifetime - self._loop.time()
            self._sweep = self._loop.call_later(due, self._close_lapsed)

    async def _goodbye(self, connection: asyncpg.Connection) -> None:
        try:
            await connection.close(timeout=self._checkout)
        except Exception:  # one that will not close cleanly is cut
            connection.terminate()
        finally:
            self._lapsing.discard(connection)

    async def close(self, timeout: float) -> None:
        """Close the idle connections gracefully, all within ``timeout``; whatever has not closed by
        then is cut. Busy connections are cut when returned; waiters get ``PoolClosed``."""
        self._shut()
        idle, self._idle = [connection for connection, _ in self._idle], []
        self._all.difference_update(idle)
        try:
            await asyncio.wait_for(
                asyncio.gather(*(connection.close() for connection in idle), return_exceptions=True), timeout
            )
        except TimeoutError:
            pass
        finally:
            for connection in idle:
                if not connection.is_closed():
                    connection.terminate()

    def terminate(self) -> None:
        """Cut every connection at once (from another thread's loop: via ``call_soon_threadsafe``)."""
        self._shut()
        for connection in [*self._all, *self._lapsing]:
            connection.terminate()
        self._all.clear()
        self._lapsing.clear()
        self._idle = []

    def _shut(self) -> None:
        self._closed = True
        if self._sweep is not None:
            self._sweep.cancel()
            self._sweep = None
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_exception(PoolClosed())
        self._waiters.clear()
