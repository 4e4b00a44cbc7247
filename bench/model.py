"""Result records shared by the load drivers, the scenarios and the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "skipped", "failed"]


@dataclass(frozen=True)
class LoadStats:
    """One bounded load run against one server."""

    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors + non-2xx/3xx answers
    tool: str  # "wrk" or "pyload": the report flags the weaker generator

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScenarioResult:
    """One row of the report: medians over the rounds, and the ratio to the baseline."""

    key: str  # stable id, e.g. "s1-sqlite"
    title: str
    status: Status = "ok"
    reason: str | None = None  # why skipped / failed: shown verbatim in the report
    runs: list[LoadStats] = field(default_factory=list)
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    peak_rss_mb: float | None = None
    ratio: float | None = None  # scenario / baseline of the same run (rps unless `ratio_of`)
    ratio_of: str = "rps"
    metrics: dict[str, float | str] = field(default_factory=dict)  # scenario-specific figures
    target: str | None = None  # the goal from issue 6, in words
    target_met: bool | None = None

    @classmethod
    def skipped(cls, key: str, title: str, reason: str) -> ScenarioResult:
        return cls(key=key, title=title, status="skipped", reason=reason)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["runs"] = [run.to_json() for run in self.runs]
        return data


class Skip(Exception):
    """Raised by a scenario that cannot run here (service piece missing, no PostgreSQL…);
    the message is shown verbatim in the report."""
