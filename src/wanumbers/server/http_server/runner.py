"""Bind the port ourselves, say so, then hand the socket to uvicorn (one process or ``--workers N``).

Binding first is what lets ``serve`` print "listening" only once the port is ours, and turn a taken port
into one line instead of uvicorn's log and exit 3. SIGTERM (or Ctrl-C) stops accepting, lets in-flight
requests finish within ``Limits.shutdown_timeout`` s, cancels what is left, and exits 0.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import socket
import threading
from collections.abc import Callable, Iterator

from uvicorn import Server
from uvicorn.supervisors.multiprocess import Multiprocess

from wanumbers.server.http_server.limits import Limits
from wanumbers.server.http_server.protocol import BoundedConfig

BACKLOG = 2048  # uvicorn's default: connections the kernel queues while the app starts or is busy


class BindError(OSError):
    """The port cannot be listened on; the message is one line that says why and what to do."""


class GracefulServer(Server):
    """uvicorn's server, exiting normally after SIGTERM/SIGINT (uvicorn re-raises the signal once it has
    shut down, so the process would die by it: exit status -15 instead of 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def bind(host: str, port: int, backlog: int = BACKLOG) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart is not blocked by TIME_WAIT
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as error:
        sock.close()
        raise BindError(error.errno, _why(error, host, port)) from None
    sock.set_inheritable(True)  # workers are spawned processes: they inherit it
    return sock


def _why(error: OSError, host: str, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use; stop what holds it or pick another with --port"
    if error.errno == errno.EACCES:
        return f"no permission to listen on {host}:{port} (ports below 1024 need privileges); use --port"
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: not an address of this machine; check --host"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def url_of(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    app: str,
    *,
    host: str,
    port: int,
    limits: Limits,
    workers: int = 1,
    factory: bool = False,
    on_listening: Callable[[str], None] = lambda url: None,
) -> None:
    """Serve the ASGI app named ``module:attribute`` until SIGTERM/SIGINT. Raises BindError first if
    the port cannot be had; ``on_listening(url)`` is called once it is bound and listening."""
    sock = bind(host, port)
    config = BoundedConfig(
        app,
        limits=limits,
        factory=factory,
        host=host,
        port=sock.getsockname()[1],
        workers=workers,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    on_listening(url_of(sock, host))
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            GracefulServer(config).run(sockets=[sock])
    finally:
        sock.close()
