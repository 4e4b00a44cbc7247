"""The database, not the application, decides races."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime

import pytest

from tests._sync import on_own_loop, sync
from tests.conftest import Tenant
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import NumberState
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import admin, auth, numbers, sim
from wanumbers.server.services.runtime import Runtime


def test_concurrent_adds_of_one_number_give_exactly_one_success(runtime: Runtime) -> None:
    account, key = sync(admin.create_account(runtime, "Racer"))
    waba = sync(admin.create_waba(runtime, account.sid))
    account = sync(auth.account_for_api_key(runtime, account.sid, key))
    phone = parse_phone("9876543210", "+91")
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def add() -> None:  # each thread on an event loop (and so a connection pool) of its own
        barrier.wait()
        try:
            asyncio.run(on_own_loop(runtime, numbers.onboard(runtime, waba, phone, "Racer", "SMS")))
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.reason.value)

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(outcomes) == {"ok": 1, Reason.NUMBER_EXISTS.value: 7}
    assert len(sync(sim.outbox(runtime, phone.e164))) == 1, "exactly one OTP went out"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_changes_to_two_numbers_of_one_waba_do_not_wait_on_each_other(
    runtime: Runtime, tenant: Tenant
) -> None:
    """A number read to be changed locks its row, not its WABA's: with the WABA locked too, the second
    change waited for the first (a burst of control-plane changes ran one at a time per WABA)."""
    first, second = (
        PhoneNumber(
            id=number_id, waba_id=tenant.waba_id, e164=f"+1555078{number_id % 10_000:04d}", country_code="US",
            dial_code="1", verified_name="Lock", state=NumberState.CONNECTED,
        )
        for number_id in (106540352240001, 106540352240002)
    )  # fmt: skip

    async def change_both() -> None:
        async with runtime.uow(write=True) as uow:
            for number in (first, second):
                await uow.numbers.add(number, datetime.now(UTC))
            await uow.commit()
        async with runtime.uow(write=True) as holding:
            assert await holding.numbers.locate(number_id=first.id, for_update=True) is not None
            async with runtime.uow(write=True) as other:  # before: the lock timeout, a store error
                found = await other.numbers.locate(e164=second.e164, for_update=True)
                assert found is not None and found[0].id == second.id
                await other.commit()
            await holding.commit()

    sync(change_both())
