"""Server time per console fleet page on a store of many numbers (issue 12: ≤ 50 ms on 1M numbers).

    python -m bench.console_fleet [--numbers 1000000] [--requests 15] [--postgres URL] [--quick]

Seeds ``--numbers`` numbers straight into a fresh store (``bench.seed``'s bulk load, with states,
name statuses, qualities, tiers and throughputs spread as a pure function of each row's index), 1% of
them owned by a second account, signs in to the console, and times whole requests to the console's
ASGI app in this process (httpx's ASGI transport: no socket, so the figure is the server's own time:
session check, the fleet's statements, the counts and rendering the page). Each URL is asked
``--requests`` times after one warm-up; the median and the slowest are reported, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import seed
from bench.databases import Database, create_postgres, drop_postgres, sqlite_database

TARGET_MS = 50.0
_STATES = ["CONNECTED"] * 90 + ["FLAGGED"] * 4 + ["RESTRICTED"] * 2 + ["BANNED"] + ["UNVERIFIED"] * 3
_NAMES = ["APPROVED"] * 95 + ["PENDING_REVIEW"] * 4 + ["DECLINED"]
_QUALITIES = ["GREEN"] * 85 + ["YELLOW"] * 10 + ["RED"] * 5
_TIERS = ["TIER_1K"] * 60 + ["TIER_10K"] * 30 + ["TIER_100K"] * 9 + ["TIER_UNLIMITED"]


_PRIMES = (0, 2654435761, 2246822519, 3266489917, 668265263, 374761393)


def _spread(i: int, values: list[str], column: int) -> str:
    """A value for row ``i``, independent of the other columns' (one multiplier per column)."""
    return values[(i * _PRIMES[column]) % 1_000_003 % len(values)]


_SEED_ROWS = seed.rows
_RUN_OTP_KEY = secrets.token_hex(32)
# The rows a tenant (1% of the numbers) is measured on: page 1, a status, a health, a rare combination.
_TENANT_ROWS = (0, 4, 5, 7)


def _rows(waba_id: int, other_waba_id: int, count: int) -> Iterator[dict[str, Any]]:
    for i, row in enumerate(_SEED_ROWS(waba_id, count)):
        row.update(
            waba_id=other_waba_id if i % 100 == 7 else waba_id,
            state=_spread(i, _STATES, 1),
            name_status=_spread(i, _NAMES, 2),
            quality=_spread(i, _QUALITIES, 3),
            tier=_spread(i, _TIERS, 4),
            throughput="HIGH" if i % 10 == 0 else "STANDARD",
            verified_name=f"Shop {i % 5000:04d}",
        )
        yield row


def _seed(db: Database, waba_id: int, other_waba_id: int, count: int) -> float:
    seed.rows = lambda _waba, n: _rows(waba_id, other_waba_id, n)  # type: ignore[assignment]
    try:
        return seed.seed_numbers(db, waba_id, count)
    finally:
        seed.rows = _SEED_ROWS  # type: ignore[assignment]


async def _measure(db: Database, count: int, requests: int) -> list[tuple[str, float, float]]:
    import httpx

    from wanumbers.server.app import create_app
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.services import admin
    from wanumbers.server.settings import Settings
    from wanumbers.server.surfaces.console.pages import encode_cursor

    # PostgreSQL stores refuse to start without an OTP key outside the store (otp_keys.py)
    settings = Settings(database_url=db.url, otp_key=os.environ.get("WANUMBERS_OTP_KEY") or _RUN_OTP_KEY)
    rt = build_runtime(settings)
    async with rt.uow() as uow:
        kept = await uow.accounts.first_named("Other")
    if kept is None:
        owner, _ = await admin.create_account(rt, "Bench")
        other, other_key = await admin.create_account(rt, "Other")
        waba = await admin.create_waba(rt, owner.sid)
        other_waba = await admin.create_waba(rt, other.sid)
    else:  # a store kept by --database: seeded already
        other, other_key = kept, await admin.add_api_key(rt, kept.sid)
    token = await admin.create_admin_token(rt)
    await rt.close()
    if kept is None:
        seconds = _seed(db, waba.id, other_waba.id, count)
        print(f"seeded {count:,} numbers into {db.label} in {seconds:.1f} s", flush=True)

    rt = build_runtime(settings)
    app = create_app(settings, runtime=rt)
    middle = count // 2
    deep = encode_cursor((seed.e164(middle), seed.number_id(middle)))
    deep_name = encode_cursor((f"Shop {middle % 5000:04d}", seed.number_id(middle)))
    urls = [
        ("page 1, by number", "/console/fleet"),
        (f"page at row {middle:,}, by number", f"/console/fleet?after={deep}"),
        ("page at the middle, by name", f"/console/fleet?sort=name&after={deep_name}"),
        ("sorted by quality, descending", "/console/fleet?sort=quality&order=desc"),
        ("state FLAGGED", "/console/fleet?state=FLAGGED"),
        ("health LIMITED", "/console/fleet?health=LIMITED"),
        ("health BLOCKED, by tier", "/console/fleet?health=BLOCKED&sort=tier"),
        ("quality RED + tier TIER_100K", "/console/fleet?quality=RED&tier=TIER_100K"),
        ("search number prefix", "/console/fleet?q=%2B917000123"),
        ("search name prefix", "/console/fleet?q=Shop+0042"),
    ]
    results: list[tuple[str, float, float]] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for who, secret in (("admin", token), ("1% tenant", other_key)):
            form = await client.get("/console/sign-in")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf is not None
            signed = await client.post("/console/sign-in", data={"csrf": csrf.group(1), "secret": secret})
            assert signed.status_code == 303, signed.text[:300]
            for label, url in urls if who == "admin" else [urls[i] for i in _TENANT_ROWS]:
                timings = []
                for attempt in range(requests + 1):
                    started = time.perf_counter()
                    response = await client.get(url)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (url, response.status_code, response.text[:300])
                    if attempt:
                        timings.append(elapsed)
                results.append((f"{who}: {label}", statistics.median(timings), max(timings)))
            client.cookies.clear()
    await rt.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.console_fleet", description=__doc__)
    parser.add_argument("--numbers", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--postgres", metavar="URL", help="an admin URL: measure PostgreSQL instead")
    parser.add_argument("--quick", action="store_true", help="smoke test: 5,000 numbers, 2 requests")
    parser.add_argument(
        "--database", metavar="PATH", help="a SQLite file to seed once and keep (later runs reuse it)"
    )
    args = parser.parse_args(argv)
    count, requests = (5_000, 2) if args.quick else (args.numbers, args.requests)
    with tempfile.TemporaryDirectory() as work:
        db = create_postgres(args.postgres, "wanumbers_console_bench") if args.postgres else None
        if db is None and args.database:
            db = Database("sqlite", f"sqlite:///{Path(args.database).resolve()}")
        db = db or sqlite_database(Path(work), "console")
        try:
            results = asyncio.run(_measure(db, count, requests))
        finally:
            if args.postgres:
                drop_postgres(args.postgres, "wanumbers_console_bench")
    print(f"\n| {db.label}, {count:,} numbers | median ms | slowest ms |\n|---|---:|---:|")
    for label, median, slowest in results:
        flag = "" if median <= TARGET_MS else " (over target)"
        print(f"| {label} | {median:.1f}{flag} | {slowest:.1f} |")


if __name__ == "__main__":
    main()
