"""bench.core_load: a core's busy share is everything but idle and iowait, between two readings."""

from __future__ import annotations

import os

from bench.core_load import busy, by_kind, kind_of


def test_busy_counts_all_but_idle_and_iowait() -> None:
    # /proc/stat columns: user nice system idle iowait irq softirq steal
    before = {"cpu0": [100, 0, 50, 1000, 10, 0, 0, 0], "cpu1": [0, 0, 0, 500, 0, 0, 0, 0]}
    after = {"cpu0": [150, 0, 70, 1020, 20, 0, 0, 0], "cpu1": [0, 0, 0, 600, 0, 0, 0, 0]}
    assert busy(before, after) == {"cpu0": 70.0, "cpu1": 0.0}


def test_a_core_with_no_ticks_between_readings_is_idle_not_an_error() -> None:
    reading = {"cpu0": [1, 2, 3, 4, 5, 0, 0, 0]}
    assert busy(reading, reading) == {"cpu0": 0.0}


def test_a_kinds_cpu_is_its_processes_ticks_in_the_window() -> None:
    before = {1: ("postgres", 100), 2: ("python", 50)}
    after = {1: ("postgres", 150), 2: ("python", 60), 3: ("postgres", 25)}  # 3 started meanwhile
    used = by_kind(before, after, seconds=1.0)
    ticks = os.sysconf("SC_CLK_TCK")
    assert used["postgres"] == 100.0 * 75 / ticks
    assert used["python"] == 100.0 * 10 / ticks


def test_processes_are_grouped_by_command() -> None:
    assert [kind_of(c) for c in ("postgres", "python3.11", "wanumbers", "wrk", "sshd")] == [
        "postgres",
        "python",
        "python",
        "wrk",
        "other",
    ]
