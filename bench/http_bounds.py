"""Does an HTTP server bound its connections? Probes of issue 10.4 against any ASGI server.

``python -m bench.http_bounds [--servers uvicorn,granian,…] [--wait 40]`` starts each candidate server on a
free port with ``app`` below (it reads the whole body, then answers its size), then:

- ``half-line``: a socket that sent half a request line: closed when, and how?
- ``silent``: a socket that sent nothing;
- ``big-head``: a 20 KiB header (over a 16 KiB bound) and a 50 MB header: which status?
- ``chunked``: an endless chunked body, one byte every 0.5 s;
- ``short-cl``: ``Content-Length: 100`` with 10 bytes sent;
- ``keep-alive``: an idle keep-alive connection after one answer;
- ``cap``: the server started with 256 open files; 300 sockets send half a request line, then 5 real
  requests are made: how many answer 200?
- ``rss``: peak RSS of the server before and after 4 parallel 50 MB headers.

Each probe waits at most ``--wait`` s. The results decide docs/architecture.md's "HTTP server" section.
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.procs import ManagedProcess, ProcessRegistry, free_port, wait_until_ok

MB = 1024 * 1024


async def app(scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[Any], Any]) -> None:
    """Reads the whole body before answering, as an endpoint that parses it does."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = str(size).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


APP = "bench.http_bounds:app"
SERVERS: dict[str, Callable[[int], list[str]]] = {
    "uvicorn": lambda p: [sys.executable, "-m", "uvicorn", APP, "--port", str(p), "--log-level", "warning"],
    "uvicorn-opts": lambda p: [
        *SERVERS["uvicorn"](p),
        *("--limit-concurrency", "100", "--timeout-keep-alive", "5"),
    ],
    "uvicorn-h11": lambda p: [
        *SERVERS["uvicorn"](p),
        *("--http", "h11", "--h11-max-incomplete-event-size", "16384", "--timeout-keep-alive", "5"),
    ],
    "granian": lambda p: [
        *(shutil.which("granian") or "granian", "--interface", "asgi", APP, "--port", str(p)),
        *("--http", "1", "--log-level", "warning", "--http1-header-read-timeout", "10000"),
        *("--http1-buffer-size", "16384"),
    ],
    "hypercorn": lambda p: [
        *(shutil.which("hypercorn") or "hypercorn", APP, "--bind", f"127.0.0.1:{p}"),
        *("--keep-alive", "5", "--read-timeout", "10", "--log-level", "warning"),
    ],
    "wanumbers": lambda p: [sys.executable, "-m", "wanumbers.server.http_server", APP, "--port", str(p)],
}


def _outcome(sock: socket.socket, started: float, wait: float) -> str:
    """What the server did with this socket: its status line, a close or reset, or nothing in time."""
    sock.settimeout(max(0.1, started + wait - time.monotonic()))
    try:
        data = sock.recv(4096)
    except TimeoutError:
        return f"open after {wait:.0f} s"
    except OSError:
        return f"reset after {time.monotonic() - started:.1f} s"
    elapsed = time.monotonic() - started
    if not data:
        return f"closed after {elapsed:.1f} s"
    status = data.split(b" ", 2)[1].decode(errors="replace") if data.startswith(b"HTTP/") else "?"
    return f"{status} after {elapsed:.1f} s"


@contextlib.contextmanager
def _connection(port: int) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        yield sock
    finally:
        sock.close()


def _sent(port: int, data: bytes, wait: float) -> str:
    with _connection(port) as sock:
        sock.sendall(data)
        return _outcome(sock, time.monotonic(), wait)


def _trickle(sock: socket.socket, first: bytes, then: bytes, stop: threading.Event) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(first)
        while not stop.wait(0.5):
            sock.sendall(then)


def _trickled(port: int, first: bytes, then: bytes, wait: float) -> str:
    stop = threading.Event()
    with _connection(port) as sock:
        threading.Thread(target=_trickle, args=(sock, first, then, stop), daemon=True).start()
        try:
            return _outcome(sock, time.monotonic(), wait)
        finally:
            stop.set()


