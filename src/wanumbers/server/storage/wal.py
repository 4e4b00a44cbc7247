"""SQLite's write-ahead log moved into the database file by a thread of its own, never by a commit.

Left to itself, SQLite checkpoints inside the COMMIT that finds the log past 1,000 pages: on the event
loop, with an fsync of the database file. An add writes ~18 pages (its number's row and 17 indexes), so
every ~50th add stalled the loop, and every request on it, for the checkpoint: 2,000 adds on the bench's
store took 315 µs of wall time each against 219 µs without (CPU the same). The service's writer turns
that off (``PRAGMA wal_autocheckpoint=0``) and, every ``COMMITS_PER_CHECKPOINT`` commits, hands a
RESTART checkpoint to this thread, and the store's next writer awaits it (``settled``) before it
begins, as SQLite's own writer would have waited, but with the loop free: reads go on meanwhile. Under
a steady stream of commits a checkpoint running beside the writer is never done when the next writer
begins, so the log is never restarted and grows without bound (the first version of this did, in its
test). Other processes on the file (the CLI) keep SQLite's default.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor

from wanumbers.server.storage.bounds import DEFAULT_BOUNDS

log = logging.getLogger("wanumbers")
COMMITS_PER_CHECKPOINT = 50  # ~900 pages of adds: about where SQLite's own default (1,000 pages) would start


class Checkpointer:
    def __init__(self, path: str) -> None:
        self._path = path
        self._commits = 0
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._connection: sqlite3.Connection | None = None  # the checkpoint thread's own

    def committed(self) -> None:
        """Count a commit; every ``COMMITS_PER_CHECKPOINT``, start a checkpoint unless one still runs."""
        self._commits += 1
        if self._commits < COMMITS_PER_CHECKPOINT or (self._pending is not None and not self._pending.done()):
            return
        self._commits = 0
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="wanumbers-wal")
        self._pending = self._executor.submit(self._checkpoint)

    async def settled(self, deadline: float) -> None:
        """Wait (on the loop, not blocking it) for a checkpoint under way, up to ``deadline``
        (``time.monotonic()``); past it the writer goes ahead and the checkpoint waits its turn."""
        pending = self._pending
        if pending is None or pending.done():
            return
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                await asyncio.shield(asyncio.wrap_future(pending))
        except TimeoutError:
            log.warning("a SQLite checkpoint outlasted the lock bound; the writer went ahead")

    def _checkpoint(self) -> None:
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                # This thread may wait for the writer's transaction to end: up to the lock bound.
                self._connection.execute(f"PRAGMA busy_timeout={int(DEFAULT_BOUNDS.lock * 1000)}")
            self._connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
        except sqlite3.Error as error:  # the next one tries again; until then the log just grows
            log.warning("SQLite checkpoint failed: %s", error)

    def close(self) -> None:
        """Wait for a checkpoint under way (milliseconds), then let the thread go."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
