"""S10: Meta's webhooks end to end (issue 13), SQLite and PostgreSQL.

A real ``wanumbers serve`` (the S1 server of the store, pinned to the server core) and a real HTTP
receiver in its own process on the load core (``bench.events_probe``: it subscribes itself as a user's
setup code does, checks every signature, parses every delivery and notes its arrival time). Seeded
numbers are changed through the control plane (``POST /sim/numbers/{id}/tier``), which Meta reports as
``phone_number_quality_update`` UPGRADE / DOWNGRADE; each probe run takes numbers no earlier run has
touched, so every change is one event with a key of its own (``bench/event_tally.py``).

- **latency**: one change at a time, each timed from the control-plane request to the receipt of its
  webhook; p50/p99, target p99 ≤ 100 ms with the receiver healthy;
- **burst**: many numbers' changes fired as fast as the control plane takes them (``event_connections``
  connections); events per second from the first change to the last receipt, every event accounted
  for (lost, duplicated, out of order per number), server CPU per event and per change alone (the
  same burst first with the WABA unsubscribed);
- **S1 beside deliveries**: S1's details load (S1's own paths and planner), in interleaved rounds
  without and with a stream of ``event_rate`` changes a second delivered beside it; the median of the
  per-round ratios, target ≥ 0.90 (issue 13: "unchanged"). A third run each round streams the same
  changes with the WABA unsubscribed (events recorded, nothing to deliver), which splits the cost
  between the changes themselves and their deliveries.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bench import service
from bench.context import Context, Store
from bench.loadgen import LoadSpec, write_paths
from bench.model import LoadStats, ScenarioResult, Skip
from bench.procs import ManagedProcess, child_env, free_port, load_cmd
from bench.scenarios import reads
from bench.stats import median, median_or_none

LATENCY_P99_MS = 100.0
S1_BESIDE_MIN = 0.90
LATENCY_TARGET = f"p99 ≤{LATENCY_P99_MS:g} ms, 0 lost"
BURST_TARGET = "0 lost, in order per number"
S1_TARGET = f"≥{S1_BESIDE_MIN:.2f}× S1 without deliveries, 0 lost"
_SETTLE_S = 30.0  # how long a probe waits for the last webhooks of its run
_READY_TIMEOUT_S = 30.0


@dataclass
class Events:
    """One store's S10 fixture: its server, its app, the secrets the probe needs, fresh numbers."""

    ctx: Context
    store: Store
    server: ManagedProcess
    app_id: str
    secrets: dict[str, str]
    next_index: int = 0

    def take(self, count: int) -> int:
        """The first of ``count`` seeded numbers no probe run has changed yet."""
        first = self.next_index
        self.next_index += count
        if self.next_index > self.store.size:
            raise Skip(f"the store has {self.store.size:,} numbers; S10 needs {self.next_index:,}")
        return first

    def argv(self, phase: str, first: int, numbers: int, *options: str) -> list[str]:
        argv = [sys.executable, "-m", "bench.events_probe", phase, "--port", str(self.server.port)]
        argv += ["--receiver-port", str(free_port()), "--app-id", self.app_id]
        argv += ["--waba-id", self.store.tenant.waba_id, "--first", str(first), "--numbers", str(numbers)]
        return load_cmd([*argv, "--settle", str(_SETTLE_S), *options])

    def start(self, phase: str, first: int, numbers: int, *options: str) -> subprocess.Popen[str]:
        """The probe, once it has subscribed its receiver (it printed ``ready``)."""
        probe = subprocess.Popen(
            self.argv(phase, first, numbers, *options),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(self.secrets),
        )
        assert probe.stdout is not None
        ready, _, _ = select.select([probe.stdout], [], [], _READY_TIMEOUT_S)
        line = probe.stdout.readline().strip() if ready else f"nothing within {_READY_TIMEOUT_S:g} s"
        if line != "ready":
            probe.kill()
            _, err = _finish(probe, 5.0)
            raise RuntimeError(f"bench.events_probe {phase} did not subscribe: {line} {err[-500:]}")
        return probe

    def run(self, phase: str, first: int, numbers: int, *options: str) -> dict[str, Any]:
        probe = self.start(phase, first, numbers, *options)
        out, err = _finish(probe, _SETTLE_S + 600)
        if probe.returncode != 0 or not out.strip():
            raise RuntimeError(f"bench.events_probe {phase} failed: {err.strip()[-500:]}")
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return result


