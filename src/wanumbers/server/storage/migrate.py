"""Schema migrations, applied on start. Alembic is imported only when the schema is behind: the common
case (already at head) costs one query, which keeps cold start fast. A SQLite file store is asked with
sqlite3 alone (``sqlite_settled``), so a start on a store at head imports neither SQLAlchemy nor
Alembic (a third of a cold start)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

HEAD = "0014"
_SCRIPTS = Path(__file__).with_name("migrations")


_SETUP_LOCK = 0x77616E75  # "wanu": one PostgreSQL advisory lock id for start-up work


@contextmanager
def exclusive_setup(engine: Engine) -> Iterator[None]:
    """Let one process at a time run start-up work (migrations, first-run keys): several workers
    starting on a fresh PostgreSQL database would otherwise race to create the same tables and rows.
    SQLite serves a single process, so there it is a no-op."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({_SETUP_LOCK})")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_SETUP_LOCK})")
            connection.commit()


def sqlite_settled(path: Path, unsettled: tuple[str, ...] = ()) -> bool:
    """Whether the SQLite file at ``path`` is at HEAD with no start-up work left: no ``sim_settings``
    row named in ``unsettled`` (e.g. a key to move out of the store). Read-only; any doubt (no file, no
    schema, a locked or foreign file) answers False and leaves the decision to the full path."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None or row[0] != HEAD:
            return False
        marks = ", ".join("?" for _ in unsettled)
        found = (
            unsettled
            and connection.execute(f"SELECT 1 FROM sim_settings WHERE key IN ({marks})", unsettled).fetchone()
        )
        return not found
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def current_revision(engine: Engine) -> str | None:
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and current_revision(engine) == HEAD:
        return
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
