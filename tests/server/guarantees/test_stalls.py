"""Real stalls, each bounded in time: the stalled request gets its contract's server fault within its
bound (docs/guarantees.md, "Bounds"), requests that do not need what stalls are answered meanwhile, and
the next request recovers by itself.

"Meanwhile" is checked by order, not by timing: the other requests have their answers while the stalled
one is still waiting for its own.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from tests._processes import Server, start, wanumbers
from tests._sync import on_own_loop, sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.proxy import Proxy
from tests.server.guarantees.support import add_number, fresh_phone, kaleyra_add_body
from wanumbers.server.app import create_app
from wanumbers.server.services import urls
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

BOUND = 5.0  # seconds: every stalled request is answered within it
TRY_LATER = {
    "code": "WA500",
    "message": "Please try again later",
    "data": {},
    "error": {"error": "Internal server error"},
}


@contextmanager
def in_background(call: Callable[[], httpx.Response]) -> Iterator[Future[tuple[httpx.Response, float]]]:
    """``call`` in a thread; the future holds its answer and how long it took."""

    def timed() -> tuple[httpx.Response, float]:
        started = time.monotonic()
        answer = call()
        return answer, time.monotonic() - started

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(timed)
        time.sleep(0.3)  # let it reach the stall
        yield future


def assert_tried_later(future: Future[tuple[httpx.Response, float]]) -> None:
    answer, elapsed = future.result(timeout=BOUND + 5)
    assert (answer.status_code, answer.json()) == (500, TRY_LATER)
    assert elapsed < BOUND, elapsed


def _postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL session's lock")


@pytest.fixture
def server(database_url: str, runtime: Runtime, tmp_path: Path) -> Iterator[Server]:
    process = start(database_url, tmp_path / "server.log")
    yield process
    process.stop()


def _details(server: Server, tenant: Tenant, e164: str) -> httpx.Response:
    url = f"{server.url}/v2/{tenant.sid}/whatsapp/{e164.lstrip('+')}/phone_number_details"
    return httpx.get(url, headers={"api-key": tenant.api_key}, timeout=30)


def _add(server: Server, tenant: Tenant) -> httpx.Response:
    url = server.url + tenant.path("add")
    return httpx.post(url, headers=tenant.headers, json=kaleyra_add_body(fresh_phone()), timeout=30)


def _added(server: Server, tenant: Tenant) -> str:
    with httpx.Client(base_url=server.url) as client:
        return add_number(client, tenant)[1]  # type: ignore[arg-type]


@contextmanager
def _locked(database_url: str, statement: str) -> Iterator[None]:
    """Another PostgreSQL session holding a lock until the block ends."""
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        connection.execute(statement)
        try:
            yield
        finally:
            connection.rollback()


def test_a_locked_credentials_table_is_wa500_in_bounds_and_other_paths_answer(
    database_url: str, runtime: Runtime, server: Server
) -> None:
    _postgres_only(database_url)
    tenant = make_tenant(runtime)
    e164 = _added(server, tenant)
    with _locked(database_url, "LOCK TABLE credentials IN ACCESS EXCLUSIVE MODE"):
        with in_background(lambda: _details(server, tenant, e164)) as stalled:
            for _ in range(5):
                assert httpx.get(server.url + "/openapi.json", timeout=5).status_code == 200
            assert not stalled.done(), "the document waited for the lock"
        assert_tried_later(stalled)
    assert _details(server, tenant, e164).status_code == 200  # recovered, nothing restarted


def test_writes_blocked_by_a_table_lock_are_wa500_while_reads_go_on(
    database_url: str, runtime: Runtime, server: Server
) -> None:
    _postgres_only(database_url)
    tenant = make_tenant(runtime)
    e164 = _added(server, tenant)
    with _locked(database_url, "LOCK TABLE phone_numbers IN EXCLUSIVE MODE"):  # reads pass, writes wait
        with in_background(lambda: _add(server, tenant)) as stalled:
            for _ in range(5):
                assert _details(server, tenant, e164).status_code == 200
            assert not stalled.done(), "the reads waited behind the blocked write"
        assert_tried_later(stalled)
    assert _add(server, tenant).status_code == 200


def test_a_sqlite_writer_holding_the_lock_is_wa500_for_writes_while_reads_go_on(
    database_url: str, runtime: Runtime, server: Server
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    tenant = make_tenant(runtime)
    e164 = _added(server, tenant)
    other = sqlite3.connect(database_url.split(":///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with in_background(lambda: _add(server, tenant)) as stalled:
            for _ in range(5):
                assert _details(server, tenant, e164).status_code == 200
            assert not stalled.done(), "the reads waited behind the writer"
        assert_tried_later(stalled)
    finally:
        other.rollback()
        other.close()
    assert _add(server, tenant).status_code == 200


def test_a_postgresql_that_stops_answering_is_wa500_in_bounds_and_recovers(
    database_url: str, tmp_path: Path
) -> None:
    _postgres_only(database_url)
    parts = urlsplit(database_url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    url = database_url.replace(parts.netloc, f"{parts.username}@127.0.0.1:{proxy.port}")
    from wanumbers.server.bootstrap import build_runtime

    rt = build_runtime(Settings(database_url=url))
    tenant = make_tenant(rt)
    sync(rt.close())
    server = start(url, tmp_path / "server.log")
    try:
        e164 = _added(server, tenant)
        for _ in range(3):  # the pool holds live connections now
            assert _details(server, tenant, e164).status_code == 200
        proxy.stall()
        with in_background(lambda: _details(server, tenant, e164)) as stalled:
            for _ in range(3):
                assert httpx.get(server.url + "/openapi.json", timeout=5).status_code == 200
            assert not stalled.done()
        assert_tried_later(stalled)
        proxy.restore()
        answers = [_details(server, tenant, e164).status_code for _ in range(3)]
        assert answers[-1] == 200, answers  # a stalled connection is thrown away, not reused
    finally:
        server.stop()
        proxy.close()


def test_a_slow_resolver_costs_only_the_request_that_asked(
    app_client: Any, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``incoming_url`` whose host takes 6 s to resolve: refused after the 2 s DNS bound; another
    tenant's reads are answered meanwhile."""
    monkeypatch.setattr(urls, "_lookup", lambda host, port: time.sleep(6) or ["93.184.216.34"])
    slow, reader = make_tenant(runtime, "Slow", api_version="v1"), make_tenant(runtime)
    slow_number = add_number(app_client, slow)[1]
    read_number = add_number(app_client, reader)[1]
    app = create_app(Settings(database_url="sqlite://"), runtime=runtime)

    async def scenario() -> tuple[httpx.Response, float, list[int], bool]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            started = time.monotonic()
            update = asyncio.create_task(
                client.put(
                    slow.path("update"),
                    headers=slow.headers,
                    json={"phone_number": slow_number, "incoming_url": "https://slow.example/in"},
                )
            )
            await asyncio.sleep(0.1)
            path = f"/v2/{reader.sid}/whatsapp/{read_number.lstrip('+')}/phone_number_details"
            reads = [
                (await client.get(path, headers={"api-key": reader.api_key})).status_code for _ in range(5)
            ]
            pending = not update.done()
            answer = await update
            return answer, time.monotonic() - started, reads, pending

    answer, elapsed, reads, pending = asyncio.run(on_own_loop(runtime, scenario()))
    assert reads == [200] * 5 and pending, "reads waited for the resolver"
    assert answer.status_code == 400
    assert answer.json()["message"] == "incoming_url host did not resolve within 2 s"
    assert elapsed < BOUND


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Server, Server, str, dict[str, str], str, str]]:
    """A BSP in live mode in front of a second server playing Graph (tests/server/upstream)."""
    graph_db = f"sqlite:///{tmp_path / 'graph.db'}"
    bsp_db = f"sqlite:///{tmp_path / 'bsp.db'}"

    def cli(*args: str) -> dict[str, str]:
        result = wanumbers(*args, "--json")
        assert result.returncode == 0, result.stderr
        data: dict[str, str] = json.loads(result.stdout)
        return data

    meta = cli("accounts", "create", "--name", "Meta", "--database-url", graph_db)
    waba = cli("wabas", "create", "--sid", meta["sid"], "--database-url", graph_db)["waba_id"]
    token = cli("tokens", "create", "--sid", meta["sid"], "--database-url", graph_db)["access_token"]
    tenant = cli("accounts", "create", "--name", "Tenant", "--database-url", bsp_db)
    cli("wabas", "create", "--sid", tenant["sid"], "--waba-id", waba, "--database-url", bsp_db)
    graph = start(graph_db, tmp_path / "graph.log")
    bsp = start(
        bsp_db,
        tmp_path / "bsp.log",
        ["--upstream", "graph", "--graph-base-url", graph.url, "--graph-token", token],
    )
    yield graph, bsp, graph_db, tenant, waba, token
    bsp.stop()
    graph.stop()


