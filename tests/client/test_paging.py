"""Cursor iteration over ``GET /{WABA_ID}/phone_numbers``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from wanumbers.client import AsyncCloudAPI, CloudAPI, PhoneNumber

from ._support import Recorder

WABA = "102290129340398"


def graph_pages(total: int, per_page: int) -> Any:
    """A handler serving ``total`` numbers ``per_page`` at a time, like Graph's cursor paging."""

    def handler(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params.get("after", "0"))
        ids = range(start, min(start + per_page, total))
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + per_page)}}
        if start + per_page < total:
            paging["next"] = f"https://graph.facebook.com/v23.0/{WABA}/phone_numbers?after={start + per_page}"
        data = [{"id": str(i), "display_phone_number": f"+1 555 {i}", "status": "CONNECTED"} for i in ids]
        return httpx.Response(200, json={"data": data, "paging": paging})

    return handler


def test_iterator_follows_next_cursors_across_pages() -> None:
    recorder = Recorder([graph_pages(total=7, per_page=3)])
    client = CloudAPI("T", waba_id=WABA, transport=recorder.transport)
    numbers = list(client.iter_phone_numbers(fields=["id"], limit=3))
    assert [n.id for n in numbers] == [str(i) for i in range(7)]
    assert all(isinstance(n, PhoneNumber) for n in numbers)
    assert [r.url.params.get("after") for r in recorder.requests] == [None, "3", "6"]
    assert all(r.url.params["limit"] == "3" for r in recorder.requests)


def test_iterator_is_lazy() -> None:
    recorder = Recorder([graph_pages(total=100, per_page=10)])
    client = CloudAPI("T", waba_id=WABA, transport=recorder.transport)
    first = next(iter(client.iter_phone_numbers()))
    assert first.id == "0"
    assert len(recorder.requests) == 1


def test_iterator_stops_on_a_repeated_cursor() -> None:
    page = {"data": [{"id": "1"}], "paging": {"cursors": {"after": "SAME"}, "next": "https://x/next"}}
    recorder = Recorder([httpx.Response(200, json=page)])
    client = CloudAPI("T", waba_id=WABA, transport=recorder.transport)
    assert [n.id for n in client.iter_phone_numbers()] == ["1", "1"]
    assert len(recorder.requests) == 2


def test_empty_first_page_yields_nothing() -> None:
    recorder = Recorder([httpx.Response(200, json={"data": []})])
    client = CloudAPI("T", waba_id=WABA, transport=recorder.transport)
    assert list(client.iter_phone_numbers()) == []


@pytest.mark.anyio
async def test_async_iterator_follows_cursors() -> None:
    recorder = Recorder([graph_pages(total=5, per_page=2)])
    async with AsyncCloudAPI("T", waba_id=WABA, transport=recorder.transport) as client:
        ids = [n.id async for n in client.iter_phone_numbers()]
    assert ids == ["0", "1", "2", "3", "4"]
    assert len(recorder.requests) == 3
