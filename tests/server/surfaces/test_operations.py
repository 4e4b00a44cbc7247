"""The operator's endpoints and the request log (issue 11): /healthz, /readyz and /metrics outside every
contract's credential and rate limit; a request id on every answer and every log line of the request;
Prometheus counters labelled by route template, never by raw path."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text
from starlette.testclient import TestClient

from tests._processes import serving
from tests._sync import sync
from tests.conftest import Tenant
from tests.server.guarantees.support import add_number
from wanumbers.server import logs
from wanumbers.server.app import create_app
from wanumbers.server.services import details, health
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage import migrate
from wanumbers.server.storage.bounds import StoreTimeout
from wanumbers.server.storage.repositories import schema

DETAILS_TEMPLATE = "/v2/{sid}/whatsapp/{business_phone_number}/phone_number_details"


def sample(client: TestClient | httpx.Client, name: str, **labels: str) -> float:
    """The value of one series on /metrics (0 when absent)."""
    page = client.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain; version=0.0.4")
    total = 0.0
    for line in page.text.splitlines():
        found = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if found:
            have = dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))
            if all(have.get(key) == value for key, value in labels.items()):
                total += float(found.group(2))
    return total


@pytest.fixture
def limited_client(runtime: Runtime, database_url: str) -> Iterator[TestClient]:
    """A service whose rate limit lets one request per credential through, then refuses."""
    app = create_app(Settings(database_url=database_url, rate_limit="0.001/1"), runtime=runtime)
    with TestClient(app) as client:
        yield client


def test_health_and_readiness_answer_without_a_credential_and_past_the_rate_limit(
    limited_client: TestClient, tenant: Tenant
) -> None:
    path = f"/v2/{tenant.sid}/whatsapp/919800000001/phone_number_details"
    headers = {"api-key": tenant.api_key}
    before = sample(limited_client, "wanumbers_rate_limited_total", contract="kaleyra")
    assert limited_client.get(path, headers=headers).status_code != 429
    assert limited_client.get(path, headers=headers).status_code == 429
    for _ in range(3):
        assert limited_client.get("/healthz").json() == {"status": "ok"}
        assert limited_client.get("/readyz").json() == {"status": "ready", "revision": migrate.HEAD}
        assert limited_client.get("/metrics", headers=headers).status_code == 200
    assert sample(limited_client, "wanumbers_rate_limited_total", contract="kaleyra") == before + 1


def test_operator_endpoints_answer_get_only(app_client: TestClient) -> None:
    response = app_client.post("/healthz")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")


def test_readiness_is_503_when_the_schema_is_behind(app_client: TestClient, engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        response = app_client.get("/readyz")
        assert (response.status_code, response.json()) == (
            503,
            {"status": "unavailable", "store": f"schema at 0001, head is {migrate.HEAD}"},
        )
        assert app_client.get("/healthz").status_code == 200  # the process is still up
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE alembic_version SET version_num = '{migrate.HEAD}'"))


def test_readiness_is_bounded_when_the_store_stalls_or_fails(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stalled(session: Any) -> str:
        await asyncio.sleep(30)
        return migrate.HEAD

    async def failing(session: Any) -> str:
        raise StoreTimeout("a statement ran past its bound")

    monkeypatch.setattr(schema, "revision", stalled)
    assert sync(health.readiness(runtime, timeout=0.1)) == (
        False,
        {"status": "unavailable", "store": "not reachable (timeout)"},
    )
    monkeypatch.setattr(schema, "revision", failing)
    assert sync(health.readiness(runtime))[1] == {
        "status": "unavailable",
        "store": "not reachable (StoreTimeout)",
    }


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("req_01J8Z:2+a/b=c@d.e", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("two words", False),
        ("", False),
        ("<script>", False),
    ],
)
def test_a_sane_request_id_is_echoed_else_one_is_made(
    app_client: TestClient, tenant: Tenant, sent: str, kept: bool
) -> None:
    for path in ("/healthz", f"/v2/{tenant.sid}/whatsapp/919800000001/phone_number_details", "/nowhere"):
        answer = app_client.get(path, headers={"X-Request-Id": sent})
        if kept:
            assert answer.headers["x-request-id"] == sent
        else:
            assert re.fullmatch(r"[0-9a-f]{16}", answer.headers["x-request-id"])
    made = [app_client.get("/healthz").headers["x-request-id"] for _ in range(3)]
    assert len(set(made)) == 3 and len({m[:8] for m in made}) == 1  # one process: one prefix, a counter


def test_one_log_line_per_request_with_its_id_and_no_query_string(
    app_client: TestClient, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "wanumbers.request")
    _, e164 = add_number(app_client, tenant)
    caplog.clear()
    answer = app_client.get(
        f"/v2/{tenant.sid}/whatsapp/{e164[1:]}/phone_number_details?x=secret",
        headers={"api-key": tenant.api_key, "X-Request-Id": "trace-1"},
    )
    lines = [r for r in caplog.records if r.name == "wanumbers.request"]
    assert len(lines) == 1
    line = lines[0].__dict__
    assert {k: line[k] for k in ("request_id", "method", "path", "route", "status")} == {
        "request_id": "trace-1",
        "method": "GET",
        "path": f"/v2/{tenant.sid}/whatsapp/{e164[1:]}/phone_number_details",
        "route": DETAILS_TEMPLATE,
        "status": answer.status_code,
    }
    assert line["duration_ms"] >= 0 and line["client"] == "testclient"
    for formatter in (logs.TextFormatter(), logs.JsonFormatter()):
        assert "secret" not in formatter.format(lines[0])
    as_json = json.loads(logs.JsonFormatter().format(lines[0]))
    assert as_json["request_id"] == "trace-1" and as_json["route"] == DETAILS_TEMPLATE
    assert logs.TextFormatter().format(lines[0]).split(" ")[1:5] == [
        "INFO",
        "wanumbers.request",
        "request_id=trace-1",
        "request",
    ]


def test_every_log_line_of_a_request_carries_its_id(
    app_client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An error logged deep inside the request (the endpoint's unhandled-error report) carries it too."""
    caplog.set_level(logging.INFO, "wanumbers")

    async def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(details, "read", broken)
    collected: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: collected.append(logs.TextFormatter().format(record))  # type: ignore[method-assign]
    handler.addFilter(logs.RequestIdFilter())  # what logs.configure puts on the service's handler
    logging.getLogger("wanumbers").addHandler(handler)
    try:
        answer = app_client.get(
            f"/v2/{tenant.sid}/whatsapp/919800000001/phone_number_details",
            headers={"api-key": tenant.api_key, "X-Request-Id": "deep-1"},
        )
    finally:
        logging.getLogger("wanumbers").removeHandler(handler)
    assert answer.status_code == 500
    ours_lines = [line for line in collected if not line.startswith("Traceback")]
    assert any("unhandled error on kaleyra.details" in line for line in ours_lines)
    assert any("wanumbers.request" in line and "status=500" in line for line in ours_lines)
    assert all("request_id=deep-1" in line.splitlines()[0] for line in ours_lines)


