"""The scenarios of issue 6.

Two kinds:

- load scenarios (S1, S2, S3, S8) return ``LoadTarget``s; the runner loads them in
  interleaved rounds with the baseline (A B C … A B C …) and takes medians;
- one-shot scenarios (S4, S5, S6, S7) measure by themselves and return results.

Either kind raises ``Skip`` with a readable reason when it cannot run here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bench.context import Context, Store
from bench.model import ScenarioResult
from bench.procs import ManagedProcess

# Called once all rounds are done, with every load result by key, to judge the target.
Judge = Callable[[ScenarioResult, Mapping[str, ScenarioResult]], None]


@dataclass
class LoadTarget:
    key: str
    title: str
    server: ManagedProcess
    paths: list[str]
    headers: dict[str, str]
    target: str | None = None
    judge: Judge | None = None
    metrics: dict[str, float | str] = field(default_factory=dict)


def on_floor(ctx: Context, store: Store, measured: LoadTarget, key: str, title: str) -> LoadTarget:
    """``measured``'s requests (the same paths and headers) answered by the reads' floor
    (``bench/read_floor.py``) over ``store``: what they cost with none of the service's stages."""
    return replace(
        measured, key=key, title=title, server=ctx.floor_server(store), target=None, judge=None, metrics={}
    )


LoadPlanner = Callable[[Context], list[LoadTarget]]
OneShot = Callable[[Context, ScenarioResult], list[ScenarioResult]]
