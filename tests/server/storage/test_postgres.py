"""Which PostgreSQL connections go back to the pool: a unit of work that ends in an error raised between
statements (a refusal: "already exists", a lock wait past its bound) keeps its connection; one whose
statement was cut off mid-flight (a deadline, a cancelled request) loses it: its state is unknown."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from tests.server.storage.postgres_support import backend_alive
from wanumbers.server.storage.postgres import PostgresStore
from wanumbers.server.storage.sql import SQL

_PID = SQL("SELECT pg_backend_pid()")
_TEMP = SQL("SELECT to_regclass('pg_temp.scratch') IS NOT NULL")


class Refused(Exception):
    """What a domain refusal looks like to the store: an exception from the code inside the unit of work."""


def _run(url: str, body: Callable[[PostgresStore], Awaitable[None]]) -> None:
    async def main() -> None:
        store = PostgresStore(url)
        try:
            await body(store)
        finally:
            await store.close()

    asyncio.run(main())


async def _pid(store: PostgresStore) -> int:
    async with store.read() as session:
        pid: int = await session.fetchval(_PID)
    return pid


def test_a_refused_write_is_rolled_back_and_keeps_its_connection(
    postgres_url: str,
) -> None:
    async def body(store: PostgresStore) -> None:
        before = await _pid(store)
        with pytest.raises(Refused):
            async with store.write() as session:
                await session.execute(SQL("CREATE TEMP TABLE scratch (x integer)"))
                raise Refused
        assert await _pid(store) == before
        async with store.read() as session:
            assert await session.fetchval(_TEMP) is False  # the transaction was rolled back

    _run(postgres_url, body)


def test_a_read_refused_between_statements_keeps_its_connection(postgres_url: str) -> None:
    async def body(store: PostgresStore) -> None:
        before = await _pid(store)
        with pytest.raises(Refused):
            async with store.read() as session:
                await session.fetchval(_PID)
                raise Refused
        assert await _pid(store) == before

    _run(postgres_url, body)


def test_a_write_the_server_refused_keeps_its_connection(postgres_url: str) -> None:
    async def body(store: PostgresStore) -> None:
        before = await _pid(store)
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with store.write() as session:
                await session.fetchval(SQL("SELECT 1 / 0"))
        assert await _pid(store) == before

    _run(postgres_url, body)


@pytest.mark.parametrize("kind", ["read", "write"])
def test_a_statement_cut_off_in_flight_ends_its_connection(postgres_url: str, kind: str) -> None:
    async def body(store: PostgresStore) -> None:
        before = await _pid(store)
        with pytest.raises(TimeoutError):
            async with store.read() if kind == "read" else store.write() as session:
                async with asyncio.timeout(0.2):
                    await session.fetchval(SQL("SELECT pg_sleep(5)"))
        after = await _pid(store)
        assert after != before
        for _ in range(50):  # terminate() closes the socket; the server notices within moments
            if not await backend_alive(postgres_url, before):
                break
            await asyncio.sleep(0.1)
        assert not await backend_alive(postgres_url, before)

    _run(postgres_url, body)
