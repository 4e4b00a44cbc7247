"""The in-process sandbox for users' test suites: the whole service on a fresh in-memory store, no
sockets, no subprocess.

    from wanumbers.testing import sandbox

    with sandbox() as sb:
        ...

Also a pytest plugin (registered through the ``pytest11`` entry point): request the ``wanumbers_sandbox``
fixture in a test to get a fresh sandbox per test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from wanumbers.server.services.runtime import Runtime


@dataclass
class Sandbox:
    """A running service in this process, with one account and WABA ready to use."""

    app: Starlette
    runtime: Runtime
    sid: str
    api_key: str
    waba_id: str

    def outbox(self, phone: str | None = None) -> list[Any]:
        from wanumbers.server.services import sim

        to = None if phone is None else "+" + phone.lstrip("+")
        return sim.outbox(self.runtime, to)

    def last_code(self, phone: str) -> str:
        """The newest OTP the emulator delivered to ``phone``."""
        deliveries = self.outbox(phone)
        if not deliveries:
            raise LookupError(f"no code was sent to {phone}")
        code: str = deliveries[0].code
        return code


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    from wanumbers.server.app import create_app
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.services import admin
    from wanumbers.server.settings import Settings

    settings = Settings(database_url="sqlite://")
    runtime = build_runtime(settings)
    try:
        account, api_key = admin.create_account(runtime, "sandbox")
        waba = admin.create_waba(runtime, account.sid)
        yield Sandbox(create_app(settings, runtime), runtime, account.sid, api_key, str(waba.id))
    finally:
        runtime.engine.dispose()


@pytest.fixture
def wanumbers_sandbox() -> Iterator[Sandbox]:
    """A fresh in-process wanumbers service for this test."""
    with sandbox() as sb:
        yield sb
