"""POST /v2/{sid}/whatsapp/{waba_id}/number/add: seed 001, every sample body reproduced exactly."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.storage.postgres_support import backends
from tests.server.surfaces.kaleyra.conftest import E164, add_payload, reading, seed_body
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime


def post(client: TestClient, tenant: Tenant, payload: object, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(tenant.path("add", **kwargs), headers=tenant.headers, json=payload)


def test_add_creates_an_unverified_number_and_sends_an_sms_otp(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    response = post(app_client, tenant, add_payload())

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "WA200" and body["message"] == "Request Processed Successfully"
    assert body["error"] == {} and body["data"].isdigit()
    [delivery] = sync(sim.outbox(runtime, E164))
    assert delivery.channel == "SMS" and len(delivery.code) == 6 and delivery.code.isdigit()


def test_add_by_voice_sends_a_voice_otp(app_client: TestClient, tenant: Tenant, runtime: Runtime) -> None:
    post(app_client, tenant, add_payload(verification_type="VOICE"))
    assert sync(sim.outbox(runtime, E164))[0].channel == "VOICE"


def test_wrong_api_key_gives_rbc001(app_client: TestClient, tenant: Tenant) -> None:
    headers = {**tenant.headers, "api-key": "wnk_not-a-real-key"}
    response = app_client.post(tenant.path("add"), headers=headers, json=add_payload())
    assert response.status_code == 401
    assert response.json() == seed_body("add", "Incorrect SID or API key.")


def test_key_of_another_sid_gives_rbc001(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    headers = {**tenant.headers, "api-key": other_tenant.api_key}
    response = app_client.post(tenant.path("add"), headers=headers, json=add_payload())
    assert response.status_code == 401
    assert response.json()["code"] == "RBC001"


@pytest.mark.parametrize("waba", ["foreign", "unknown", "not-digits"])
def test_waba_not_owned_gives_wa401(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, runtime: Runtime, waba: str
) -> None:
    waba_id = {"foreign": other_tenant.waba_id, "unknown": 123456789012345, "not-digits": "abc"}[waba]
    response = post(app_client, tenant, add_payload(), waba_id=waba_id)
    assert response.status_code == 401
    assert response.json() == seed_body("add", "Waba_id is not present")
    assert sync(sim.outbox(runtime)) == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"text"', b'{"phone_number": 9876543210}'])
def test_malformed_payload_gives_wa400_payload(app_client: TestClient, tenant: Tenant, body: bytes) -> None:
    response = app_client.post(tenant.path("add"), headers=tenant.headers, content=body)
    assert response.status_code == 400
    assert response.json() == seed_body("add", "Refer to correct payload format")


def test_duplicate_number_gives_already_exists(app_client: TestClient, tenant: Tenant) -> None:
    post(app_client, tenant, add_payload())
    response = post(app_client, tenant, add_payload())
    assert response.status_code == 400
    assert response.json() == seed_body("add", "phone number already exists")


def test_refused_adds_cost_no_store_connection(
    app_client: TestClient, tenant: Tenant, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connections")
    post(app_client, tenant, add_payload())
    before = sync(backends(database_url))

    for _ in range(3):
        assert post(app_client, tenant, add_payload()).json()["message"] == "phone number already exists"

    # A refusal raised inside the add's transaction used to end its connection: one more per refusal.
    assert sync(backends(database_url)) == before


def test_number_held_by_another_account_also_already_exists(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    post(app_client, other_tenant, add_payload())
    assert post(app_client, tenant, add_payload()).json()["message"] == "phone number already exists"


def test_missing_verification_type_gives_go_validator_message(app_client: TestClient, tenant: Tenant) -> None:
    response = post(app_client, tenant, add_payload(verification_type=None))
    assert response.status_code == 400
    assert response.json() == seed_body("add", "key: 'cloudapinumberaddrequest.verification_type'")


def test_missing_name_and_duplicate_number_are_reported_together(
    app_client: TestClient, tenant: Tenant
) -> None:
    post(app_client, tenant, add_payload())
    response = post(app_client, tenant, add_payload(name=None))
    assert response.status_code == 400
    assert response.json() == seed_body("add", "key: 'cloudapinumberaddrequest.name'")


def test_empty_waba_id_gives_required_waba_id(app_client: TestClient, tenant: Tenant) -> None:
    response = app_client.post(
        f"/v2/{tenant.sid}/whatsapp/%20/number/add", headers=tenant.headers, json=add_payload()
    )
    assert response.status_code == 400
    assert response.json() == seed_body("add", "key: 'cloudapinumberaddrequest.waba_id'")


def test_name_over_255_characters_is_refused(app_client: TestClient, tenant: Tenant) -> None:
    response = post(app_client, tenant, add_payload(name="N" * 256))
    assert response.status_code == 400
    assert response.json() == seed_body("add", "phone number name exceeds 255 characters")


def test_name_of_exactly_255_characters_is_accepted(app_client: TestClient, tenant: Tenant) -> None:
    assert post(app_client, tenant, add_payload(name="N" * 255)).status_code == 200


def test_too_short_number_keeps_wa500_body_but_answers_400(app_client: TestClient, tenant: Tenant) -> None:
    response = post(app_client, tenant, add_payload(phone_number="9"))
    assert response.status_code == 400
    assert response.json() == seed_body("add", "the string supplied is too short")


def test_invalid_number_is_refused_and_nothing_is_sent(
    app_client: TestClient, tenant: Tenant, runtime: Runtime
) -> None:
    response = post(app_client, tenant, add_payload(phone_number="0000000000"))
    assert response.status_code == 400
    assert response.json() == {
        "code": "WA400",
        "message": "invalid phone number",
        "data": [],
        "error": {"phone_number": "invalid phone number"},
    }
    assert sync(sim.outbox(runtime)) == []


def test_unknown_verification_type_is_refused(app_client: TestClient, tenant: Tenant) -> None:
    response = post(app_client, tenant, add_payload(verification_type="EMAIL"))
    assert response.status_code == 400
    assert response.json()["error"] == {"verification_type": "verification_type must be one of SMS, VOICE"}


def test_server_fault_gives_please_try_again_later(
    app_client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, runtime: Runtime
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(runtime.upstream, "onboard", broken)
    response = post(app_client, tenant, add_payload())
    assert response.status_code == 500
    assert response.json() == seed_body("add", "Please try again later")
    # Nothing half-done: the number was rolled back with the failed OTP send.
    monkeypatch.undo()
    assert post(app_client, tenant, add_payload()).status_code == 200


def test_an_empty_waba_id_segment_gives_required_waba_id(app_client: TestClient, tenant: Tenant) -> None:
    # What a URL template with an empty variable sends: /v2/{sid}/whatsapp//number/add.
    response = app_client.post(
        f"/v2/{tenant.sid}/whatsapp//number/add", headers=tenant.headers, json=add_payload()
    )
    assert response.status_code == 400
    assert response.json() == seed_body("add", "key: 'cloudapinumberaddrequest.waba_id'")


def test_key_of_another_sid_gives_rbc001_with_an_idempotency_key_too(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, runtime: Runtime
) -> None:
    # The Idempotency-Key stage identified the key first, without the path's SID, and the endpoint took
    # that answer: the other account's key added a number to its own WABA under this account's SID.
    headers = {**tenant.headers, "api-key": other_tenant.api_key, "Idempotency-Key": "sid-check-1"}
    path = tenant.path("add", waba_id=other_tenant.waba_id)
    response = app_client.post(path, headers=headers, json=add_payload())
    assert response.status_code == 401
    assert response.json() == seed_body("add", "Incorrect SID or API key.")
    assert sync(sim.outbox(runtime)) == []


def test_credential_waba_and_armed_faults_are_one_statement(
    app_client: TestClient, tenant: Tenant, statements: list[str]
) -> None:
    # Each statement costs a round trip on PostgreSQL; the fault gate and the WABA had one each.
    assert post(app_client, tenant, add_payload(phone_number="9876500001")).status_code == 200
    statements.clear()  # the first request of a key also leases its rate-limit tokens
    assert post(app_client, tenant, add_payload()).status_code == 200
    assert len(reading(statements, "credentials")) == 1
    assert reading(statements, "faults") == reading(statements, "wabas") == []


def test_a_new_numbers_code_is_one_insert(
    app_client: TestClient, tenant: Tenant, statements: list[str]
) -> None:
    # A number created in the add's own transaction has no earlier codes to count or retire.
    assert post(app_client, tenant, add_payload()).status_code == 200
    touching_codes = [sql.split(" (")[0] for sql in statements if "otp_codes" in sql]
    assert touching_codes == ["INSERT INTO otp_codes"]
