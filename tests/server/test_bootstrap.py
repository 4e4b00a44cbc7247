"""Start-up: a SQLite store with nothing left to do starts without the start-up machinery (SQLAlchemy,
Alembic) or the drivers and clients it does not use, which is most of a cold start (bench S5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from wanumbers.server import otp_keys
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine

# prometheus-client stays: it picks its (multiprocess) mode when imported, so it is imported at start,
# before any environment a later caller sets (a test running ``serve`` in-process once left one behind).
HEAVY = ("sqlalchemy", "alembic", "asyncpg", "httpx", "jinja2")
START = """
import json, sys
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.settings import Settings
settings = Settings(database_url=sys.argv[1])
create_app(settings, runtime=build_runtime(settings))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in sys.argv[2:])))
"""


def started_with(url: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", START, url, *HEAVY], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(done.stdout)
    return sorted({name.split(".")[0] for name in loaded})


def test_a_settled_sqlite_store_starts_without_the_start_up_machinery(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    assert "sqlalchemy" in started_with(url)  # the first start makes and migrates the store
    assert started_with(url) == []


def test_a_store_behind_head_is_migrated_on_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0012")
    assert not migrate.sqlite_settled(tmp_path / "w.db")
    started_with(url)
    assert migrate.current_revision(engine) == migrate.HEAD
    assert migrate.sqlite_settled(tmp_path / "w.db")
    engine.dispose()


def test_a_key_left_in_the_store_takes_the_full_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO sim_settings (key, value) VALUES (:k, 'legacy')"), {"k": otp_keys.LEGACY_ROW}
        )
    engine.dispose()
    assert migrate.sqlite_settled(tmp_path / "w.db")
    assert not migrate.sqlite_settled(tmp_path / "w.db", (otp_keys.LEGACY_ROW,))


def test_what_is_not_a_settled_store(tmp_path: Path) -> None:
    assert not migrate.sqlite_settled(tmp_path / "missing.db")
    (tmp_path / "not-sqlite.db").write_text("hello")
    assert not migrate.sqlite_settled(tmp_path / "not-sqlite.db")
    make_engine(f"sqlite:///{tmp_path / 'empty.db'}").dispose()
    assert not migrate.sqlite_settled(tmp_path / "empty.db")
    assert not (tmp_path / "missing.db").exists()  # asking made nothing
