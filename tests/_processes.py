"""Real ``wanumbers serve`` processes on free loopback ports, for tests that cross a socket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wanumbers(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process (as a user would), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "wanumbers.cli", *args],
        capture_output=True,
        text=True,
        env=clean_env(env),
        timeout=60,
        check=False,
    )


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without any WANUMBERS_* setting of the developer's shell, but the suite's OTP
    key (PostgreSQL stores need one; tests/conftest.py)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WANUMBERS_")}
    if "WANUMBERS_OTP_KEY" in os.environ:  # the suite's own (tests/conftest.py)
        env["WANUMBERS_OTP_KEY"] = os.environ["WANUMBERS_OTP_KEY"]
    return {**env, **(extra or {})}


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serving(database_url: str, log: Path, extra_args: Sequence[str] = ()) -> Iterator[Server]:
    """``wanumbers serve`` on a free port, ready to answer; stopped on exit."""
    server = start(database_url, log, extra_args)
    try:
        yield server
    finally:
        server.stop()


def start(database_url: str, log: Path, extra_args: Sequence[str] = ()) -> Server:
    port = free_port()
    args = ["serve", "--port", str(port), "--database-url", database_url, *extra_args]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "wanumbers.cli", *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(),
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    _wait_ready(server)
    return server


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"wanumbers serve exited early:\n{server.log.read_text()}")
        try:
            httpx.get(server.url + "/", timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"wanumbers serve did not start in {START_TIMEOUT}s:\n{server.log.read_text()}")
