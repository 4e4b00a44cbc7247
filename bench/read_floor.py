"""S1's and S2's floor: the two hot reads with nothing around them, on the HTTP server the service runs.

Per request it does what any correct answer to the request must. S1 (the Kaleyra details read): take the
SID and number from the path, hash the ``api-key`` header, run the service's own details statement (the
credential, its ownership and the number in one ``SELECT``, SQLite, inline), judge the key live, map the
row with the service's mapper, project the document with its health (the service's ``project``) and
render it with orjson. S2 (Graph ``GET /{id}?fields=…``): the same with the bearer token, the node
statement and the service's ``fields`` parser and renderer. It leaves out everything
else the service does per request: the request id, log line and metrics, the ingress checks, the route
table, the rate limit, the request deadline, the fault gate, the Idempotency-Key stage and Starlette's
objects. A request this app cannot answer as S1 expects (any other path, a foreign key) is a 404.

S1's row divided by this one's is the share of a read the service's own stages cost; this row against
the baseline is what the read's unavoidable work costs (docs/benchmarks.md, "S1's floor"). Run by the
harness with ``BENCH_FLOOR_DATABASE`` set to the store's file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import orjson

from bench.baseline import Receive, Scope, Send, _lifespan
from wanumbers.server.domain.credentials import check_live
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.node import KALEYRA_DETAILS, NODE_DEFAULT, project
from wanumbers.server.storage.repositories.access import _NODE_BY_ID, _NUMBER_BY_E164, Access
from wanumbers.server.surfaces.credentials import bearer_token
from wanumbers.server.surfaces.graph import fields

READY_PATH = "/"
_DETAILS = _NUMBER_BY_E164.sqlite
_NODE = _NODE_BY_ID[True].sqlite  # S2's fields are all status fields
_JSON = (b"content-type", b"application/json")
_MISSING = b'{"error":"not found"}'
_connection: sqlite3.Connection | None = None


def _store() -> sqlite3.Connection:
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(os.environ["BENCH_FLOOR_DATABASE"], check_same_thread=False)
        _connection.row_factory = sqlite3.Row  # as the service's store maps by name
        _connection.execute("PRAGMA query_only = ON")
    return _connection


def _found(statement: str, kind: str, secret: bytes, value: object, **shape: bool) -> Access | None:
    """The statement's access row if the credential is live by the store's clock."""
    params = {"digest": hashlib.sha256(secret).hexdigest(), "kind": kind, "value": value}
    row = _store().execute(statement, params).fetchone()
    if row is None:
        return None
    found = Access(row, status_only=True, **shape)
    try:
        check_live(found.issued, datetime.now(UTC) + timedelta(seconds=found.clock_offset))
    except DomainError:
        return None
    return found


def _details(parts: list[str], headers: dict[bytes, bytes]) -> bytes | None:
    """``/v2/{sid}/whatsapp/{number}/phone_number_details``"""
    found = _found(_DETAILS, "api_key", headers.get(b"api-key", b""), "+" + parts[4], number=True)
    if found is None or found.number is None or found.waba is None:
        return None
    if not hmac.compare_digest(found.account.sid, parts[2]):
        return None
    document: Any = project(found.number, found.waba, found.account, KALEYRA_DETAILS)
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def _node(parts: list[str], query: bytes, headers: dict[bytes, bytes]) -> bytes | None:
    """``/{version}/{id}?fields=…``"""
    token = bearer_token(headers.get(b"authorization", b"").decode("latin-1")).encode()
    found = _found(_NODE, "access_token", token, int(parts[2]), node=True)
    if found is None or found.number is None or found.waba is None:
        return None
    raw = [
        unquote(value)
        for key, _, value in (p.partition("=") for p in query.decode().split("&"))
        if key == "fields"
    ]
    specs = fields.parse(raw[0] if raw else None, NODE_DEFAULT)
    return orjson.dumps(fields.render_node(found.number, found.waba, found.account, specs))


def _document(scope: Scope) -> bytes | None:
    parts = scope["path"].split("/")
    headers = dict(scope["headers"])
    if len(parts) == 6 and parts[5] == "phone_number_details":
        return _details(parts, headers)
    if len(parts) == 3 and parts[2].isdigit():
        return _node(parts, scope["query_string"], headers)
    return None


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    body = _document(scope) if scope["path"] != READY_PATH else b"{}"
    status = 200 if body is not None else 404
    headers = [_JSON, (b"content-length", str(len(body or _MISSING)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body or _MISSING})
