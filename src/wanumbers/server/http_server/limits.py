"""The bounds every connection lives within, their defaults, and the open-file budget they must fit."""

from __future__ import annotations

import sys
from dataclasses import dataclass

MAX_HEADER_BYTES = 16 * 1024  # request line + header fields; Node's default, 8x what a Graph client sends
HEADER_TIMEOUT = 10.0  # seconds from accept (or a keep-alive connection's first byte) to the end of the head
BODY_TIMEOUT = 30.0  # seconds for the whole body, from the end of the head
KEEP_ALIVE = 5.0  # seconds an idle keep-alive connection is kept (uvicorn's default)
SHUTDOWN_TIMEOUT = 10.0  # seconds in-flight requests get after SIGTERM
CONNECTIONS_CEILING = 1000  # the default cap never exceeds this, whatever the open-file limit
# File descriptors kept free for the store (SQLite keeps 3 per connection and one connection per thread;
# PostgreSQL one per pooled connection), logs and the listening socket: the cap is at most half the limit.
OPEN_FILES_PER_CONNECTION = 2
RAISED_OPEN_FILES = 65536  # the soft limit is raised towards the hard one, up to this


class LimitsError(ValueError):
    """A bound that cannot hold on this machine; the message says which and what to do."""


@dataclass(frozen=True)
class Limits:
    max_header_bytes: int = MAX_HEADER_BYTES
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    keep_alive: float = KEEP_ALIVE
    max_connections: int = CONNECTIONS_CEILING
    shutdown_timeout: float = SHUTDOWN_TIMEOUT

    @property
    def sweep_interval(self) -> float:
        """How often deadlines are checked: a timeout fires at most a quarter of the shortest one late."""
        return max(0.05, min(0.5, self.header_timeout / 4, self.body_timeout / 4, self.keep_alive / 4))


def open_files_limit() -> int:
    """The soft open-file limit, raised towards the hard one first (as Go's runtime does), so a default
    ``ulimit -n 1024`` does not cap a server that may hold more. Windows has no such limit to read."""
    if sys.platform == "win32":
        return RAISED_OPEN_FILES
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = RAISED_OPEN_FILES if hard == resource.RLIM_INFINITY else min(hard, RAISED_OPEN_FILES)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass  # not allowed here: keep the soft limit we have
    return RAISED_OPEN_FILES if soft == resource.RLIM_INFINITY else soft


def connection_budget(open_files: int) -> int:
    return max(1, open_files // OPEN_FILES_PER_CONNECTION)


def resolve_max_connections(requested: int | None, open_files: int) -> int:
    """The cap: ``requested`` if the open-file limit leaves room for it, else an error; by default half
    the limit, at most 1,000 (so accept() never fails with EMFILE while the store still needs files)."""
    budget = connection_budget(open_files)
    if requested is None:
        return min(CONNECTIONS_CEILING, budget)
    if requested > budget:
        raise LimitsError(
            f"--max-connections {requested} needs more open files than this process may have "
            f"(limit {open_files}; at most {budget} connections fit): lower it or raise `ulimit -n`"
        )
    return requested
