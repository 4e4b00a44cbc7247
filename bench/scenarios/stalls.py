"""S9: stall isolation. While S1's load runs, a second session of the store holds a lock for
``stall_hold_s`` (10 s): PostgreSQL ``LOCK TABLE phone_numbers IN EXCLUSIVE MODE`` (reads go on,
writes wait), SQLite ``BEGIN IMMEDIATE`` (the write lock). Reported: the details reads' p99 meanwhile
(target ≤ 20 ms; the same load without the lock beside it) and how long the adds that need the lock
take to get their contract error (target ≤ 5 s, WA500).

The load starts once the lock is held and stops before it is released, so every request measured
ran beside the stall.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench import service
from bench.context import Context, Store
from bench.loadgen import LoadSpec, write_paths
from bench.model import LoadStats, ScenarioResult, Skip
from bench.scenarios.reads import _indexes

READS_P99_MS = 20.0
# An add started later might get the lock once it is released and succeed: not a stalled request.
_LAST_ADD_BEFORE_RELEASE_S = 3.0
STALLED_ANSWER_S = 5.0
TARGET = f"reads p99 ≤{READS_P99_MS:g} ms; stalled add answers WA500 ≤{STALLED_ANSWER_S:g} s"


@contextmanager
def _sqlite_write_lock(url: str) -> Iterator[None]:
    connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


@contextmanager
def _postgres_table_lock(url: str) -> Iterator[None]:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("LOCK TABLE phone_numbers IN EXCLUSIVE MODE")
        yield
        connection.rollback()


def _stalled_adds(store: Store, port: int, until: float) -> list[tuple[float, int, str]]:
    """Adds of fresh numbers, one after another, until ``until``: (seconds, status, Kaleyra code)."""
    t = store.tenant
    answers = []
    national = 7_300_000_000
    while time.monotonic() < until - _LAST_ADD_BEFORE_RELEASE_S:
        national += 1
        body = {"phone_number": str(national), "name": "Stall", "verification_type": "SMS"}
        body["country_code"] = "+91"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.monotonic()
        path = service.bsp_add_path(t.sid, t.waba_id)
        connection.request("POST", path, json.dumps(body), service.bsp_headers(t))
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.monotonic() - start
        connection.close()
        try:
            code = str(json.loads(payload).get("code", ""))
        except ValueError:
            code = ""
        answers.append((elapsed, response.status, code))
    return answers


def _measure(ctx: Context, kind: str) -> ScenarioResult:
    store = ctx.store(kind, ctx.config.store_size)
    server = ctx.server(store)
    sample = [store.details_path(i) for i in _indexes(store.size)]
    paths = write_paths(ctx.workdir / f"s9-{kind}.paths", sample)
    hold = _sqlite_write_lock if kind == "sqlite" else _postgres_table_lock
    hold_s = ctx.config.stall_hold_s
    load_s = hold_s - 2.0  # starts after the lock is taken, ends before it is released
    spec = LoadSpec(server.port, paths, service.bsp_headers(store.tenant), ctx.config.connections, load_s)
    calm = ctx.loadgen.run(spec)  # the same load without the stall, for comparison
    loaded: list[LoadStats] = []
    with hold(store.db.url):
        held_until = time.monotonic() + hold_s
        runner = threading.Thread(target=lambda: loaded.append(ctx.loadgen.run(spec)))
        runner.start()
        adds = _stalled_adds(store, server.port, held_until)
        runner.join(timeout=load_s + 30)
        time.sleep(max(0.0, held_until - time.monotonic()))
    if not loaded or not adds:
        raise Skip("the load or the stalled adds did not run")
    reads = loaded[0]
    slowest = max(seconds for seconds, _, _ in adds)
    contract_errors = sum(status == 500 and code == "WA500" for _, status, code in adds)
    result = ScenarioResult(
        key=f"s9-{kind}",
        title=f"S9 stall isolation, {store.db.label}: details reads beside a {hold_s:g} s lock",
        runs=[reads],
        rps=reads.rps,
        p50_ms=reads.p50_ms,
        p99_ms=reads.p99_ms,
        errors=reads.errors,
        metrics={
            "p99 ms without the lock": round(calm.p99_ms, 2),
            "stalled adds": len(adds),
            "answered WA500": contract_errors,
            "slowest stalled answer s": round(slowest, 2),
        },
        target=TARGET,
    )
    result.target_met = (
        reads.errors == 0
        and reads.p99_ms <= READS_P99_MS
        and contract_errors == len(adds)
        and slowest <= STALLED_ANSWER_S
    )
    return result


def s9(ctx: Context, _base: ScenarioResult) -> list[ScenarioResult]:
    results = []
    for kind in ("sqlite", "postgresql"):
        try:
            results.append(_measure(ctx, kind))
        except Skip as skip:
            title = f"S9 stall isolation, {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}"
            results.append(ScenarioResult.skipped(f"s9-{kind}", title, str(skip)))
    return results