def test_a_slow_graph_is_wa500_in_bounds_and_a_retry_adopts_what_graph_created(
    live: tuple[Server, Server, str, dict[str, str], str, str],
) -> None:
    graph, bsp, graph_db, tenant, waba, token = live
    account = Tenant(tenant["sid"], tenant["api_key"], int(waba))
    armed = wanumbers(
        "sim", "faults", "add", "--route", "graph.create_number", "--mode", "delay",
        "--delay-ms", "6000", "--database-url", graph_db,
    )  # fmt: skip
    assert armed.returncode == 0, armed.stderr
    phone = fresh_phone()

    def add() -> httpx.Response:
        url = bsp.url + account.path("add")
        return httpx.post(url, headers=account.headers, json=kaleyra_add_body(phone), timeout=30)

    with in_background(add) as stalled:
        # Another request of the same worker meanwhile: answered at once (no lock held across Graph).
        other = httpx.get(bsp.url + "/openapi.json", timeout=5)
        assert other.status_code == 200 and not stalled.done()
    assert_tried_later(stalled)
    time.sleep(6.5 - BOUND + 1)  # Graph finishes creating the number the BSP gave up on
    again = add()
    assert again.status_code == 200, again.text  # adopted, not "phone number already exists"
    with httpx.Client(base_url=graph.url) as client:
        listed = client.get(f"/v23.0/{waba}/phone_numbers", params={"access_token": token})
    assert any(item["id"] == again.json()["data"] for item in listed.json()["data"])


def test_the_request_deadline_bounds_a_use_case_whatever_it_waits_on(
    app_client: Any, runtime: Runtime, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each wait has its own bound; the deadline bounds their sum (4.5 s), so a use case that waits on
    several things in turn still answers within 5 s."""

    async def endless(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(60)

    monkeypatch.setattr(runtime.upstream, "onboard", endless)
    started = time.monotonic()
    answer = app_client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(fresh_phone()))
    assert (answer.status_code, answer.json()) == (500, TRY_LATER)
    assert time.monotonic() - started < BOUND
