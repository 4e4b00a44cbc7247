"""S3: Graph list paging, page 1 vs page 40,000 of one WABA holding 1M numbers.

Cursors are opaque, and walking 40,000 pages just to get one would dominate the run.
``cursor_for_page`` is the hook that produces it, trying in order:

1. rewriting page 1's ``after`` cursor: keyset cursors encode the last row's sort key
   (id and/or created_at); seeded rows are a pure function of their index
   (``bench.seed``), so the same key for any other row is known. Verified by fetching.
2. walking the pages over one keep-alive connection, bounded by ``WALK_BUDGET_S``.

If the service offers a cursor encoder, call it first in ``cursor_for_page``.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bench import seed, service
from bench.context import Context, Store
from bench.model import ScenarioResult, Skip
from bench.scenarios import LoadTarget, on_floor

WALK_BUDGET_S = 300.0
TARGET = "page N costs ≤1.2× page 1"


class Graph:
    """One keep-alive connection to the Graph surface."""

    def __init__(self, port: int, headers: Mapping[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = dict(headers)

    def get(self, path: str) -> tuple[int, Any]:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body.decode(errors="replace")

    def page(self, path: str) -> dict[str, Any]:
        status, body = self.get(path)
        if status != 200 or not isinstance(body, dict):
            raise Skip(f"GET {path.split('?')[0]}?… answered {status}: {str(body)[:200]}")
        return body


def _after(body: Mapping[str, Any]) -> str | None:
    cursor = body.get("paging", {}).get("cursors", {}).get("after")
    return cursor if isinstance(cursor, str) else None


def _first_id(body: Mapping[str, Any]) -> int | None:
    data = body.get("data") or []
    return int(data[0]["id"]) if data and "id" in data[0] else None


def _b64decode(cursor: str) -> str | None:
    padded = cursor + "=" * (-len(cursor) % 4)
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            return decode(padded).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    return None


def _key_forms(i: int) -> list[str]:
    """Every way a keyset cursor is likely to spell row ``i``'s sort key, longest first."""
    created = seed.created_at(i)
    naive: datetime = created.replace(tzinfo=None)
    micros = int(created.timestamp() * 1_000_000)
    return [
        created.isoformat(),
        created.isoformat().replace("+00:00", "Z"),
        naive.isoformat(sep=" "),
        naive.isoformat(),
        str(micros),
        str(micros // 1000),
        repr(created.timestamp()),
        str(seed.number_id(i)),
    ]


def _rewrite(cursor: str, row_from: int, row_to: int) -> str | None:
    """Page 1's cursor with row ``row_from``'s key replaced by row ``row_to``'s."""
    decoded = _b64decode(cursor)
    for text, encoded in ((decoded, True), (cursor, False)):
        if text is None:
            continue
        new = text
        for old_form, new_form in zip(_key_forms(row_from), _key_forms(row_to), strict=True):
            new = new.replace(old_form, new_form)
        if new != text:
            if not encoded:
                return new
            raw = base64.urlsafe_b64encode(new.encode()).decode()
            return raw.rstrip("=") if not cursor.endswith("=") else raw
    return None


def cursor_for_page(graph: Graph, store: Store, page: int, limit: int) -> tuple[str | None, str]:
    """The ``after`` cursor that requests page ``page``; and how it was obtained."""
    if page == 1:
        return None, "page 1"
    first = graph.page(service.graph_list_path(store.tenant.waba_id, limit))
    ascending = _first_id(first) == seed.number_id(0)
    cursor = _after(first)
    if cursor is None:
        raise Skip("page 1 of the Graph list carries no paging.cursors.after")
    last_of_previous = (page - 1) * limit - 1
    row_to = last_of_previous if ascending else store.size - 1 - last_of_previous
    row_from = limit - 1 if ascending else store.size - limit
    expected_first = seed.number_id(row_to + 1 if ascending else row_to - 1)
    rewritten = _rewrite(cursor, row_from, row_to)
    if rewritten is not None:
        body = graph.page(service.graph_list_path(store.tenant.waba_id, limit, rewritten))
        if _first_id(body) == expected_first:
            return rewritten, "rewritten page-1 cursor"
    return _walk(graph, store, cursor, page, limit), "walked"


def _walk(graph: Graph, store: Store, cursor: str, page: int, limit: int) -> str:
    deadline = time.perf_counter() + WALK_BUDGET_S
    for _ in range(2, page):  # ``cursor`` already leads to page 2
        if time.perf_counter() > deadline:
            raise Skip(
                f"walking to page {page:,} exceeded {WALK_BUDGET_S:.0f}s; "
                "give bench/scenarios/paging.py:cursor_for_page a service cursor encoder"
            )
        nxt = _after(graph.page(service.graph_list_path(store.tenant.waba_id, limit, cursor)))
        if nxt is None:
            raise Skip(f"the list ended before page {page:,}")
        cursor = nxt
    return cursor


def _judge(result: ScenarioResult, everything: Mapping[str, ScenarioResult]) -> None:
    first = everything.get("s3-page1")
    if first is None or first.rps is None or result.rps is None or first.status != "ok":
        return
    cost = first.rps / result.rps  # CPU per request under saturation, relative to page 1
    result.metrics["cost × page 1"] = round(cost, 3)
    if first.p50_ms and result.p50_ms is not None:
        result.metrics["p50 × page 1"] = round(result.p50_ms / first.p50_ms, 3)
    result.target_met = cost <= 1.2


def s3(ctx: Context) -> list[LoadTarget]:
    store = ctx.store("sqlite", ctx.config.big_store_size)
    if store.tenant.access_token is None:
        raise Skip("`wanumbers tokens create` is not available yet (no Graph access token)")
    server = ctx.server(store)
    limit = ctx.config.page_limit
    page = ctx.config.deep_page_for(store.size)
    headers = service.graph_headers(store.tenant)
    cursor, how = cursor_for_page(Graph(server.port, headers), store, page, limit)
    waba = store.tenant.waba_id
    page1 = LoadTarget(
        "s3-page1",
        f"S3 Graph list page 1, {store.size:,} numbers",
        server,
        [service.graph_list_path(waba, limit)],
        headers,
    )
    return [
        page1,
        on_floor(ctx, store, page1, "s3-floor", f"S3's floor: page 1, no pipeline, {store.size:,} numbers"),
        LoadTarget(
            "s3-deep",
            f"S3 Graph list page {page:,}, {store.size:,} numbers",
            server,
            [service.graph_list_path(waba, limit, cursor)],
            headers,
            target=TARGET,
            judge=_judge,
            metrics={"cursor": how},
        ),
    ]
