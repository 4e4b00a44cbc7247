"""The reads' floor (bench/read_floor.py) answers each read with the service's very bytes, and
refuses what the service refuses: a floor that did less work than the service would flatter the
service's stages."""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives at the repo root, beside `src/`
    sys.path.insert(0, str(ROOT))

from bench.databases import sqlite_database  # noqa: E402
from bench.read_path import _lifespan  # noqa: E402

from bench import seed, service  # noqa: E402
from wanumbers.server.app import create_app  # noqa: E402
from wanumbers.server.settings import Settings  # noqa: E402

Answer = tuple[int, bytes]


async def _get(app: Any, path: str, headers: dict[str, str]) -> Answer:
    target, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": target, "raw_path": target.encode(), "query_string": query.encode(),
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "state": {},
        "headers": [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Answer, Answer]]:
    """Each read's answer from the service and from the floor, over one seeded store."""
    db = sqlite_database(tmp_path_factory.mktemp("floor"), "floor")
    tenant = service.provision(db.url)
    seed.seed_numbers(db, int(tenant.waba_id), 20)
    bsp, graph = service.bsp_headers(tenant), service.graph_headers(tenant)
    reads = {
        "details": (service.details_path(tenant.sid, seed.e164(3)), bsp),
        "details, another account's SID": (service.details_path("HXNOTMINE", seed.e164(3)), bsp),
        "details, unknown key": (service.details_path(tenant.sid, seed.e164(3)), {"api-key": "nope"}),
        "details, unknown number": (service.details_path(tenant.sid, "+919999999999"), bsp),
        "node": (service.graph_node_path(seed.number_id(5)), graph),
        "node, unknown token": (service.graph_node_path(seed.number_id(5)), {"Authorization": "Bearer x"}),
        "page": (service.graph_list_path(tenant.waba_id, 5), graph),
        "page, unknown token": (service.graph_list_path(tenant.waba_id, 5), {"Authorization": "Bearer x"}),
    }

    async def both() -> dict[str, tuple[Answer, Answer]]:
        app = create_app(Settings(database_url=db.url))
        stop = await _lifespan(app)
        try:
            return {
                name: (await _get(app, path, headers), (0, b"")) for name, (path, headers) in reads.items()
            }
        finally:
            await stop()

    ours = asyncio.run(both())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BENCH_FLOOR_DATABASE", db.url.removeprefix("sqlite:///"))
        floor = importlib.reload(importlib.import_module("bench.read_floor"))
        for name, (path, headers) in reads.items():
            ours[name] = (ours[name][0], asyncio.run(_get(floor.app, path, headers)))
    return ours


@pytest.mark.parametrize("read", ["details", "node", "page"])
def test_the_floor_answers_a_read_with_the_services_bytes(
    answers: dict[str, tuple[Answer, Answer]], read: str
) -> None:
    ours, floor = answers[read]
    assert ours[0] == 200
    assert floor == ours


@pytest.mark.parametrize(
    "read",
    [
        "details, another account's SID",
        "details, unknown key",
        "details, unknown number",
        "node, unknown token",
        "page, unknown token",
    ],
)
def test_the_floor_refuses_what_the_service_refuses(
    answers: dict[str, tuple[Answer, Answer]], read: str
) -> None:
    ours, floor = answers[read]
    assert ours[0] >= 400
    assert floor[0] == 404
