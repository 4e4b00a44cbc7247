"""The PostgreSQL connection pool (storage/pg_pool.py) against the real server: reuse, its size bound,
the checkout bound, recovery from a broken connection, and no connection lost to a cancelled wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from tests.server.storage.postgres_support import backend_alive
from wanumbers.server.storage.bounds import StoreTimeout
from wanumbers.server.storage.pg_pool import ConnectionPool, PoolClosed


def _connector(url: str) -> Callable[[], Awaitable[asyncpg.Connection]]:
    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(url, timeout=5)

    return connect


def _run(url: str, body: Callable[[Callable[..., ConnectionPool]], Awaitable[None]]) -> None:
    async def main() -> None:
        pools: list[ConnectionPool] = []

        def make(max_size: int = 2, checkout: float = 1.0, idle_lifetime: float = 60.0) -> ConnectionPool:
            pool = ConnectionPool(
                _connector(url), max_size=max_size, checkout=checkout, idle_lifetime=idle_lifetime
            )
            pools.append(pool)
            return pool

        try:
            await asyncio.wait_for(body(make), 30)
        finally:
            for pool in pools:
                pool.terminate()

    asyncio.run(main())


async def _backend(connection: asyncpg.Connection) -> int:
    pid: int = await connection.fetchval("SELECT pg_backend_pid()")
    return pid


def test_a_returned_connection_is_reused_and_no_more_than_max_size_open(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=3)
        first = await pool.acquire()
        pid = await _backend(first)
        pool.release(first)
        again = await pool.acquire()
        assert await _backend(again) == pid
        pool.release(again)

        seen: set[int] = set()
        largest = 0

        async def use() -> None:
            nonlocal largest
            connection = await pool.acquire()
            largest = max(largest, pool.size)
            try:
                seen.add(await _backend(connection))
                await connection.execute("SELECT pg_sleep(0.01)")
            finally:
                pool.release(connection)

        await asyncio.gather(*(use() for _ in range(30)))
        assert largest <= 3 and len(seen) <= 3
        assert pool.size == pool.idle <= 3

    _run(postgres_url, body)


def test_a_checkout_waits_for_a_return_and_gives_up_at_its_bound(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1, checkout=0.3)
        held = await pool.acquire()
        pid = await _backend(held)

        waiting = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        assert not waiting.done()
        pool.release(held)
        handed = await waiting
        assert await _backend(handed) == pid  # the returned one, not a new one

        started = time.monotonic()
        with pytest.raises(StoreTimeout):
            await pool.acquire()  # the only connection is still out
        assert 0.25 <= time.monotonic() - started < 1.0
        pool.release(handed)
        assert await _backend(await pool.acquire()) == pid  # the timed-out wait left nothing behind

    _run(postgres_url, body)


def test_a_broken_connection_leaves_the_pool_and_the_next_checkout_opens_another(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1)
        broken = await pool.acquire()
        pid = await _backend(broken)
        broken.terminate()
        pool.release(broken)
        assert pool.size == 0
        fresh = await pool.acquire()
        assert await _backend(fresh) != pid

    _run(postgres_url, body)


def test_a_connection_returned_inside_a_transaction_is_not_reused(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1)
        connection = await pool.acquire()
        pid = await _backend(connection)
        await connection.execute("BEGIN")
        pool.release(connection)
        fresh = await pool.acquire()
        assert await _backend(fresh) != pid
        assert not fresh.is_in_transaction()

    _run(postgres_url, body)


def test_a_wait_cancelled_as_a_connection_is_handed_over_does_not_lose_it(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1)
        held = await pool.acquire()
        pid = await _backend(held)
        waiting = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        pool.release(held)  # handed to the waiter, which has not run yet...
        waiting.cancel()  # ...and is cancelled before it does
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert pool.idle == 1
        assert await _backend(await pool.acquire()) == pid

    _run(postgres_url, body)


def test_idle_connections_close_after_their_lifetime(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=2, idle_lifetime=0.2)
        connection = await pool.acquire()
        pid = await _backend(connection)
        pool.release(connection)
        await asyncio.sleep(0.6)
        assert (pool.size, pool.idle) == (0, 0)
        assert not await backend_alive(postgres_url, pid)
        assert await _backend(await pool.acquire()) != pid  # and the pool opens another when asked

    _run(postgres_url, body)


def test_close_ends_idle_connections_and_busy_ones_on_return(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=2)
        idle, busy = await pool.acquire(), await pool.acquire()
        idle_pid, busy_pid = await _backend(idle), await _backend(busy)
        pool.release(idle)
        await pool.close(timeout=2)
        assert idle.is_closed() and not busy.is_closed()
        with pytest.raises(PoolClosed):
            await pool.acquire()
        pool.release(busy)
        assert busy.is_closed()
        await asyncio.sleep(0.1)
        assert not await backend_alive(postgres_url, idle_pid)
        assert not await backend_alive(postgres_url, busy_pid)

    _run(postgres_url, body)


def test_opening_a_connection_for_a_waiter_counts_against_its_checkout_bound(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1, checkout=0.5)
        held = await pool.acquire()
        real_connect = pool._connect

        async def slow_connect() -> asyncpg.Connection:
            await asyncio.sleep(0.45)
            return await real_connect()

        pool._connect = slow_connect
        started = time.monotonic()
        waiting = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.2)
        held.terminate()
        pool.release(held)  # frees the slot: the waiter opens a connection, which takes 0.45 s
        with pytest.raises(StoreTimeout):
            await waiting
        assert time.monotonic() - started < 0.75  # the bound, not the bound plus the connect
        assert pool.size == 0

    _run(postgres_url, body)


def test_a_freed_slot_goes_to_the_oldest_waiter_not_a_newcomer(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1, checkout=1.0)
        held = await pool.acquire()
        first = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        served: list[asyncpg.Connection] = []

        async def first_done() -> None:
            served.append(await first)
            pool.release(served[0])

        releasing = asyncio.ensure_future(first_done())
        held.terminate()
        pool.release(held)  # frees the slot for the waiter...
        mine = await pool.acquire()  # ...which a newcomer asking at once must not take
        await releasing
        assert served and mine is served[0]

    _run(postgres_url, body)


def test_terminate_refuses_the_waiters_at_once(postgres_url: str) -> None:
    async def body(make: Callable[..., ConnectionPool]) -> None:
        pool = make(max_size=1, checkout=5.0)
        await pool.acquire()
        waiting = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.05)
        started = time.monotonic()
        pool.terminate()
        with pytest.raises(PoolClosed):
            await waiting
        assert time.monotonic() - started < 0.5

    _run(postgres_url, body)


class _Unanswering:
    """A connection whose server went quiet: a graceful close never finishes."""

    def __init__(self) -> None:
        self.cut = False

    def is_closed(self) -> bool:
        return self.cut

    def is_in_transaction(self) -> bool:
        return False

    async def close(self) -> None:
        await asyncio.sleep(3600)

    def terminate(self) -> None:
        self.cut = True


def test_close_is_bounded_as_a_whole_and_cuts_what_did_not_close() -> None:
    async def main() -> None:
        async def unused() -> asyncpg.Connection:
            raise AssertionError("no connection is opened")

        pool = ConnectionPool(unused, max_size=5, checkout=1.0, idle_lifetime=60.0)
        quiet = [_Unanswering() for _ in range(5)]
        for connection in quiet:
            pool.release(connection)  # type: ignore[arg-type]
        started = time.monotonic()
        await pool.close(timeout=0.3)
        assert time.monotonic() - started < 0.6  # once the bound, not once per connection
        assert all(connection.cut for connection in quiet)

    asyncio.run(main())
