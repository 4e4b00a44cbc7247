"""Fallback load generator: ``python -m bench.pyload`` (used only when wrk is missing).

Closed loop: each of ``--connections`` keep-alive connections sends the next request as
soon as the previous answer arrives, for ``--duration`` seconds. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from pathlib import Path

from bench.httpconn import HttpConn
from bench.stats import percentile


async def _worker(
    conn: HttpConn, method: str, paths: list[str], deadline: float, latencies: list[float]
) -> int:
    errors = 0
    while time.perf_counter() < deadline:
        path = random.choice(paths)
        start = time.perf_counter()
        try:
            status, _ = await conn.request(method, path)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            continue
        latencies.append(time.perf_counter() - start)
        if status >= 400:
            errors += 1
    await conn.close()
    return errors


async def run(
    port: int,
    paths: list[str],
    headers: dict[str, str],
    connections: int,
    duration: float,
    method: str = "GET",
) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + duration
    conns = [HttpConn(port, headers) for _ in range(connections)]
    errors = await asyncio.gather(*(_worker(c, method, paths, deadline, latencies) for c in conns))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "duration_s": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000 if latencies else 0.0,
        "p99_ms": percentile(latencies, 99) * 1000 if latencies else 0.0,
        "errors": sum(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--paths-file", type=Path, required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--method", default="GET")
    args = parser.parse_args()
    paths = [p for p in args.paths_file.read_text().splitlines() if p]
    headers = dict(h.split(": ", 1) for h in args.header)
    result = asyncio.run(run(args.port, paths, headers, args.connections, args.duration, args.method))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
