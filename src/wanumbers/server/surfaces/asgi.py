"""Small pure-ASGI helpers the request guards share: buffer a bounded body, hand it on."""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Receive, Scope

from wanumbers.server.domain.identifiers import is_digits
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

# The name of the route serving a request (set by the pipeline's route stage): fault injection, metrics
# and logs name requests by it.
ROUTE = "wanumbers.route"


class TooLarge(Exception):
    """The body passed the limit; reading stopped there."""


def runtime_of(scope: Scope) -> Runtime:
    rt: Runtime = scope["app"].state.runtime
    return rt


def settings_of(scope: Scope) -> Settings:
    settings: Settings = scope["app"].state.settings
    return settings


def headers_of(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


async def read_bounded(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, refusing (before reading it whole) anything over ``limit`` bytes."""
    declared = headers_of(scope).get("content-length", "")
    if is_digits(declared) and int(declared) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields the already-read body once, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def query_of(scope: Scope) -> str:
    raw: Any = scope.get("query_string", b"")
    return bytes(raw).decode("latin-1")
