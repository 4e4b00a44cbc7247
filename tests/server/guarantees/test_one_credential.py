"""One credential per request, found in one place and handed to every stage (issue 10, items 1-3): the
rate limit, Idempotency-Key and the endpoint cannot read two different credentials from one request,
a replay needs a credential that may act for the account now, and the guards cover every path the
routes serve."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.support import add_number, fresh_phone, kaleyra_add_body
from wanumbers.server.app import create_app
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings


@pytest.fixture
def limited(database_url: str, runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(
        create_app(Settings(database_url=database_url, rate_limit="1/2"), runtime=runtime)
    ) as client:
        client.app.state.rate_limiter.lease_wait = 10.0  # exactness under test, not a stalled store
        yield client


def _details(tenant: Tenant) -> str:
    return f"/v2/{tenant.sid}/whatsapp/919800000000/phone_number_details"


def test_two_api_keys_in_one_request_are_refused_not_counted_against_the_first(
    limited: TestClient, tenant: Tenant
) -> None:
    # The guards took the last header and the endpoint the first: ten requests with a valid key plus
    # junk all answered 200 under a limit of 1/s (burst 2).
    headers = [("api-key", tenant.api_key), ("api-key", "junk")]
    answers = [limited.get(_details(tenant), headers=headers) for _ in range(10)]
    assert {answer.status_code for answer in answers} == {401}
    assert answers[0].json()["code"] == "RBC201"


def test_the_same_key_twice_is_one_credential(limited: TestClient, tenant: Tenant) -> None:
    headers = [("api-key", tenant.api_key), ("api-key", tenant.api_key)]
    answers = [limited.get(_details(tenant), headers=headers) for _ in range(3)]
    # Counted like one key (burst 2, then 429), and not refused as a conflict (the number is just missing).
    assert [answer.status_code for answer in answers] == [401, 401, 429]
    assert answers[0].json()["code"] == "WA401"


def _create(client: TestClient, tenant: Tenant, tokens: list[str], key: str) -> httpx.Response:
    headers = [("Authorization", f"Bearer {token}") for token in tokens] + [("Idempotency-Key", key)]
    body = {"cc": "91", "phone_number": "9800000042", "verified_name": "Acme"}
    return client.post(f"/v23.0/{tenant.waba_id}/phone_numbers", headers=headers, json=body)


def test_no_cross_tenant_replay_through_a_second_authorization_header(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    rival = make_tenant(runtime, "Rival")
    mine = sync(admin.create_access_token(runtime, tenant.sid))
    theirs = sync(admin.create_access_token(runtime, rival.sid))
    first = _create(app_client, tenant, [mine, "x"], "k")
    second = _create(app_client, rival, [theirs, "x"], "k")
    for answer in (first, second):
        assert answer.status_code == 401 and answer.json()["error"]["code"] == 190
        assert "idempotent-replayed" not in answer.headers


def test_an_idempotency_key_is_the_accounts_own(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    rival = make_tenant(runtime, "Rival")
    mine = sync(admin.create_access_token(runtime, tenant.sid))
    theirs = sync(admin.create_access_token(runtime, rival.sid))
    first = _create(app_client, tenant, [mine], "shared")
    assert first.status_code == 200, first.text
    # Same body and key, another account: its own request (here refused, the WABA is not the rival's),
    # never the first account's stored answer.
    second = _create(app_client, rival, [theirs], "shared")
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] not in second.text


def test_a_body_token_that_differs_from_the_header_token_is_refused(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    mine = sync(admin.create_access_token(runtime, tenant.sid))
    other = sync(admin.create_access_token(runtime, make_tenant(runtime, "Rival").sid))
    number_id, e164 = add_number(app_client, tenant)
    response = app_client.post(
        f"/v23.0/{number_id}/request_code",
        headers={"Authorization": f"Bearer {mine}"},
        data={"code_method": "SMS", "language": "en_US", "access_token": other},
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == 190
    assert len(sync(sim.outbox(runtime, e164))) == 1  # only add's code: nothing more was sent


def test_a_replay_needs_a_key_that_is_still_live(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    key = sync(admin.add_api_key(runtime, tenant.sid))
    headers = {"api-key": key, "Idempotency-Key": "idem-1"}
    body = kaleyra_add_body(fresh_phone())
    first = app_client.post(tenant.path("add"), headers=headers, json=body)
    assert first.status_code == 200, first.text
    assert sync(admin.revoke_secret(runtime, "api_key", key))
    again = app_client.post(tenant.path("add"), headers=headers, json=body)
    assert again.status_code == 401
    assert "idempotent-replayed" not in again.headers
    # The account's live key gets the stored answer: the key is the account's, not the credential's.
    replay = app_client.post(
        tenant.path("add"), headers={**tenant.headers, "Idempotency-Key": "idem-1"}, json=body
    )
    assert replay.headers["idempotent-replayed"] == "true" and replay.content == first.content


def test_a_path_the_routes_take_is_never_past_the_guards(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    # /v1234.0/… matched the routes but not the guards' pattern: three posts with one Idempotency-Key
    # sent three OTPs. A version Graph never released is now not served at all, and nothing runs.
    number_id, e164 = add_number(app_client, tenant)
    token = sync(admin.create_access_token(runtime, tenant.sid))
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    body = {"code_method": "SMS", "language": "en_US"}
    answers = [
        app_client.post(f"/v1234.0/{number_id}/request_code", headers=headers, json=body) for _ in range(3)
    ]
    assert {answer.json()["error"]["code"] for answer in answers} == {2500}
    assert len(sync(sim.outbox(runtime, e164))) == 1


def test_a_nul_in_a_graph_body_is_refused_on_any_version_spelling(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    token = sync(admin.create_access_token(runtime, tenant.sid))
    body = {"cc": "91", "phone_number": "9800000043", "verified_name": "Ac\u0000me"}
    for prefix in ("/v23.0", "/v1234.0", ""):
        response = app_client.post(
            f"{prefix}/{tenant.waba_id}/phone_numbers",
            headers={"Authorization": f"Bearer {token}"},
            json=body,
        )
        assert response.status_code == 400, (prefix, response.text)  # never a 500 (PostgreSQL: DataError)
