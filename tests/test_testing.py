"""The in-process sandbox (``wanumbers.testing``) and its pytest fixture."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import httpx
import pytest

from wanumbers.client import KaleyraNotFoundError, KaleyraVerificationError, NameStatus
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.otp import CODE_TTL
from wanumbers.testing import Sandbox, sandbox

PHONE = "+919876543210"


def add(sb: Sandbox, national: str = "9876543210") -> str:
    return sb.kaleyra.add_number(sb.waba_id, national, "Acme", "SMS", "+91")


def test_the_pytest_fixture_hands_over_a_ready_account(wanumbers_sandbox: Sandbox) -> None:
    number_id = add(wanumbers_sandbox)
    code = wanumbers_sandbox.last_code(PHONE)
    assert wanumbers_sandbox.kaleyra.verify_number(wanumbers_sandbox.waba_id, number_id, PHONE, code)
    assert wanumbers_sandbox.kaleyra.get_number_details(PHONE).status == "CONNECTED"


def test_every_sandbox_starts_from_an_empty_store() -> None:
    with sandbox() as first:
        add(first)
    with sandbox() as second:
        assert second.outbox() == []
        add(second)  # the same number again: not "already exists"
        assert second.sid != first.sid


def test_setting_up_a_sandbox_takes_milliseconds() -> None:
    with sandbox():
        pass  # the first one per process migrates the template store
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        with sandbox():
            pass
        timings.append(time.perf_counter() - started)
    # Typically 2-3 ms; the bound leaves room for a loaded CI machine.
    assert statistics.median(timings) < 0.025


def test_sync_clients_work_inside_async_code(wanumbers_sandbox: Sandbox) -> None:
    import asyncio

    async def main() -> str:
        return add(wanumbers_sandbox)

    assert asyncio.run(main()).isdigit()


@pytest.mark.anyio
async def test_async_clients_reach_the_same_store(wanumbers_sandbox: Sandbox) -> None:
    number_id = await wanumbers_sandbox.async_kaleyra.add_number(
        wanumbers_sandbox.waba_id, "9876543210", "Acme", "SMS", "+91"
    )
    code = wanumbers_sandbox.sim.last_code(PHONE)
    await wanumbers_sandbox.async_kaleyra.verify_number(wanumbers_sandbox.waba_id, number_id, PHONE, code)
    assert wanumbers_sandbox.kaleyra.get_number_details(PHONE).id == number_id


def test_a_third_party_httpx_client_can_be_routed_in(wanumbers_sandbox: Sandbox) -> None:
    add(wanumbers_sandbox)
    with httpx.Client(transport=wanumbers_sandbox.transport, base_url="http://anything.test") as client:
        response = client.get(
            f"/v2/{wanumbers_sandbox.sid}/whatsapp/919876543210/phone_number_details",
            headers={"api-key": wanumbers_sandbox.api_key},
        )
    assert response.status_code == 200
    assert response.json()["verified_name"] == "Acme"
    prepared = wanumbers_sandbox.http_client()
    assert prepared.headers["authorization"] == f"Bearer {wanumbers_sandbox.access_token}"
    assert str(prepared.base_url) == wanumbers_sandbox.base_url


@pytest.mark.anyio
async def test_an_async_httpx_client_can_be_routed_in(wanumbers_sandbox: Sandbox) -> None:
    async with wanumbers_sandbox.async_http_client() as client:
        response = await client.get(
            f"/v2/{wanumbers_sandbox.sid}/whatsapp/919876543210/phone_number_details",
            headers={"api-key": wanumbers_sandbox.api_key},
        )
    assert response.status_code == 401
    assert response.json()["code"] == "WA401"


def test_the_control_plane_approves_names_and_sets_quality(wanumbers_sandbox: Sandbox) -> None:
    number_id = add(wanumbers_sandbox)
    wanumbers_sandbox.kaleyra.verify_number(
        wanumbers_sandbox.waba_id, number_id, PHONE, wanumbers_sandbox.last_code(PHONE)
    )
    assert wanumbers_sandbox.sim.approve_name(number_id)["name_status"] == "APPROVED"
    assert wanumbers_sandbox.sim.set_quality(PHONE, "YELLOW")["quality_rating"] == "YELLOW"
    details = wanumbers_sandbox.kaleyra.get_number_details(PHONE)
    assert details.name_status is NameStatus.APPROVED
    assert details.quality_rating == "YELLOW"


def test_advancing_the_clock_expires_the_code(wanumbers_sandbox: Sandbox) -> None:
    number_id = add(wanumbers_sandbox)
    code = wanumbers_sandbox.last_code(PHONE)
    before = wanumbers_sandbox.sim.now()
    after = wanumbers_sandbox.sim.advance_clock(CODE_TTL + timedelta(seconds=1))
    assert after - before >= CODE_TTL
    with pytest.raises(KaleyraVerificationError, match="expired"):
        wanumbers_sandbox.kaleyra.verify_number(wanumbers_sandbox.waba_id, number_id, PHONE, code)


def test_faults_can_only_target_routes_that_exist(wanumbers_sandbox: Sandbox) -> None:
    with pytest.raises(DomainError):
        wanumbers_sandbox.sim.inject_fault("kaleyra.typo")
    assert [fault.route for fault in wanumbers_sandbox.sim.inject_fault("kaleyra.add", count=2)] == [
        "kaleyra.add"
    ]
    assert wanumbers_sandbox.sim.clear_faults() == 1


def test_a_second_account_cannot_see_the_first_ones_numbers(wanumbers_sandbox: Sandbox) -> None:
    add(wanumbers_sandbox)
    rival = wanumbers_sandbox.kaleyra_client(wanumbers_sandbox.create_account("rival"))
    with pytest.raises(KaleyraNotFoundError):
        rival.get_number_details(PHONE)


def test_last_code_says_when_nothing_was_sent(wanumbers_sandbox: Sandbox) -> None:
    with pytest.raises(LookupError, match="no code was sent"):
        wanumbers_sandbox.last_code(PHONE)
