"""Harness pieces that need no wanumbers service: statistics, wrk parsing, report
rendering, ratios, cursor rewriting, and one real load run against the baseline."""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives at the repo root, beside `src/`
    sys.path.insert(0, str(ROOT))

from bench.__main__ import config_from_args  # noqa: E402
from bench.config import RunConfig, parse_duration  # noqa: E402
from bench.loadgen import LoadSpec, PythonLoad, WrkLoad, parse_wrk_output, write_paths  # noqa: E402
from bench.model import LoadStats, ScenarioResult  # noqa: E402
from bench.procs import ProcessRegistry  # noqa: E402
from bench.scenarios import paging  # noqa: E402
from bench.stats import median, median_or_none, percentile, ratio  # noqa: E402

from bench import baseline, report, seed  # noqa: E402

WRK_TEXT = """\
Running 5s test @ http://127.0.0.1:8000
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.61ms  312.45us   9.87ms   91.20%
    Req/Sec    12.30k   401.22    12.90k    80.00%
  Latency Distribution
     50%    2.55ms
     75%    2.70ms
     90%    2.88ms
     99%    3.91ms
  61234 requests in 5.00s, 88.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  12246.80
Transfer/sec:     17.62MB
"""


# --- statistics -------------------------------------------------------------------


def test_percentile_interpolates_like_numpy() -> None:
    values = list(range(1, 11))
    assert percentile(values, 50) == 5.5
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 10
    assert percentile(values, 99) == pytest.approx(9.91)
    assert percentile([7.0], 99) == 7.0


def test_percentile_ignores_input_order() -> None:
    assert percentile([3, 1, 2], 50) == 2


@pytest.mark.parametrize("bad", [-1, 101])
def test_percentile_rejects_out_of_range(bad: float) -> None:
    with pytest.raises(ValueError):
        percentile([1, 2], bad)


def test_percentile_of_nothing_is_an_error_not_zero() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)


def test_median_skips_missing_measurements() -> None:
    assert median([4, 1, 3]) == 3
    assert median_or_none([None, 2.0, 4.0]) == 3.0
    assert median_or_none([None]) is None


def test_ratio_is_none_rather_than_a_fake_number() -> None:
    assert ratio(3_000, 10_000) == 0.3
    assert ratio(None, 10_000) is None
    assert ratio(3_000, None) is None
    assert ratio(3_000, 0) is None


# --- wrk output ---------------------------------------------------------------------


