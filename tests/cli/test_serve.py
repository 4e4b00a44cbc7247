"""``wanumbers serve``: a real process, as users start it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wanumbers.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{tmp_path / 'demo.db'}",
            *args,
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    raise AssertionError(f"server did not start: {process.stderr.read() if process.stderr else ''}")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    return stderr


@pytest.mark.slow
def test_demo_prints_working_credentials_and_curls(tmp_path: Path) -> None:
    process, port = start(tmp_path, "--demo")
    try:
        time.sleep(0.2)
    finally:
        output = stop(process)
    sid = re.search(r"SID:\s+(\S+)", output)
    key = re.search(r"API key:\s+(\S+)", output)
    waba = re.search(r"WABA id:\s+(\d+)", output)
    assert sid and key and waba, output
    assert "number/add" in output and "phone_number_details" in output

    # A second --demo run reuses the account and WABA, with a fresh key that works.
    process, port = start(tmp_path, "--demo")
    try:
        response = httpx.post(
            f"http://127.0.0.1:{port}/v2/{sid[1]}/whatsapp/{waba[1]}/number/add",
            headers={"api-key": key[1]},
            json={
                "phone_number": "9876543210",
                "name": "Demo",
                "verification_type": "SMS",
                "country_code": "+91",
            },
        )
    finally:
        second = stop(process)
    assert response.json()["code"] == "WA200"
    assert re.search(r"WABA id:\s+(\d+)", second)[1] == waba[1]  # type: ignore[index]
    assert re.search(r"SID:\s+(\S+)", second)[1] == sid[1]  # type: ignore[index]


def test_sqlite_with_several_workers_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wanumbers.cli",
            "serve",
            "--workers",
            "2",
            "--database-url",
            f"sqlite:///{tmp_path / 'x.db'}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "SQLite serves one worker process; use PostgreSQL" in result.stderr
