"""Add + verify flow driver: ``python -m bench.flows …`` (S4), run pinned to the load core.

Each worker loops: ``POST …/number/add`` a fresh number → read the OTP the emulator
"delivered" → ``POST …/number/verify``. The OTP is read straight from the service's
``outbox`` table (``read_otp``), so the server under test only serves the two BSP calls.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from bench.httpconn import HttpConn
from bench.stats import percentile


def _outbox_reader(database_url: str) -> Any:
    """A callable e164 → newest OTP code, over the service's own table definition."""
    from sqlalchemy import create_engine, select

    models = importlib.import_module("wanumbers.server.storage.models")
    outbox = models.outbox
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    engine = create_engine(database_url)

    def read_otp(e164: str) -> str | None:
        query = select(outbox.c.code).where(outbox.c.to_e164 == e164)
        with engine.connect() as conn:
            return conn.execute(query.order_by(outbox.c.id.desc()).limit(1)).scalar()

    return read_otp


@dataclass
class Tally:
    flows: int = 0
    errors: int = 0
    first_error: str | None = None
    flow_s: list[float] = field(default_factory=list)
    request_s: list[float] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or what[:300]


@dataclass(frozen=True)
class Target:
    port: int
    sid: str
    waba_id: str
    api_key: str


async def _call(conn: HttpConn, path: str, payload: dict[str, Any], tally: Tally) -> Any:
    start = time.perf_counter()
    status, body = await conn.request("POST", path, json.dumps(payload).encode())
    tally.request_s.append(time.perf_counter() - start)
    if status != 200:
        tally.fail(f"{path.rsplit('/', 1)[-1]} → {status}: {body[:200]!r}")
        return None
    return json.loads(body).get("data")


async def _flow(conn: HttpConn, t: Target, national: str, read_otp: Any, tally: Tally) -> None:
    add = f"/v2/{t.sid}/whatsapp/{t.waba_id}/number/add"
    verify = f"/v2/{t.sid}/whatsapp/{t.waba_id}/number/verify"
    start = time.perf_counter()
    payload = {
        "phone_number": national,
        "name": "Bench",
        "verification_type": "SMS",
        "country_code": "+91",
    }
    number_id = await _call(conn, add, payload, tally)
    if number_id is None:
        return
    code = await asyncio.to_thread(read_otp, f"+91{national}")
    if code is None:
        tally.fail(f"no OTP in the outbox for +91{national}")
        return
    verified = await _call(
        conn, verify, {"id": number_id, "phone_number": f"+91{national}", "otp": code}, tally
    )
    if verified is not None:
        tally.flows += 1
        tally.flow_s.append(time.perf_counter() - start)


async def run(t: Target, database_url: str, workers: int, duration: float, first: int) -> dict[str, Any]:
    read_otp = _outbox_reader(database_url)
    headers = {"api-key": t.api_key, "Content-Type": "application/json"}
    tally = Tally()
    counter = iter(range(first, first + 10_000_000))
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        conn = HttpConn(t.port, headers)
        while time.perf_counter() < deadline:
            try:
                # 98xxxxxxxx: a mobile range the seeded store (70xxxxxxxx) never uses.
                await _flow(conn, t, f"98{next(counter):08d}", read_otp, tally)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                tally.fail(f"{type(exc).__name__}: {exc}")
        await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.perf_counter() - started
    return _summary(tally, elapsed)


def _summary(tally: Tally, elapsed: float) -> dict[str, Any]:
    def pct(values: list[float], q: float) -> float:
        return percentile(values, q) * 1000 if values else 0.0

    return {
        "flows": tally.flows,
        "duration_s": elapsed,
        "flows_per_s": tally.flows / elapsed,
        "requests": len(tally.request_s),
        "rps": len(tally.request_s) / elapsed,
        "p50_ms": pct(tally.request_s, 50),
        "p99_ms": pct(tally.request_s, 99),
        "flow_p50_ms": pct(tally.flow_s, 50),
        "errors": tally.errors,
        "first_error": tally.first_error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("--sid", "--waba-id", "--api-key", "--database-url"):
        parser.add_argument(name, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--first", type=int, default=0, help="first number of the 98… range")
    args = parser.parse_args()
    target = Target(args.port, args.sid, args.waba_id, args.api_key)
    result = asyncio.run(run(target, args.database_url, args.workers, args.duration, args.first))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
