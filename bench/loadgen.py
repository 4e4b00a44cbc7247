"""Load drivers: ``wrk`` pinned to the load core, or the built-in fallback (``bench.pyload``).

Both take the same inputs (a list of paths picked at random, headers) and give a
``LoadStats``; both stop by themselves after ``duration`` seconds.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bench.model import LoadStats
from bench.procs import child_env, load_cmd

WRK_INSTALL_HINT = "apt-get update && apt-get install -y wrk"
LUA_SCRIPT = Path(__file__).with_name("wrk_paths.lua")


@dataclass(frozen=True)
class LoadSpec:
    """What to send: ``paths_file`` holds one request path per line."""

    port: int
    paths_file: Path
    headers: Mapping[str, str]
    connections: int
    duration_s: float
    method: str = "GET"


class LoadGenerator(Protocol):
    name: str
    note: str

    def run(self, spec: LoadSpec) -> LoadStats: ...


def write_paths(path: Path, paths: Sequence[str]) -> Path:
    path.write_text("\n".join(paths) + "\n")
    return path


class WrkLoad:
    name = "wrk"

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.note = _wrk_version(binary)

    def run(self, spec: LoadSpec) -> LoadStats:
        argv = [
            self.binary,
            "-t1",  # one thread: the load generator owns exactly one core
            f"-c{spec.connections}",
            f"-d{max(1, math.ceil(spec.duration_s))}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(LUA_SCRIPT),
            f"http://127.0.0.1:{spec.port}",
            "--",
            str(spec.paths_file),
            spec.method,
            *[f"{k}: {v}" for k, v in spec.headers.items()],
        ]
        done = subprocess.run(load_cmd(argv), capture_output=True, text=True, timeout=spec.duration_s + 30)
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
        return parse_wrk_output(done.stdout)


class PythonLoad:
    """Fallback: asyncio raw-socket client in a subprocess on the load core.

    One Python core cannot saturate a fast server, so its figures understate the
    baseline most; the report says which generator produced every figure.
    """

    name = "pyload"
    note = f"built-in asyncio generator (wrk missing: {WRK_INSTALL_HINT})"

    def run(self, spec: LoadSpec) -> LoadStats:
        argv = [
            sys.executable,
            "-m",
            "bench.pyload",
            "--port",
            str(spec.port),
            "--paths-file",
            str(spec.paths_file),
            "--connections",
            str(spec.connections),
            "--duration",
            str(spec.duration_s),
            "--method",
            spec.method,
            *[arg for k, v in spec.headers.items() for arg in ("--header", f"{k}: {v}")],
        ]
        done = subprocess.run(
            load_cmd(argv),
            capture_output=True,
            text=True,
            timeout=spec.duration_s + 30,
            env=child_env(),
        )
        if done.returncode != 0:
            raise RuntimeError(f"pyload failed ({done.returncode}): {done.stderr}")
        return stats_from_json(json.loads(done.stdout), tool="pyload")


def choose_loadgen(preference: str) -> LoadGenerator:
    """``auto`` uses wrk when installed; never installs anything itself."""
    binary = shutil.which("wrk")
    if preference == "wrk" and binary is None:
        raise SystemExit(f"wrk is not installed; install it with: {WRK_INSTALL_HINT}")
    if binary is not None and preference != "python":
        return WrkLoad(binary)
    if preference == "auto":
        print(f"wrk not found; install it with: {WRK_INSTALL_HINT}", file=sys.stderr)
        print("falling back to the built-in Python load generator (flagged in the report)")
    return PythonLoad()


def _wrk_version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"  # drop the copyright banner


_JSON_LINE = re.compile(r"^WRK_JSON (\{.*\})\s*$", re.MULTILINE)


def parse_wrk_output(stdout: str) -> LoadStats:
    """Prefer the JSON line from our Lua ``done()``; fall back to wrk's own text."""
    match = _JSON_LINE.search(stdout)
    if match is None:
        return parse_wrk_text(stdout)
    data: dict[str, Any] = json.loads(match.group(1))
    errors = sum(int(v) for v in data["errors"].values())
    duration_s = data["duration_us"] / 1e6
    return LoadStats(
        requests=int(data["requests"]),
        duration_s=duration_s,
        rps=data["requests"] / duration_s if duration_s else 0.0,
        p50_ms=data["latency_us"]["p50"] / 1000.0,
        p99_ms=data["latency_us"]["p99"] / 1000.0,
        errors=errors,
        tool="wrk",
    )


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unrecognised wrk latency {text!r}")
    return float(match.group(1)) * _UNIT_MS[match.group(2)]


def parse_wrk_text(stdout: str) -> LoadStats:
    """Parse plain ``wrk --latency`` output (no Lua ``done()``)."""
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", stdout, re.MULTILINE))
    summary = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", stdout)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    if summary is None or rps is None or "50" not in pct or "99" not in pct:
        raise ValueError(f"could not parse wrk output:\n{stdout}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", stdout))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    errors += int(non2xx.group(1)) if non2xx else 0
    return LoadStats(
        requests=int(summary.group(1)),
        duration_s=_latency_ms(summary.group(2) + summary.group(3)) / 1000.0,
        rps=float(rps.group(1)),
        p50_ms=_latency_ms(pct["50"]),
        p99_ms=_latency_ms(pct["99"]),
        errors=errors,
        tool="wrk",
    )


def stats_from_json(data: Mapping[str, Any], tool: str) -> LoadStats:
    return LoadStats(
        requests=int(data["requests"]),
        duration_s=float(data["duration_s"]),
        rps=float(data["rps"]),
        p50_ms=float(data["p50_ms"]),
        p99_ms=float(data["p99_ms"]),
        errors=int(data["errors"]),
        tool=tool,
    )
