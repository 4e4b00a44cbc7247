"""S4: add + verify throughput (writes, incl. OTP issue and check), SQLite and PostgreSQL.

Driven by ``bench.flows`` (a dependent request chain is not something wrk's Lua can do
without the OTP), pinned to the load core. Not interleaved with the baseline round by
round: the ratio uses the baseline median of the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench.context import Context
from bench.model import LoadStats, ScenarioResult, Skip
from bench.procs import child_env, load_cmd
from bench.stats import median_or_none, ratio


def _one_run(ctx: Context, kind: str, first: int) -> dict[str, float]:
    store = ctx.store(kind, ctx.config.store_size)
    server = ctx.server(store)
    t = store.tenant
    argv = [
        sys.executable,
        "-m",
        "bench.flows",
        "--port",
        str(server.port),
        "--sid",
        t.sid,
        "--waba-id",
        t.waba_id,
        "--api-key",
        t.api_key,
        "--database-url",
        store.db.url,
        "--workers",
        str(ctx.config.flow_workers),
        "--duration",
        str(ctx.config.duration_s),
        "--first",
        str(first),
    ]
    cpu_before = server.cpu_seconds()
    done = subprocess.run(
        load_cmd(argv),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=ctx.config.duration_s + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.flows failed: {done.stderr.strip()[-500:]}")
    result: dict[str, float] = json.loads(done.stdout)
    if result["flows"]:  # what one flow costs the server: the figure a loaded machine moves least
        result["server_cpu_us_per_flow"] = (server.cpu_seconds() - cpu_before) / result["flows"] * 1e6
    return result


def _measure(ctx: Context, kind: str, base: ScenarioResult) -> ScenarioResult:
    runs = [_one_run(ctx, kind, first=r * 1_000_000) for r in range(ctx.config.rounds)]
    first_error = next((r["first_error"] for r in runs if r.get("first_error")), None)
    if not any(r["flows"] for r in runs):
        raise Skip(f"no add+verify flow completed; first error: {first_error}")
    stats = [
        LoadStats(
            int(r["requests"]),
            r["duration_s"],
            r["rps"],
            r["p50_ms"],
            r["p99_ms"],
            int(r["errors"]),
            "bench.flows",
        )
        for r in runs
    ]
    rps = median_or_none([s.rps for s in stats])
    store = ctx.store(kind, ctx.config.store_size)
    metrics: dict[str, float | str] = {
        "flows/s": round(median_or_none([r["flows_per_s"] for r in runs]) or 0.0, 1),
        "flow p50 ms": round(median_or_none([r["flow_p50_ms"] for r in runs]) or 0.0, 2),
        "workers": ctx.config.flow_workers,
    }
    cpu = median_or_none([r["server_cpu_us_per_flow"] for r in runs if "server_cpu_us_per_flow" in r])
    if cpu is not None:
        metrics["server CPU µs/flow"] = round(cpu)
    if first_error:
        metrics["first error"] = str(first_error)
    return ScenarioResult(
        key=f"s4-{kind}",
        title=f"S4 add + verify, {store.db.label} (2 requests per flow)",
        runs=stats,
        rps=rps,
        p50_ms=median_or_none([s.p50_ms for s in stats]),
        p99_ms=median_or_none([s.p99_ms for s in stats]),
        errors=sum(s.errors for s in stats),
        peak_rss_mb=ctx.server(store).peak_rss_mb(),
        ratio=ratio(rps, base.rps),
        metrics=metrics,
    )


def s4(ctx: Context, base: ScenarioResult) -> list[ScenarioResult]:
    results = []
    for kind in ("sqlite", "postgresql"):
        try:
            results.append(_measure(ctx, kind, base))
        except Skip as skip:
            title = f"S4 add + verify, {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}"
            results.append(ScenarioResult.skipped(f"s4-{kind}", title, str(skip)))
    return results
