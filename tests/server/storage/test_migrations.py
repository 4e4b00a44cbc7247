from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from tests._sync import sync
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine
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

    url = f"sqlite:///{tmp_path / 'new.db'}"
    runtime = build_runtime(Settings(database_url=url))
    sync(runtime.close())
    engine = make_engine(url)
    assert migrate.current_revision(engine) == migrate.HEAD
    engine.dispose()


def test_workers_starting_together_on_a_fresh_postgresql_database_all_come_up(postgres_url: str) -> None:
    """Regression: workers migrating one empty database at once raced on ``alembic_version``."""
    import hashlib
    import subprocess
    import sys

    from sqlalchemy import create_engine, text

    server, _, _ = postgres_url.rpartition("/")
    fresh = f"wanumbers_fresh_{os.getpid()}"
    admin = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{fresh}"'))
    worker = (
        "import hashlib, sys\n"
        "from wanumbers.server.bootstrap import build_runtime\n"
        "from wanumbers.server.settings import Settings\n"
        "runtime = build_runtime(Settings(database_url=sys.argv[1]))\n"
        "print(hashlib.sha256(runtime.otp_key).hexdigest())\n"
    )
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", worker, f"{server}/{fresh}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        results = [process.communicate(timeout=60) for process in workers]
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        admin.dispose()
    assert [process.returncode for process in workers] == [0] * 4, [err[-500:] for _, err in results]
    keys = {out.strip() for out, _ in results}
    assert len(keys) == 1, "every worker checks codes with the same OTP key"
    assert hashlib.sha256(b"").hexdigest() not in keys


def test_0013_forgets_the_profile_signing_key_the_store_kept(engine: Engine) -> None:
    """A dump of the store alone must not give the callback profiles' secrets (issue 13)."""
    migrate.downgrade(engine, "0012")
    with engine.begin() as connection:
        legacy = text("INSERT INTO sim_settings (key, value) VALUES ('callback_signing_key', :v)")
        connection.execute(legacy, {"v": "ab" * 32})
    migrate.upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT key FROM sim_settings")).scalars().all()
        columns = {column["name"] for column in inspect(connection).get_columns("callback_profiles")}
    assert "callback_signing_key" not in keys
    assert "secret_generation" in columns
