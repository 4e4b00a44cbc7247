"""Writes ``bench/results/latest.json`` and the Markdown table inside ``docs/benchmarks.md``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.model import ScenarioResult

START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"

_REASON_MAX = 240
_COLUMNS = ("Scenario", "rps", "p50 ms", "p99 ms", "errors", "peak RSS MB", "× baseline", "target")


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _target_cell(result: ScenarioResult) -> str:
    if result.target is None:
        return ""
    mark = {True: "✅ ", False: "❌ ", None: ""}[result.target_met]
    return f"{mark}{result.target}"


def _row(result: ScenarioResult) -> str:
    if result.status != "ok":
        reason = (result.reason or "").replace("|", "\\|").replace("\n", " ")
        if len(reason) > _REASON_MAX:  # the full text is in latest.json
            reason = reason[: _REASON_MAX - 1] + "…"
        cells = [f"{result.title}", f"*{result.status}*: {reason}", "", "", "", "", "", ""]
        return "| " + " | ".join(cells) + " |"
    ratio = _num(result.ratio, 2)
    if result.ratio is not None and result.ratio_of != "rps":
        ratio += f" ({result.ratio_of})"
    extra = "; ".join(f"{k} {_fmt_metric(v)}" for k, v in result.metrics.items())
    title = f"{result.title}<br><sub>{extra}</sub>" if extra else result.title
    cells = [
        title,
        _num(result.rps),
        _num(result.p50_ms, 2),
        _num(result.p99_ms, 2),
        str(result.errors) if result.runs else "",
        _num(result.peak_rss_mb, 1),
        ratio,
        _target_cell(result),
    ]
    return "| " + " | ".join(cells) + " |"


def _fmt_metric(value: float | str) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def render_markdown(results: Sequence[ScenarioResult], meta: Mapping[str, Any]) -> str:
    lines = [
        f"Run of {meta.get('finished_at', '?')} — {meta.get('mode', '?')} mode, "
        f"load generator: {meta.get('loadgen', '?')}, "
        f"{meta.get('rounds', '?')} interleaved round(s) of {meta.get('duration_s', '?')} s, "
        f"{meta.get('connections', '?')} connections; medians. "
        f"Machine: {meta.get('machine', '?')}; {meta.get('asgi_server', '?')}.",
        "",
        "| " + " | ".join(_COLUMNS) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(_COLUMNS))) + "|",
    ]
    lines += [_row(result) for result in results]
    notes = meta.get("notes") or []
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def splice_markdown(document: str, table: str) -> str:
    """Replace what sits between the markers; append a marked section if they are missing."""
    block = f"{START_MARKER}\n{table}{END_MARKER}"
    start = document.find(START_MARKER)
    end = document.find(END_MARKER)
    if start == -1 or end == -1 or end < start:
        return document.rstrip("\n") + f"\n\n## Latest results\n\n{block}\n"
    return document[:start] + block + document[end + len(END_MARKER) :]


def write_docs(path: Path, table: str) -> None:
    document = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(splice_markdown(document, table))


def write_json(path: Path, results: Sequence[ScenarioResult], meta: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"meta": dict(meta), "scenarios": [r.to_json() for r in results]}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
