"""The databases a run owns: a SQLite file in the run's temp dir, or ``wanumbers_bench`` on
the local PostgreSQL (created at the start, dropped at the end)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["sqlite", "postgresql"]


@dataclass(frozen=True)
class Database:
    kind: Kind
    url: str  # exactly what `wanumbers --database-url` is given

    @property
    def label(self) -> str:
        return "SQLite" if self.kind == "sqlite" else "PostgreSQL"


def sqlite_database(directory: Path, name: str) -> Database:
    return Database("sqlite", f"sqlite:///{directory / name}.db")


def _replace_dbname(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def postgres_unavailable(admin_url: str) -> str | None:
    """Why PostgreSQL cannot be used, or ``None`` if it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {admin_url} does not answer: {exc}".strip()


def create_postgres(admin_url: str, name: str) -> Database:
    """(Re)create the dedicated database; FORCE drops a leftover from an interrupted run."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database("postgresql", _replace_dbname(admin_url, name))


def drop_postgres(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
