"""Hostile input gets a clear 4xx in the contract's own envelope, never a 500; bodies over 64 KiB are
refused before they are read whole."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.guarantees.support import CONTRACTS, GRAPH_VERSION, fresh_phone, kaleyra_add_body
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime

LIMIT = 64 * 1024


class Target:
    def __init__(self, contract: str, client: TestClient, rt: Runtime, tenant: Tenant) -> None:
        self.contract, self.client = contract, client
        if contract == "kaleyra":
            self.path = tenant.path("add")
            self.auth = {"api-key": tenant.api_key}
            self.body: dict[str, Any] = kaleyra_add_body(fresh_phone())
        else:
            self.path = f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers"
            self.auth = {"Authorization": f"Bearer {sync(admin.create_access_token(rt, tenant.sid))}"}
            self.body = {"cc": "91", "phone_number": fresh_phone(), "verified_name": "Acme"}

    def post(
        self, content: bytes | Iterator[bytes], content_type: str = "application/json", **kw: Any
    ) -> httpx.Response:
        headers = {**self.auth, "Content-Type": content_type, **kw.pop("headers", {})}
        return self.client.post(kw.pop("path", self.path), content=content, headers=headers, **kw)

    def assert_refused(self, response: httpx.Response, status: int | None = None) -> None:
        assert 400 <= response.status_code < 500, response.text
        if status is not None:
            assert response.status_code == status, response.text
        body = response.json()
        if self.contract == "kaleyra":
            assert set(body) == {"code", "message", "data", "error"} and body["code"].startswith(
                ("WA4", "RBC")
            )
        else:
            assert set(body) == {"error"} and {"message", "type", "code", "fbtrace_id"} <= set(body["error"])


@pytest.fixture(params=CONTRACTS)
def target(
    request: pytest.FixtureRequest, app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> Target:
    return Target(request.param, app_client, runtime, tenant)


def test_a_body_over_64_kib_is_413(target: Target) -> None:
    target.assert_refused(target.post(b"{" + b" " * LIMIT + b"}"), 413)


def test_a_chunked_body_over_64_kib_is_413(target: Target) -> None:
    chunks = (b" " * 1024 for _ in range(100))
    target.assert_refused(target.post(chunks), 413)


def test_an_endless_chunked_body_is_refused_before_it_is_read_whole(target: Target) -> None:
    """Straight at the ASGI app: a 10 MiB stream without Content-Length; reading stops at the limit."""
    pulled = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b" " * 1024, "more_body": pulled < 10 * 1024}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [
        (k.lower().encode(), v.encode())
        for k, v in {**target.auth, "content-type": "application/json"}.items()
    ]
    scope = {
        "type": "http",
        "method": "POST",
        "path": target.path,
        "raw_path": target.path.encode(),
        "query_string": b"",
        "headers": headers,
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    asyncio.run(target.client.app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert pulled <= LIMIT // 1024 + 1


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"phone_number": "98"}', "text/plain"),
        (b"phone_number=98", "application/xml"),
        (b'{"name": "\xff\xfe"}', "application/json"),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b'{"phone_number": [' + b"0," * 20000 + b"0]}", "application/json"),
        (b'{"phone_number": "98\\u0000", "name": "x\\u0000"}', "application/json"),
        (b'{"name": "a\x00b"}', "application/json"),
        (b"", "application/json"),
        (b"null", "application/json"),
    ],
    ids=[
        "text-plain",
        "xml",
        "bad-utf8",
        "deep-nesting",
        "huge-array",
        "nul-escape",
        "raw-nul",
        "empty",
        "null",
    ],
)
def test_malformed_bodies_are_4xx_in_the_envelope(target: Target, content: bytes, content_type: str) -> None:
    target.assert_refused(target.post(content, content_type))


def test_nul_in_a_form_body_is_4xx(target: Target) -> None:
    target.assert_refused(target.post(b"phone_number=98%00&cc=91", "application/x-www-form-urlencoded"))


def test_nul_in_the_query_is_4xx(target: Target) -> None:
    target.assert_refused(target.post(b"{}", path=target.path + "?x=%00"))


@pytest.mark.parametrize("segment", ["9" * 300, "a%00b"])
def test_hostile_path_segments_are_4xx(app_client: TestClient, tenant: Tenant, segment: str) -> None:
    for path in (
        f"/v2/{segment}/whatsapp/{tenant.waba_id}/number/add",
        f"/v2/{tenant.sid}/whatsapp/{segment}/number/add",
        f"/v2/{tenant.sid}/whatsapp/{segment}/phone_number_details",
    ):
        method = "GET" if path.endswith("details") else "POST"
        response = app_client.request(
            method, path, headers=tenant.headers, json=kaleyra_add_body(fresh_phone())
        )
        assert 400 <= response.status_code < 500, (path, response.text)
        assert set(response.json()) == {"code", "message", "data", "error"}


@pytest.mark.skipif("graph" not in CONTRACTS, reason="needs the Graph surface")
@pytest.mark.parametrize("segment", ["9" * 300, "a%00b"])
def test_hostile_graph_path_segments_are_4xx(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, segment: str
) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    for response in (
        app_client.get(f"{GRAPH_VERSION}/{segment}", headers=headers),
        app_client.post(
            f"{GRAPH_VERSION}/{segment}/request_code", headers=headers, json={"code_method": "SMS"}
        ),
    ):
        assert 400 <= response.status_code < 500, response.text
        assert set(response.json()) == {"error"}


def test_hostile_update_bodies_are_4xx(app_client: TestClient, tenant: Tenant) -> None:
    for content in (b'{"phone_number": "+919800000001", "about": "a\\u0000"}', b"\xff", b"[" * 3000):
        response = app_client.put(tenant.path("update"), headers=tenant.headers, content=content)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "WA400"
