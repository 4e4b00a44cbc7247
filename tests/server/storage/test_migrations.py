from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, insert, inspect, text

from tests._sync import sync
from wanumbers.server.storage import migrate, models
from wanumbers.server.storage.engine import make_engine
from wanumbers.server.storage.models import Base

WHEN = datetime(2025, 1, 1, tzinfo=UTC)


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


def _number_row(number_id: int, waba_id: int) -> dict[str, Any]:
    """A phone_numbers row as 0012 had it: no account_id."""
    return {
        "id": number_id,
        "waba_id": waba_id,
        "e164": f"+9170000{number_id:05d}",
        "country_code": "IN",
        "dial_code": "91",
        "verified_name": "Shop",
        "state": "CONNECTED",
        "name_status": "APPROVED",
        "quality": "GREEN",
        "throughput": "STANDARD",
        "tier": "TIER_1K",
        "account_mode": "LIVE",
        "sip_enabled": False,
        "sip_server_configured": False,
        "is_official_business_account": False,
        "verification_failures": 0,
        "websites": [],
        "enable_welcome_message": False,
        "prompts": [],
        "commands": [],
        "created_at": WHEN,
    }


def _account_row(account_id: int) -> dict[str, Any]:
    return {
        "id": account_id,
        "sid": f"sid{account_id}",
        "name": f"Account {account_id}",
        "pod": "IN",
        "business_id": account_id,
        "app_id": account_id,
        "business_restricted": False,
        "created_at": WHEN,
    }


def test_upgrading_from_0012_gives_each_number_its_wabas_account(engine: Engine) -> None:
    migrate.downgrade(engine, "0012")
    assert "account_id" not in {column["name"] for column in inspect(engine).get_columns("phone_numbers")}
    # two accounts; the first with two WABAs
    wabas = {501: 1, 502: 1, 503: 2}
    numbers = {i: 501 + i % 3 for i in range(1, 31)}
    with engine.begin() as connection:
        connection.execute(insert(models.accounts), [_account_row(1), _account_row(2)])
        connection.execute(
            insert(models.wabas),
            [
                {
                    "id": waba,
                    "account_id": account,
                    "api_version": "v2",
                    "restricted": False,
                    "created_at": WHEN,
                }
                for waba, account in wabas.items()
            ],
        )
        old = Table("phone_numbers", MetaData(), autoload_with=connection)  # the table as 0012 left it
        connection.execute(insert(old), [_number_row(number, waba) for number, waba in numbers.items()])
    migrate.upgrade(engine)
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, account_id FROM phone_numbers")).all())
    assert stored == {number: wabas[waba] for number, waba in numbers.items()}
    column = next(c for c in inspect(engine).get_columns("phone_numbers") if c["name"] == "account_id")
    assert column["nullable"] is False
    (key,) = [
        fk for fk in inspect(engine).get_foreign_keys("phone_numbers") if fk["referred_table"] == "accounts"
    ]
    assert key["constrained_columns"] == ["account_id"] and key["options"].get("ondelete") == "CASCADE"
    indexes = {index["name"] for index in inspect(engine).get_indexes("events")}
    assert "ix_events_phone_number_id_id" in indexes
