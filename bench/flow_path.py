"""Where one add + verify flow (S4) spends its CPU, in process: ``python -m bench.flow_path``.

    taskset -c 0 python -m bench.flow_path [--postgres] [--flows 800] [--blocks 8] [--store-size 10000]

Builds a store like the bench's (SQLite, or ``wanumbers_bench_flow`` on the local PostgreSQL, dropped at the
end), starts the service's ASGI app with its lifespan and drives S4's flow through it directly (no HTTP
server): ``POST …/number/add``, the OTP read from the emulator's outbox (the bench's own connection, not
the service's), ``POST …/number/verify``. Prints the statements one flow runs (counted through the store's
``before_statement`` hook), then the fastest block's CPU per flow of this process, then each statement
text's share of a flow (its time from the hook to the next statement: the driver's time included, so read
the shares, not the sums). docs/benchmarks.md, "Where the time goes", reads it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import seed, service
from bench.databases import Database, create_postgres, drop_postgres, sqlite_database
from bench.read_path import _lifespan

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
_DATABASE = "wanumbers_bench_flow"


def _otp_reader(db: Database) -> Callable[[str], str]:
    query = "SELECT code FROM outbox WHERE to_e164 = {} ORDER BY id DESC LIMIT 1"
    if db.kind == "sqlite":
        connection = sqlite3.connect(db.url.removeprefix("sqlite:///"))
        return lambda e164: str(connection.execute(query.format("?"), (e164,)).fetchone()[0])
    import psycopg

    pg = psycopg.connect(db.url, autocommit=True)
    return lambda e164: str(pg.execute(query.format("%s"), (e164,)).fetchone()[0])  # type: ignore[index]


class _Statements:
    """The store's statements as they start, with the CPU from each to the next."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self._last: tuple[str, float] | None = None

    def __call__(self, sql: str) -> None:
        now = time.process_time()
        if self._last is not None:
            self.cpu[self._last[0]] += now - self._last[1]
        text = " ".join(sql.split())
        self.texts.append(text)
        self._last = (text, now)

    def stop(self) -> None:
        if self._last is not None:
            self.cpu[self._last[0]] += time.process_time() - self._last[1]
        self._last = None


async def _measure(db: Database, size: int, flows: int, blocks: int) -> None:
    from wanumbers.server.app import create_app
    from wanumbers.server.settings import Settings

    tenant = service.provision(db.url, with_token=False)
    seed.seed_numbers(db, int(tenant.waba_id), size)
    app = create_app(Settings(database_url=db.url))
    stop = await _lifespan(app)
    store = app.state.runtime.store
    read_otp = _otp_reader(db)
    headers = [
        (b"host", b"127.0.0.1"),
        (b"api-key", tenant.api_key.encode()),
        (b"content-type", b"application/json"),
    ]
    add = service.bsp_add_path(tenant.sid, tenant.waba_id)
    verify = service.bsp_verify_path(tenant.sid, tenant.waba_id)
    counter = iter(range(10_000_000))

    async def post(path: str, payload: dict[str, Any]) -> Any:
        body, sent = json.dumps(payload).encode(), []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000), "state": {}, "app": app,
        }  # fmt: skip
        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"{path} answered {sent[0]['status']}: {sent[1:]}")
        return json.loads(b"".join(m.get("body", b"") for m in sent[1:]))["data"]

    async def flow() -> None:
        national = f"98{next(counter):08d}"  # a range the seeded store (70…) never uses
        number_id = await post(
            add,
            {"phone_number": national, "name": "Bench", "verification_type": "SMS", "country_code": "+91"},
        )
        code = read_otp(f"+91{national}")
        await post(verify, {"id": number_id, "phone_number": f"+91{national}", "otp": code})

    for _ in range(200):  # warm-up: the rate-limit lease, statement caches, the pool
        await flow()
    statements = _Statements()
    store.before_statement = statements
    await flow()
    statements.stop()
    one_flow = list(statements.texts)
    store.before_statement = None
    fastest = float("inf")
    for _ in range(blocks):
        started = time.process_time()
        for _ in range(flows // blocks):
            await flow()
        fastest = min(fastest, (time.process_time() - started) / (flows // blocks) * 1e6)
    statements = _Statements()
    store.before_statement = statements
    for _ in range(flows // blocks):
        await flow()
    statements.stop()
    store.before_statement = None
    await stop()

    print(f"{db.label}: {len(one_flow)} statements per flow")
    for text in one_flow:
        print(f"  {text[:150]}")
    print(f"CPU per flow, in process (fastest of {blocks} blocks of {flows // blocks}): {fastest:.0f} µs")
    total = sum(statements.cpu.values())
    print("share of a flow's CPU from each statement to the next (the statement and the Python after it):")
    for text, cpu in sorted(statements.cpu.items(), key=lambda item: -item[1])[:12]:
        print(f"  {cpu / total:6.1%}  {text[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", action="store_true", help=f"on {ADMIN_URL.rsplit('/', 1)[0]}/{_DATABASE}"
    )
    parser.add_argument("--store-size", type=int, default=10_000)
    parser.add_argument("--flows", type=int, default=800)
    parser.add_argument("--blocks", type=int, default=8)
    args = parser.parse_args()
    if args.blocks < 1 or args.flows < args.blocks:
        parser.error(
            "--flows must be at least --blocks (and --blocks at least 1): each block runs flows / blocks"
        )
    os.environ.setdefault("WANUMBERS_LOG_FORMAT", "text")
    with tempfile.TemporaryDirectory(prefix="wanumbers-flow-path-") as directory:
        if args.postgres:
            os.environ.setdefault("WANUMBERS_OTP_KEY", os.urandom(32).hex())
            db = create_postgres(ADMIN_URL, _DATABASE)
        else:
            db = sqlite_database(Path(directory), "flow_path")
        try:
            asyncio.run(_measure(db, args.store_size, args.flows, args.blocks))
        finally:
            if args.postgres:
                drop_postgres(ADMIN_URL, _DATABASE)


if __name__ == "__main__":
    main()