def _finish(probe: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    try:
        return probe.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        probe.kill()
        return probe.communicate()


def _events(ctx: Context, kind: str) -> Events:
    store = ctx.store(kind, ctx.config.store_size)
    if store.tenant.access_token is None:
        raise Skip("`wanumbers tokens create` is not available (the subscription needs an access token)")
    server = ctx.server(store)
    app_id, app_secret = service.app_credentials(store.db.url, store.tenant.sid)
    secrets = {
        "BENCH_EVENTS_APP_SECRET": app_secret,
        "BENCH_EVENTS_ADMIN_TOKEN": service.admin_token(store.db.url),
        "BENCH_EVENTS_ACCESS_TOKEN": store.tenant.access_token,
    }
    return Events(ctx, store, server, app_id, secrets)


def _metrics(found: Mapping[str, Any], *names: str) -> dict[str, float | str]:
    return {
        label: found[key] for label, key in _LABELS.items() if key in names and found.get(key) is not None
    }


_LABELS = {
    "events/s end to end": "events_per_s",
    "changes/s accepted": "changes_per_s",
    "changes": "expected",
    "lost": "lost",
    "duplicates": "duplicates",
    "out of order": "out_of_order",
    "bad signatures": "rejected",
    "failed changes": "changes_failed",
    "max ms": "max_ms",
    "control-plane answer p50 ms": "answer_p50_ms",
}


def _all_in(found: Mapping[str, Any]) -> bool:
    return (
        bool(found["expected"])
        and found["lost"] == 0
        and found["rejected"] == 0
        and found["changes_failed"] == 0
    )


def latency(ev: Events) -> ScenarioResult:
    changes = ev.ctx.config.event_changes
    numbers = max(1, changes // 2)
    found = ev.run("latency", ev.take(numbers), numbers, "--changes", "2")
    names = ("expected", "lost", "duplicates", "rejected", "changes_failed", "max_ms", "answer_p50_ms")
    result = ScenarioResult(
        key=f"s10-{ev.store.db.kind}-latency",
        title=f"S10 events, {ev.store.db.label}: change → webhook receipt, one at a time",
        p50_ms=found["p50_ms"],
        p99_ms=found["p99_ms"],
        metrics=_metrics(found, *names),
        target=LATENCY_TARGET,
    )
    result.target_met = _all_in(found) and (found["p99_ms"] or 1e9) <= LATENCY_P99_MS
    return result


def _cpu_per_change(ev: Events, phase: str, numbers: int, *options: str) -> tuple[dict[str, Any], float]:
    """A probe run and the server's CPU over it per change sent, µs."""
    first = ev.take(numbers)
    cpu_before = ev.server.cpu_seconds()
    found = ev.run(phase, first, numbers, *options)
    cpu_us = (ev.server.cpu_seconds() - cpu_before) / max(1, found["expected"]) * 1e6
    return found, round(cpu_us, 1)


def burst(ev: Events) -> ScenarioResult:
    """The burst, after the same burst with nobody subscribed: what the changes alone cost the server."""
    numbers = max(1, ev.ctx.config.event_burst // 2)
    connections = str(ev.ctx.config.event_connections)
    options = ("--changes", "2", "--connections", connections)
    alone, alone_us = _cpu_per_change(ev, "burst", numbers, *options, "--no-deliveries")
    found, event_us = _cpu_per_change(ev, "burst", numbers, *options)
    names = ("events_per_s", "changes_per_s", "expected", "lost", "duplicates", "out_of_order", "rejected")
    metrics = _metrics(found, *names, "changes_failed")
    metrics["server CPU µs/event"] = event_us
    metrics["of which the change alone"] = alone_us
    if alone["changes_failed"]:
        metrics["failed changes (no deliveries)"] = alone["changes_failed"]
    result = ScenarioResult(
        key=f"s10-{ev.store.db.kind}-burst",
        title=f"S10 events, {ev.store.db.label}: {numbers:,} numbers × 2 changes at once, "
        f"{connections} connections",
        p50_ms=found["p50_ms"],
        p99_ms=found["p99_ms"],
        metrics=metrics,
        target=BURST_TARGET,
    )
    result.target_met = _all_in(found) and found["out_of_order"] == 0
    return result


def beside(ev: Events) -> ScenarioResult:
    """S1 without and with the stream, interleaved round by round."""
    config = ev.ctx.config
    target = reads.s1(ev.ctx, ev.store.db.kind)
    paths = write_paths(ev.ctx.workdir / f"s10-{ev.store.db.kind}.paths", target.paths)
    spec = LoadSpec(ev.server.port, paths, target.headers, config.connections, config.duration_s)
    if config.warmup_s > 0:
        ev.ctx.loadgen.run(
            LoadSpec(ev.server.port, paths, target.headers, config.connections, config.warmup_s)
        )
    arms = Arms()
    for _ in range(config.rounds):
        arms.calm.append(_cpu_of(ev, arms.cpu_us["alone"], lambda: ev.ctx.loadgen.run(spec)))
        changes = _cpu_of(
            ev, arms.cpu_us["changes"], lambda: _beside_stream(ev, spec, arms.changes_only, "--no-deliveries")
        )
        arms.changes.append(changes)
        arms.busy.append(
            _cpu_of(ev, arms.cpu_us["delivered"], lambda: _beside_stream(ev, spec, arms.streams))
        )
    return _beside_result(ev, arms)


def _cpu_of(ev: Events, into: list[float], load: Callable[[], LoadStats]) -> LoadStats:
    """``load()``, noting the server's CPU over it per S1 request (the stream's work included)."""
    before = ev.server.cpu_seconds()
    stats = load()
    if stats.requests:
        into.append((ev.server.cpu_seconds() - before) / stats.requests * 1e6)
    return stats


@dataclass
class Arms:
    """S1's runs of each round: alone, beside the changes alone (no subscriber, so nothing to
    deliver), beside the same changes delivered; and what each stream reported."""

    calm: list[LoadStats] = field(default_factory=list)
    changes: list[LoadStats] = field(default_factory=list)
    busy: list[LoadStats] = field(default_factory=list)
    changes_only: list[dict[str, Any]] = field(default_factory=list)
    streams: list[dict[str, Any]] = field(default_factory=list)
    cpu_us: dict[str, list[float]] = field(
        default_factory=lambda: {"alone": [], "changes": [], "delivered": []}
    )


def _per_round(over: list[LoadStats], under: list[LoadStats]) -> float | None:
    """Median of the rounds' rps ratios: each round's pair ran minutes apart at most."""
    ratios = [o.rps / u.rps for o, u in zip(over, under, strict=True) if u.rps > 0]
    return round(median(ratios), 3) if ratios else None


def _beside_stream(ev: Events, spec: LoadSpec, streams: list[dict[str, Any]], *extra: str) -> LoadStats:
    rate = ev.ctx.config.event_rate
    lead_s = 0.5  # the stream is running before the load starts and still running when it ends
    seconds = spec.duration_s + 2 * lead_s
    numbers = int(rate * seconds) + 1
    options = ("--rate", str(rate), "--duration", str(seconds), *extra)
    probe = ev.start("stream", ev.take(numbers), numbers, *options)
    try:
        time.sleep(lead_s)
        stats = ev.ctx.loadgen.run(spec)
        out, err = _finish(probe, _SETTLE_S + 60)
    finally:
        if probe.poll() is None:
            probe.kill()
            probe.communicate()
    if probe.returncode != 0 or not out.strip():
        raise RuntimeError(f"bench.events_probe stream failed: {err.strip()[-500:]}")
    streams.append(json.loads(out.strip().splitlines()[-1]))
    return stats


def _beside_result(ev: Events, arms: Arms) -> ScenarioResult:
    streams = arms.streams
    lost = sum(s["lost"] + s["changes_failed"] for s in streams)
    failed_alone = sum(s["changes_failed"] for s in arms.changes_only)
    ratio = _per_round(arms.busy, arms.calm)
    metrics: dict[str, float | str] = {
        "rps without deliveries": round(median([c.rps for c in arms.calm])),
        "p99 ms without": round(median([c.p99_ms for c in arms.calm]), 2),
        "× beside the changes alone": _per_round(arms.changes, arms.calm) or "–",
        "× deliveries on top of the changes": _per_round(arms.busy, arms.changes) or "–",
        "events/s beside": round(median([s["changes_per_s"] or 0.0 for s in streams]), 1),
        "events delivered": sum(s["received"] for s in streams),
        "lost": lost,
        "stream p50 ms": round(median_or_none([s["p50_ms"] for s in streams]) or 0.0, 1),
        "stream p99 ms": round(median_or_none([s["p99_ms"] for s in streams]) or 0.0, 1),
    }
    for arm, values in arms.cpu_us.items():
        if values:
            metrics[f"server CPU µs/request, {arm}"] = round(median(values), 1)
    if failed_alone:
        metrics["failed changes (no deliveries)"] = failed_alone
    busy = arms.busy
    result = ScenarioResult(
        key=f"s10-{ev.store.db.kind}-s1",
        title=f"S10 events, {ev.store.db.label}: S1 details beside {ev.ctx.config.event_rate:g} events/s",
        runs=busy,
        rps=median([b.rps for b in busy]),
        p50_ms=median([b.p50_ms for b in busy]),
        p99_ms=median([b.p99_ms for b in busy]),
        errors=sum(b.errors for b in busy),
        peak_rss_mb=ev.server.peak_rss_mb(),
        ratio=ratio,
        ratio_of="× S1 without deliveries",
        metrics=metrics,
        target=S1_TARGET,
    )
    result.target_met = ratio is not None and ratio >= S1_BESIDE_MIN and lost == 0 and result.errors == 0
    return result


def _measure(ctx: Context, kind: str) -> list[ScenarioResult]:
    ev = _events(ctx, kind)
    results = []
    for phase in (latency, burst, beside):
        results.append(phase(ev))
        done = results[-1]
        print(
            f"  {done.key:<22} p50 {done.p50_ms or 0:8.2f} ms  p99 {done.p99_ms or 0:8.2f} ms  {done.metrics}"
        )
    return results


def s10(ctx: Context, _base: ScenarioResult) -> list[ScenarioResult]:
    results = []
    for kind in ("sqlite", "postgresql"):
        try:
            results += _measure(ctx, kind)
        except Skip as skip:
            results.append(ScenarioResult.skipped(f"s10-{kind}", _title(kind), str(skip)))
        except Exception as exc:  # one store's failure still lets the other be measured
            traceback.print_exc()
            reason = f"{type(exc).__name__}: {exc}"
            results.append(
                ScenarioResult(key=f"s10-{kind}", title=_title(kind), status="failed", reason=reason)
            )
    return results


def _title(kind: str) -> str:
    return f"S10 events, {'SQLite' if kind == 'sqlite' else 'PostgreSQL'}"
