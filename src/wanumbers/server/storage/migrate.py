"""Schema migrations, applied on start. Alembic is imported only when the schema is behind: the common
case (already at head) costs one query, which keeps cold start fast."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text

HEAD = "0013"
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


def current_revision(engine: Engine) -> str | None:
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
