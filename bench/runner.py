"""One run: plan the scenarios, load them in interleaved rounds with the baseline, take
medians, run the one-shot scenarios, write the report. Every process it started is
killed on the way out, whatever happens (``finally``)."""

from __future__ import annotations

import os
import platform
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report
from bench.config import RunConfig
from bench.context import Context
from bench.databases import drop_postgres
from bench.loadgen import LoadSpec, choose_loadgen, write_paths
from bench.model import LoadStats, ScenarioResult, Skip
from bench.procs import REPO_ROOT, ProcessRegistry, http_get
from bench.scenarios import (
    LoadPlanner,
    LoadTarget,
    OneShot,
    coldstart,
    events,
    memory,
    paging,
    reads,
    sandbox,
    servers,
    stalls,
    writes,
)
from bench.stats import median, median_or_none, ratio

RESULTS_DIR = REPO_ROOT / "bench" / "results"
DOCS_MD = REPO_ROOT / "docs" / "benchmarks.md"
BASELINE_PATH = "/v2/HXAP16XXXXXX97IN/whatsapp/914XXXXXX139/phone_number_details"

LOAD_PLANS: list[tuple[str, str, LoadPlanner]] = [
    ("s1", "S1 details, SQLite", reads.s1_sqlite),
    ("s1", "S1 details, PostgreSQL", reads.s1_postgres),
    ("s2", "S2 Graph node read", reads.s2),
    ("s3", "S3 Graph list paging", paging.s3),
    ("s8", "S8 two workers on PostgreSQL", reads.s8),
    ("http", "HTTP server candidates", servers.http),
]
ONE_SHOTS: list[tuple[str, str, OneShot]] = [
    ("s4", "S4 add + verify", writes.s4),
    ("s5", "S5 cold start", coldstart.s5),
    ("s6", "S6 in-process sandbox", sandbox.s6),
    ("s7", "S7 peak RSS, 1M numbers", memory.s7),
    ("s9", "S9 stall isolation", stalls.s9),
    ("s10", "S10 events end to end", events.s10),
]


def run(config: RunConfig) -> list[ScenarioResult]:
    workdir = Path(tempfile.mkdtemp(prefix="wanumbers-bench-"))
    registry = ProcessRegistry(workdir)
    ctx = Context(config, workdir, registry, choose_loadgen(config.loadgen))
    started = time.perf_counter()
    try:
        results = _run(ctx)
        meta = _meta(ctx, time.perf_counter() - started)
        # Only a full run replaces the recorded full results (quick and partial runs write beside them).
        json_path = RESULTS_DIR / config.results_name()
        report.write_json(json_path, results, meta)
        table = report.render_markdown(results, meta)
        print("\n" + table)
        print(f"wrote {json_path.relative_to(REPO_ROOT)}")
        if config.write_docs:
            report.write_docs(DOCS_MD, table)
            print(f"wrote {DOCS_MD.relative_to(REPO_ROOT)}")
        return results
    finally:
        registry.close()
        if ctx.postgres_db is not None:
            drop_postgres(config.postgres_admin_url, config.postgres_db)
        if not config.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def _guard(key: str, title: str, action: Callable[[], list[Any]]) -> list[Any] | ScenarioResult:
    """Run a scenario step; a Skip or a crash becomes a row of the report, not an abort."""
    try:
        return action()
    except Skip as skip:
        print(f"  skip {title}: {skip}")
        return ScenarioResult.skipped(key, title, str(skip))
    except Exception as exc:
        traceback.print_exc()
        reason = f"{type(exc).__name__}: {exc}"
        return ScenarioResult(key=key, title=title, status="failed", reason=reason)


def _run(ctx: Context) -> list[ScenarioResult]:
    wanted = set(ctx.config.scenarios)
    print(f"load generator: {ctx.loadgen.name} ({ctx.loadgen.note})")
    baseline = LoadTarget(
        "baseline",
        "Baseline: raw ASGI, same document",
        ctx.baseline_server(),
        [BASELINE_PATH],
        {"api-key": "bench"},
    )
    targets: list[LoadTarget] = []
    results: list[ScenarioResult] = []
    for key, title, planner in LOAD_PLANS:
        if key not in wanted:
            continue
        print(f"preparing {title}")
        planned = _guard(key, title, lambda planner=planner: planner(ctx))  # type: ignore[misc]
        if isinstance(planned, ScenarioResult):
            results.append(planned)
        else:
            targets += planned
    targets = _preflight(targets, results)
    measured = _rounds(ctx, [baseline, *targets])
    base = measured.pop("baseline")
    for target in targets:
        results.append(measured[target.key])
    _judge(targets, measured)
    for key, title, one_shot in ONE_SHOTS:
        if key in wanted:
            print(f"measuring {title}")
            outcome = _guard(key, title, lambda fn=one_shot: fn(ctx, base))  # type: ignore[misc]
            results += [outcome] if isinstance(outcome, ScenarioResult) else outcome
    return [base, *sorted(results, key=lambda r: scenario_order(r.key))]


def scenario_order(key: str) -> tuple[int, str]:
    """Rows by scenario number (``s10-…`` after ``s9-…``, not among ``s1-…``); other rows (``http-…``)
    first, as before. Stable within a scenario, so its rows keep the order it measured them in."""
    match = re.match(r"s(\d+)(?:-|$)", key)
    return (int(match.group(1)), "") if match else (0, key[:2])


