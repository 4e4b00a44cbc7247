"""The SDK against the service itself, two ways: the in-process sandbox and a real ``wanumbers serve``
process on a loopback port. Every test here runs against both (``target``) and with both client
flavours (``flavour``), so one scenario proves the sync and async clients on both transports."""

from __future__ import annotations

import importlib.util
import inspect
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests._processes import Server, start
from tests._sync import sync
from wanumbers._sandbox.control import ControlPlane
from wanumbers.client import AsyncCloudAPI, AsyncKaleyra, CloudAPI, Kaleyra
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.surfaces.sim.catalog import contract_routes
from wanumbers.testing import Credentials, Sandbox, _new_account, sandbox

HAS_GRAPH = importlib.util.find_spec("wanumbers.server.surfaces.graph.routes") is not None
needs_graph = pytest.mark.skipif(not HAS_GRAPH, reason="the Graph surface has not landed yet")


async def resolve(value: Any) -> Any:
    """The value a sync call returned, or what an async call's coroutine gives."""
    return await value if inspect.isawaitable(value) else value


async def collect(items: Any) -> list[Any]:
    """A list from an iterator or an async iterator."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def fresh_phone() -> str:
    """National digits of an Indian mobile number no other test uses (the server is shared)."""
    return "98" + "".join(random.choices("0123456789", k=8))


@dataclass
class Target:
    """Where the SDK points: base URL, transports (in-process only), credentials, control plane."""

    name: str
    base_url: str
    credentials: Credentials
    sim: ControlPlane
    runtime: Runtime
    sandbox: Sandbox | None = None

    def client_options(self, flavour: str) -> dict[str, Any]:
        if self.sandbox is None:
            return {}
        transport = self.sandbox.transport if flavour == "sync" else self.sandbox.async_transport
        return {"transport": transport}

    def kaleyra(self, flavour: str, credentials: Credentials | None = None, **options: Any) -> Any:
        creds = credentials or self.credentials
        cls = Kaleyra if flavour == "sync" else AsyncKaleyra
        return cls(
            creds.sid, creds.api_key, base_url=self.base_url, **self.client_options(flavour), **options
        )

    def cloud(self, flavour: str, credentials: Credentials | None = None, **options: Any) -> Any:
        creds = credentials or self.credentials
        cls = CloudAPI if flavour == "sync" else AsyncCloudAPI
        return cls(
            creds.access_token,
            waba_id=creds.waba_id,
            base_url=self.base_url,
            **self.client_options(flavour),
            **options,
        )

    def new_account(self, name: str = "other") -> Credentials:
        return _new_account(self.runtime, name, "v2")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Runtime]]:
    """One real server per test worker, on a SQLite file this process also opens for the control plane."""
    folder = tmp_path_factory.mktemp("server")
    url = f"sqlite:///{folder / 'wanumbers.db'}"
    runtime = build_runtime(Settings(database_url=url))  # migrates before the server starts
    process = start(url, folder / "server.log")
    yield process, runtime
    process.stop()
    sync(runtime.close())


def _server_target(server: tuple[Server, Runtime]) -> Target:
    process, runtime = server
    routes = contract_routes(create_app(Settings(database_url="sqlite://"), runtime).routes)
    control = ControlPlane(runtime, lambda: routes)
    control.clear_faults()
    return Target("server", process.url, _new_account(runtime, "sdk", "v2"), control, runtime)


@pytest.fixture(params=["sandbox", "server"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "server":
        target = _server_target(request.getfixturevalue("server"))
        yield target
        target.sim.clear_faults()
        return
    with sandbox() as sb:
        yield Target("sandbox", sb.base_url, sb.credentials, sb.sim, sb.runtime, sb)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    param: str = request.param
    return param


@pytest.fixture
async def kaleyra(target: Target, flavour: str, sleeps: Any, anyio_backend: str) -> AsyncIterator[Any]:
    """The target's Kaleyra client; retries sleep on a fake clock so backoff costs no time."""
    sleep = sleeps if flavour == "sync" else sleeps.async_sleep
    client = target.kaleyra(flavour, sleep=sleep)
    yield client
    await resolve(client.close())


@pytest.fixture
async def cloud(target: Target, flavour: str, sleeps: Any, anyio_backend: str) -> AsyncIterator[Any]:
    if not HAS_GRAPH:
        pytest.skip("the Graph surface has not landed yet")
    sleep = sleeps if flavour == "sync" else sleeps.async_sleep
    client = target.cloud(flavour, sleep=sleep)
    yield client
    await resolve(client.close())
