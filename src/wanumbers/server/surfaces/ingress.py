"""Hostile-input checks for the contract surfaces, before any endpoint runs (pipeline stage 1).

- a body over the limit (64 KiB) → 413, refused on its Content-Length or as soon as the stream passes
  the limit (chunked bodies are never read whole);
- NUL characters anywhere in the path, query or a text body (raw, ``%00`` or JSON ``\\u0000``) → 400:
  PostgreSQL cannot store them and no field of either contract needs one;
- a text body (JSON, form, text) that is not UTF-8 → 400;
- a path over 2,048 characters or with a segment over 256 → 414.
Everything else (wrong Content-Type, deep nesting, huge arrays) is the endpoints' own parsing, which
answers 4xx in the same envelopes; tests in tests/server/guarantees/test_hostile_input.py hold both to it.
"""

from __future__ import annotations

import re

from starlette.types import Receive, Scope

from wanumbers.server.surfaces.asgi import TooLarge, headers_of, read_bounded
from wanumbers.server.surfaces.contracts import Refusal

MAX_PATH = 2048
MAX_SEGMENT = 256
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NUL = re.compile(rb"\x00|%00|\\u0000", re.IGNORECASE)
_TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/", "")


def path_refusal(scope: Scope) -> Refusal | None:
    path: str = scope["path"]
    if len(path) > MAX_PATH or any(len(segment) > MAX_SEGMENT for segment in path.split("/")):
        return Refusal.BAD_PATH
    if "\x00" in path or _NUL.search(bytes(scope.get("query_string", b""))):
        return Refusal.BAD_PAYLOAD
    return None


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | Refusal:
    """The whole (bounded) body of a request that may have one, or why it is refused."""
    if scope["method"] not in BODY_METHODS:
        return b""
    try:
        body = await read_bounded(scope, receive, limit)
    except TooLarge:
        return Refusal.TOO_LARGE
    return _body_refusal(scope, body) or body


def _body_refusal(scope: Scope, body: bytes) -> Refusal | None:
    content_type = headers_of(scope).get("content-type", "").lower()
    if not body or not any(content_type.startswith(kind) for kind in _TEXT_TYPES):
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal.BAD_PAYLOAD
    return Refusal.BAD_PAYLOAD if _NUL.search(body) else None
