"""``wanumbers serve``: a real process, as users start it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests._processes import clean_env, wanumbers

DETAILS = "/v2/HXAP16XXXXXX97IN/whatsapp/919876543210/phone_number_details"


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


# --- binding, the listening line, and a graceful stop (issue 11) ---------------------------------------

WAIT = 20.0  # longest wait for a server move; the happy paths take well under a second


def _serve(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wanumbers.cli", "serve", "--database-url", _store(tmp_path), *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
    )


def _store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


def _listening_url(process: subprocess.Popen[str]) -> str:
    """The URL of the "listening" line, read from stderr as it comes (bounded by WAIT)."""
    assert process.stderr is not None
    found: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                found.append(match[1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(WAIT)
    assert found, "no listening line"
    return found[0]


def test_listening_is_printed_once_the_port_is_bound(tmp_path: Path) -> None:
    # --port 0 lets the kernel choose: only a line printed after the bind can name the real port.
    process = _serve(tmp_path, "--port", "0")
    try:
        url = _listening_url(process)
        port = int(url.rsplit(":", 1)[1])
        assert port != 0
        # Connecting right after the line works: the socket is bound and listening already (the
        # request waits in the backlog if the app is still starting).
        response = httpx.get(url + "/openapi.json", timeout=WAIT)
    finally:
        process.terminate()
        process.communicate(timeout=WAIT)
    assert response.status_code == 200


def test_a_taken_port_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "wanumbers.cli",
                "serve",
                "--port",
                str(port),
                "--database-url",
                _store(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=WAIT,
            env=clean_env(),
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use; stop what holds it or pick another with --port"
    ]


def test_more_connections_than_the_open_files_allow_is_refused_at_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wanumbers.cli",
            "serve",
            "--max-connections",
            "1000000",
            "--database-url",
            _store(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=WAIT,
        env=clean_env(),
    )
    assert result.returncode == 2
    assert "--max-connections 1000000 needs more open files" in result.stderr
    assert "Traceback" not in result.stderr


def _admin_token(tmp_path: Path) -> str:
    done = wanumbers("sim", "token", "--json", "--database-url", _store(tmp_path))
    assert done.returncode == 0, done.stderr
    token: str = json.loads(done.stdout)["admin_token"]
    return token


def _refuses_connections(port: int) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_finishes_the_request_in_flight_stops_accepting_and_exits_0(tmp_path: Path) -> None:
    token = _admin_token(tmp_path)
    process = _serve(tmp_path, "--port", "0")
    try:
        url = _listening_url(process)
        delay = {"route": "kaleyra.details", "mode": "delay", "delay_ms": 2000}
        armed = httpx.post(url + "/sim/faults", json=delay, headers={"Authorization": f"Bearer {token}"})
        assert armed.status_code == 201, armed.text
        answers: list[httpx.Response] = []
        slow = threading.Thread(
            target=lambda: answers.append(httpx.get(url + DETAILS, headers={"api-key": "k"}, timeout=WAIT))
        )
        slow.start()
        time.sleep(0.5)  # the request is in its 2 s delay
        process.send_signal(signal.SIGTERM)
        refused = _refuses_connections(int(url.rsplit(":", 1)[1]))
        slow.join(WAIT)
        exit_code = process.wait(WAIT)
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=WAIT)
    assert refused  # new connections are no longer accepted …
    assert len(answers) == 1 and answers[0].json()  # … while the one in flight got its whole answer
    assert exit_code == 0
    assert "Traceback" not in stderr


def test_sigterm_cuts_a_request_past_the_shutdown_timeout_and_still_exits_0(tmp_path: Path) -> None:
    token = _admin_token(tmp_path)
    process = _serve(tmp_path, "--port", "0", "--shutdown-timeout", "0.5")
    try:
        url = _listening_url(process)
        delay = {"route": "kaleyra.details", "mode": "delay", "delay_ms": 30000}
        httpx.post(url + "/sim/faults", json=delay, headers={"Authorization": f"Bearer {token}"})
        outcome: list[object] = []

        def request() -> None:
            try:
                outcome.append(httpx.get(url + DETAILS, headers={"api-key": "k"}, timeout=WAIT))
            except httpx.TransportError as error:
                outcome.append(error)

        slow = threading.Thread(target=request)
        slow.start()
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(WAIT)  # well before the 30 s delay
        slow.join(WAIT)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=WAIT)
    assert exit_code == 0
    assert len(outcome) == 1  # the client was told, one way or another, and did not hang


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_keep_the_bounds_and_stop_with_exit_0_on_sigterm(database_url: str) -> None:
    # The limits travel to spawned worker processes inside uvicorn's pickled config.
    args = ["--port", "0", "--workers", "2", "--database-url", database_url, "--header-timeout", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "wanumbers.cli", "serve", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
    )
    try:
        url = _listening_url(process)
        served = _first_answer(url)
        with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=WAIT) as sock:
            sock.sendall(b"GET /x HT")
            answer = sock.recv(64)
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(WAIT)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=WAIT)
    assert served == 200
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert exit_code == 0


def _first_answer(url: str) -> int:
    """Workers start after the bind: poll (bounded) until one answers."""
    deadline = time.monotonic() + WAIT
    while True:
        try:
            return httpx.get(url + "/openapi.json", timeout=WAIT).status_code
        except httpx.TransportError:
            assert time.monotonic() < deadline, "no worker answered"
            time.sleep(0.1)
