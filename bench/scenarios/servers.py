"""HTTP: the candidate HTTP servers of issue 10.4, measured in the same rounds as the baseline.

The baseline runs on the server ``wanumbers serve`` uses (uvicorn + uvloop + httptools with the bounded
protocol, ``wanumbers.server.http_server``). This scenario adds the same raw-ASGI document and S1's
details load on: uvicorn 0.54 as it comes (no bounds), granian and hypercorn. Their ratios to the
baseline show what the bounds cost and what the alternatives would give. Opt-in
(``--scenarios http``): a full run leaves it out. A candidate that is not installed is skipped
(``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench import service
from bench.baseline import READY_PATH
from bench.context import Context, Store
from bench.model import Skip
from bench.procs import free_port, server_cmd, wait_until_ok
from bench.scenarios import LoadTarget
from bench.scenarios.reads import _indexes

SERVICE_APP = "wanumbers.server.app:create_app"
# name → (title, argv for (app, port, factory))
Argv = Callable[[str, int, bool], list[str]]


def _uvicorn(app: str, port: int, factory: bool) -> list[str]:
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    return [*argv, "--no-access-log", "--log-level", "warning", *(["--factory"] if factory else [])]


def _granian(app: str, port: int, factory: bool) -> list[str]:
    argv = [_tool("granian"), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port), app]
    argv += ["--http", "1", "--no-ws", "--loop", "uvloop", "--log-level", "warning", "--workers", "1"]
    return [*argv, *(["--factory"] if factory else [])]


def _hypercorn(app: str, port: int, factory: bool) -> list[str]:
    target = f"{app}()" if factory else app
    argv = [_tool("hypercorn"), target, "--bind", f"127.0.0.1:{port}", "--worker-class", "uvloop"]
    return [*argv, "--log-level", "warning", "--workers", "1"]


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise Skip(f"{name} is not installed (pip install -e '.[bench]')")
    return found


CANDIDATES: dict[str, tuple[str, Argv]] = {
    "uvicorn": ("uvicorn 0.54 as it comes (uvloop + httptools, no bounds)", _uvicorn),
    "granian": ("granian (Rust, hyper; asgi interface, uvloop)", _granian),
    "hypercorn": ("hypercorn (h11, uvloop worker)", _hypercorn),
}


def http(ctx: Context) -> list[LoadTarget]:
    store = ctx.store("sqlite", ctx.config.store_size)
    targets: list[LoadTarget] = []
    unknown = set(ctx.config.http_servers) - set(CANDIDATES)
    if unknown:
        raise Skip(f"unknown HTTP servers: {', '.join(sorted(unknown))} (known: {', '.join(CANDIDATES)})")
    for name in ctx.config.http_servers:
        title, argv = CANDIDATES[name]
        try:
            targets += _targets(ctx, store, name, title, argv)
        except Skip as skip:
            print(f"  skip {name}: {skip}")
            ctx.notes.append(f"HTTP scenario: {name} skipped ({skip})")
    if not targets:
        raise Skip("no candidate HTTP server is installed (pip install -e '.[bench]')")
    return targets


def _targets(ctx: Context, store: Store, name: str, title: str, argv: Argv) -> list[LoadTarget]:
    from bench.runner import BASELINE_PATH  # the baseline's own path and header, for a like-for-like row

    raw_port, s1_port = free_port(), free_port()
    raw = ctx.registry.start(
        f"http-{name}-raw", server_cmd(argv("bench.baseline:app", raw_port, False)), port=raw_port
    )
    env = {"WANUMBERS_DATABASE_URL": store.db.url}
    s1 = ctx.registry.start(
        f"http-{name}-s1", server_cmd(argv(SERVICE_APP, s1_port, True)), port=s1_port, env=env
    )
    headers = service.bsp_headers(store.tenant)
    wait_until_ok(raw, READY_PATH)
    wait_until_ok(s1, store.details_path(0), headers)
    paths = [store.details_path(i) for i in _indexes(store.size)]
    return [
        LoadTarget(
            f"http-{name}-raw", f"HTTP: raw ASGI on {title}", raw, [BASELINE_PATH], {"api-key": "bench"}
        ),
        LoadTarget(f"http-{name}-s1", f"HTTP: S1 details, SQLite, on {title}", s1, paths, headers),
    ]
