"""Server time per console number page (with its timeline) on a store of many events.

    python -m bench.console_timeline [--events 1000000] [--numbers 10000] [--requests 15]
                                     [--postgres URL] [--quick]

Seeds ``--numbers`` numbers (``bench.seed``) and ``--events`` webhook events straight into the
``events`` table, a delivery for every fourth: one busy number holds 2% of the events, spread through
the whole table; a quiet one holds 60, the oldest; the others share the rest. Then times whole requests
to the console's number page in this process (httpx's ASGI transport: the server's own time: session,
the number, its health, the timeline's statements and rendering) for: the busy number's first page, a
page in the middle of its events, the quiet number, and a number with no event.

Twice, in one run: the store as migrated, then with ``events (phone_number_id, id)`` (the index the
timeline's statement walks; migration 0014 adds it), created here when the store lacks it. The table
gives each median, the slowest and the ratio of the two medians. Each URL is asked ``--requests``
times after one warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import seed
from bench.databases import Database, create_postgres, drop_postgres, sqlite_database

BUSY, QUIET, NONE = 0, 1, 2  # seeded numbers' indexes: many events, 60 old ones, none
QUIET_EVENTS = 60
INDEX = "ix_bench_events_phone_number_id_id"
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_TIERS = ("TIER_1K", "TIER_10K", "TIER_100K")


def owner(i: int, events: int, numbers: int) -> int:
    """The seeded number whose event ``i`` is (events ascend with ``i``, as ids do)."""
    if i < QUIET_EVENTS:
        return QUIET
    if i % 50 == 0:
        return BUSY
    return 3 + i % max(numbers - 3, 1)


def event_rows(waba_id: int, events: int, numbers: int) -> Iterator[tuple[Any, ...]]:
    """(id, waba_id, phone_number_id, field, value, time, created_at) for every event."""
    for i in range(events):
        value = {"display_phone_number": "917000000000", "event": "UPGRADE", "old_limit": "TIER_250"}
        value["current_limit"] = _TIERS[i % 3]
        at = _EPOCH + timedelta(seconds=i)
        number = seed.number_id(owner(i, events, numbers))
        yield (
            i + 1,
            waba_id,
            number,
            "phone_number_quality_update",
            json.dumps(value),
            int(at.timestamp()),
            at,
        )


def delivery_rows(events: int) -> Iterator[tuple[Any, ...]]:
    """A delivered Meta webhook for every fourth event."""
    for i in range(0, events, 4):
        at = _EPOCH + timedelta(seconds=i)
        yield (i // 4 + 1, i + 1, "meta", f"n{i} http://127.0.0.1:9/hook", "POST", "http://127.0.0.1:9/hook",
               "[]", b"{}", "delivered", 1, at, at, at, 200, at)  # fmt: skip


_EVENT_COLUMNS = "id, waba_id, phone_number_id, field, value, time, created_at"
_DELIVERY_COLUMNS = """id, event_id, producer, order_key, method, url, headers, body, status, attempts,
    next_attempt_at, first_attempt_at, delivered_at, last_status, created_at"""


def seed_events(db: Database, waba_id: int, events: int, numbers: int) -> float:
    started = time.perf_counter()
    if db.kind == "postgresql":
        import psycopg

        with psycopg.connect(db.url) as conn, conn.cursor() as cur:
            with cur.copy(f"COPY events ({_EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in event_rows(waba_id, events, numbers):
                    copy.write_row(row)
            with cur.copy(f"COPY deliveries ({' '.join(_DELIVERY_COLUMNS.split())}) FROM STDIN") as copy:
                for row in delivery_rows(events):
                    copy.write_row(row)
        with psycopg.connect(db.url, autocommit=True) as conn:
            conn.execute("ANALYZE events")
            conn.execute("ANALYZE deliveries")
    else:
        from wanumbers.server.storage.sql import sqlite_timestamp

        def text(row: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(sqlite_timestamp(v) if isinstance(v, datetime) else v for v in row)

        with sqlite3.connect(db.url.removeprefix("sqlite:///")) as conn:
            conn.executemany(
                f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (text(row) for row in event_rows(waba_id, events, numbers)),
            )
            conn.executemany(
                f"INSERT INTO deliveries ({_DELIVERY_COLUMNS}) VALUES ({', '.join('?' * 15)})",
                (text(row) for row in delivery_rows(events)),
            )
            conn.execute("ANALYZE")
    return time.perf_counter() - started


def has_index(db: Database) -> bool:
    """Whether some index of ``events`` starts with (phone_number_id, id) (migration 0014's, or ours)."""
    if db.kind == "postgresql":
        import psycopg

        with psycopg.connect(db.url) as conn:
            found = conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'events'").fetchall()
        return any("(phone_number_id, id" in str(row[0]) for row in found)
    with sqlite3.connect(db.url.removeprefix("sqlite:///")) as conn:
        names = [row[1] for row in conn.execute("PRAGMA index_list('events')")]
        for name in names:
            columns = [row[2] for row in conn.execute(f"PRAGMA index_info('{name}')")]
            if columns[:2] == ["phone_number_id", "id"]:
                return True
    return False


def add_index(db: Database) -> None:
    statement = f"CREATE INDEX {INDEX} ON events (phone_number_id, id)"
    if db.kind == "postgresql":
        import psycopg

        with psycopg.connect(db.url, autocommit=True) as conn:
            conn.execute(statement)
            conn.execute("ANALYZE events")
        return
    with sqlite3.connect(db.url.removeprefix("sqlite:///")) as conn:
        conn.execute(statement)
        conn.execute("ANALYZE")


async def _setup(db: Database, events: int, numbers: int) -> str:
    """Seed the store; the admin token to sign in with."""
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.services import admin
    from wanumbers.server.settings import Settings

    rt = build_runtime(Settings(database_url=db.url))
    account, _ = await admin.create_account(rt, "Bench")
    waba = await admin.create_waba(rt, account.sid)
    token = await admin.create_admin_token(rt)
    await rt.close()
    seconds = seed.seed_numbers(db, waba.id, numbers)
    seconds += seed_events(db, waba.id, events, numbers)
    print(f"seeded {numbers:,} numbers and {events:,} events into {db.label} in {seconds:.1f} s", flush=True)
    return token


def urls(events: int) -> list[tuple[str, str]]:
    from wanumbers.server.domain.timeline import Cursor
    from wanumbers.server.surfaces.console.pages import encode_older

    middle = (events // 2) // 50 * 50 + 1  # an event id of the busy number's, halfway through the table
    return [
        (f"busy number ({events // 50:,} events): first page", f"/console/numbers/{seed.number_id(BUSY)}"),
        (
            "busy number: a page halfway down",
            f"/console/numbers/{seed.number_id(BUSY)}?older={encode_older(Cursor(middle))}",
        ),
        (f"quiet number ({QUIET_EVENTS} events, the oldest)", f"/console/numbers/{seed.number_id(QUIET)}"),
        ("a number with no event", f"/console/numbers/{seed.number_id(NONE)}"),
    ]


async def _measure(
    db: Database, token: str, pages: list[tuple[str, str]], requests: int
) -> list[list[float]]:
    import httpx

    from wanumbers.server.app import create_app
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings

    settings = Settings(database_url=db.url)
    rt = build_runtime(settings)
    app = create_app(settings, runtime=rt)
    timings: list[list[float]] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        form = await client.get("/console/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        signed = await client.post("/console/sign-in", data={"csrf": csrf.group(1), "secret": token})
        assert signed.status_code == 303, signed.text[:300]
        for _, url in pages:
            taken = []
            for attempt in range(requests + 1):
                started = time.perf_counter()
                response = await client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, response.status_code, response.text[:300])
                assert 'class="timeline"' in response.text or "Nothing recorded yet." in response.text
                if attempt:
                    taken.append(elapsed)
            timings.append(taken)
    await rt.close()
    return timings


def run(
    db: Database, events: int, numbers: int, requests: int
) -> list[tuple[str, float, float, float, float]]:
    """(label, median as migrated, slowest, median with the index, slowest) per page."""
    token = asyncio.run(_setup(db, events, numbers))
    pages = urls(events)
    indexed_already = has_index(db)
    before = asyncio.run(_measure(db, token, pages, requests))
    if not indexed_already:
        add_index(db)
    after = before if indexed_already else asyncio.run(_measure(db, token, pages, requests))
    if indexed_already:
        print("the store already has an events (phone_number_id, id) index: both columns are with it")
    return [
        (label, statistics.median(b), max(b), statistics.median(a), max(a))
        for (label, _), b, a in zip(pages, before, after, strict=True)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console_timeline", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--numbers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--postgres", metavar="URL", help="an admin URL: measure PostgreSQL instead")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 5,000 events, 100 numbers, 2 requests"
    )
    args = parser.parse_args(argv)
    events, numbers, requests = (5_000, 100, 2) if args.quick else (args.events, args.numbers, args.requests)
    # PostgreSQL keeps no OTP key in the store: one for the run, as the harness gives its servers.
    os.environ.setdefault("WANUMBERS_OTP_KEY", secrets.token_hex(32))
    with tempfile.TemporaryDirectory() as work:
        db = create_postgres(args.postgres, "wanumbers_timeline_bench") if args.postgres else None
        db = db or sqlite_database(Path(work), "timeline")
        try:
            results = run(db, events, numbers, requests)
        finally:
            if args.postgres:
                drop_postgres(args.postgres, "wanumbers_timeline_bench")
    print(
        f"\n| {db.label}, {events:,} events | as migrated: median ms | slowest | "
        "with events (phone_number_id, id): median ms | slowest | ratio |\n|---|---:|---:|---:|---:|---:|"
    )
    for label, before, before_max, after, after_max in results:
        cells = f"{before:.1f} | {before_max:.1f} | {after:.1f} | {after_max:.1f} | {before / after:.1f}×"
        print(f"| {label} | {cells} |")


if __name__ == "__main__":
    main()
