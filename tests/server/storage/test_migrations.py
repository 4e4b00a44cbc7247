from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

from wanumbers.server.storage import migrate
from wanumbers.server.storage.models import Base


def test_head_constant_matches_the_newest_migration() -> None:
    from alembic.script import ScriptDirectory

    from wanumbers.server.storage.migrate import _config

    scripts = ScriptDirectory.from_config(_config(None))  # type: ignore[arg-type]
    assert scripts.get_current_head() == migrate.HEAD


def test_migrated_schema_has_every_model_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {table.name for table in Base.metadata.sorted_tables} <= tables
    assert migrate.current_revision(engine) == migrate.HEAD


def test_migrations_downgrade_to_nothing_and_back(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.HEAD


def test_schema_matches_the_models_after_migrating(engine: Engine) -> None:
    """Autogenerate finds nothing to do: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_fresh_sqlite_file_is_migrated_on_start(tmp_path: Path) -> None:
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings

    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'new.db'}"))
    assert migrate.current_revision(runtime.engine) == migrate.HEAD
    runtime.engine.dispose()