def test_parse_wrk_json_line_from_lua_done() -> None:
    line = json.dumps(
        {
            "requests": 50_000,
            "duration_us": 5_000_000,
            "bytes": 1,
            "errors": {"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 0},
            "latency_us": {"p50": 2_500, "p90": 2_900, "p99": 4_000, "max": 9_000, "mean": 2_600.0},
        }
    )
    stats = parse_wrk_output(f"Running 5s test\nWRK_JSON {line}\nRequests/sec: 1\n")
    assert stats.rps == 10_000
    assert stats.p50_ms == 2.5
    assert stats.p99_ms == 4.0
    assert stats.errors == 3
    assert stats.tool == "wrk"


def test_parse_wrk_plain_latency_output() -> None:
    stats = parse_wrk_output(WRK_TEXT)
    assert stats.requests == 61_234
    assert stats.duration_s == 5.0
    assert stats.rps == 12_246.80
    assert stats.p50_ms == 2.55
    assert stats.p99_ms == 3.91
    assert stats.errors == 2 + 1 + 4


def test_parse_wrk_converts_latency_units() -> None:
    text = WRK_TEXT.replace("50%    2.55ms", "50%  812.00us").replace("99%    3.91ms", "99%    1.20s")
    stats = parse_wrk_output(text)
    assert stats.p50_ms == pytest.approx(0.812)
    assert stats.p99_ms == 1200.0


def test_parse_wrk_garbage_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_wrk_output("wrk: command not understood")


# --- report -------------------------------------------------------------------------


def _ok(key: str, rps: float, **kwargs: Any) -> ScenarioResult:
    run = LoadStats(100, 1.0, rps, 1.0, 2.0, 0, "wrk")
    return ScenarioResult(key=key, title=key.upper(), runs=[run], rps=rps, p50_ms=1.0, p99_ms=2.0, **kwargs)


def test_markdown_row_shows_ratio_and_target_verdict() -> None:
    rows = [
        _ok("baseline", 10_000, ratio=1.0),
        _ok("s1-sqlite", 3_500, ratio=0.35, target="≥0.30×", target_met=True),
    ]
    table = report.render_markdown(rows, {"mode": "quick"})
    assert "| S1-SQLITE | 3,500 | 1.00 | 2.00 | 0 | – | 0.35 | ✅ ≥0.30× |" in table


def test_markdown_row_of_a_skipped_scenario_says_why() -> None:
    skipped = ScenarioResult.skipped("s6", "S6 sandbox", "`wanumbers.testing` | not there")
    table = report.render_markdown([skipped], {})
    assert "*skipped*: `wanumbers.testing` \\| not there" in table


def test_splice_replaces_only_between_markers() -> None:
    doc = f"# B\nintro\n{report.START_MARKER}\nold\n{report.END_MARKER}\noutro\n"
    once = report.splice_markdown(doc, "new table\n")
    assert once == f"# B\nintro\n{report.START_MARKER}\nnew table\n{report.END_MARKER}\noutro\n"
    assert report.splice_markdown(once, "new table\n") == once


def test_splice_appends_a_section_when_markers_are_missing() -> None:
    out = report.splice_markdown("# Benchmarks\n", "t\n")
    assert out.endswith(f"{report.START_MARKER}\nt\n{report.END_MARKER}\n")


def test_json_report_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    report.write_json(path, [_ok("baseline", 10.0)], {"mode": "quick"})
    data = json.loads(path.read_text())
    assert data["scenarios"][0]["runs"][0]["rps"] == 10.0
    assert data["meta"]["mode"] == "quick"


# --- scenario maths -----------------------------------------------------------------


def test_deep_page_cost_is_page1_rps_over_deep_rps() -> None:
    first = _ok("s3-page1", 1_000)
    deep = _ok("s3-deep", 900)
    paging._judge(deep, {"s3-page1": first, "s3-deep": deep})
    assert deep.metrics["cost × page 1"] == pytest.approx(1.111, abs=1e-3)
    assert deep.target_met is True
    slow = _ok("s3-deep", 500)
    paging._judge(slow, {"s3-page1": first})
    assert slow.target_met is False


def test_rewritten_cursor_points_at_another_row() -> None:
    def cursor(i: int) -> str:
        key = {"created_at": seed.created_at(i).isoformat(), "id": seed.number_id(i)}
        return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")

    assert paging._rewrite(cursor(24), 24, 999_974) == cursor(999_974)


def test_unrecognised_cursor_is_not_rewritten() -> None:
    assert paging._rewrite("c2lnbmVkOmFiYw", 24, 999) is None


def test_quick_config_is_small_and_sqlite_only() -> None:
    config = config_from_args(["--quick"])
    assert config.rounds == 1 and config.duration_s == 1.0
    assert config.postgres is False
    assert config.deep_page_for(config.big_store_size) == config.big_store_size // 25
    assert config_from_args(["--quick", "--postgres"]).postgres is True
    assert "s10" in config.scenarios  # CI's smoke test runs S10's quick variant too
    assert config.event_changes < RunConfig().event_changes and config.event_burst < RunConfig().event_burst


@pytest.mark.parametrize(
    ("argv", "why"), [(["--quick"], "quick mode; add --postgres"), (["--no-postgres"], "--no-postgres")]
)
def test_a_postgresql_scenario_left_out_says_which_flag_left_it_out(
    tmp_path: Path, argv: list[str], why: str
) -> None:
    # `--no-postgres` was reported as "quick mode" too.
    from bench.context import Context
    from bench.model import Skip

    context = Context(config_from_args(argv), tmp_path, ProcessRegistry(tmp_path), PythonLoad())
    with pytest.raises(Skip, match=f"^PostgreSQL not requested \\({why}\\)$"):
        context.database("postgresql", "s1")


@pytest.mark.parametrize(("text", "seconds"), [("5s", 5.0), ("500ms", 0.5), ("1m", 60.0), ("2", 2.0)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


# --- the baseline, for real ---------------------------------------------------------


def test_baseline_serves_seed_000_first_sample() -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    asyncio.run(baseline.app({"type": "http"}, receive, send))
    body = json.loads(sent[1]["body"])
    assert body["verified_name"] == "MKLRV2"
    assert 1_000 < len(sent[1]["body"]) < 2_000


@pytest.mark.parametrize("tool", ["pyload", "wrk"])
def test_one_bounded_load_run_against_the_baseline(tool: str, tmp_path: Path) -> None:
    from bench.context import start_baseline

    if tool == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk not installed (apt-get install -y wrk)")
    loadgen = WrkLoad(shutil.which("wrk") or "wrk") if tool == "wrk" else PythonLoad()
    registry = ProcessRegistry(tmp_path)
    try:
        server = start_baseline(registry, "baseline")
        paths = write_paths(tmp_path / "paths", ["/a", "/b"])
        stats = loadgen.run(LoadSpec(server.port, paths, {"api-key": "x"}, 4, 1.0))
        assert stats.requests > 0 and stats.errors == 0
        assert 0 < stats.p50_ms <= stats.p99_ms
        assert (server.peak_rss_mb() or 0) > 1
        assert server.cpu_seconds() > 0  # the load cost the server CPU time: the per-request figure's base
    finally:
        registry.close()
    assert not server.alive()


def test_a_partial_run_never_replaces_the_full_runs_results() -> None:
    partial = config_from_args(["--scenarios", "s1,http"])
    assert partial.partial and partial.results_name() == "partial.json"
    assert partial.write_docs is False  # the committed table stays the full run's
    with pytest.raises(SystemExit, match="partial run"):
        config_from_args(["--scenarios", "s1", "--docs"])
    full = config_from_args([])
    assert not full.partial and full.results_name() == "latest.json" and full.write_docs
    with_extra = config_from_args(["--scenarios", "s1,s2,s3,s4,s5,s6,s7,s8,s9,s10,http"])
    assert not with_extra.partial and with_extra.results_name() == "latest.json"
    # S10 belongs to the full set: a run without it is partial, and one of it alone is too
    without_s10 = config_from_args(["--scenarios", "s1,s2,s3,s4,s5,s6,s7,s8,s9,http"])
    assert without_s10.partial and without_s10.results_name() == "partial.json" and not without_s10.write_docs
    only_s10 = config_from_args(["--scenarios", "s10"])
    assert only_s10.partial and only_s10.results_name() == "partial.json" and not only_s10.write_docs
    assert config_from_args(["--quick", "--scenarios", "s1"]).results_name() == "quick.json"


def test_the_baseline_runs_on_the_server_wanumbers_serve_runs() -> None:
    from bench.context import BOUNDED_SERVER, baseline_argv

    assert baseline_argv(8000)[1:4] == ["-m", BOUNDED_SERVER, "bench.baseline:app"]
