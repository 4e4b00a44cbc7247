"""Statements written once, run by either driver.

Every statement is a module-level ``SQL`` constant in a repository, written in SQLite's ``:name`` style.
PostgreSQL (asyncpg) takes ``$1…$n`` placeholders: the translation is done once, when the module is
imported, so no request pays for building or compiling SQL (with SQLAlchemy Core it was ~70 µs of a
~90 µs statement; docs/architecture.md, "I/O model").

Values cross the two drivers the same way: datetimes are aware UTC (SQLite keeps them as text in the
format SQLAlchemy's migrations and earlier versions wrote, so old stores read the same), JSON columns
travel as text, booleans come back as 0/1 from SQLite and are read through ``bool()``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class SQL:
    """One statement: its SQLite text, its PostgreSQL text and the order of its named parameters."""

    __slots__ = ("names", "postgres", "sqlite")

    def __init__(self, text: str, *, lock: bool | str = False) -> None:
        """``lock``: append ``FOR UPDATE`` (or the locking clause given) on PostgreSQL (SQLite's write
        transaction already holds the whole database)."""
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        self.sqlite = " ".join(text.split())
        postgres = _PARAM.sub(number, self.sqlite)
        clause = lock if isinstance(lock, str) else "FOR UPDATE"
        self.postgres = f"{postgres} {clause}" if lock else postgres
        self.names = tuple(names)

    def __repr__(self) -> str:
        return f"SQL({self.sqlite!r})"


class Row(Protocol):
    """A result row, read by column name, position or slice (``sqlite3.Row`` and ``asyncpg.Record``
    both are). Mappers of joined rows read by position: joined tables repeat column names."""

    def __getitem__(self, key: Any, /) -> Any: ...


Params = Mapping[str, Any]
# Called with each statement's text before it runs: the seam fault-injection tests use (docs/guarantees.md).
StatementHook = Callable[[str], None]
# Statement texts at DEBUG, for an operator tracing what the store runs. Never parameters: they carry
# digests, codes and personal data.
statement_log = logging.getLogger("wanumbers.sql")


class Session(Protocol):
    """One connection of a unit of work. Every call is bounded (docs/guarantees.md, "Bounds")."""

    dialect: str

    async def fetch(self, sql: SQL, params: Params | None = None) -> Sequence[Row]: ...

    async def fetchrow(self, sql: SQL, params: Params | None = None) -> Row | None: ...

    async def fetchval(self, sql: SQL, params: Params | None = None) -> Any: ...

    async def execute(self, sql: SQL, params: Params | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: SQL, rows: Sequence[Params]) -> None: ...


# --- values ------------------------------------------------------------------------------------------

_SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f"
_SQLITE_TIMESTAMP_LENGTH = len("2026-12-01 10:00:00.000000")


def sqlite_timestamp(moment: datetime) -> str:
    """How SQLite stores a timestamp: UTC wall time as text, sortable as text."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(_SQLITE_TIMESTAMP)


def timestamp(value: datetime | str) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands back text, PostgreSQL datetimes)."""
    if isinstance(value, str):
        if len(value) == _SQLITE_TIMESTAMP_LENGTH and value[10] == " " and value[20:].isdigit():
            # ``sqlite_timestamp``'s own shape, UTC wall time without an offset: parsed with the offset
            # appended, 0.1 µs against 0.9 for ``replace(tzinfo=UTC)`` after (two per row a page maps)
            return datetime.fromisoformat(value + "+00:00")
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def maybe_timestamp(value: datetime | str | None) -> datetime | None:
    return None if value is None else timestamp(value)


def to_json(value: Any) -> str:
    return orjson.dumps(value).decode()


def from_json(value: str | bytes | None) -> Any:
    return None if value is None else orjson.loads(value)
