"""The database, not the application, decides races."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from tests._sync import on_own_loop, sync
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.phone import parse_phone
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
            asyncio.run(
                on_own_loop(runtime, numbers.onboard(runtime, account, waba.id, phone, "Racer", "SMS"))
            )
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
