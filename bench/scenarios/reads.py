"""S1 details reads (SQLite, PostgreSQL), S2 Graph node reads, S8 two workers on PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Mapping

from bench import seed, service
from bench.context import Context
from bench.model import ScenarioResult, Skip
from bench.scenarios import LoadTarget, on_floor

_SAMPLE = 20_000  # distinct random paths per target: plenty to defeat any hot-row effect

S1_TARGET = "≥0.30× baseline rps, p99 ≤10 ms @32 conns"


def _indexes(size: int) -> list[int]:
    rng = random.Random(6)  # fixed: every run asks for the same numbers
    return [rng.randrange(size) for _ in range(min(_SAMPLE, size * 2))]


def _judge_s1(result: ScenarioResult, _all: Mapping[str, ScenarioResult]) -> None:
    if result.ratio is not None and result.p99_ms is not None:
        result.target_met = result.ratio >= 0.30 and result.p99_ms <= 10.0


def s1(ctx: Context, kind: str) -> LoadTarget:
    store = ctx.store(kind, ctx.config.store_size)
    server = ctx.server(store)
    return LoadTarget(
        key=f"s1-{kind}",
        title=f"S1 details, {store.db.label}, {store.size:,} numbers",
        server=server,
        paths=[store.details_path(i) for i in _indexes(store.size)],
        headers=service.bsp_headers(store.tenant),
        target=S1_TARGET if kind == "sqlite" else None,
        judge=_judge_s1 if kind == "sqlite" else None,
    )


def s1_sqlite(ctx: Context) -> list[LoadTarget]:
    measured = s1(ctx, "sqlite")
    store = ctx.store("sqlite", ctx.config.store_size)
    title = f"S1's floor: the same read, no pipeline, SQLite, {store.size:,} numbers"
    return [measured, on_floor(ctx, store, measured, "s1-floor", title)]


def s1_postgres(ctx: Context) -> list[LoadTarget]:
    return [s1(ctx, "postgresql")]


def s2(ctx: Context) -> list[LoadTarget]:
    store = ctx.store("sqlite", ctx.config.store_size)
    if store.tenant.access_token is None:
        raise Skip("`wanumbers tokens create` is not available yet (no Graph access token)")
    measured = LoadTarget(
        key="s2-sqlite",
        title=f"S2 Graph GET /{{id}}?fields=…, SQLite, {store.size:,} numbers",
        server=ctx.server(store),
        paths=[service.graph_node_path(seed.number_id(i)) for i in _indexes(store.size)],
        headers=service.graph_headers(store.tenant),
    )
    title = f"S2's floor: the same read, no pipeline, SQLite, {store.size:,} numbers"
    return [measured, on_floor(ctx, store, measured, "s2-floor", title)]


def _judge_s8(result: ScenarioResult, _all: Mapping[str, ScenarioResult]) -> None:
    result.target_met = result.errors == 0 and bool(result.runs)


def s8(ctx: Context) -> list[LoadTarget]:
    store = ctx.store("postgresql", ctx.config.store_size)
    return [
        LoadTarget(
            key="s8-postgresql-2w",
            title=f"S8 details, 2 workers on one PostgreSQL, {store.size:,} numbers",
            server=ctx.server(store, workers=2),
            paths=[store.details_path(i) for i in _indexes(store.size)],
            headers=service.bsp_headers(store.tenant),
            target="0 errors",
            judge=_judge_s8,
        )
    ]
