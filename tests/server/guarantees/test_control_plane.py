"""The control plane (``/sim/…``) is on with the emulator and off in live mode unless asked for; off, it
is not mounted at all and ``/sim`` answers 404 (issue 10, item 6). Real ``wanumbers serve`` processes
for the flag and the environment variable; the app itself for the defaults."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from tests._processes import clean_env
from wanumbers.server.app import create_app
from wanumbers.server.settings import Settings, SettingsError

WAIT = 20.0
LIVE = ("--upstream", "graph", "--graph-base-url", "http://127.0.0.1:9", "--graph-token", "EAAGm0PX4ZCpsBA")
SIM_PATHS = [("POST", "/sim/reset"), ("POST", "/sim/faults"), ("GET", "/sim/clock"), ("GET", "/sim/outbox")]


def _serve(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "wanumbers.cli", "serve", "--port", "0", *args, "--database-url", store],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=clean_env(env),
    )
    found: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(WAIT)
    if not found:
        process.kill()
        raise AssertionError("no listening line")
    return process, found[0]


def _statuses(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, list[int]]:
    process, line = _serve(tmp_path, *args, env=env)
    url = re.search(r"listening on (http://\S+)", line)
    assert url is not None
    try:
        statuses = [
            httpx.request(method, url[1] + path, json={"route": "*"}, timeout=WAIT).status_code
            for method, path in SIM_PATHS
        ]
    finally:
        process.terminate()
        process.communicate(timeout=WAIT)
    return line, statuses


@pytest.mark.slow
def test_live_mode_has_no_control_plane_by_default(tmp_path: Path) -> None:
    line, statuses = _statuses(tmp_path, *LIVE)
    assert "control plane off" in line
    assert statuses == [404] * len(SIM_PATHS)


@pytest.mark.slow
def test_the_flag_and_the_variable_switch_it(tmp_path: Path) -> None:
    line, statuses = _statuses(tmp_path, *LIVE, "--control-plane", "on")
    assert "control plane on" in line and statuses == [401] * len(SIM_PATHS)  # mounted: wants an admin token
    line, statuses = _statuses(tmp_path, env={"WANUMBERS_CONTROL_PLANE": "off"})
    assert "control plane off" in line and statuses == [404] * len(SIM_PATHS)


def _client(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(database_url="sqlite:///:memory:", otp_key="k" * 32, **settings)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "status"),
    [
        ({}, 401),
        ({"control_plane": True}, 401),
        ({"control_plane": False}, 404),
        ({"upstream": "graph", "graph_base_url": "http://127.0.0.1:9", "graph_token": "EAAG"}, 404),
        (
            {
                "upstream": "graph",
                "graph_base_url": "http://127.0.0.1:9",
                "graph_token": "EAAG",
                "control_plane": True,
            },
            401,
        ),
    ],
)
def test_sim_is_mounted_only_when_the_control_plane_is_on(settings: dict[str, object], status: int) -> None:
    with _client(**settings) as client:
        for method, path in SIM_PATHS:
            assert client.request(method, path, json={"route": "*"}).status_code == status
        assert client.get("/openapi.json").status_code == 200  # the rest is served either way


@pytest.mark.parametrize(
    ("value", "on"),
    [
        ("on", True),
        ("ON", True),
        ("1", True),
        ("true", True),
        ("off", False),
        ("0", False),
        ("no", False),
        ("", None),
    ],
)
def test_the_environment_variable(monkeypatch: pytest.MonkeyPatch, value: str, on: bool | None) -> None:
    monkeypatch.setenv("WANUMBERS_CONTROL_PLANE", value)
    assert Settings.from_env(database_url="sqlite:///:memory:").control_plane is on


def test_a_bad_value_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WANUMBERS_CONTROL_PLANE", "maybe")
    with pytest.raises(SettingsError, match="WANUMBERS_CONTROL_PLANE must be 'on' or 'off', not 'maybe'"):
        Settings.from_env(database_url="sqlite:///:memory:")
