"""S6: a fresh in-process sandbox + one add/verify/details round (``bench.sandbox_probe``).

Run in its own process pinned to the server core, so the harness's own imports and
memory do not blur the figure.
"""

from __future__ import annotations

import json
import subprocess
import sys

from bench import service
from bench.context import Context
from bench.model import ScenarioResult, Skip
from bench.procs import child_env, server_cmd
from bench.stats import ratio

TARGET_MS = 10.0


def s6(ctx: Context, base: ScenarioResult) -> list[ScenarioResult]:
    missing = service.missing_piece("wanumbers.testing:sandbox")
    if missing:
        raise Skip(missing)
    argv = [
        sys.executable,
        "-m",
        "bench.sandbox_probe",
        "--iterations",
        str(ctx.config.sandbox_iterations),
    ]
    done = subprocess.run(server_cmd(argv), capture_output=True, text=True, env=child_env(), timeout=300)
    if done.returncode != 0:
        raise Skip(
            "sandbox round failed (adjust bench/sandbox_probe.py:sandbox_round if the "
            f"sandbox API differs): {done.stderr.strip()[-400:]}"
        )
    data = json.loads(done.stdout)
    per_sandbox = float(data["median_ms"])
    return [
        ScenarioResult(
            key="s6",
            title="S6 sandbox: fresh sandbox + add/verify/details round",
            p50_ms=per_sandbox,
            p99_ms=float(data["p99_ms"]),
            ratio=ratio(per_sandbox, data["baseline_median_ms"]),
            ratio_of="time vs in-process raw ASGI",
            metrics={
                "ms per sandbox": round(per_sandbox, 2),
                "baseline ms": round(float(data["baseline_median_ms"]), 3),
                "import s": round(float(data["import_s"]), 3),
                "iterations": data["iterations"],
                "via": str(data["via"]),
            },
            target=f"≤{TARGET_MS:.0f} ms per sandbox",
            target_met=per_sandbox <= TARGET_MS,
        )
    ]
