"""Where one details read (S1) spends its CPU, piece by piece, in process: ``python -m bench.read_path``.

    taskset -c 0 python -m bench.read_path [--store-size 100000] [--iterations 5000] [--blocks 6]

Builds the bench's store (SQLite, ``--store-size`` numbers, an account made through the CLI), starts the
service's ASGI app with its lifespan and drives it directly (no HTTP server), then times each layer of the
read and each piece of it on its own, in interleaved blocks, and prints the fastest block of each in µs
of this process's CPU (a noisy machine slows blocks, it never speeds one up). The layers nest: the whole
request contains the pipeline, which contains the endpoint, which contains the read. docs/benchmarks.md,
"Where the time goes", reads the table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import seed, service
from bench.databases import sqlite_database

Piece = Callable[[int], Awaitable[Any]]


async def _lifespan(app: Any) -> Callable[[], Awaitable[None]]:
    """Start ``app``'s lifespan; the coroutine that ends it."""
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}}, inbox.get, outbox.put))
    started = await outbox.get()
    if started["type"] != "lifespan.startup.complete":
        raise SystemExit(f"the app did not start: {started}")

    async def stop() -> None:
        await inbox.put({"type": "lifespan.shutdown"})
        await task

    return stop


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: dict[str, Any]) -> None:
    if message["type"] == "http.response.start" and message["status"] != 200:
        raise SystemExit(f"a read answered {message['status']}")


async def _measure(directory: Path, size: int, iterations: int, blocks: int) -> dict[str, float]:
    from starlette.requests import Request

    from wanumbers.server.app import create_app
    from wanumbers.server.domain.node import KALEYRA_DETAILS, project
    from wanumbers.server.services import details
    from wanumbers.server.services.auth import Presented
    from wanumbers.server.settings import Settings
    from wanumbers.server.storage.repositories.access import _NUMBER_BY_E164
    from wanumbers.server.surfaces import credentials, ingress
    from wanumbers.server.surfaces.asgi import ROUTE
    from wanumbers.server.surfaces.contracts import BODY
    from wanumbers.server.surfaces.http import JSONResponse
    from wanumbers.server.surfaces.ratelimit import rate_limited

    db = sqlite_database(directory, "read_path")
    tenant = service.provision(db.url, with_token=False)
    seed.seed_numbers(db, int(tenant.waba_id), size)
    app = create_app(Settings(database_url=db.url))
    stop = await _lifespan(app)
    rt = app.state.runtime
    draw = random.Random(1)
    e164s = [seed.e164(draw.randrange(size)) for _ in range(20_000)]
    headers = [(b"host", b"127.0.0.1"), (b"api-key", tenant.api_key.encode())]

    def scope(i: int) -> dict[str, Any]:
        path = service.details_path(tenant.sid, e164s[i % len(e164s)])
        return {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000), "state": {}, "app": app,
        }  # fmt: skip

    await app(scope(0), _receive, _send)  # builds the middleware stack
    pipeline = app.middleware_stack.app  # type: ignore[attr-defined]  # below the operator stage
    presented = Presented.of("api_key", tenant.api_key)
    found = await details.read(rt, presented, e164s[0])
    assert found is not None and found.number is not None
    prepared = scope(0)
    credential = credentials.from_headers("kaleyra", prepared["headers"])
    prepared[credentials.SCOPE_KEY] = credential
    match = app.route_table.match("kaleyra", prepared)  # type: ignore[attr-defined]
    prepared.update({"path_params": match.path_params, ROUTE: match.route.name, BODY: b""})
    raw = sqlite3.connect(db.url.removeprefix("sqlite:///"))
    document = project(found.number, found.waba, found.account, KALEYRA_DETAILS)

    async def whole(i: int) -> None:
        await app(scope(i), _receive, _send)

    async def below_operator_stage(i: int) -> None:
        await pipeline(scope(i), _receive, _send)

    async def endpoint(i: int) -> None:
        page = scope(i)
        page.update({k: prepared[k] for k in ("path_params", ROUTE, BODY, credentials.SCOPE_KEY)})
        page["path_params"] = {**match.path_params, "business_phone_number": e164s[i % len(e164s)][1:]}
        await (await match.route.endpoint(Request(page, _receive)))(page, _receive, _send)

    async def read(i: int) -> None:
        await details.read(rt, presented, e164s[i % len(e164s)])

    async def statement(i: int) -> None:
        params = {"digest": presented.digest, "kind": "api_key", "value": e164s[i % len(e164s)]}
        raw.execute(_NUMBER_BY_E164.sqlite, params).fetchone()

    async def projection_and_json(i: int) -> None:
        assert found is not None and found.number is not None
        project(found.number, found.waba, found.account, KALEYRA_DETAILS)

    async def response(i: int) -> None:
        await JSONResponse(document, sort_keys=True)(prepared, _receive, _send)

    async def deadline(i: int) -> None:
        async with asyncio.timeout(5):
            pass

    async def route_match(i: int) -> None:
        app.route_table.match("kaleyra", prepared)  # type: ignore[attr-defined]

    async def credential_digest(i: int) -> None:
        _ = credentials.from_headers("kaleyra", headers).presented

    async def rate_limit(i: int) -> None:
        await rate_limited(prepared, credential)

    async def path_checks(i: int) -> None:
        ingress.path_refusal(prepared)

    pieces: dict[str, Piece] = {
        "whole request, in process (operator stage and all below)": whole,
        "below the operator stage (pipeline, endpoint)": below_operator_stage,
        "the endpoint (deadline, read, faults, view, projection, JSON, send)": endpoint,
        "the read (unit of work, statement, mapping)": read,
        "the statement alone (sqlite3, same text)": statement,
        "projection and health": projection_and_json,
        "JSON response rendered and sent": response,
        "request deadline (asyncio.timeout)": deadline,
        "route match (the route table)": route_match,
        "credential from headers, SHA-256 digest": credential_digest,
        "rate limit (a leased token)": rate_limit,
        "ingress path checks": path_checks,
    }
    fastest = {name: float("inf") for name in pieces}
    for block in range(blocks):
        for name, piece in pieces.items():
            started = time.process_time()
            for i in range(block * iterations, (block + 1) * iterations):
                await piece(i)
            fastest[name] = min(fastest[name], (time.process_time() - started) / iterations * 1e6)
    raw.close()
    await stop()
    return fastest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store-size", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=5_000)
    parser.add_argument("--blocks", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wanumbers-read-path-") as directory:
        os.environ.setdefault("WANUMBERS_LOG_FORMAT", "text")
        fastest = asyncio.run(_measure(Path(directory), args.store_size, args.iterations, args.blocks))
    print(f"{'piece of one S1 details read':82} {'µs (fastest block)':>18}")
    for name, micros in fastest.items():
        print(f"{name:82} {micros:18.1f}")
    layers = list(fastest.values())
    whole, below, endpoint, read, _, projection, response, deadline = layers[:8]
    glue = endpoint - read - projection - response - deadline
    print("derived (differences of the layers above):")
    for name, micros in (
        ("the operator stage (request id, metrics, request log)", whole - below),
        ("the pipeline's stages (ingress, route, credential, rate limit, Idempotency-Key)", below - endpoint),
        ("the endpoint's own glue (Request, guard, faults, view)", glue),
    ):
        print(f"{name:82} {micros:18.1f}")


if __name__ == "__main__":
    main()
