"""SQLite's write-ahead log is moved into the database by a thread of its own (storage/wal.py): the
log stays short however many commits go by, and no commit on the event loop does the moving."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from wanumbers.server.storage import wal
from wanumbers.server.storage.sql import SQL
from wanumbers.server.storage.sqlite import SqliteStore

_ROW = SQL("INSERT INTO t (v) VALUES (:v)")


async def _commit(store: SqliteStore, rows: int) -> None:
    for _ in range(rows):
        async with store.write() as transaction:
            await transaction.execute(_ROW, {"v": "x" * 3000})  # about one page a commit
            await transaction.commit()


def test_the_log_stays_short_however_many_commits_go_by(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    log = Path(f"{path}-wal")
    store = SqliteStore(str(path))

    async def main() -> tuple[float, int]:
        async with store.write() as transaction:
            await transaction.execute(SQL("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            await transaction.commit()
        await _commit(store, 40)  # before any checkpoint: what a commit adds to the log
        per_commit = log.stat().st_size / 41
        await _commit(store, 10 * wal.COMMITS_PER_CHECKPOINT)
        await asyncio.sleep(0.2)
        size = log.stat().st_size
        await store.close()
        return per_commit, size

    per_commit, size = asyncio.run(main())
    # A log never checkpointed holds every commit (1,041 here); SQLite's own checkpoints let it reach
    # 1,000 pages; ours keep it near two rounds of COMMITS_PER_CHECKPOINT.
    assert size < 3 * wal.COMMITS_PER_CHECKPOINT * per_commit, (size, per_commit)


def test_the_committing_connection_never_checkpoints(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "store.db"))

    async def setting() -> int:
        async with store.write() as transaction:
            value: int = await transaction.fetchval(SQL("PRAGMA wal_autocheckpoint"))
        await store.close()
        return value

    assert asyncio.run(setting()) == 0


def test_a_reader_holding_a_read_open_costs_the_writers_nothing(tmp_path: Path) -> None:
    # A checkpoint that took the write lock and waited for readers (RESTART) timed every writer out
    # behind a reader like this one (sqlite3 .backup, Litestream, another process).
    path = tmp_path / "store.db"
    store = SqliteStore(str(path))

    async def main() -> float:
        async with store.write() as transaction:
            await transaction.execute(SQL("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            await transaction.commit()
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()  # a read transaction, held open
        slowest = 0.0
        try:
            for _ in range(6 * wal.COMMITS_PER_CHECKPOINT):
                started = time.monotonic()
                await _commit(store, 1)
                slowest = max(slowest, time.monotonic() - started)
        finally:
            reader.execute("COMMIT")
            reader.close()
            await store.close()
        return slowest

    assert asyncio.run(main()) < 0.5
