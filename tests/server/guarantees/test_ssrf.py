"""URLs we will call must be http(s) and reach only public addresses, unless the operator allows
private ones. No test needs the internet: literal IPs, ``localhost`` and a replaced resolver."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests._sync import resolving_to, sync
from tests.conftest import make_tenant
from tests.server.guarantees.support import add_number, dump
from wanumbers.server.domain import urls
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import urls as resolution
from wanumbers.server.services.runtime import Runtime

PRIVATE = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "224.0.0.1",
    "100.64.0.1",
]


@pytest.mark.parametrize("address", PRIVATE)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(DomainError) as caught:
        urls.check_addresses([address], "incoming_url", allow_private=False)
    assert caught.value.reason is Reason.UNSAFE_URL
    urls.check_addresses([address], "incoming_url", allow_private=True)


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    with pytest.raises(DomainError):
        urls.check_addresses(["93.184.216.34", "10.0.0.7"], "incoming_url", allow_private=False)
    urls.check_addresses(["93.184.216.34", "2606:2800:220:1::1"], "incoming_url", allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://a",
        "http://",
        "//example.com",
        "http://u:p@example.com/",
        "http://example.com:99999/",
        "javascript:alert(1)",
    ],
)
def test_only_http_urls_with_a_host_are_usable(url: str) -> None:
    with pytest.raises(DomainError):
        urls.parse_target(url, "incoming_url")


def test_an_unresolvable_host_is_refused() -> None:
    with pytest.raises(DomainError):
        urls.check_addresses([], "incoming_url", allow_private=False)


def _v1_number(app_client: TestClient, runtime: Runtime) -> tuple[TestClient, object, str]:
    tenant = make_tenant(runtime, "V1", api_version="v1")
    _, e164 = add_number(app_client, tenant)
    return app_client, tenant, e164


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "file:///etc/passwd",
        "https://internal.example/hook",
    ],
)
def test_update_refuses_an_unsafe_incoming_url_and_writes_nothing(
    app_client: TestClient, runtime: Runtime, engine: Engine, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    real = resolution.resolve

    async def resolve(host: str, port: int) -> list[str]:
        return ["10.9.8.7"] if host == "internal.example" else await real(host, port)

    monkeypatch.setattr(resolution, "resolve", resolve)
    tenant = make_tenant(runtime, "V1", api_version="v1")
    _, e164 = add_number(app_client, tenant)
    before = dump(engine, ("rate_limit_buckets",))
    response = app_client.put(
        tenant.path("update"), headers=tenant.headers, json={"phone_number": e164, "incoming_url": url}
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "WA400" and "incoming_url" in response.json()["message"]
    assert dump(engine, ("rate_limit_buckets",)) == before


def test_update_accepts_a_public_incoming_url(
    app_client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resolution, "resolve", resolving_to("93.184.216.34"))
    tenant = make_tenant(runtime, "V1", api_version="v1")
    _, e164 = add_number(app_client, tenant)
    body = {"phone_number": e164, "incoming_url": "https://hooks.example.com/in"}
    assert app_client.put(tenant.path("update"), headers=tenant.headers, json=body).status_code == 200


def test_the_operator_may_allow_private_urls(app_client: TestClient, runtime: Runtime) -> None:
    runtime.allow_private_urls = True
    tenant = make_tenant(runtime, "V1", api_version="v1")
    _, e164 = add_number(app_client, tenant)
    body = {"phone_number": e164, "incoming_url": "http://127.0.0.1:9000/in"}
    assert app_client.put(tenant.path("update"), headers=tenant.headers, json=body).status_code == 200


def test_the_setting_reaches_the_runtime(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings

    monkeypatch.setenv("WANUMBERS_ALLOW_PRIVATE_URLS", "1")
    rt = build_runtime(Settings.from_env(database_url=f"sqlite:///{tmp_path}/x.db"))
    assert rt.allow_private_urls is True
    sync(rt.close())


# --- the vetted address is the one to connect to (rebinding DNS) --------------------------------------


def test_the_check_returns_the_address_it_judged_so_a_rebinding_dns_cannot_answer_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rebinding resolver answers a public address to the check and 127.0.0.1 from then on: the
    caller connects to the vetted address, and nothing resolves the name a second time."""
    answers = [["93.184.216.34"]]
    asked: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers.pop() if answers else ["127.0.0.1"]

    monkeypatch.setattr(resolution, "resolve", rebinding)
    vetted = sync(
        resolution.check_callable("https://hooks.example.com/in?x=1", "callback_url", allow_private=False)
    )
    assert (vetted.address, vetted.connect_url) == ("93.184.216.34", "https://93.184.216.34:443/in?x=1")
    assert (vetted.host_header, vetted.extensions) == (
        "hooks.example.com",
        {"sni_hostname": "hooks.example.com"},
    )
    assert asked == ["hooks.example.com"]
    with pytest.raises(DomainError):  # the name, asked again, would now be refused
        sync(resolution.check_callable("https://hooks.example.com/in", "callback_url", allow_private=False))


@pytest.mark.parametrize(
    ("url", "address", "connect_url", "host_header", "extensions"),
    [
        ("http://hooks.example/in", "93.184.216.34", "http://93.184.216.34:80/in", "hooks.example", {}),
        (
            "http://Hooks.Example:8080",
            "93.184.216.34",
            "http://93.184.216.34:8080/",
            "Hooks.Example:8080",
            {},
        ),
        (
            "https://hooks.example/a#frag",
            "2606:2800:220:1::1",
            "https://[2606:2800:220:1::1]:443/a",
            "hooks.example",
            {"sni_hostname": "hooks.example"},
        ),
        (
            "http://[2606:2800:220:1::1]:81/",
            "2606:2800:220:1::1",
            "http://[2606:2800:220:1::1]:81/",
            "[2606:2800:220:1::1]:81",
            {},
        ),
    ],
)
def test_what_the_caller_connects_to(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    address: str,
    connect_url: str,
    host_header: str,
    extensions: object,
) -> None:
    monkeypatch.setattr(resolution, "resolve", resolving_to(address))
    vetted = sync(resolution.check_callable(url, "callback_url", allow_private=False))
    assert (vetted.connect_url, vetted.host_header, vetted.extensions) == (
        connect_url,
        host_header,
        extensions,
    )


def test_a_pinned_call_reaches_the_vetted_address_with_the_original_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real socket: a name no resolver knows, pinned to a loopback server (private targets allowed
    here), is reached with its own Host header, as the events delivery is to call it."""
    import http.server
    import threading

    import httpx

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(resolution, "resolve", resolving_to("127.0.0.1"))
        url = f"http://hooks.invalid:{port}/in"
        vetted = sync(resolution.check_callable(url, "callback_url", allow_private=True))
        with httpx.Client(timeout=5) as client:
            response = client.post(
                vetted.connect_url, headers={"Host": vetted.host_header}, extensions=vetted.extensions
            )
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 204 and seen == [f"hooks.invalid:{port}"]
