"""S5: cold start, process launch (``wanumbers serve``) to the first 200 on a details request.

Bytecode is compiled first (``python -m compileall -q src``): the machine sets
PYTHONDONTWRITEBYTECODE, and without .pyc files every start would pay for compiling
the whole import graph, which no installed deployment does. Rounds alternate with the
baseline's own cold start (uvicorn + raw ASGI app) on the same core.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from bench import service
from bench.baseline import READY_PATH
from bench.context import Context, baseline_argv
from bench.model import ScenarioResult
from bench.procs import REPO_ROOT, free_port, server_cmd, wait_until_ok
from bench.stats import median, ratio

TARGET_S = 0.5


def compile_bytecode() -> float:
    started = time.perf_counter()
    for tree in ("src", "bench"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", tree], cwd=REPO_ROOT, check=True)
    return time.perf_counter() - started


def _cold(
    ctx: Context, name: str, argv: Callable[[int], list[str]], path: str, headers: dict[str, str]
) -> float:
    port = free_port()
    proc = ctx.registry.start(name, server_cmd(argv(port)), port=port)
    try:
        return wait_until_ok(proc, path, headers, timeout=30.0, interval=0.002)
    finally:
        ctx.registry.stop(proc)


def s5(ctx: Context, base: ScenarioResult) -> list[ScenarioResult]:
    store = ctx.store("sqlite", ctx.config.store_size)
    compile_s = compile_bytecode()
    service_s: list[float] = []
    baseline_s: list[float] = []

    def serve(port: int) -> list[str]:
        return service.serve_argv(port, store.db.url)

    for n in range(ctx.config.cold_starts):
        baseline_s.append(_cold(ctx, f"cold-baseline-{n}", baseline_argv, READY_PATH, {}))
        service_s.append(
            _cold(
                ctx,
                f"cold-service-{n}",
                serve,
                store.details_path(0),
                service.bsp_headers(store.tenant),
            )
        )
    seconds = median(service_s)
    return [
        ScenarioResult(
            key="s5",
            title=f"S5 cold start: `wanumbers serve` → first 200 (SQLite, {store.size:,})",
            ratio=ratio(seconds, median(baseline_s)),
            ratio_of="start time",
            metrics={
                "start s": round(seconds, 3),
                "baseline start s": round(median(baseline_s), 3),
                "starts": len(service_s),
                "compileall s": round(compile_s, 2),
            },
            target=f"≤{TARGET_S} s",
            target_met=seconds <= TARGET_S,
        )
    ]
