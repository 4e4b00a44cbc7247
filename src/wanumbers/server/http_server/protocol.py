"""uvicorn's httptools protocol with the bounds it lacks (issue 10.4).

uvicorn 0.54 on httptools has no limit on header size (a 50 MB header is buffered and answered), no
timeout before the first request or while a head or body trickles in, and no cap on open connections
(``limit_concurrency`` answers 503 only once a head is complete, and never closes anything). This
subclass adds, per connection, one phase and one deadline:

- ``HEAD``: from accept, or from a keep-alive connection's first byte, until the head is complete;
  at most ``header_timeout`` s (then 408, or a silent close if nothing was sent) and ``max_header_bytes``
  (then 431, counted as bytes arrive, so a huge header is never buffered whole);
- ``BODY``: from the end of the head until the body is complete; at most ``body_timeout`` s (then 408,
  or a close if the answer has already been sent);
- ``BUSY``: the app is answering; no deadline here (the app bounds its own waits);
- ``IDLE``: a keep-alive connection between requests; closed after ``keep_alive`` s;
- ``DRAIN``: a refused request: the answer is sent, the write side shut, and what the client still
  sends is read and dropped for ``LINGER`` s, so the answer is not lost to a reset (lingering close).

Deadlines are plain floats checked by one sweep per process every ``Limits.sweep_interval`` s, so a
request costs two clock reads and no timer handles (uvicorn arms and cancels a keep-alive timer per
request). Over ``max_connections`` a new connection closes the connection that has waited longest
without a request being answered (an idle keep-alive, a head still trickling in); if every connection
is being answered, the new one gets 503 and is closed, so file descriptors never run out.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import httptools
from uvicorn import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from wanumbers.server.http_server.limits import Limits

HEAD, BODY, BUSY, IDLE, DRAIN = range(5)
WAITING = (HEAD, IDLE)  # phases in which no request of the connection is being answered
LINGER = 2.0  # seconds a refused connection is drained before it is closed
HEAD_TOO_LARGE = "Request header fields too large"
HEAD_TOO_SLOW = "Request head not received in time"
BODY_TOO_SLOW = "Request body not received in time"
TOO_MANY = "Too many open connections"


class BoundedConfig(Config):
    """uvicorn's config carrying the limits to every worker (it is pickled into spawned workers)."""

    def __init__(self, app: Any, *, limits: Limits, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=BoundedProtocol,
            ws="none",
            timeout_keep_alive=int(limits.keep_alive),  # unused by BoundedProtocol; kept truthful
            timeout_graceful_shutdown=limits.shutdown_timeout,  # type: ignore[arg-type]
            **kwargs,
        )
        self.limits = limits


class _Refused(Exception):
    """Raised inside a parser callback: stops httptools parsing a request already answered."""


_SWEPT: weakref.WeakSet[ServerState] = weakref.WeakSet()


def _start_sweeping(loop: asyncio.AbstractEventLoop, state: ServerState, interval: float) -> None:
    """One repeating check per process of every connection's deadline."""
    if state in _SWEPT:
        return
    _SWEPT.add(state)

    def sweep() -> None:
        now = loop.time()
        for connection in list(state.connections):
            if isinstance(connection, BoundedProtocol):
                connection.check_deadline(now)
        loop.call_later(interval, sweep)

    loop.call_later(interval, sweep)


