"""What the console's HTTP tests share: a served app (the console on, as with the emulator), an admin
token, a loopback webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.server.events.receiver import ScriptedReceiver
from wanumbers.server.app import create_app
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings


@pytest.fixture
def client(runtime: Runtime, database_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=database_url), runtime=runtime)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def admin_token(runtime: Runtime) -> str:
    return sync(admin.create_admin_token(runtime))


@pytest.fixture
def hook() -> Iterator[ScriptedReceiver]:
    receiver = ScriptedReceiver().start()
    yield receiver
    receiver.stop()
