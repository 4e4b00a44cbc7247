"""Per-statement cost of the I/O models considered for the store (docs/architecture.md, "I/O model").

    python -m bench.io_model [--rows 100000] [--statements 20000] [--postgres URL]

Each model runs the same primary-key SELECT on a table of ``--rows`` rows, ``--statements`` times, from
coroutines on one event loop (32 at once, as the HTTP benchmarks load the server), and reports the
microseconds of this process's CPU and of wall time per statement. Pin it to one core
(``taskset -c 0``) for figures comparable with the HTTP benchmarks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

CONCURRENCY = 32
SELECT_SQLITE = "SELECT id, name, state FROM items WHERE id = ?"
SELECT_PG = "SELECT id, name, state FROM items WHERE id = $1"

Query = Callable[[int], Awaitable[Any]]


def _sqlite_file(rows: int) -> str:
    path = os.path.join(tempfile.mkdtemp(), "io.db")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, state TEXT)")
    db.executemany("INSERT INTO items VALUES (?, ?, ?)", ((i, f"n{i}", "CONNECTED") for i in range(rows)))
    db.commit()
    db.close()
    return path


async def _measure(query: Query, rows: int, statements: int) -> tuple[float, float]:
    ids = [random.randrange(rows) for _ in range(statements)]
    chunks = [ids[i::CONCURRENCY] for i in range(CONCURRENCY)]

    async def worker(chunk: list[int]) -> None:
        for item in chunk:
            await query(item)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(chunk) for chunk in chunks))
    return (
        (time.process_time() - cpu) / statements * 1e6,
        (time.perf_counter() - wall) / statements * 1e6,
    )


async def sqlite_models(path: str) -> tuple[dict[str, Query], list[Callable[[], Awaitable[None]]]]:
    from sqlalchemy import create_engine, text

    try:
        import aiosqlite
    except ImportError:  # not among the bench extras any more: its row is left out
        aiosqlite = None

    inline = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    pool = ThreadPoolExecutor(4)
    loop = asyncio.get_running_loop()
    aio = await aiosqlite.connect(path) if aiosqlite is not None else None
    engine = create_engine(f"sqlite:///{path}")
    core = text("SELECT id, name, state FROM items WHERE id = :id")

    async def run_inline(item: int) -> Any:
        return inline.execute(SELECT_SQLITE, (item,)).fetchone()

    async def run_threaded(item: int) -> Any:
        return await loop.run_in_executor(pool, lambda: inline.execute(SELECT_SQLITE, (item,)).fetchone())

    async def run_aiosqlite(item: int) -> Any:
        assert aio is not None
        async with aio.execute(SELECT_SQLITE, (item,)) as cursor:
            return await cursor.fetchone()

    async def run_sqlalchemy(item: int) -> Any:
        with engine.connect() as conn:
            return conn.execute(core, {"id": item}).first()

    models = {
        "sqlite3 inline on the loop": run_inline,
        "sqlite3 in a thread pool": run_threaded,
        "SQLAlchemy Core (sync, on the loop)": run_sqlalchemy,
    }
    if aio is None:
        return models, []
    return {**models, "aiosqlite": run_aiosqlite}, [aio.close]


async def postgres_models(url: str, rows: int) -> dict[str, Query]:
    import asyncpg
    from sqlalchemy import text

    try:
        import psycopg_pool
    except ImportError:  # not among the bench extras any more: its row is left out
        psycopg_pool = None
    try:
        from sqlalchemy.ext.asyncio import create_async_engine
    except ImportError:  # needs greenlet, not among the bench extras any more: its row is left out
        create_async_engine = None

    setup = await asyncpg.connect(url)
    await setup.execute("DROP TABLE IF EXISTS items")
    await setup.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, state TEXT)")
    await setup.copy_records_to_table(
        "items", records=[(i, f"n{i}", "CONNECTED") for i in range(rows)], columns=["id", "name", "state"]
    )
    await setup.execute("ANALYZE items")
    await setup.close()
    from wanumbers.server.storage.pg_pool import ConnectionPool

    apool = await asyncpg.create_pool(url, min_size=10, max_size=10)
    ours = ConnectionPool(lambda: asyncpg.connect(url), max_size=10, checkout=5.0, idle_lifetime=60.0)
    ppool = None
    if psycopg_pool is not None:
        ppool = psycopg_pool.AsyncConnectionPool(url, min_size=10, max_size=10, open=False)
        await ppool.open()
    engine = None
    if create_async_engine is not None:
        engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://"), pool_size=10)
    core = text("SELECT id, name, state FROM items WHERE id = :id")

    async def run_asyncpg(item: int) -> Any:
        async with apool.acquire() as conn:
            return await conn.fetchrow(SELECT_PG, item)

    async def run_asyncpg_bounded(item: int) -> Any:
        # As the service used it until 2026-12-03: a checkout bound makes asyncpg run the checkout
        # under wait_for (a task), and a return runs under shield (another).
        conn = await apool.acquire(timeout=5.0)
        try:
            return await conn.fetchrow(SELECT_PG, item, timeout=5.0)
        finally:
            await apool.release(conn, timeout=5.0)

    async def run_pg_pool(item: int) -> Any:
        conn = await ours.acquire()
        try:
            return await conn.fetchrow(SELECT_PG, item, timeout=5.0)
        finally:
            ours.release(conn)

    async def run_psycopg(item: int) -> Any:
        assert ppool is not None
        async with ppool.connection() as conn:
            cursor = await conn.execute(
                "SELECT id, name, state FROM items WHERE id = %s", (item,), prepare=True
            )
            return await cursor.fetchone()

    async def run_sqlalchemy(item: int) -> Any:
        assert engine is not None
        async with engine.connect() as conn:
            return (await conn.execute(core, {"id": item})).first()

    models: dict[str, Query] = {
        "asyncpg (pool, prepared)": run_asyncpg,
        "asyncpg (pool with checkout bound)": run_asyncpg_bounded,
        "asyncpg (wanumbers' pg_pool, bounded)": run_pg_pool,
    }
    if engine is not None:
        models["SQLAlchemy asyncio over asyncpg"] = run_sqlalchemy
    if ppool is not None:
        models["psycopg 3 async (pool, prepared)"] = run_psycopg
    return models


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=20_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    models, closers = await sqlite_models(_sqlite_file(args.rows))
    if not args.no_postgres:
        models.update(await postgres_models(args.postgres, args.rows))
    print(f"{'model':40} {'CPU µs/stmt':>12} {'wall µs/stmt':>13}")
    for name, query in models.items():
        await _measure(query, args.rows, 500)  # warm-up: caches, prepared statements
        cpu, wall = await _measure(query, args.rows, args.statements)
        print(f"{name:40} {cpu:12.1f} {wall:13.1f}", flush=True)
    for close in closers:
        await close()


if __name__ == "__main__":
    asyncio.run(main())