class BoundedProtocol(HttpToolsProtocol):
    def __init__(
        self, config: Config, server_state: ServerState, app_state: dict[str, Any], _loop: Any = None
    ):
        super().__init__(config, server_state, app_state, _loop)
        self.limits: Limits = config.limits if isinstance(config, BoundedConfig) else Limits()
        self.phase = HEAD
        self.since = 0.0
        self.deadline: float | None = None
        self._now = 0.0
        self._head_pending = True  # the next bytes belong to a request head
        self._head_bytes = 0

    # --- connection ------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop)
        _start_sweeping(self.loop, self.server_state, self.limits.sweep_interval)
        self._now = self.loop.time()
        self._enter(HEAD, self.limits.header_timeout)
        if len(self.connections) > self.limits.max_connections:
            self._make_room()

    def _make_room(self) -> None:
        victim = _longest_waiting(self.connections, self)
        if victim is not None:
            victim.transport.close()
        else:  # every connection is being answered: this one waits for nothing
            self._answer(503, TOO_MANY, linger=False, extra=b"retry-after: 1\r\n")

    def evictable(self) -> bool:
        """Waiting for a request (or draining a refused one), not answering one."""
        if self.phase == DRAIN:
            return True
        return self.phase in WAITING and (self.cycle is None or self.cycle.response_complete)

    def check_deadline(self, now: float) -> None:
        if self.deadline is not None and self.deadline <= now and not self.transport.is_closing():
            self.deadline = None
            self._now = now
            self._expire()

    def _expire(self) -> None:
        cycle = self.cycle
        answering = cycle is not None and not cycle.response_complete
        if self.phase == HEAD and self._head_bytes and not answering:
            self._answer(408, HEAD_TOO_SLOW)
        elif self.phase == BODY and cycle is not None and not cycle.response_started:
            cycle.disconnected = True  # the app's receive() now answers http.disconnect
            cycle.message_event.set()
            self._answer(408, BODY_TOO_SLOW)
        else:  # idle, draining, or an answer already under way: nothing more to say
            self.transport.close()

    # --- bytes in ---------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        self._now = self.loop.time()
        if self.phase == DRAIN:
            return
        if self.phase in (IDLE, BUSY):  # a new head starts (pipelined while BUSY)
            self._enter(HEAD, self.limits.header_timeout)
        if self._head_pending:
            self._head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            if not isinstance(error.__context__, _Refused):
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()  # no WebSocket here (ws="none")
        if self._head_pending and self._head_bytes > self.limits.max_header_bytes:
            self._refuse(431, HEAD_TOO_LARGE)

    def on_headers_complete(self) -> None:
        self._head_pending = False
        # Bytes counted may include the body of this read; measure the head itself only then.
        if (
            self._head_bytes > self.limits.max_header_bytes
            and self._head_size() > self.limits.max_header_bytes
        ):
            self._refuse(431, HEAD_TOO_LARGE)
            raise _Refused
        self._enter(BODY, self.limits.body_timeout)
        super().on_headers_complete()

    def _head_size(self) -> int:
        return len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)

    def on_message_complete(self) -> None:
        self._head_pending = True
        self._head_bytes = 0
        if self.cycle is not None and self.cycle.response_complete:  # answered before the body ended
            self._enter(IDLE, self.limits.keep_alive)
        else:
            self.phase, self.deadline = BUSY, None
        super().on_message_complete()

    # --- answer out ---------------------------------------------------------------------------------

    def on_response_complete(self) -> None:
        # uvicorn's, with the keep-alive deadline instead of a timer per request.
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        elif self.phase == BUSY:
            self._now = self.loop.time()
            self._enter(IDLE, self.limits.keep_alive)

    def _refuse(self, status: int, reason: str) -> None:
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()  # an answer is being written on this connection: no room for another
        else:
            self._answer(status, reason)

    def _answer(self, status: int, reason: str, *, linger: bool = True, extra: bytes = b"") -> None:
        """A plain-text answer, then close; with ``linger``, drain what the client still sends first."""
        body = reason.encode()
        parts = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            parts += [name, b": ", value, b"\r\n"]
        parts += [b"content-type: text/plain; charset=utf-8\r\n", extra]
        parts += [b"content-length: ", str(len(body)).encode(), b"\r\nconnection: close\r\n\r\n", body]
        self.transport.write(b"".join(parts))
        if not linger or not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self.flow.resume_reading()
        self._enter(DRAIN, LINGER)

    def _enter(self, phase: int, timeout: float) -> None:
        self.phase, self.since, self.deadline = phase, self._now, self._now + timeout


class CoalescingTransport(asyncio.Transport):
    """The connection's transport, with the writes of one loop iteration sent as one: uvicorn writes an
    answer's head and its body separately, and each write to a socket is a segment and a wake-up of the
    reader (on loopback, the kernel delivers it inline). Writes are joined and handed on at the end of
    the iteration, or before the transport is closed or shut for writing, so their order is kept."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def flush(self) -> None:
        pending = self._pending
        self._pending = []
        if pending and not self._transport.is_closing():  # the peer may have gone meanwhile
            self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending = []
        self._transport.abort()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


def _longest_waiting(connections: set[Any], newcomer: BoundedProtocol) -> BoundedProtocol | None:
    """The connection that has waited longest without a request being answered, if any."""
    best: BoundedProtocol | None = None
    for connection in connections:
        if connection is newcomer or not isinstance(connection, BoundedProtocol):
            continue
        if connection.transport.is_closing() or not connection.evictable():
            continue
        if best is None or connection.since < best.since:
            best = connection
    return best