def test_metrics_count_by_contract_route_template_and_status(app_client: TestClient, tenant: Tenant) -> None:
    labels = {"contract": "kaleyra", "route": DETAILS_TEMPLATE, "method": "GET", "status": "401"}
    before = sample(app_client, "wanumbers_http_requests_total", **labels)
    sent_before = sample(app_client, "wanumbers_otps_sent_total", channel="SMS", upstream="emulator")
    for phone in ("919800000001", "919800000002", "919800000003"):
        app_client.get(
            f"/v2/{tenant.sid}/whatsapp/{phone}/phone_number_details", headers={"api-key": "wrong"}
        )
    add_number(app_client, tenant)
    app_client.get("/no/such/path/12345")

    assert sample(app_client, "wanumbers_http_requests_total", **labels) == before + 3
    assert (
        sample(app_client, "wanumbers_otps_sent_total", channel="SMS", upstream="emulator") == sent_before + 1
    )
    page = app_client.get("/metrics").text
    assert "919800000001" not in page and "/no/such/path" not in page  # never a raw path
    assert 'route="unmatched"' in page
    assert "wanumbers_http_request_duration_seconds_bucket{" in page
    assert "wanumbers_store_connections{" in page


def test_a_store_error_is_counted(app_client: TestClient) -> None:
    before = sample(app_client, "wanumbers_store_errors_total", kind="timeout")
    StoreTimeout("a statement ran past its bound")
    assert sample(app_client, "wanumbers_store_errors_total", kind="timeout") == before + 1


