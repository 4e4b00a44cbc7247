"""Bounded connections (issue 10.4), over real sockets against real ``wanumbers serve`` processes.

One server runs with short bounds (1 s head, 1 s body, 1 s keep-alive, 4 KiB head) so each test waits
seconds, not the defaults' tens of seconds; the open-file test and the memory test start their own.
Every wait is bounded: a server that ignores a bound fails the test at ``WAIT`` s, it does not hang it.
"""

from __future__ import annotations

import contextlib
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests._processes import Server, clean_env, free_port, serving

pytestmark = pytest.mark.slow

SHORT = ["--header-timeout", "1", "--body-timeout", "1", "--keep-alive", "1", "--max-header-bytes", "4096"]
WAIT = 8.0  # longest any server move is waited for; 8x the short bounds
DETAILS = "/v2/HXAP16XXXXXX97IN/whatsapp/919876543210/phone_number_details"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("connections")
    with serving(f"sqlite:///{root / 'store.db'}", root / "serve.log", SHORT) as server:
        yield server


def port_of(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


@contextmanager
def connection(server: Server) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port_of(server)), timeout=WAIT)
    try:
        yield sock
    finally:
        sock.close()


def server_move(sock: socket.socket) -> tuple[int | None, bool]:
    """(status of what the server answered, or None; whether it then closed), waiting at most WAIT s."""
    received = b""
    deadline = time.monotonic() + WAIT
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        while time.monotonic() < deadline:
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                return _status(received), True
            received += chunk
    return _status(received), False


def _status(received: bytes) -> int | None:
    return int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/1.1 ") else None


def trickle(sock: socket.socket, first: bytes, then: bytes, stop: threading.Event) -> None:
    """Send ``first``, then ``then`` every 0.2 s until stopped: a client that never finishes."""
    with contextlib.suppress(OSError):
        sock.sendall(first)
        while not stop.wait(0.2):
            sock.sendall(then)


def trickled_move(server: Server, first: bytes, then: bytes) -> tuple[int | None, bool]:
    stop = threading.Event()
    with connection(server) as sock:
        threading.Thread(target=trickle, args=(sock, first, then, stop), daemon=True).start()
        try:
            return server_move(sock)
        finally:
            stop.set()


# --- the head: its time and its size --------------------------------------------------------------


def test_half_a_request_line_is_answered_408_and_closed_after_the_header_timeout(
    short_server: Server,
) -> None:
    with connection(short_server) as sock:
        sock.sendall(b"GET /v2/x HT")
        assert server_move(sock) == (408, True)


def test_a_head_trickling_in_is_cut_at_the_header_timeout_however_lively(short_server: Server) -> None:
    # A byte every 0.2 s: never idle, never done. The bound is on the whole head, not between bytes.
    first = b"GET " + DETAILS.encode() + b" HTTP/1.1\r\nHost: x\r\n"
    assert trickled_move(short_server, first, b"X") == (408, True)


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(short_server: Server) -> None:
    with connection(short_server) as sock:
        assert server_move(sock) == (None, True)


def test_a_head_over_the_limit_is_431_and_one_under_it_is_served(short_server: Server) -> None:
    over = httpx.get(short_server.url + DETAILS, headers={"X-Pad": "a" * 5000}, timeout=WAIT)
    under = httpx.get(short_server.url + DETAILS, headers={"X-Pad": "a" * 3000}, timeout=WAIT)
    assert over.status_code == 431
    assert over.text == "Request header fields too large"
    assert under.status_code != 431 and under.json()  # the contract's own answer (an auth error here)


