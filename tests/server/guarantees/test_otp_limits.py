"""OTP limits: 5 sends per number per 10 minutes (429 + Retry-After), a 20-failure lock that new codes
do not reset, and exactly one success among concurrent correct verifies of one code."""

from __future__ import annotations

import threading

import pytest
from starlette.testclient import TestClient

from tests._sync import owned_waba, stored_number, sync
from tests.conftest import Tenant
from tests.server.guarantees.support import GRAPH_VERSION, HAS_GRAPH, add_number
from wanumbers.server.domain import otp
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.services import admin, auth, numbers, registration, sim
from wanumbers.server.services.runtime import Runtime


def _account(runtime: Runtime, tenant: Tenant):  # type: ignore[no-untyped-def]
    return sync(auth.account_for_api_key(runtime, tenant.sid, tenant.api_key))


def test_a_sixth_code_in_ten_minutes_is_refused_with_retry_after(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    number_id, e164 = add_number(app_client, tenant)  # the first send
    account = _account(runtime, tenant)
    for _ in range(otp.MAX_SENDS_PER_WINDOW - 1):
        sync(registration.request_code(runtime, account, int(number_id), "SMS", "en_US"))
    with pytest.raises(DomainError) as caught:
        sync(registration.request_code(runtime, account, int(number_id), "SMS", "en_US"))
    assert caught.value.reason is Reason.OTP_SEND_LIMIT
    assert 0 < (caught.value.retry_after or 0) <= 600
    assert len(sync(sim.outbox(runtime, e164))) == otp.MAX_SENDS_PER_WINDOW
    sync(sim.advance_clock(runtime, 601))
    sync(registration.request_code(runtime, account, int(number_id), "SMS", "en_US"))
    assert len(sync(sim.outbox(runtime, e164))) == otp.MAX_SENDS_PER_WINDOW + 1


@pytest.mark.skipif(not HAS_GRAPH, reason="needs the Graph surface")
def test_graph_request_code_over_the_limit_is_429_with_retry_after(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    number_id, e164 = add_number(app_client, tenant)
    headers = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    path, body = f"{GRAPH_VERSION}/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"}
    statuses = [
        app_client.post(path, headers=headers, json=body).status_code for _ in range(otp.MAX_SENDS_PER_WINDOW)
    ]
    assert statuses == [200] * (otp.MAX_SENDS_PER_WINDOW - 1) + [429]
    refused = app_client.post(path, headers=headers, json=body)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert len(sync(sim.outbox(runtime, e164))) == otp.MAX_SENDS_PER_WINDOW


def test_twenty_failures_lock_verification_and_new_codes_do_not_reset_it(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    number_id, e164 = add_number(app_client, tenant)
    account = _account(runtime, tenant)
    failures = 0
    while failures < otp.MAX_FAILURES_PER_NUMBER:
        code = sync(sim.outbox(runtime, e164))[0].code
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _ in range(otp.MAX_CHECKS_PER_CODE):
            with pytest.raises(DomainError):
                sync(registration.verify_code(runtime, account, int(number_id), wrong))
            failures += 1
        sync(sim.advance_clock(runtime, 601))  # stay under the send limit
        if failures < otp.MAX_FAILURES_PER_NUMBER:
            sync(registration.request_code(runtime, account, int(number_id), "SMS", "en_US"))
    with pytest.raises(DomainError) as caught:
        sync(registration.request_code(runtime, account, int(number_id), "SMS", "en_US"))
    assert caught.value.reason is Reason.VERIFICATION_LOCKED
    body = {"id": int(number_id), "phone_number": e164, "otp": sync(sim.outbox(runtime, e164))[0].code}
    response = app_client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 429 and response.json()["code"] == "WA429"


def test_concurrent_correct_verifies_of_one_code_succeed_exactly_once(
    app_client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    number_id, e164 = add_number(app_client, tenant)
    code = sync(sim.outbox(runtime, e164))[0].code
    account, phone = _account(runtime, tenant), parse_phone(e164)
    waba, number = owned_waba(runtime, account, tenant.waba_id), stored_number(runtime, number_id)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        start.wait()
        try:
            sync(numbers.confirm(runtime, waba, number, phone, code))
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.reason.value)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1, outcomes
    assert len(outcomes) == 8