def test_workers_count_into_one_page_and_log_json(postgres_url: str, tmp_path: Any) -> None:
    """Two real worker processes: a scrape of either adds up what both answered; --log-format json
    writes one JSON object per request with the id the answer carried."""
    log = tmp_path / "serve.log"
    with serving(postgres_url, log, ["--workers", "2", "--log-format", "json"]) as server:
        ids = []
        for _ in range(40):  # new connections, so both workers answer some
            answer = httpx.get(server.url + "/healthz", timeout=10)
            ids.append(answer.headers["x-request-id"])
        with httpx.Client(base_url=server.url, timeout=10) as client:
            # The worker that is not scraped hands its tallies over within metrics.FLUSH_AFTER.
            deadline = time.monotonic() + 5
            while (
                counted := sample(client, "wanumbers_http_requests_total", route="/healthz", status="200")
            ) < 40 and time.monotonic() < deadline:
                time.sleep(0.2)
            pids = {
                line.split('pid="')[1].split('"')[0]
                for line in client.get("/metrics").text.splitlines()
                if line.startswith("wanumbers_store_connections{")
            }
    assert counted == 40
    assert pids  # the answering worker's pool
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    healthz = [entry for entry in entries if entry.get("path") == "/healthz"]
    assert sorted(entry["request_id"] for entry in healthz) == sorted(ids)
    assert all(entry["logger"] == "wanumbers.request" and entry["status"] == 200 for entry in healthz)
    assert len({entry["pid"] for entry in healthz}) == 2, "both workers answered, and both were counted"


@pytest.mark.parametrize("log_format", logs.FORMATS)
def test_the_served_request_line_is_what_the_formatters_write(log_format: str) -> None:
    """``serve`` writes request lines straight to its buffered sink (no LogRecord); they must read
    exactly as the logging formatters render the same request, which the secrets scan runs over."""
    stream = io.StringIO()
    sink = logs._Sink(stream, log_format)
    sink.write(
        "rid-1", "GET", "/v2/HX1/whatsapp/91/phone_number_details", DETAILS_TEMPLATE, 200, 1.5, "10.0.0.1"
    )
    record = logging.LogRecord(logs.REQUEST_LOGGER, logging.INFO, __file__, 1, "request", None, None)
    fields = {"method": "GET", "path": "/v2/HX1/whatsapp/91/phone_number_details", "route": DETAILS_TEMPLATE}
    record.__dict__.update(request_id="rid-1", status=200, duration_ms=1.5, client="10.0.0.1", **fields)
    written, formatted = stream.getvalue(), logs.formatter(log_format).format(record)
    assert written.endswith("\n") and written.count("\n") == 1
    if log_format == "json":
        served, expected = json.loads(written), json.loads(formatted)
        assert {**served, "ts": "", "pid": 0} == {**expected, "ts": "", "pid": 0}
    else:
        assert written.rstrip("\n").split(" ", 1)[1] == formatted.split(" ", 1)[1]


def test_served_request_lines_are_flushed_within_half_a_second() -> None:
    class Stream(io.StringIO):
        flushed: list[str] = []

        def flush(self) -> None:
            self.flushed.append(self.getvalue())

    async def one_request() -> list[str]:
        stream = Stream()
        logs._Sink(stream, "text").write("rid", "GET", "/healthz", "/healthz", 200, 0.1, "-")
        assert stream.flushed == []  # buffered: no write per request
        await asyncio.sleep(logs.FLUSH_AFTER + 0.2)
        return stream.flushed

    flushed = asyncio.run(one_request())
    assert len(flushed) == 1 and "request_id=rid" in flushed[0]