def test_a_head_over_the_limit_sent_in_many_pieces_is_431(short_server: Server) -> None:
    with connection(short_server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        for _ in range(10):
            sock.sendall(b"X-Pad: " + b"a" * 500 + b"\r\n")
        assert server_move(sock) == (431, True)


# --- the body: its time -----------------------------------------------------------------------------


def test_an_endless_chunked_body_is_answered_408_after_the_body_timeout(short_server: Server) -> None:
    head = b"POST /v2/x/whatsapp/1/number/add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert trickled_move(short_server, head, b"1\r\na\r\n") == (408, True)


def test_a_body_shorter_than_its_content_length_is_answered_408_after_the_body_timeout(
    short_server: Server,
) -> None:
    with connection(short_server) as sock:
        sock.sendall(b"POST /v2/x/whatsapp/1/number/add HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        assert server_move(sock) == (408, True)


# --- keep-alive ---------------------------------------------------------------------------------------


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_time(short_server: Server) -> None:
    with connection(short_server) as sock:
        sock.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n")
        status, closed = _one_answer(sock)
        assert (status, closed) == (200, False)  # kept alive after the answer …
        assert server_move(sock) == (None, True)  # … then closed once idle


def test_keep_alive_connections_still_serve_request_after_request(short_server: Server) -> None:
    with httpx.Client(base_url=short_server.url, timeout=WAIT) as client:
        statuses = [client.get("/openapi.json").status_code for _ in range(5)]
    assert statuses == [200] * 5


def _one_answer(sock: socket.socket) -> tuple[int | None, bool]:
    """Read exactly one answer (head + Content-Length body); (status, whether the server closed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return _status(data), True
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(v)
        for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:])
        if k.lower() == b"content-length"
    )
    while len(body) < length:
        body += sock.recv(65536)
    return _status(head), False


# --- open connections and memory ----------------------------------------------------------------------


def _limit_open_files(limit: int | None) -> Callable[[], None] | None:
    if limit is None:
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


@contextmanager
def serving_with(tmp_path: Path, env: dict[str, str], open_files: int | None = None) -> Iterator[Server]:
    """``wanumbers serve`` with ``env`` set and, optionally, ``open_files`` (as after ``ulimit -n``)."""
    port, log = free_port(), tmp_path / "serve.log"
    args = ["serve", "--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'store.db'}"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "wanumbers.cli", *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(env),
            preexec_fn=_limit_open_files(open_files),
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_answering(server)
        yield server
    finally:
        server.stop()


def _wait_answering(server: Server) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log.read_text()
        with contextlib.suppress(httpx.TransportError):
            httpx.get(server.url + "/openapi.json", timeout=1)
            return
        time.sleep(0.05)
    raise AssertionError(f"server did not start:\n{server.log.read_text()}")


def test_more_connections_than_the_open_file_limit_allows_do_not_fail_real_requests(tmp_path: Path) -> None:
    # 256 open files: uvicorn alone failed real requests once 300 sockets held half a request line.
    # WANUMBERS_HEADER_TIMEOUT: the held sockets must not expire by themselves during the test.
    with serving_with(tmp_path, {"WANUMBERS_HEADER_TIMEOUT": "60"}, open_files=256) as server:
        held = []
        try:
            for _ in range(300):
                sock = socket.create_connection(("127.0.0.1", port_of(server)), timeout=WAIT)
                sock.sendall(b"GET /x HT")
                held.append(sock)
            statuses = [httpx.get(server.url + "/openapi.json", timeout=WAIT).status_code for _ in range(5)]
            closed = sum(_closed_by_server(sock) for sock in held)
        finally:
            for sock in held:
                sock.close()
        log = server.log.read_text()
    assert statuses == [200] * 5
    assert closed >= 300 - 128  # the cap (half of 256 files) made room by closing the oldest
    assert "Too many open files" not in log and "Traceback" not in log


def _closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(0.02)  # the server's closes happened before the real requests were answered
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _send_huge_head(server: Server) -> int | None:
    with connection(server) as sock:

        def push() -> None:
            with contextlib.suppress(OSError):
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
                for _ in range(50 * MB // 65536):
                    sock.sendall(b"a" * 65536)
                sock.sendall(b"\r\n\r\n")

        threading.Thread(target=push, daemon=True).start()
        return server_move(sock)[0]


def test_four_parallel_50_mb_headers_are_431_and_leave_memory_bounded(tmp_path: Path) -> None:
    # uvicorn alone answered them 200 and grew from 83 to 301 MB.
    with serving(f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "serve.log") as server:
        before = _peak_rss_mb(server.process.pid)
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: _send_huge_head(server), range(4)))
        after = _peak_rss_mb(server.process.pid)
    assert statuses == [431] * 4
    assert after - before < 20, (before, after)  # a 16 KiB bound plus read buffers, not 200 MB


def test_the_bounds_are_read_from_wanumbers_environment_variables(tmp_path: Path) -> None:
    env = {"WANUMBERS_MAX_HEADER_BYTES": "2048", "WANUMBERS_HEADER_TIMEOUT": "1"}
    with serving_with(tmp_path, env) as server:
        status = httpx.get(server.url + DETAILS, headers={"X-Pad": "a" * 3000}, timeout=WAIT).status_code
        with connection(server) as sock:
            sock.sendall(b"GET /v2/x HT")
            move = server_move(sock)
    assert status == 431
    assert move == (408, True)
