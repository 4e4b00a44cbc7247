"""The bounded protocol's writes: an answer's parts go out as one write, in order, and a streamed body's
parts go out as they are sent. Over a real socket, against uvicorn serving with ``BoundedProtocol``."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from wanumbers.server.http_server.limits import Limits
from wanumbers.server.http_server.protocol import BoundedConfig, CoalescingTransport

WAIT = 5.0  # longest any read waits: a server that holds a part back fails the test, it does not hang it


class Recording(asyncio.Transport):
    """A transport that keeps what it is asked to do, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[Any] = []
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append(bytes(data))

    def write_eof(self) -> None:
        self.calls.append("eof")

    def close(self) -> None:
        self.calls.append("close")

    def get_write_buffer_size(self) -> int:
        return 0

    def is_closing(self) -> bool:
        return self.closing


def test_the_writes_of_one_loop_iteration_reach_the_socket_as_one() -> None:
    asyncio.run(_one_write())


async def _one_write() -> None:
    inner = Recording()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"{}")
    assert inner.calls == []
    assert transport.get_write_buffer_size() == 40
    await asyncio.sleep(0)
    assert inner.calls == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]


@pytest.mark.parametrize("end", ["close", "eof"])
def test_what_is_written_goes_out_before_the_connection_is_closed_or_shut(end: str) -> None:
    asyncio.run(_ended(end))


async def _ended(end: str) -> None:
    inner = Recording()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"answer")
    transport.close() if end == "close" else transport.write_eof()
    assert inner.calls == [b"answer", end]
    await asyncio.sleep(0)
    assert inner.calls == [b"answer", end]  # nothing is sent twice


def test_nothing_is_written_to_a_connection_the_peer_has_closed_meanwhile() -> None:
    asyncio.run(_peer_gone())


async def _peer_gone() -> None:
    inner = Recording()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"answer")
    inner.closing = True  # the connection was lost before the iteration ended
    await asyncio.sleep(0)
    assert inner.calls == []


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = BoundedConfig(app, limits=Limits(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT)
        sock.close()


@asynccontextmanager
async def connected(port: int) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield reader, writer
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), WAIT)


async def read_until(reader: asyncio.StreamReader, marker: bytes) -> bytes:
    return await asyncio.wait_for(reader.readuntil(marker), WAIT)


def test_a_streamed_body_goes_out_part_by_part() -> None:
    asyncio.run(_streamed())


async def _streamed() -> None:
    first_read = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"12")]})
        await send({"type": "http.response.body", "body": b"first|", "more_body": True})
        await asyncio.wait_for(first_read.wait(), WAIT)  # only once the client has the first part
        await send({"type": "http.response.body", "body": b"second"})

    async with serving(app) as port, connected(port) as (reader, writer):
        writer.write(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        head = await read_until(reader, b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert await read_until(reader, b"|") == b"first|"
        first_read.set()
        assert await asyncio.wait_for(reader.readexactly(6), WAIT) == b"second"


def test_keep_alive_answers_stay_in_order() -> None:
    asyncio.run(_in_order())


async def _in_order() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = scope["path"].encode()
        length = str(len(body)).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", length)]})
        await send({"type": "http.response.body", "body": body})

    async with serving(app) as port, connected(port) as (reader, writer):
        for path in ("/one", "/two", "/three"):
            writer.write(f"GET {path} HTTP/1.1\r\nhost: x\r\n\r\n".encode())
            await read_until(reader, b"\r\n\r\n")
            assert await asyncio.wait_for(reader.readexactly(len(path)), WAIT) == path.encode()
