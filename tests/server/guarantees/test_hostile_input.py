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


def _nested_multipart(depth: int) -> bytes:
    """``depth`` multiparts nested one in the other: 1,000 of them (~62 KB) raised RecursionError → 500."""
    head = b"".join(
        b"--%d\r\ncontent-type:multipart/mixed;boundary=%d\r\n\r\n" % (level, level + 1)
        for level in range(depth)
    )
    return head + b"access_token=x" + b"".join(b"\r\n--%d--" % level for level in reversed(range(depth)))


@pytest.mark.parametrize("with_token", [False, True], ids=["no-token", "token"])
def test_a_thousand_nested_multiparts_are_4xx_not_a_500(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, with_token: bool
) -> None:
    body = _nested_multipart(1000)
    assert len(body) < 64 * 1024
    headers = {"Content-Type": "multipart/form-data; boundary=0"}
    if with_token:
        headers["Authorization"] = f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"
    number = add_graph_number(app_client, runtime, tenant) if with_token else "1"
    response = app_client.post(f"{GRAPH_VERSION}/{number}/request_code", content=body, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert {"message", "type", "code", "fbtrace_id"} <= set(error)
    if with_token:
        assert (response.status_code, error["code"]) == (400, 100)
        assert "may not nest another multipart" in error["message"]


def test_a_multipart_body_of_too_many_parts_is_refused(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    token = sync(admin.create_access_token(runtime, tenant.sid))
    number = add_graph_number(app_client, runtime, tenant)
    parts = [(f"p{index}", (None, "v")) for index in range(101)]
    response = app_client.post(
        f"{GRAPH_VERSION}/{number}/request_code", files=parts, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == 100, response.text
    assert "more than 100 parts" in response.json()["error"]["message"]


def test_a_body_without_a_token_anywhere_is_not_parsed(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No token in the header or query string, and none the body could hold: refused unparsed (104)."""
    from wanumbers.server.surfaces.graph import params

    parsed: list[bytes] = []
    real = params.parse

    def parse(query: bytes, body: bytes, content_type: str) -> params.Params:
        parsed.append(body)
        return real(query, body, content_type)

    monkeypatch.setattr(params, "parse", parse)
    response = app_client.post(
        f"{GRAPH_VERSION}/1/request_code",
        content=_nested_multipart(1000).replace(b"access_token", b"x"),
        headers={"Content-Type": "multipart/form-data; boundary=0"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (401, 104), response.text
    assert parsed == []
    app_client.post(f"{GRAPH_VERSION}/1/request_code", data={"access_token": "nope"})
    assert len(parsed) == 1  # a body that may carry the token is parsed (bounded) to find it


def add_graph_number(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> str:
    token = sync(admin.create_access_token(runtime, tenant.sid))
    created = app_client.post(
        f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers",
        headers={"Authorization": f"Bearer {token}"},
        data={"cc": "91", "phone_number": fresh_phone(), "verified_name": "Acme"},
    )
    assert created.status_code == 200, created.text
    number_id: str = created.json()["id"]
    return number_id