def _big_head(port: int, size: int, wait: float) -> str:
    def push(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
            chunk = b"a" * min(size, 65536)
            for _ in range(size // len(chunk)):
                sock.sendall(chunk)
            sock.sendall(b"\r\n\r\n")

    with _connection(port) as sock:
        threading.Thread(target=push, args=(sock,), daemon=True).start()
        return _outcome(sock, time.monotonic(), wait)


def _keep_alive(port: int, wait: float) -> str:
    with _connection(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _read_answer(sock)
        return _outcome(sock, time.monotonic(), wait)


def _read_answer(sock: socket.socket) -> None:
    """One whole answer (head and Content-Length body), so what follows is only the server's next move."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length")
    )
    while len(body) < length:
        body += sock.recv(4096)


def probe_timeouts(port: int, wait: float) -> dict[str, str]:
    probes: dict[str, Callable[[], str]] = {
        "half-line": lambda: _sent(port, b"GET /x HT", wait),
        "silent": lambda: _sent(port, b"", wait),
        "big-head 20 KiB": lambda: _big_head(port, 20 * 1024, wait),
        "big-head 50 MB": lambda: _big_head(port, 50 * MB, wait),
        "chunked": lambda: _trickled(
            port, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", b"1\r\na\r\n", wait
        ),
        "short-cl": lambda: _sent(
            port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"a" * 10, wait
        ),
        "keep-alive": lambda: _keep_alive(port, wait),
    }
    with ThreadPoolExecutor(len(probes)) as pool:
        futures = {name: pool.submit(fn) for name, fn in probes.items()}
        return {name: future.result() for name, future in futures.items()}


def _real_request(port: int) -> int:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = sock.recv(64)
            return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, ValueError):
        return 0


def probe_cap(port: int) -> str:
    held: list[socket.socket] = []
    try:
        for _ in range(300):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=2)
                sock.sendall(b"GET /x HT")
                held.append(sock)
            except OSError:
                break
        time.sleep(0.5)
        statuses = [_real_request(port) for _ in range(5)]
    finally:
        for sock in held:
            sock.close()
    return f"{statuses.count(200)}/5 real requests 200 ({len(held)} held)"


def probe_rss(proc: ManagedProcess, port: int, wait: float) -> str:
    before = proc.peak_rss_mb() or 0.0
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: _big_head(port, 50 * MB, wait), range(4)))
    after = proc.peak_rss_mb() or 0.0
    return f"{before:.0f} → {after:.0f} MB ({outcomes[0]})"


def _limit_files(limit: int) -> Callable[[], None]:
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def _start(
    registry: ProcessRegistry, name: str, port: int, argv: Sequence[str], files: int | None
) -> ManagedProcess:
    if files is None:
        proc = registry.start(name, argv, port=port)
    else:  # the registry does not take preexec hooks: the limit goes through prlimit(1)
        proc = registry.start(name, ["prlimit", f"--nofile={files}:{files}", *argv], port=port)
    wait_until_ok(proc, "/")
    return proc


def probe_server(registry: ProcessRegistry, name: str, wait: float) -> dict[str, str]:
    build = SERVERS[name]
    port = free_port()
    proc = _start(registry, name, port, build(port), None)
    results = probe_timeouts(port, wait)
    results["rss"] = probe_rss(proc, port, wait)
    registry.stop(proc)
    port = free_port()
    proc = _start(registry, f"{name}-256", port, build(port), 256)
    results["cap (256 files)"] = probe_cap(port)
    registry.stop(proc)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_bounds", description=__doc__)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--wait", type=float, default=40.0, help="longest wait of one probe, s")
    args = parser.parse_args(argv)
    import tempfile
    from pathlib import Path

    registry = ProcessRegistry(Path(tempfile.mkdtemp(prefix="http-bounds-")))
    table: dict[str, dict[str, str]] = {}
    try:
        for name in args.servers.split(","):
            print(f"probing {name} …", flush=True)
            try:
                table[name] = probe_server(registry, name, args.wait)
            except Exception as error:  # one server that does not start must not hide the others
                print(f"  {name} failed: {type(error).__name__}: {error}", flush=True)
                continue
            for probe, outcome in table[name].items():
                print(f"  {probe:<18} {outcome}", flush=True)
    finally:
        registry.close()
    names = list(table)
    print("\n| Probe | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for probe in next(iter(table.values()), {}):
        print(f"| {probe} | " + " | ".join(table[n][probe] for n in names) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