def _preflight(targets: list[LoadTarget], results: list[ScenarioResult]) -> list[LoadTarget]:
    """One request per target before loading it: a route that answers 404 (not built yet) or
    401 would otherwise be "measured" as a fast stream of errors."""
    ready = []
    for t in targets:
        status, body = http_get(t.server.port, t.paths[0], t.headers, timeout=10.0, limit=4096)
        if status == 200:
            ready.append(t)
            continue
        path = t.paths[0].split("?")[0]
        reason = f"GET {path} answered {status or 'nothing'}: {body[:200].decode(errors='replace')}"
        print(f"  skip {t.key}: {reason}")
        results.append(ScenarioResult.skipped(t.key, t.title, reason))
    return ready


def _spec(ctx: Context, target: LoadTarget, paths_file: Path, duration: float) -> LoadSpec:
    return LoadSpec(target.server.port, paths_file, target.headers, ctx.config.connections, duration)


def _rounds(ctx: Context, targets: list[LoadTarget]) -> dict[str, ScenarioResult]:
    """A B C … A B C …: interleaving spreads the machine's drift over every target alike."""
    files = {t.key: write_paths(ctx.workdir / f"{t.key}.paths", t.paths) for t in targets}
    runs: dict[str, list[LoadStats]] = {t.key: [] for t in targets}
    cpu_us: dict[str, list[float]] = {t.key: [] for t in targets}  # server CPU per request, per run
    failures: dict[str, str] = {}
    if ctx.config.warmup_s > 0:
        for t in targets:
            _load_once(ctx, _spec(ctx, t, files[t.key], ctx.config.warmup_s), t.key, failures)
    for number in range(1, ctx.config.rounds + 1):
        print(f"round {number}/{ctx.config.rounds}")
        for t in targets:
            if t.key in failures:
                continue
            spec = _spec(ctx, t, files[t.key], ctx.config.duration_s)
            cpu_before = t.server.cpu_seconds()
            stats = _load_once(ctx, spec, t.key, failures)
            if stats is not None:
                runs[t.key].append(stats)
                if stats.requests:
                    cpu_us[t.key].append((t.server.cpu_seconds() - cpu_before) / stats.requests * 1e6)
                print(
                    f"  {t.key:<20} {stats.rps:>9,.0f} rps  p50 {stats.p50_ms:6.2f} ms  "
                    f"p99 {stats.p99_ms:6.2f} ms  errors {stats.errors}"
                )
    base_rps = median_or_none([s.rps for s in runs["baseline"]])
    measured = {t.key: _aggregate(t, runs[t.key], failures.get(t.key), base_rps) for t in targets}
    for key, values in cpu_us.items():
        if values:
            measured[key].metrics["server CPU µs/request"] = round(median(values), 1)
    return measured


def _load_once(ctx: Context, spec: LoadSpec, key: str, failures: dict[str, str]) -> LoadStats | None:
    try:
        return ctx.loadgen.run(spec)
    except Exception as exc:
        failures[key] = f"load run failed: {exc}"
        print(f"  {key}: {failures[key]}")
        return None


def _aggregate(
    target: LoadTarget, runs: list[LoadStats], failure: str | None, base_rps: float | None
) -> ScenarioResult:
    rps = median_or_none([s.rps for s in runs])
    return ScenarioResult(
        key=target.key,
        title=target.title,
        status="failed" if failure else "ok",
        reason=failure,
        runs=runs,
        rps=rps,
        p50_ms=median_or_none([s.p50_ms for s in runs]),
        p99_ms=median_or_none([s.p99_ms for s in runs]),
        errors=sum(s.errors for s in runs),
        peak_rss_mb=target.server.peak_rss_mb(),
        ratio=ratio(rps, base_rps),
        metrics=dict(target.metrics),
        target=target.target,
    )


def _judge(targets: list[LoadTarget], measured: dict[str, ScenarioResult]) -> None:
    for target in targets:
        result = measured[target.key]
        if target.judge is not None and result.status == "ok":
            target.judge(result, measured)


def _meta(ctx: Context, elapsed: float) -> dict[str, Any]:
    config = ctx.config
    return {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if config.quick else ("partial" if config.partial else "full"),
        "scenarios": list(config.scenarios),
        "loadgen": f"{ctx.loadgen.name} — {ctx.loadgen.note}",
        "rounds": config.rounds,
        "duration_s": config.duration_s,
        "connections": config.connections,
        "store_size": config.store_size,
        "big_store_size": config.big_store_size,
        "machine": _machine(),
        "python": platform.python_version(),
        "asgi_server": _asgi_server(),
        "elapsed_s": round(elapsed, 1),
        "notes": ctx.notes,
    }


def _asgi_server() -> str:
    """uvicorn picks uvloop/httptools when importable: that alone roughly doubles the baseline."""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    try:
        uvicorn = version("uvicorn")
    except PackageNotFoundError:
        uvicorn = "?"
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    parser = "httptools" if find_spec("httptools") else "h11"
    bounded = " + wanumbers bounded protocol" if find_spec("wanumbers.server.http_server") else ""
    return f"uvicorn {uvicorn} ({loop} loop, {parser} parser{bounded})"


def _machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    return f"{cores} cores ({model}), Linux {platform.release()}; server on CPU 0, load on CPU 1"
