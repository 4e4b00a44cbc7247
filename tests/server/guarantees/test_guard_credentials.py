"""The request guards find a credential wherever the contract's own authentication accepts it, and
only count credentials that exist (regressions: an ``OAuth`` header or a body ``access_token`` used to
skip the rate limit and Idempotency-Key; a made-up key used to write a rate-limit bucket)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.guarantees.support import GRAPH_VERSION, add_number
from wanumbers.server.app import create_app
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.storage.models import rate_limit_buckets


@pytest.fixture
def limited(database_url: str, runtime: Runtime) -> Iterator[TestClient]:
    """One request per credential, then 429 (a bucket of one that refills slowly)."""
    app = create_app(Settings(database_url=database_url, rate_limit="0.01/1"), runtime=runtime)
    # Which credential is counted is under test, not the fallback of a stalled store (a busy CI
    # machine once took PostgreSQL past the 250 ms lease wait: that worker then decides alone).
    app.state.rate_limiter.lease_wait = 10.0
    with TestClient(app) as client:
        yield client


def _list_path(tenant: Tenant) -> str:
    return f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers"


def test_an_oauth_header_is_rate_limited(limited: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    headers = {"Authorization": f"OAuth {sync(admin.create_access_token(runtime, tenant.sid))}"}
    statuses = [limited.get(_list_path(tenant), headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 429, 429]


def test_a_form_body_access_token_is_rate_limited(
    limited: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    token = sync(admin.create_access_token(runtime, tenant.sid))
    body = {"access_token": token, "cc": "91", "phone_number": "9876543210", "verified_name": "Acme"}
    first = limited.post(f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers", data=body)
    assert first.status_code == 200, first.text
    second = limited.post(
        f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers", data={**body, "phone_number": "9876543211"}
    )
    assert second.status_code == 429
    assert int(second.headers["retry-after"]) > 0


def test_an_oauth_header_gets_idempotency(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    number_id, e164 = add_number(app_client, tenant)
    headers = {
        "Authorization": f"OAuth {sync(admin.create_access_token(runtime, tenant.sid))}",
        "Idempotency-Key": "request-code-1",
    }
    body = {"code_method": "SMS", "language": "en_US"}
    first = app_client.post(f"{GRAPH_VERSION}/{number_id}/request_code", headers=headers, json=body)
    again = app_client.post(f"{GRAPH_VERSION}/{number_id}/request_code", headers=headers, json=body)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("idempotent-replayed") == "true"
    assert len(sync(sim.outbox(runtime, e164))) == 2, "the add's code and one request_code, not two"


def test_made_up_keys_write_no_buckets(limited: TestClient, engine: Engine, tenant: Tenant) -> None:
    for attempt in range(20):
        response = limited.get(
            f"/v2/{tenant.sid}/whatsapp/919800000000/phone_number_details",
            headers={"api-key": f"made-up-{attempt}"},
        )
        assert response.status_code == 401
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(rate_limit_buckets)).scalar() == 0
