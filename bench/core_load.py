"""Where a machine's CPU goes, second by second: ``python -m bench.core_load [--seconds 120]``.

Run it beside a scenario (``python -m bench --scenarios s4 --no-docs`` in another shell) to see what a
scenario saturates: each core's busy share, and the CPU of each kind of process (PostgreSQL's backends,
Python: the server and the bench's own load generators, wrk, the rest) in percent of one core. Reads
``/proc``; one line a second. docs/benchmarks.md, "Where the time goes" (S4), reads it.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from pathlib import Path

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK")


def core_times() -> dict[str, list[int]]:
    cores = {}
    for line in (PROC / "stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            cores[name] = [int(value) for value in fields]
    return cores


def busy(before: dict[str, list[int]], after: dict[str, list[int]]) -> dict[str, float]:
    """Percent of each core's time between the two readings spent on anything but idle and iowait."""
    shares = {}
    for core, now in after.items():
        spent = [b - a for a, b in zip(before[core], now, strict=True)]
        total, idle = sum(spent), spent[3] + spent[4]
        shares[core] = 100.0 * (total - idle) / total if total else 0.0
    return shares


def kind_of(command: str) -> str:
    """The group a process's CPU is counted in, by its command name."""
    if command.startswith("postgres"):
        return "postgres"
    if command.startswith(("python", "wanumbers")):
        return "python"
    return "wrk" if command == "wrk" else "other"


def process_times() -> dict[int, tuple[str, int]]:
    """Each process's kind and CPU so far (user + system, in clock ticks)."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "comm").read_text().strip()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        found[int(entry.name)] = (kind_of(command), int(fields[11]) + int(fields[12]))
    return found


def by_kind(
    before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]], seconds: float
) -> Counter[str]:
    """Percent of one core each kind used between the readings (a process started meanwhile counts whole)."""
    used: Counter[str] = Counter()
    for pid, (kind, ticks) in after.items():
        earlier = before.get(pid)
        used[kind] += ticks - (earlier[1] if earlier is not None and earlier[0] == kind else 0)
    return Counter({kind: 100.0 * ticks / _TICKS / seconds for kind, ticks in used.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0)
    end = time.monotonic() + parser.parse_args().seconds
    cores, processes, at = core_times(), process_times(), time.monotonic()
    while time.monotonic() < end:
        time.sleep(1.0)
        now_cores, now_processes, now = core_times(), process_times(), time.monotonic()
        per_core = "  ".join(f"{core} {share:3.0f}%" for core, share in busy(cores, now_cores).items())
        kinds = by_kind(processes, now_processes, now - at)
        per_kind = "  ".join(f"{kind} {share:3.0f}%" for kind, share in sorted(kinds.items()))
        print(time.strftime("%H:%M:%S"), per_core, "|", per_kind, flush=True)
        cores, processes, at = now_cores, now_processes, now


if __name__ == "__main__":
    main()
