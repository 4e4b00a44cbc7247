"""Database faults: an error at any statement of a write path, or PostgreSQL going away, gives a clean
WA500 "Please try again later" within 5 s, writes nothing (no OTP for a rolled-back change), and the
same running app recovers once the database is back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.proxy import Proxy
from tests.server.guarantees.support import GUARD_TABLES, add_number, dump, fresh_phone, kaleyra_add_body
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage.bounds import StoreUnavailable

TRY_LATER = {
    "code": "WA500",
    "message": "Please try again later",
    "data": {},
    "error": {"error": "Internal server error"},
}


class StatementFault:
    """Counts the store's statements and fails the ``fail_at``-th one, as a lost database would."""

    def __init__(self, runtime: Runtime) -> None:
        self.count, self.fail_at = 0, 0
        self._store = runtime.store
        self._store.before_statement = self._before

    def _before(self, sql: str) -> None:
        self.count += 1
        if self.count == self.fail_at:
            raise StoreUnavailable("injected: server closed the connection unexpectedly")

    def arm(self, fail_at: int) -> None:
        self.count, self.fail_at = 0, fail_at

    def remove(self) -> None:
        self._store.before_statement = None


@pytest.fixture
def quiet_client(database_url: str, runtime: Runtime) -> Iterator[TestClient]:
    """The app without the rate limiter, so every request runs the same statements."""
    with TestClient(
        create_app(Settings(database_url=database_url, rate_limit="0"), runtime=runtime)
    ) as client:
        yield client


def _statements(fault: StatementFault, send: Callable[[], httpx.Response]) -> int:
    fault.arm(0)
    response = send()
    assert response.status_code == 200, response.text
    return fault.count


def _fails_cleanly_at_every_statement(
    runtime: Runtime,
    engine: Engine,
    send: Callable[[], httpx.Response],
    rehearse: Callable[[], httpx.Response],
) -> int:
    fault = StatementFault(runtime)
    try:
        total = _statements(fault, rehearse)
        for index in range(1, total + 1):
            before = dump(engine, GUARD_TABLES)
            fault.arm(index)
            started = time.monotonic()
            response = send()
            assert time.monotonic() - started < 5
            assert (response.status_code, response.json()) == (500, TRY_LATER), (index, response.text)
            assert dump(engine, GUARD_TABLES) == before, f"partial write at statement {index}"
        fault.arm(0)
        assert send().status_code == 200  # recovered, same app, no restart
    finally:
        fault.remove()
    return total


def test_add_fails_cleanly_at_every_statement(
    quiet_client: TestClient, runtime: Runtime, engine: Engine, tenant: Tenant
) -> None:
    phone = fresh_phone()

    def add(number: str) -> Callable[[], httpx.Response]:
        return lambda: quiet_client.post(
            tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(number)
        )

    assert _fails_cleanly_at_every_statement(runtime, engine, add(phone), add(fresh_phone())) >= 5
    assert len(sync(sim.outbox(runtime, "+91" + phone))) == 1  # only the committed add sent an OTP


def test_verify_fails_cleanly_at_every_statement(
    quiet_client: TestClient, runtime: Runtime, engine: Engine, tenant: Tenant
) -> None:
    def verify(number: tuple[str, str]) -> Callable[[], httpx.Response]:
        body = {
            "id": int(number[0]),
            "phone_number": number[1],
            "otp": sync(sim.outbox(runtime, number[1]))[0].code,
        }
        return lambda: quiet_client.post(tenant.path("verify"), headers=tenant.headers, json=body)

    target, scratch = add_number(quiet_client, tenant), add_number(quiet_client, tenant)
    assert _fails_cleanly_at_every_statement(runtime, engine, verify(target), verify(scratch)) >= 5


