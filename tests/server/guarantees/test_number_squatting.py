"""Number squatting (issue 10.7): an account holds at most 20 unverified numbers, answered past that
with Meta's limit error; an unverified claim lapses 24 h after it was made, and another account's add
then takes the number over; a verified number never yields. Through both contracts, on both stores."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from tests.server.guarantees.support import GRAPH_VERSION, fresh_phone, kaleyra_add_body
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime

DAY = 24 * 3600
LIMIT = "Phone number limit exceeded for this WhatsApp Business Account"


def _token(rt: Runtime, tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {sync(admin.create_access_token(rt, tenant.sid))}"}


def _create(
    client: TestClient, headers: dict[str, str], tenant: Tenant, phone: str
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"{GRAPH_VERSION}/{tenant.waba_id}/phone_numbers",
        headers=headers,
        data={"cc": "91", "phone_number": phone, "verified_name": "Acme"},
    )
    body: dict[str, object] = response.json()
    return response.status_code, body


def _add(client: TestClient, tenant: Tenant, phone: str) -> tuple[int, dict[str, object]]:
    response = client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone))
    body: dict[str, object] = response.json()
    return response.status_code, body


def test_an_account_holds_at_most_20_unverified_numbers(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    headers = _token(runtime, tenant)
    for _ in range(20):
        assert _create(app_client, headers, tenant, fresh_phone())[0] == 200
    status, body = _create(app_client, headers, tenant, fresh_phone())
    assert status == 403, body
    error = body["error"]
    assert isinstance(error, dict)
    assert (error["code"], error["error_subcode"], error["type"]) == (200, 1349175, "OAuthException")
    assert error["message"] == f"(#200) {LIMIT}"
    status, body = _add(app_client, tenant, fresh_phone())  # the same cap through Kaleyra
    assert (status, body["code"]) == (400, "WA400")
    assert body["message"] == f"{LIMIT}: at most 20 phone numbers that are not verified yet"
    assert _add(app_client, other_tenant, fresh_phone())[0] == 200  # another account has its own
    sync(sim.advance_clock(runtime, DAY + 1))  # lapsed claims no longer count
    assert _create(app_client, headers, tenant, fresh_phone())[0] == 200


def test_a_lapsed_unverified_claim_yields_to_another_accounts_add(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    phone = fresh_phone()
    status, created = _create(app_client, _token(runtime, tenant), tenant, phone)  # the squatter: no OTP
    assert status == 200
    squatted = created["id"]
    assert _add(app_client, other_tenant, phone) == (
        400,
        {
            "code": "WA400",
            "message": "phone number already exists",
            "data": [],
            "error": {"phone_number": "phone number already exists"},
        },
    )
    sync(sim.advance_clock(runtime, DAY - 10))  # just under 24 h (the wall clock moves too): still held
    assert _add(app_client, other_tenant, phone)[0] == 400
    sync(sim.advance_clock(runtime, 11))
    status, body = _add(app_client, other_tenant, phone)
    assert status == 200, body
    assert body["data"] != squatted
    assert sync(sim.outbox(runtime, "+91" + phone))[0].code  # the code went out for the new holder
    gone = app_client.get(f"{GRAPH_VERSION}/{squatted}", headers=_token(runtime, tenant))
    assert gone.status_code == 400 and gone.json()["error"]["code"] == 100  # the stale claim is deleted


@pytest.mark.parametrize("holder", ["same", "verified"])
def test_a_claim_does_not_yield_to_its_own_account_nor_when_verified(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, holder: str
) -> None:
    rival = make_tenant(runtime, "Rival")
    phone = fresh_phone()
    status, body = _add(app_client, tenant, phone)
    assert status == 200
    if holder == "verified":
        code = sync(sim.outbox(runtime, "+91" + phone))[0].code
        verify = {"id": body["data"], "phone_number": "+91" + phone, "otp": code}
        assert app_client.post(tenant.path("verify"), headers=tenant.headers, json=verify).status_code == 200
    sync(sim.advance_clock(runtime, 30 * DAY))
    claimant = tenant if holder == "same" else rival
    status, body = _add(app_client, claimant, phone)
    assert (status, body["message"]) == (400, "phone number already exists")


@pytest.mark.parametrize(("value", "cap"), [(None, 20), ("", 20), ("5", 5), (" 1000 ", 1000)])
def test_the_cap_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, cap: int
) -> None:
    from wanumbers.server.settings import Settings

    if value is None:
        monkeypatch.delenv("WANUMBERS_UNVERIFIED_NUMBER_CAP", raising=False)
    else:
        monkeypatch.setenv("WANUMBERS_UNVERIFIED_NUMBER_CAP", value)
    assert Settings.from_env(database_url="sqlite:///:memory:").claim_cap == cap


@pytest.mark.parametrize("value", ["0", "-1", "many", "٣"])
def test_a_bad_cap_is_refused_at_start(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from wanumbers.server.settings import Settings, SettingsError

    monkeypatch.setenv("WANUMBERS_UNVERIFIED_NUMBER_CAP", value)
    with pytest.raises(
        SettingsError, match="WANUMBERS_UNVERIFIED_NUMBER_CAP must be a whole number of at least 1"
    ):
        Settings.from_env(database_url="sqlite:///:memory:")
