"""Emulator-wide control: restrictions, outbox, clock, faults and resets, seen through Kaleyra."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import Added, add_number, add_payload, verify
from tests.server.surfaces.sim.conftest import details, entity, error_codes
from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.services.runtime import Runtime

TRY_LATER = {
    "code": "WA500",
    "message": "Please try again later",
    "data": {},
    "error": {"error": "Internal server error"},
}


def test_waba_restriction_blocks_the_waba_entity_until_lifted(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    path = f"/sim/wabas/{tenant.waba_id}/restriction"
    response = app_client.post(path, headers=admin_headers, json={"restricted": True})

    assert response.json() == {"waba_id": str(tenant.waba_id), "restricted": True}
    node = details(app_client, tenant, connected)
    assert entity(node, "WABA")["can_send_message"] == "BLOCKED"
    assert node["health_status"]["can_send_message"] == "BLOCKED"

    app_client.post(path, headers=admin_headers, json={"restricted": False})
    assert entity(details(app_client, tenant, connected), "WABA")["can_send_message"] == "AVAILABLE"


def test_business_restriction_blocks_the_business_entity(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    path = f"/sim/accounts/{tenant.sid}/business-restriction"
    response = app_client.post(path, headers=admin_headers, json={"restricted": True})

    assert response.json()["business_restricted"] is True
    business = entity(details(app_client, tenant, connected), "BUSINESS")
    assert business["can_send_message"] == "BLOCKED"
    assert 368 in error_codes(business)


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/sim/wabas/1/restriction", {"restricted": True}, 404, "waba_not_found"),
        ("/sim/wabas/x/restriction", {"restricted": True}, 404, "waba_not_found"),
        ("/sim/accounts/HXNOPE/business-restriction", {"restricted": True}, 404, "account_not_found"),
        ("/sim/accounts/HXNOPE/reset", None, 404, "account_not_found"),
    ],
)
def test_unknown_wabas_and_accounts_are_not_found(
    app_client: TestClient, admin_headers: dict[str, str], path: str, body: Any, status: int, code: str
) -> None:
    response = app_client.post(path, headers=admin_headers, json=body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_restriction_needs_a_boolean(
    app_client: TestClient, tenant: Tenant, admin_headers: dict[str, str]
) -> None:
    path = f"/sim/wabas/{tenant.waba_id}/restriction"
    response = app_client.post(path, headers=admin_headers, json={"restricted": "on"})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "restricted"


def test_outbox_lists_codes_newest_first(
    app_client: TestClient, tenant: Tenant, admin_headers: dict[str, str]
) -> None:
    first = add_number(app_client, tenant)
    second = add_number(app_client, tenant, phone_number="9876500001", verification_type="VOICE")

    rows = app_client.get("/sim/outbox", headers=admin_headers).json()

    assert [row["to"] for row in rows] == [second.e164, first.e164]
    assert set(rows[0]) == {"to", "channel", "code", "language", "sent_at"}
    assert rows[0]["channel"] == "VOICE"
    only = app_client.get("/sim/outbox", headers=admin_headers, params={"phone": first.e164[1:]}).json()
    assert [row["to"] for row in only] == [first.e164]
    assert app_client.get("/sim/outbox?limit=0", headers=admin_headers).status_code == 400


def test_advancing_the_clock_eleven_minutes_expires_the_otp(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    added = add_number(app_client, tenant)

    response = app_client.post("/sim/clock", headers=admin_headers, json={"advance_seconds": 660})

    assert response.status_code == 200
    assert response.json()["offset_seconds"] == 660
    verified = verify(app_client, tenant, added, added.otp(runtime))
    assert verified.status_code == 400
    assert verified.json()["message"] == "OTP has expired, please request a new OTP"


@pytest.mark.parametrize("advance", [0, -60, 1.5, "60", None, True])
def test_the_clock_only_moves_forward_by_whole_seconds(
    app_client: TestClient, admin_headers: dict[str, str], advance: Any
) -> None:
    response = app_client.post("/sim/clock", headers=admin_headers, json={"advance_seconds": advance})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "advance_seconds"


def test_clock_reset_returns_to_real_time(app_client: TestClient, admin_headers: dict[str, str]) -> None:
    app_client.post("/sim/clock", headers=admin_headers, json={"advance_seconds": 3600})

    response = app_client.delete("/sim/clock", headers=admin_headers)

    assert response.json()["offset_seconds"] == 0


def test_a_clock_reset_travels_back_so_a_code_expired_by_advancing_is_valid_again(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    """docs/control-plane.md: advancing only moves forward; a reset jumps back to real time, and
    codes are judged against the clock of the moment (their expiry is stamped, not their state)."""
    added = add_number(app_client, tenant)
    code = added.otp(runtime)
    app_client.post("/sim/clock", headers=admin_headers, json={"advance_seconds": 660})
    assert verify(app_client, tenant, added, code).status_code == 400

    app_client.delete("/sim/clock", headers=admin_headers)

    assert verify(app_client, tenant, added, code).status_code == 200


def test_an_error_fault_fails_the_next_n_calls_then_clears(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    fault = {"route": "kaleyra.details", "mode": "error", "count": 2}
    armed = app_client.post("/sim/faults", headers=admin_headers, json=fault)
    assert armed.status_code == 201
    assert armed.json()["faults"][0] | {"id": 0, "created_at": ""} == {
        "id": 0,
        "route": "kaleyra.details",
        "mode": "error",
        "remaining": 2,
        "delay_ms": 0,
        "created_at": "",
    }
    url = f"/v2/{tenant.sid}/whatsapp/{connected.e164[1:]}/phone_number_details"

    for _ in range(2):
        response = app_client.get(url, headers=tenant.headers)
        assert response.status_code == 500
        assert response.json() == TRY_LATER

    assert app_client.get(url, headers=tenant.headers).status_code == 200
    assert app_client.get("/sim/faults", headers=admin_headers).json() == {"faults": []}


def test_a_fault_on_one_route_leaves_the_others_alone(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "kaleyra.add", "mode": "error"})

    assert details(app_client, tenant, connected)["id"] == connected.id
    response = app_client.post(
        tenant.path("add"), headers=tenant.headers, json=add_payload(phone_number="9876500001")
    )
    assert response.status_code == 500
    assert response.json() == TRY_LATER


def test_a_fault_fires_before_the_key_is_judged(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, admin_headers: dict[str, str]
) -> None:
    # An unknown key, no key, another account's key: none finds the armed flag with its credential.
    added = add_number(app_client, tenant)
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "kaleyra.add", "count": 2})
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "kaleyra.verify"})
    unknown = {**tenant.headers, "api-key": "not-a-key"}
    body = {"id": int(added.id), "phone_number": added.e164, "otp": "123456"}

    answers = [
        app_client.post(tenant.path("add"), headers=unknown, json=add_payload(phone_number="9876500002")),
        app_client.post(tenant.path("add"), json=add_payload(phone_number="9876500002")),
        app_client.post(tenant.path("verify"), headers=other_tenant.headers, json=body),
    ]

    assert [(answer.status_code, answer.json()) for answer in answers] == [(500, TRY_LATER)] * 3
    # The faults wore out: the same request is judged by its key again.
    assert app_client.post(tenant.path("verify"), headers=other_tenant.headers, json=body).status_code == 401


def test_a_key_that_expires_during_a_delay_fault_is_judged_after_the_delay(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, admin_headers: dict[str, str]
) -> None:
    # The gate reads the key with the armed flag; whether it may act is judged after the delay, as the
    # details read and Graph's reads judge theirs. (No API issues an expiring api-key: written here.)
    key = "expiring-key-0123456789"
    now = datetime.now(UTC)

    async def issue() -> None:
        async with runtime.uow(write=True) as uow:
            account_id = (await uow.accounts.by_sid(tenant.sid)).id  # type: ignore[union-attr]
            await uow.credentials.add(
                "api_key", digest_secret(key), key[:8], now, account_id, now + timedelta(seconds=1)
            )
            await uow.commit()

    fault = {"route": "kaleyra.update", "mode": "delay", "delay_ms": 2500}
    app_client.post("/sim/faults", headers=admin_headers, json=fault)
    sync(issue())
    headers = {**tenant.headers, "api-key": key}

    response = app_client.put(tenant.path("update"), headers=headers, json={"phone_number": "+919876543210"})

    assert response.status_code == 401, response.text


def test_a_wildcard_fault_hits_whichever_route_comes_next(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "*", "mode": "error"})

    url = f"/v1/{tenant.sid}/whatsapp/{connected.e164[1:]}/phone_number_details"
    assert app_client.get(url, headers=tenant.headers).status_code == 500
    assert app_client.get(url, headers=tenant.headers).status_code == 200


def test_a_delay_fault_answers_late_but_normally(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    fault = {"route": "kaleyra.details", "mode": "delay", "count": 1, "delay_ms": 300}
    app_client.post("/sim/faults", headers=admin_headers, json=fault)

    started = time.perf_counter()
    node = details(app_client, tenant, connected)

    assert time.perf_counter() - started >= 0.3
    assert node["id"] == connected.id


@pytest.mark.parametrize(
    ("fault", "field"),
    [
        ({"route": "kaleyra.nope", "mode": "error"}, "route"),
        ({"route": "sim.reset", "mode": "error"}, "route"),
        ({"route": "kaleyra.add", "mode": "explode"}, "mode"),
        ({"route": "kaleyra.add", "mode": "error", "count": 0}, "count"),
        ({"route": "kaleyra.add", "mode": "error", "delay_ms": 5}, "delay_ms"),
        ({"route": "kaleyra.add", "mode": "delay"}, "delay_ms"),
        ({"route": "kaleyra.add", "mode": "delay", "delay_ms": 60_001}, "delay_ms"),
    ],
)
def test_faults_that_could_not_fire_as_meant_are_refused(
    app_client: TestClient, admin_headers: dict[str, str], fault: dict[str, Any], field: str
) -> None:
    response = app_client.post("/sim/faults", headers=admin_headers, json=fault)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_clearing_faults_disarms_them(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "*", "mode": "error", "count": 3})

    assert app_client.delete("/sim/faults", headers=admin_headers).json() == {"faults_cleared": 1}
    assert details(app_client, tenant, connected)["id"] == connected.id


def test_account_reset_forgets_numbers_but_keeps_credentials_and_other_accounts(
    app_client: TestClient,
    tenant: Tenant,
    other_tenant: Tenant,
    connected: Added,
    admin_headers: dict[str, str],
) -> None:
    theirs = add_number(app_client, other_tenant, phone_number="9876500001")
    app_client.post(
        f"/sim/wabas/{tenant.waba_id}/restriction", headers=admin_headers, json={"restricted": True}
    )

    response = app_client.post(f"/sim/accounts/{tenant.sid}/reset", headers=admin_headers)

    assert response.json() == {"numbers_deleted": 1, "sid": tenant.sid}
    url = f"/v2/{tenant.sid}/whatsapp/{connected.e164[1:]}/phone_number_details"
    assert app_client.get(url, headers=tenant.headers).json()["code"] == "WA401"
    outbox = app_client.get("/sim/outbox", headers=admin_headers).json()
    assert [row["to"] for row in outbox] == [theirs.e164]
    # The same key and WABA onboard the same number again, and the WABA's restriction is gone.
    again = add_number(app_client, tenant)
    assert entity(details(app_client, tenant, again), "WABA")["can_send_message"] == "AVAILABLE"


def test_full_reset_clears_numbers_faults_and_clock(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    app_client.post("/sim/faults", headers=admin_headers, json={"route": "kaleyra.add", "mode": "error"})
    app_client.post("/sim/clock", headers=admin_headers, json={"advance_seconds": 60})

    response = app_client.post("/sim/reset", headers=admin_headers)

    assert response.json() == {"numbers_deleted": 1, "faults_cleared": 1, "clock_offset_seconds": 0}
    assert app_client.get("/sim/clock", headers=admin_headers).json()["offset_seconds"] == 0
    assert app_client.get("/sim/outbox", headers=admin_headers).json() == []
    assert add_number(app_client, tenant).e164 == connected.e164  # the admin token survived too


def test_a_fault_without_a_mode_is_an_error_fault_as_from_the_shell(
    app_client: TestClient, tenant: Tenant, connected: Added, admin_headers: dict[str, str]
) -> None:
    armed = app_client.post("/sim/faults", headers=admin_headers, json={"route": "kaleyra.details"})

    assert armed.status_code == 201
    assert armed.json()["faults"][0]["mode"] == "error"
    url = f"/v2/{tenant.sid}/whatsapp/{connected.e164[1:]}/phone_number_details"
    assert app_client.get(url, headers=tenant.headers).json() == TRY_LATER
