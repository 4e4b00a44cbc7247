"""The reads' floor: S1's, S2's and S3's page 1 with nothing around them, on the HTTP server the service runs.

Per request it does what any correct answer to the request must. S1 (the Kaleyra details read): take the
SID and number from the path, hash the ``api-key`` header, run the service's own details statement (the
credential, its ownership and the number in one ``SELECT``, SQLite, inline), judge the key live, map the
row with the service's mapper, project the document with its health (the service's ``project``) and
render it with orjson. S2 (Graph ``GET /{id}?fields=…``): the same with the bearer token, the node
statement and the service's ``fields`` parser and renderer. S3 (Graph ``GET /{waba_id}/phone_numbers``):
the token and WABA in the node statement, then the service's own listing (``services.listing``: its page
walk and probe, over the same inline connection), renderer and paging links. It leaves out everything
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
from starlette.requests import Request

from bench.baseline import Receive, Scope, Send, _lifespan
from wanumbers.server.domain.credentials import check_live
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.node import KALEYRA_DETAILS, LIST_DEFAULT, NODE_DEFAULT, project
from wanumbers.server.services.listing import list_numbers
from wanumbers.server.storage.repositories.access import _NODE_BY_ID, _NUMBER_BY_E164, Access
from wanumbers.server.storage.repositories.numbers import NumberRepository
from wanumbers.server.storage.sql import SQL, Params
from wanumbers.server.surfaces.credentials import bearer_token
from wanumbers.server.surfaces.graph import fields
from wanumbers.server.surfaces.graph import params as graph_params
from wanumbers.server.surfaces.graph.node_views import _page_request, _paging

READY_PATH = "/"
_DETAILS = _NUMBER_BY_E164.sqlite
_NODE = _NODE_BY_ID[True].sqlite  # a number or WABA node; S2's fields are all status fields
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


async def _page(parts: list[str], scope: Scope, headers: dict[bytes, bytes]) -> bytes | None:
    """``/{version}/{waba_id}/phone_numbers?…``"""
    token = bearer_token(headers.get(b"authorization", b"").decode("latin-1")).encode()
    found = _found(_NODE, "access_token", token, int(parts[2]), node=True)
    if found is None or found.waba is None or found.node_kind != "waba":
        return None
    params = graph_params.parse(scope["query_string"], b"", "")
    specs = fields.parse(graph_params.text(params, "fields"), LIST_DEFAULT)
    page = await list_numbers(
        _Inline(), found.account, found.waba, _page_request(params),  # type: ignore[arg-type]
        status_only=fields.reads_status_only(specs),
    )  # fmt: skip
    body: dict[str, Any] = {"data": fields.render_nodes(page.numbers, page.waba, page.account, specs)}
    if page.numbers:
        body["paging"] = _paging(Request(scope), page)
    return orjson.dumps(body)


class _Inline:
    """What ``list_numbers`` asks of a runtime: a unit of work whose numbers read the inline connection."""

    def uow(self) -> _Inline:
        return self

    async def __aenter__(self) -> _Inline:
        return self

    async def __aexit__(self, *_: object) -> None:
        return None

    @property
    def numbers(self) -> NumberRepository:
        return NumberRepository(self)  # type: ignore[arg-type]

    async def fetch(self, sql: SQL, params: Params | None = None) -> list[Any]:
        return _store().execute(sql.sqlite, params or {}).fetchall()


async def _document(scope: Scope) -> bytes | None:
    parts = scope["path"].split("/")
    headers = dict(scope["headers"])
    if len(parts) == 6 and parts[5] == "phone_number_details":
        return _details(parts, headers)
    if len(parts) == 3 and parts[2].isdigit():
        return _node(parts, scope["query_string"], headers)
    if len(parts) == 4 and parts[2].isdigit() and parts[3] == "phone_numbers":
        return await _page(parts, scope, headers)
    return None


# The baseline's own dispatch, written again rather than shared: the baseline stays byte for byte the
# reference every earlier run divided by (a shared wrapper would add an await to it).
async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    body = await _document(scope) if scope["path"] != READY_PATH else b"{}"
    status = 200 if body is not None else 404
    headers = [_JSON, (b"content-length", str(len(body or _MISSING)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body or _MISSING})
