"""The knobs of one run. ``--quick`` shrinks everything so CI can run it as a smoke test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Server on core 0, load generator on core 1 (see docs/benchmarks.md, "Method").
SERVER_CPU = 0
LOAD_CPU = 1

ALL_SCENARIOS = ("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10")  # a full run
OPTIONAL_SCENARIOS = ("http",)  # only when asked for with --scenarios


def parse_duration(text: str) -> float:
    """``"5s"``, ``"500ms"``, ``"1m"`` or a bare number of seconds → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", text)
    if match is None:
        raise ValueError(f"not a duration: {text!r} (try 5s, 500ms, 1m)")
    value = float(match.group(1))
    unit = match.group(2) or "s"
    return value * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]


@dataclass
class RunConfig:
    quick: bool = False
    duration_s: float = 5.0
    warmup_s: float = 1.0
    rounds: int = 3
    connections: int = 32
    store_size: int = 100_000  # numbers behind S1/S2/S8
    big_store_size: int = 1_000_000  # one WABA, for S3/S7
    deep_page: int = 40_000
    page_limit: int = 25
    cold_starts: int = 5
    sandbox_iterations: int = 50
    flow_workers: int = 8  # concurrent add+verify flows in S4
    stall_hold_s: float = 10.0  # how long S9's second session holds its lock
    event_changes: int = 200  # S10 latency: changes one at a time (2 per number)
    event_burst: int = 2_000  # S10 burst: changes fired at once (2 per number)
    event_connections: int = 8  # S10 burst: concurrent control-plane connections
    event_rate: float = 20.0  # S10: changes a second streamed beside S1's load
    postgres: bool = True
    postgres_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    postgres_db: str = "wanumbers_bench"
    loadgen: str = "auto"  # auto | wrk | python
    scenarios: tuple[str, ...] = ALL_SCENARIOS
    http_servers: tuple[str, ...] = ("uvicorn", "granian", "hypercorn")  # candidates of --scenarios http
    write_docs: bool = True
    keep_workdir: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Leaves out scenarios of a full run: its results must not replace the full run's."""
        return not set(ALL_SCENARIOS) <= set(self.scenarios)

    def results_name(self) -> str:
        """``latest.json`` (committed) only for a full run; quick and partial runs write beside it."""
        if self.quick:
            return "quick.json"
        return "partial.json" if self.partial else "latest.json"

    @classmethod
    def quick_mode(cls) -> RunConfig:
        """Checks that the harness works end to end, not speed: finishes well under a minute."""
        return cls(
            quick=True,
            duration_s=1.0,
            warmup_s=0.0,
            rounds=1,
            store_size=1_000,
            big_store_size=5_000,
            cold_starts=1,
            sandbox_iterations=5,
            flow_workers=4,
            stall_hold_s=5.0,
            event_changes=20,
            event_burst=100,
            postgres=False,
        )

    def deep_page_for(self, store: int) -> int:
        """Page 40,000 needs 1M numbers at 25 a page; smaller stores use their last page."""
        return max(1, min(self.deep_page, store // self.page_limit))
