"""httpx transports that serve requests from an ASGI app in this process, timeouts included.

httpx ships only an async ASGI transport. Sync clients reach the app through one event loop that
runs in a daemon helper thread, shared by every bridge in the process: starting a loop (thread and
all) per sandbox would cost more than the rest of the sandbox together. The calling thread blocks
on a future while the app runs on the helper loop, so the bridge also works from inside async code.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import httpx
import sniffio
from starlette.types import ASGIApp

__all__ = ["ASGITransport", "SyncASGITransport", "run_on_helper_loop"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _helper_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_serve, args=(loop,), name="wanumbers-sandbox", daemon=True)
            thread.start()
            atexit.register(_stop, loop, thread)
            _loop = loop
        return _loop


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()


def _stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


def run_on_helper_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on the shared helper loop and wait for its result."""
    return asyncio.run_coroutine_threadsafe(_as_asyncio(coroutine), _helper_loop()).result()


async def _as_asyncio(coroutine: Coroutine[Any, Any, T]) -> T:
    # The task runs in a copy of the caller's context: called from trio code, sniffio's variable would
    # still say "trio", and anyio (Starlette's, ours) would reach for trio on this asyncio loop.
    sniffio.current_async_library_cvar.set(None)
    return await coroutine


class ASGITransport(httpx.ASGITransport):
    """httpx's ASGI transport, plus the request's read timeout: a slow app (say, an injected delay
    fault) raises ``httpx.ReadTimeout`` as it would over a socket, so timeout handling is testable.

    The service is asyncio code (its store drivers, its deadlines): a caller on another event loop
    library (trio, through anyio) has its requests served on the helper loop, from a worker thread."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if sniffio.current_async_library() != "asyncio":
            await request.aread()
            return await anyio.to_thread.run_sync(run_on_helper_loop, self._buffered(request))
        return await self._served(request)

    async def _buffered(self, request: httpx.Request) -> httpx.Response:
        return await _buffer(await self._served(request))

    async def _served(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        if timeout is None:
            return await super().handle_async_request(request)
        try:
            with anyio.fail_after(timeout):
                return await super().handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout("the sandbox did not answer in time", request=request) from None


class SyncASGITransport(httpx.BaseTransport):
    """``httpx.Client(transport=SyncASGITransport(app))`` sends every request to ``app`` in-process."""

    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self._inner = ASGITransport(app=app, client=client)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # the body is now bytes, which the async side can stream
        return run_on_helper_loop(self._send(request))

    async def _send(self, request: httpx.Request) -> httpx.Response:
        return await _buffer(await self._inner.handle_async_request(request))


async def _buffer(response: httpx.Response) -> httpx.Response:
    """``response`` read whole, so it can leave the loop that streamed it. Raw bytes: the new response
    decodes them itself, per its Content-Encoding."""
    content = b"".join([chunk async for chunk in response.aiter_raw()])
    return httpx.Response(
        response.status_code, headers=response.headers, content=content, extensions=response.extensions
    )
