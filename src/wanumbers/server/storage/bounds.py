"""How long the store may make a request wait, at each step. One place for every bound, so the docs
(docs/guarantees.md, "Bounds") and the drivers cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    """The store could not serve the request: the surfaces answer their contract's server fault.
    Each one is counted (``wanumbers_store_errors_total{kind}`` on /metrics)."""

    kind = "error"

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        from wanumbers.server import metrics

        metrics.store_error(self.kind)


class StoreTimeout(StoreError):
    """A bound was exceeded (connect, pool checkout, lock wait or statement)."""

    kind = "timeout"


class StoreUnavailable(StoreError):
    """The store refused or dropped the connection."""

    kind = "unavailable"


@dataclass(frozen=True, slots=True)
class StoreBounds:
    """Seconds. Together they stay under the 5 s in which a stalled request must be answered."""

    connect: float = 2.0  # opening a PostgreSQL connection
    checkout: float = 2.0  # waiting for a pooled connection
    lock: float = 2.0  # waiting for a lock: SQLite's write lock, PostgreSQL's lock_timeout
    statement: float = 3.0  # one statement, from sent to answered
    idle_in_transaction: float = 10.0  # PostgreSQL ends a session left idle inside a transaction

    def __post_init__(self) -> None:
        for name in ("connect", "checkout", "lock", "statement", "idle_in_transaction"):
            if getattr(self, name) <= 0:
                raise ValueError(f"store bound {name} must be positive")


DEFAULT_BOUNDS = StoreBounds()
