"""The connection cap's default and its check against the open-file limit."""

from __future__ import annotations

import pytest

from wanumbers.server.http_server.limits import Limits, LimitsError, resolve_max_connections


def test_the_default_cap_is_half_the_open_files_at_most_1000() -> None:
    assert resolve_max_connections(None, 256) == 128
    assert resolve_max_connections(None, 1024) == 512
    assert resolve_max_connections(None, 65536) == 1000


def test_a_cap_the_open_files_cannot_hold_is_refused_with_what_to_do() -> None:
    assert resolve_max_connections(128, 256) == 128
    with pytest.raises(LimitsError, match=r"--max-connections 129 needs more open files .* `ulimit -n`"):
        resolve_max_connections(129, 256)


def test_deadlines_are_checked_at_least_four_times_per_shortest_bound() -> None:
    assert Limits().sweep_interval == 0.5
    assert Limits(header_timeout=1, body_timeout=1, keep_alive=1).sweep_interval == 0.25
    assert Limits(header_timeout=0.1).sweep_interval == 0.05