def test_update_fails_cleanly_at_every_statement(
    quiet_client: TestClient, runtime: Runtime, engine: Engine
) -> None:
    tenant = make_tenant(runtime, "V1", api_version="v1")
    _, e164 = add_number(quiet_client, tenant)
    body = {"phone_number": e164, "about": "Open 9-5", "category": "SHOPPING_RETAIL", "email": "a@b.co"}

    def update() -> httpx.Response:
        return quiet_client.put(tenant.path("update"), headers=tenant.headers, json=body)

    def other_update() -> httpx.Response:
        return quiet_client.put(
            tenant.path("update"), headers=tenant.headers, json={**body, "about": "Closed"}
        )

    assert _fails_cleanly_at_every_statement(runtime, engine, update, other_update) >= 4


class TableFault:
    """Fails every statement that names ``table``, as a store that cannot serve those rows would."""

    def __init__(self, runtime: Runtime, table: str) -> None:
        self.hits = 0

        def fail(sql: str) -> None:
            if table in sql:
                self.hits += 1
                raise StoreUnavailable(f"injected: {table} unreadable")

        self._store = runtime.store
        self._store.before_statement = fail

    def remove(self) -> None:
        self._store.before_statement = None


@pytest.fixture
def guarded_client(database_url: str, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(
        create_app(Settings(database_url=database_url, rate_limit="50/100"), runtime=runtime)
    ) as client:
        yield client


def test_an_idempotency_claim_failing_is_a_clean_wa500(
    guarded_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    fault = TableFault(runtime, "idempotency_keys")
    try:
        headers = {**tenant.headers, "Idempotency-Key": "k"}
        phone = fresh_phone()
        response = guarded_client.post(tenant.path("add"), headers=headers, json=kaleyra_add_body(phone))
        assert (response.status_code, response.json()) == (500, TRY_LATER)
        assert fault.hits >= 1
    finally:
        fault.remove()
    assert sync(sim.outbox(runtime, "+91" + phone)) == []  # the add never ran


def test_a_rate_limit_store_failure_lets_the_worker_decide_alone(
    guarded_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    """The shared bucket out of reach is no reason to refuse or stall a request: the worker applies the
    limit on its own until the store answers again (services/ratelimit.py)."""
    fault = TableFault(runtime, "rate_limit_buckets")
    try:
        response = guarded_client.post(
            tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(fresh_phone())
        )
        assert response.status_code == 200, response.text
        assert fault.hits >= 1
    finally:
        fault.remove()


@pytest.fixture
def proxied(database_url: str) -> Iterator[tuple[Proxy, TestClient, Runtime]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL going away: SQLite is a file in the process")
    parts = urlsplit(database_url)
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    url = database_url.replace(parts.netloc, f"{parts.username}@127.0.0.1:{proxy.port}")
    rt = build_runtime(Settings(database_url=url))
    with TestClient(create_app(Settings(database_url=url), runtime=rt)) as client:
        yield proxy, client, rt
    sync(rt.close())
    proxy.close()


@pytest.mark.parametrize("mode", ["refuse", "hang"])
def test_postgresql_going_away_is_a_clean_wa500_within_5s_and_recovers(
    proxied: tuple[Proxy, TestClient, Runtime], mode: str
) -> None:
    proxy, client, rt = proxied
    tenant = make_tenant(rt)
    add_number(client, tenant)  # the pool holds live connections now
    proxy.cut(mode)
    phone = fresh_phone()
    # The first request meets a dead pooled connection; the next ones must open a new one (refused at
    # once, or timed out by connect_timeout=3 s when the server hangs).
    for _ in range(3):
        started = time.monotonic()
        response = client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone))
        elapsed = time.monotonic() - started
        assert (response.status_code, response.json()) == (500, TRY_LATER)
        assert elapsed < 5, elapsed
        print(f"{mode}: WA500 after {elapsed:.2f}s")
    proxy.restore()
    answers = [
        client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone))
        for _ in range(2)
    ]
    assert answers[0].status_code == 200, answers[0].text  # the first request after recovery succeeds
    assert answers[1].json()["error"] == {"phone_number": "phone number already exists"}
    assert len(sync(sim.outbox(rt, "+91" + phone))) == 1
