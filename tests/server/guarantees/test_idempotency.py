"""Idempotency-Key on the contracts' POST endpoints: replay, mismatch, in-flight conflict."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from starlette.testclient import TestClient

from tests._sync import on_own_loop, sync
from tests.conftest import Tenant
from tests.server.guarantees.support import (
    CONTRACTS,
    assert_envelope,
    fresh_phone,
    kaleyra_add_body,
    side_effect_post,
)
from wanumbers.server.domain import idempotency
from wanumbers.server.services import admin, sim
from wanumbers.server.services import idempotency as service
from wanumbers.server.services.runtime import Runtime

CONFLICT = {"kaleyra": "WA409", "graph": 2}
MISMATCH = {"kaleyra": "WA422", "graph": 100}


@pytest.mark.parametrize("contract", CONTRACTS)
def test_same_key_and_body_replays_the_first_answer_and_acts_once(
    contract: str, app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    post = side_effect_post(contract, app_client, runtime, tenant)
    before = post.otps_sent()
    key = str(uuid.uuid4())
    first = post.send(app_client, key)
    assert first.status_code == 200, first.text
    again = post.send(app_client, key)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert post.otps_sent() == before + 1


@pytest.mark.skipif("graph" not in CONTRACTS, reason="needs the Graph surface")
def test_without_a_key_every_post_acts(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> None:
    """(Graph request_code: a second Kaleyra add of one number is refused as a duplicate anyway.)"""
    post = side_effect_post("graph", app_client, runtime, tenant)
    before = post.otps_sent()
    assert post.send(app_client, None).status_code == 200
    assert post.send(app_client, None).status_code == 200
    assert post.otps_sent() == before + 2


@pytest.mark.parametrize("contract", CONTRACTS)
def test_same_key_with_another_body_is_422(
    contract: str, app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    post = side_effect_post(contract, app_client, runtime, tenant)
    key = str(uuid.uuid4())
    assert post.send(app_client, key).status_code == 200
    sent = post.otps_sent()
    assert_envelope(contract, post.send(app_client, key, other=True), 422, MISMATCH[contract])
    assert post.otps_sent() == sent


@pytest.mark.parametrize("contract", CONTRACTS)
def test_a_duplicate_while_the_first_is_in_flight_is_409(
    contract: str, app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    post = side_effect_post(contract, app_client, runtime, tenant)
    key = str(uuid.uuid4())
    account = sync(admin.find_account(runtime, tenant.sid))
    scope = idempotency.scope(f"account:{account.id}", "POST", post.path)
    fingerprint = idempotency.fingerprint(b"", _json(post.body), runtime.otp_key)
    assert sync(service.claim(runtime, scope, key, fingerprint)).outcome is idempotency.Outcome.CLAIMED
    sent = post.otps_sent()
    assert_envelope(contract, post.send(app_client, key), 409, CONFLICT[contract])
    assert post.otps_sent() == sent


def test_concurrent_duplicates_one_runs_one_is_409(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    """Two identical adds race: the first (held up by a delay fault) runs, the second is refused."""
    sync(sim.inject_fault(runtime, ["kaleyra.add"], route="kaleyra.add", mode="delay", count=1, delay_ms=800))
    phone = fresh_phone()
    headers = {**tenant.headers, "Idempotency-Key": "race-1"}

    async def race() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app_client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            first = asyncio.create_task(
                client.post(tenant.path("add"), headers=headers, json=kaleyra_add_body(phone))
            )
            await asyncio.sleep(0.3)
            second = await client.post(tenant.path("add"), headers=headers, json=kaleyra_add_body(phone))
            return [await first, second]

    first, second = asyncio.run(on_own_loop(runtime, race()))
    assert first.status_code == 200, first.text
    assert_envelope("kaleyra", second, 409, "WA409")
    assert len(sync(sim.outbox(runtime, "+91" + phone))) == 1
    replay = app_client.post(tenant.path("add"), headers=headers, json=kaleyra_add_body(phone))
    assert replay.content == first.content


def test_keys_are_scoped_per_account(app_client: TestClient, tenant: Tenant, other_tenant: Tenant) -> None:
    key = {"Idempotency-Key": "shared-key"}
    mine = app_client.post(
        tenant.path("add"), headers={**tenant.headers, **key}, json=kaleyra_add_body(fresh_phone())
    )
    theirs = app_client.post(
        other_tenant.path("add"),
        headers={**other_tenant.headers, **key},
        json=kaleyra_add_body(fresh_phone()),
    )
    assert mine.status_code == theirs.status_code == 200
    assert mine.json()["data"] != theirs.json()["data"]


def test_a_server_fault_is_not_remembered_so_a_retry_runs(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    sync(sim.inject_fault(runtime, ["kaleyra.add"], route="kaleyra.add", mode="error", count=1))
    headers = {**tenant.headers, "Idempotency-Key": "retry-me"}
    body = kaleyra_add_body(fresh_phone())
    assert app_client.post(tenant.path("add"), headers=headers, json=body).status_code == 500
    retry = app_client.post(tenant.path("add"), headers=headers, json=body)
    assert retry.status_code == 200 and "idempotent-replayed" not in retry.headers


def test_a_refusal_is_replayed_too(app_client: TestClient, tenant: Tenant) -> None:
    headers = {**tenant.headers, "Idempotency-Key": "bad-body"}
    body = {"name": "x"}
    first = app_client.post(tenant.path("add"), headers=headers, json=body)
    assert first.status_code == 400
    assert app_client.post(tenant.path("add"), headers=headers, json=body).content == first.content


@pytest.mark.parametrize("key", ["", "x" * 256, "two words"])
def test_a_malformed_key_is_400(app_client: TestClient, tenant: Tenant, key: str) -> None:
    headers = {**tenant.headers, "Idempotency-Key": key}
    response = app_client.post(tenant.path("add"), headers=headers, json=kaleyra_add_body(fresh_phone()))
    assert_envelope("kaleyra", response, 400, "WA400")


def _json(body: object) -> bytes:
    return httpx.Request("POST", "http://x", json=body).content
