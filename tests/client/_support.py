"""Test helpers: the seeds' real payloads, a recording mock server and a fake sleep."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).parent / "fixtures"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def load_seed(number: str) -> dict[str, Any]:
    """The JSON bodies of seed ``number`` ("000".."003"), keyed by a descriptive name."""
    return json.loads((FIXTURES / f"seed_{number}.json").read_text())  # type: ignore[no-any-return]


class Recorder:
    """A mock server: answers with queued replies in order and records every request.

    A reply may be an ``httpx.Response``, an exception to raise (e.g. ``httpx.ConnectError``)
    or a function of the request. The last reply repeats once the queue is exhausted.
    """

    def __init__(self, replies: Iterable[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.replies)) - 1
        reply = self.replies[index]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # A fresh copy: a response object is consumed by the client that reads it.
            return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)
        return reply(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def reply(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


class Sleeps:
    """A fake ``sleep`` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
