"""SQLite's write-ahead log moved into the database file by a thread of its own, never by a commit.

Left to itself, SQLite checkpoints inside the COMMIT that finds the log past 1,000 pages: on the event
loop, with an fsync of the database file. An add writes ~18 pages (its number's row and 17 indexes), so
every ~50th add stalled the loop, and every request on it, for the checkpoint: 2,000 adds on the bench's
store took 315 µs of wall time each against 219 µs without (CPU the same). Every store of ours (the
service's, the CLI's) turns that off on its writer (``PRAGMA wal_autocheckpoint=0``) and, every
``COMMITS_PER_CHECKPOINT`` commits, hands a PASSIVE checkpoint to this thread; its next writer awaits
it (``settled``, at most ``SETTLE_WAIT``) before it begins, as it would have waited inside SQLite, but
with the loop free: reads go on meanwhile.

- PASSIVE takes no lock anyone waits for, so a reader that keeps a read open (``sqlite3 .backup``,
  Litestream, another process) costs nothing but a log that cannot be restarted until it lets go, as
  with SQLite's own checkpoints. (RESTART, tried first, holds the write lock while it waits for such a
  reader: every writer timed out behind it.)
- The writer waits because a checkpoint running beside a steady stream of commits is never done when
  the next one begins, and then the log is never restarted and grows without bound (the first version
  of this did, in its test).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger("wanumbers")
COMMITS_PER_CHECKPOINT = 50  # ~900 pages of adds: about where SQLite's own default (1,000 pages) would start
SETTLE_WAIT = 0.5  # seconds a writer waits for a checkpoint under way, at most; then it goes ahead


class Checkpointer:
    def __init__(self, path: str) -> None:
        self._path = path
        self._commits = 0
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._connection: sqlite3.Connection | None = None  # the checkpoint thread's own
        self._closed = False

    def committed(self) -> None:
        """Count a commit; every ``COMMITS_PER_CHECKPOINT``, start a checkpoint unless one still runs."""
        self._commits += 1
        running = self._pending is not None and not self._pending.done()
        if self._closed or running or self._commits < COMMITS_PER_CHECKPOINT:
            return
        self._commits = 0
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="wanumbers-wal")
        self._pending = self._executor.submit(self._checkpoint)

    async def settled(self, deadline: float) -> None:
        """Wait (on the loop, not blocking it) for a checkpoint under way: at most ``SETTLE_WAIT``,
        and never past ``deadline`` (``time.monotonic()``, the writer's lock bound); then the writer
        goes ahead beside it."""
        pending = self._pending
        if pending is None or pending.done():
            return
        try:
            async with asyncio.timeout(max(0.0, min(SETTLE_WAIT, deadline - time.monotonic()))):
                await asyncio.shield(asyncio.wrap_future(pending))
        except TimeoutError:
            log.warning("a SQLite checkpoint outlasted %s s; the writer went ahead beside it", SETTLE_WAIT)

    def _checkpoint(self) -> None:
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
                self._connection.execute("PRAGMA busy_timeout=0")
            self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # the next one tries again; until then the log just grows
            log.warning("SQLite checkpoint failed: %s", error)

    def close(self) -> None:
        """Wait for a checkpoint under way (a PASSIVE one waits for no lock: the time of its copy and
        fsync, milliseconds), then let the thread go."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
