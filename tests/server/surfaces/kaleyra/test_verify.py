"""POST /v2/{sid}/whatsapp/{waba_id}/number/verify: seed 002 plus the OTP rules the seed leaves open."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import Added, add_payload, reading, seed_body, verify
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime


def details(client: TestClient, tenant: Tenant, added: Added) -> dict[str, object]:
    response = client.get(
        f"/v2/{tenant.sid}/whatsapp/{added.e164[1:]}/phone_number_details", headers=tenant.headers
    )
    body: dict[str, object] = response.json()
    return body


def wrong(otp: str) -> str:
    return f"{(int(otp) + 1) % 1_000_000:06d}"


def test_right_otp_verifies_and_connects_the_number(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    response = verify(app_client, tenant, added, added.otp(runtime))

    assert response.status_code == 200
    assert response.json() == {
        "code": "WA200",
        "message": "Request Processed Successfully",
        "data": added.id,
        "error": {},
    }
    node = details(app_client, tenant, added)
    assert node["status"] == "CONNECTED"
    assert node["throughput"] == {"level": "STANDARD"}


def test_id_is_accepted_as_a_json_string(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    body = {"id": added.id, "phone_number": added.e164, "otp": added.otp(runtime)}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 200


def test_bad_credentials_give_rbc001(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    response = app_client.post(
        tenant.path("verify"),
        headers={**tenant.headers, "api-key": "nope"},
        json={"id": added.id, "phone_number": added.e164, "otp": "123456"},
    )
    assert response.status_code == 401
    assert response.json() == seed_body("verify", "Incorrect SID or API key.")


def test_foreign_waba_gives_wa401(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    body = {"id": added.id, "phone_number": added.e164, "otp": added.otp(runtime)}
    response = app_client.post(
        tenant.path("verify", waba_id=other_tenant.waba_id), headers=tenant.headers, json=body
    )
    assert response.status_code == 401
    assert response.json() == seed_body("verify", "Waba_id is not present")


def test_malformed_payload_gives_wa400_payload(app_client: TestClient, tenant: Tenant) -> None:
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, content=b'{"id": ')
    assert response.status_code == 400
    assert response.json() == seed_body("verify", "Refer to correct payload format")


@pytest.mark.parametrize("otp", ["12345", "1234567", "12a456"])
def test_badly_formed_otp_gives_incorrect_otp_format(
    app_client: TestClient, tenant: Tenant, added: Added, otp: str
) -> None:
    response = verify(app_client, tenant, added, otp)
    assert response.status_code == 400
    assert response.json() == seed_body("verify", "Incorrect OTP format")


def test_missing_otp_gives_required_message(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    body = {"id": added.id, "phone_number": added.e164}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 400
    message = (
        "key: 'cloudapinumberverifyrequest.otp' error:field validation for 'otp' failed on the 'required' tag"
    )
    assert response.json() == {"code": "WA400", "message": message, "data": [], "error": {"otp": message}}


@pytest.mark.parametrize("phone", ["not a number", "+91123456789012", "+14155550100", "+919812345678"])
def test_invalid_or_mismatched_phone_number_gives_invalid_phone_number(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime, phone: str
) -> None:
    body = {"id": added.id, "phone_number": phone, "otp": added.otp(runtime)}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 400
    assert response.json() == seed_body("verify", "invalid phone number")


def test_verifying_twice_gives_already_approved_with_status_400(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    otp = added.otp(runtime)
    verify(app_client, tenant, added, otp)
    response = verify(app_client, tenant, added, otp)
    assert response.status_code == 400
    assert response.json() == seed_body("verify", "wa phone number already approved")


def test_wrong_otp_is_refused_and_the_number_stays_pending(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    response = verify(app_client, tenant, added, wrong(added.otp(runtime)))
    assert response.status_code == 400
    assert response.json() == {
        "code": "WA400",
        "message": "Incorrect OTP",
        "data": {},
        "error": {"otp": "Incorrect OTP"},
    }
    assert details(app_client, tenant, added)["status"] == "PENDING"


def test_the_right_otp_still_works_after_a_wrong_one(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    otp = added.otp(runtime)
    verify(app_client, tenant, added, wrong(otp))
    assert verify(app_client, tenant, added, otp).status_code == 200


def test_five_wrong_otps_burn_the_code(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    otp = added.otp(runtime)
    for _ in range(5):
        verify(app_client, tenant, added, wrong(otp))
    response = verify(app_client, tenant, added, otp)
    assert response.status_code == 429
    assert response.json()["code"] == "WA429"


def test_expired_otp_is_refused(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    otp = added.otp(runtime)
    sync(sim.advance_clock(runtime, 11 * 60))
    response = verify(app_client, tenant, added, otp)
    assert response.status_code == 400
    assert response.json()["message"] == "OTP has expired, please request a new OTP"


def test_unknown_number_id_gives_phone_number_not_present(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    body = {"id": 111111111111111, "phone_number": added.e164, "otp": added.otp(runtime)}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 401
    assert response.json()["code"] == "WA401"


@pytest.mark.parametrize("number_id", [2**63, 2**64 - 1, "99999999999999999999"])
def test_an_id_past_the_stores_range_is_not_present_not_a_500(
    app_client: TestClient, tenant: Tenant, added: Added, number_id: object
) -> None:
    # Schemathesis found that an id beyond a signed 64-bit integer overflowed in the query (500).
    body = {"id": number_id, "phone_number": added.e164, "otp": "123456"}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 401
    assert response.json() == seed_body("details", "Phone number is not present")


def test_a_waba_id_past_the_stores_range_is_not_present_not_a_500(
    app_client: TestClient, tenant: Tenant
) -> None:
    response = app_client.post(
        tenant.path("add", "9223372036854775808"),
        headers=tenant.headers,
        json=add_payload(phone_number="9876500001"),
    )
    assert response.status_code == 401
    assert response.json() == seed_body("add", "Waba_id is not present")


def test_one_statement_reads_credential_waba_number_and_faults_and_one_writes_the_number(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime, statements: list[str]
) -> None:
    # Each statement costs a round trip on PostgreSQL; the fault gate, the WABA and the number had one each.
    assert verify(app_client, tenant, added, added.otp(runtime)).status_code == 200
    assert len(reading(statements, "credentials")) == 1
    assert reading(statements, "faults") == reading(statements, "wabas") == []
    whole_rows = [sql for sql in reading(statements, "phone_numbers") if sql.startswith("SELECT n.id, ")]
    assert len(whole_rows) == 1  # the emulator's, locked, in its transaction
    # ...and written once, verified and registered together.
    assert len([sql for sql in statements if sql.startswith("UPDATE phone_numbers")]) == 1
    assert details(app_client, tenant, added)["status"] == "CONNECTED"


def test_a_wrong_key_is_reported_before_a_malformed_body(app_client: TestClient, tenant: Tenant) -> None:
    # The body is parsed before the credential's statement (it names the number), reported after it.
    headers = {**tenant.headers, "api-key": "nope"}
    response = app_client.post(tenant.path("verify"), headers=headers, content=b'{"id": ')
    assert response.status_code == 401
    assert response.json() == seed_body("verify", "Incorrect SID or API key.")
