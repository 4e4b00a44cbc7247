"""Real server processes: kill -9 during a burst of adds loses no acknowledged add (SQLite file), and
two processes on one PostgreSQL settle 50 concurrent adds of one number as one success."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.support import fresh_phone, kaleyra_add_body
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

pytestmark = pytest.mark.slow
SERVE = [sys.executable, "-c", "from wanumbers.cli import main; main()", "serve"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(database_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    env = {**os.environ, "WANUMBERS_RATE_LIMIT": "0", "WANUMBERS_UNVERIFIED_NUMBER_CAP": "1000000"}
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--database-url", database_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "/v2/x/whatsapp/1/phone_number_details", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _burst(base: str, tenant: Tenant, stop: threading.Event, acked: dict[str, str]) -> None:
    with httpx.Client(base_url=base, timeout=5) as client:
        for _ in range(500):  # bounded
            if stop.is_set():
                return
            phone = fresh_phone()
            try:
                response = client.post(
                    tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone)
                )
            except httpx.TransportError:
                return
            if response.status_code == 200:
                acked["+91" + phone] = response.json()["data"]


ACKS_PER_ROUND = 10


def test_kill_9_during_a_burst_of_adds_loses_nothing_acknowledged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    rt = build_runtime(Settings(database_url=url))
    tenant = make_tenant(rt)
    sync(rt.close())
    acked: dict[str, str] = {}
    for _ in range(3):
        with serving(url) as (process, base):
            stop = threading.Event()
            threads = [threading.Thread(target=_burst, args=(base, tenant, stop, acked)) for _ in range(6)]
            before = len(acked)
            for thread in threads:
                thread.start()
            # Kill mid-burst once this round has acknowledged some adds (bounded: a busy machine
            # acknowledges more slowly, a fixed sleep would then prove too little).
            deadline = time.monotonic() + 30
            while len(acked) < before + ACKS_PER_ROUND and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(process.pid, signal.SIGKILL)
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
        _assert_intact(tmp_path / "crash.db", acked)
    assert len(acked) > 20, "the burst acknowledged too little to prove anything"
    print(f"crash loop: 3 rounds, {len(acked)} acknowledged adds, all present")


def _assert_intact(path: Path, acked: dict[str, str]) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = dict(db.execute("SELECT e164, CAST(id AS TEXT) FROM phone_numbers").fetchall())
        assert {e164: stored.get(e164) for e164 in acked} == acked
        # nothing half-applied: every number has its one code and its one delivery
        orphans = db.execute(
            "SELECT COUNT(*) FROM phone_numbers p"
            " WHERE (SELECT COUNT(*) FROM otp_codes o WHERE o.phone_number_id = p.id) != 1"
            " OR (SELECT COUNT(*) FROM outbox b WHERE b.phone_number_id = p.id) != 1"
        ).fetchone()
        assert orphans == (0,)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_processes_on_one_postgresql_give_one_add_of_a_number(
    database_url: str, runtime: Runtime
) -> None:
    tenant = make_tenant(runtime)
    phone = fresh_phone()
    with serving(database_url) as (_, first), serving(database_url) as (_, second):
        start = threading.Barrier(50)

        def add(index: int) -> httpx.Response:
            with httpx.Client(base_url=first if index % 2 else second, timeout=30) as client:
                start.wait()
                return client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone))

        with ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(add, range(50)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [400] * 49, [a.text for a in answers if a.status_code >= 500]
    refused = [a.json() for a in answers if a.status_code == 400]
    assert all(body["error"] == {"phone_number": "phone number already exists"} for body in refused)


def test_sqlite_with_several_workers_is_refused_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [*SERVE, "--workers", "2", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode != 0
    assert b"SQLite serves one worker process" in result.stderr
