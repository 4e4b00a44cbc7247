"""Secrets: several keys per account, revocation effective on the next request on every worker, and
no issued secret in clear in the store, the logs or any response."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.guarantees.support import GRAPH_VERSION, HAS_GRAPH, add_number, dump
from wanumbers.server import logs
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.identifiers import looks_like_secret
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings


@pytest.fixture
def second_worker(database_url: str) -> Iterator[tuple[TestClient, Runtime]]:
    """Another app with its own store (its own connection pool) on the same database."""
    rt = build_runtime(Settings(database_url=database_url))
    with TestClient(create_app(Settings(database_url=database_url), runtime=rt)) as client:
        yield client, rt
    sync(rt.close())


def _details(client: TestClient, tenant: Tenant, key: str) -> int:
    """401 when the key is refused (RBC201); the status otherwise (the number is unknown: also a 401)."""
    path = f"/v2/{tenant.sid}/whatsapp/919800000000/phone_number_details"
    response = client.get(path, headers={"api-key": key})
    return 401 if response.json().get("code") == "RBC201" else 200


def test_several_keys_work_and_a_revoked_one_fails_on_the_next_request_of_every_worker(
    app_client: TestClient, second_worker: tuple[TestClient, Runtime], runtime: Runtime, tenant: Tenant
) -> None:
    other_client, _ = second_worker
    extra = sync(admin.add_api_key(runtime, tenant.sid))
    for client in (app_client, other_client):
        assert _details(client, tenant, tenant.api_key) != 401
        assert _details(client, tenant, extra) != 401
    assert sync(admin.revoke_secret(runtime, "api_key", tenant.api_key))
    for client in (other_client, app_client):
        assert _details(client, tenant, tenant.api_key) == 401
        assert _details(client, tenant, extra) != 401


def test_rotation_revokes_every_old_key_on_every_worker(
    app_client: TestClient, second_worker: tuple[TestClient, Runtime], runtime: Runtime, tenant: Tenant
) -> None:
    other_client, _ = second_worker
    extra = sync(admin.add_api_key(runtime, tenant.sid))
    assert _details(other_client, tenant, extra) != 401  # warm the other worker's pool
    fresh = sync(admin.rotate_api_key(runtime, tenant.sid))
    for client in (app_client, other_client):
        assert _details(client, tenant, tenant.api_key) == 401
        assert _details(client, tenant, extra) == 401
        assert _details(client, tenant, fresh) != 401


@pytest.mark.skipif(not HAS_GRAPH, reason="needs the Graph surface")
def test_a_revoked_access_token_fails_on_the_next_request_of_every_worker(
    app_client: TestClient, second_worker: tuple[TestClient, Runtime], runtime: Runtime, tenant: Tenant
) -> None:
    other_client, _ = second_worker
    number_id, _ = add_number(app_client, tenant)
    token = sync(admin.create_access_token(runtime, tenant.sid))
    headers = {"Authorization": f"Bearer {token}"}
    assert other_client.get(f"{GRAPH_VERSION}/{number_id}", headers=headers).status_code == 200
    sync(admin.revoke_secret(runtime, "access_token", token))
    for client in (app_client, other_client):
        assert client.get(f"{GRAPH_VERSION}/{number_id}", headers=headers).status_code == 401


class _Collect(logging.Handler):
    """Every record, as this handler formats it and as the service's own log formats (``--log-format
    text`` and ``json``) write it, request id and the request line's fields included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.served = (logs.TextFormatter(), logs.JsonFormatter())
        self.addFilter(logs.RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        # The test's own HTTP client logs the URLs it calls; that is the caller's log, not the service's.
        if not record.name.startswith(("httpx", "httpcore")):
            self.lines.append(self.format(record))
            self.lines += [formatter.format(record) for formatter in self.served]


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[_Collect]:
    """Everything logged, at DEBUG, with SQL statement logging switched on as an operator might."""
    handler = _Collect()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, sql = logging.getLogger(), logging.getLogger("wanumbers.sql")
    levels = root.level, sql.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    sql.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(levels[0])
    sql.setLevel(levels[1])


def test_no_issued_secret_appears_in_the_store_the_logs_or_a_response(
    app_client: TestClient,
    runtime: Runtime,
    engine: Engine,
    tenant: Tenant,
    all_logs: _Collect,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets = [
        tenant.api_key,
        sync(admin.add_api_key(runtime, tenant.sid)),
        sync(admin.create_admin_token(runtime)),
    ]
    secrets.append(sync(admin.create_access_token(runtime, tenant.sid)))
    responses = _traffic(app_client, runtime, tenant, secrets)
    secrets.append(sync(admin.rotate_api_key(runtime, tenant.sid)))
    codes = {delivery.code for delivery in sync(sim.outbox(runtime))}
    assert codes and all(
        looks_like_secret(s, k)
        for s, k in zip(secrets, ["api_key", "api_key", "admin", "access_token", "api_key"], strict=True)
    )

    tables = dump(engine)
    service_records = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logs = "\n".join(all_logs.lines + [r.getMessage() + str(r.exc_text) for r in service_records])
    bodies = "\n".join(response.text + repr(dict(response.headers)) for response in responses)
    assert any("INSERT INTO outbox" in line for line in all_logs.lines), "SQL logging was on"
    request_lines = [
        line for line in all_logs.lines if line.startswith("{") and '"wanumbers.request"' in line
    ]
    assert len(request_lines) >= len(responses), "every request has its line (the request log is scanned)"
    for secret in secrets:
        assert secret not in repr(tables)
        assert secret not in logs
        assert secret not in bodies
    # OTPs: only in the emulator's outbox (it plays the handset: the code must be readable there).
    for name, rows in tables.items():
        if name == "outbox":
            continue
        values = {str(value) for row in rows for value in row}
        assert not codes & values, name
    for code in codes:
        assert not re.search(rf"(?<!\d){code}(?!\d)", logs), code


def _traffic(client: TestClient, rt: Runtime, tenant: Tenant, secrets: list[str]) -> list[httpx.Response]:
    """Every kind of request a tenant and an operator make, good and bad, plus a server fault."""
    api_key, extra, admin_token, token = secrets
    out: list[httpx.Response] = []
    number_id, e164 = add_number(client, tenant)
    code = sync(sim.outbox(rt, e164))[0].code
    verify = {"id": int(number_id), "phone_number": e164}
    out.append(client.post(tenant.path("verify"), headers=tenant.headers, json={**verify, "otp": "000000"}))
    out.append(client.post(tenant.path("verify"), headers=tenant.headers, json={**verify, "otp": code}))
    headers = {"api-key": extra, "Content-Type": "application/json", "Idempotency-Key": "k1"}
    out.append(client.put(tenant.path("update"), headers=headers, json={"phone_number": e164, "about": "hi"}))
    out.append(
        client.get(f"/v2/{tenant.sid}/whatsapp/{e164[1:]}/phone_number_details", headers={"api-key": api_key})
    )
    out.append(
        client.get(
            f"/v2/{tenant.sid}/whatsapp/{e164[1:]}/phone_number_details", headers={"api-key": api_key + "x"}
        )
    )
    out.append(client.get("/sim/outbox", headers={"Authorization": f"Bearer {admin_token}"}))
    sync(sim.inject_fault(rt, ["kaleyra.add"], route="kaleyra.add", mode="error", count=1))
    out.append(client.post(tenant.path("add"), headers={**tenant.headers, "Idempotency-Key": "k2"}, json={}))
    if HAS_GRAPH:
        bearer = {"Authorization": f"Bearer {token}"}
        out.append(client.get(f"{GRAPH_VERSION}/{number_id}", headers=bearer))
        out.append(client.get(f"{GRAPH_VERSION}/{number_id}", params={"access_token": token}))
        other_id, other = add_number(client, tenant)
        out.append(
            client.post(
                f"{GRAPH_VERSION}/{other_id}/request_code",
                headers=bearer,
                json={"code_method": "SMS", "language": "en_US"},
            )
        )
        out.append(
            client.post(
                f"{GRAPH_VERSION}/{other_id}/verify_code",
                headers=bearer,
                json={"code": sync(sim.outbox(rt, other))[0].code},
            )
        )
    return out
