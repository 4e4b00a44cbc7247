"""A loopback TCP proxy in front of PostgreSQL that a test can take down, black-hole and bring back:
the database "stopping" without touching the shared server."""

from __future__ import annotations

import contextlib
import socket
import threading


class Proxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        # "up" forwards; "refuse" closes every connection; "hang" accepts and says nothing; "stall" keeps
        # every connection open but forwards nothing more (a network that black-holes established flows)
        self.mode = "up"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            self._track(client)
            if self.mode in ("hang", "stall"):
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self._track(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.mode != "stall":  # stalled: the bytes are taken and never passed on
                    sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def cut(self, mode: str = "refuse") -> None:
        """Drop every open connection and answer new ones per ``mode``."""
        self.mode = mode
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def stall(self) -> None:
        """Stop forwarding on the connections already open (and hang new ones), closing nothing."""
        self.mode = "stall"

    def restore(self) -> None:
        self.cut("up")

    def close(self) -> None:
        self._stopped = True
        self.cut("refuse")
        self._listener.close()
