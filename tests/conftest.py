"""Fixtures shared by every test: a fresh store per test on SQLite AND PostgreSQL.

PostgreSQL comes from ``WANUMBERS_TEST_POSTGRES_URL`` (default: the local server). Each xdist worker gets
its own database, migrated once; tests start from truncated tables. SQLite tests copy a migrated
template file, which is much faster than migrating per test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from tests._sync import sync
from tests.server.surfaces.graph.schema_check import SchemaCheck, spec_path
from wanumbers.server.app import Service, create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine
from wanumbers.server.storage.models import Base

# PostgreSQL stores need an OTP key outside the database (server/otp_keys.py): the suite has its own,
# which every Settings built in a test and every child process (tests/_processes.clean_env) picks up.
# SQLite stores built without it would make a key file beside the database; tests/server/test_otp_keys.py
# covers that path with the variable removed.
os.environ["WANUMBERS_OTP_KEY"] = "test-suite-otp-key-" + os.urandom(16).hex()
os.environ.pop("WANUMBERS_OTP_KEY_FILE", None)
os.environ.pop("WANUMBERS_OTP_KEY_PREVIOUS", None)
POSTGRES_URL = os.environ.get("WANUMBERS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this worker's own on the PostgreSQL server, migrated once."""
    # The pid keeps concurrent runs (several developers, or CI beside a dev run) out of each other's way.
    name = f"wanumbers_test_{_worker()}_{os.getpid()}"
    admin_url = POSTGRES_URL.rsplit("/", 1)[0] + "/postgres"
    admin_engine = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin_engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin_engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated, empty store: every storage test runs once per backend."""
    if request.param == "sqlite":
        path = tmp_path / "wanumbers.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    rt = build_runtime(Settings(database_url=database_url))
    yield rt
    sync(rt.close())


@pytest.fixture
def app_client(runtime: Runtime, database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), runtime=runtime)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


@dataclass
class Tenant:
    sid: str
    api_key: str
    waba_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"api-key": self.api_key, "Content-Type": "application/json"}

    def path(self, action: str, waba_id: int | str | None = None) -> str:
        return f"/v2/{self.sid}/whatsapp/{self.waba_id if waba_id is None else waba_id}/number/{action}"


def make_tenant(runtime: Runtime, name: str = "Acme", api_version: str = "v2") -> Tenant:
    account, api_key = sync(admin.create_account(runtime, name))
    waba = sync(admin.create_waba(runtime, account.sid, api_version))
    return Tenant(account.sid, api_key, waba.id)


@pytest.fixture
def tenant(runtime: Runtime) -> Tenant:
    return make_tenant(runtime)


@pytest.fixture
def other_tenant(runtime: Runtime) -> Tenant:
    return make_tenant(runtime, "Rival")


@pytest.fixture(autouse=True)
def graph_schema_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[SchemaCheck]:
    """Every Graph answer of the test is validated against Meta's OpenAPI schemas (see
    tests/server/surfaces/graph/schema_check.py); one that does not validate fails the test."""
    check = SchemaCheck()
    original = Service.__call__

    async def checked(app: Service, scope: Scope, receive: Receive, send: Send) -> None:
        await check.observe(original, app, scope, receive, send)

    monkeypatch.setattr(Service, "__call__", checked)
    yield check
    if check.failures:
        pytest.fail("Graph answers that do not match Meta's OpenAPI schemas:\n" + "\n".join(check.failures))


def pytest_report_header() -> str:
    path = spec_path()
    return f"Meta OpenAPI: {path}" if path else "Meta OpenAPI: not found, Graph answers are not validated"
