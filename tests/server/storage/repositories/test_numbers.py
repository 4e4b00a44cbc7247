"""Saving a number: what changed reaches the store, and only that is written (on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.server.domain.lifecycle import NumberState, Quality
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services.runtime import Runtime

NUMBER_ID = 106540352249001


def _add(runtime: Runtime, tenant: Tenant) -> None:
    number = PhoneNumber(
        id=NUMBER_ID, waba_id=tenant.waba_id, e164="+15550789001", country_code="US", dial_code="1",
        verified_name="Saved", state=NumberState.CONNECTED, quality=Quality.GREEN,
    )  # fmt: skip

    async def add() -> None:
        async with runtime.uow(write=True) as uow:
            await uow.numbers.add(number, datetime.now(UTC))
            await uow.commit()

    sync(add())


def _updates(runtime: Runtime) -> list[str]:
    """The UPDATE statements the store runs from now on (a list that fills as they run)."""
    seen: list[str] = []
    runtime.store.before_statement = lambda sql: seen.append(sql) if sql.startswith("UPDATE") else None
    return seen


def _stored(runtime: Runtime) -> PhoneNumber:
    async def get() -> PhoneNumber:
        async with runtime.uow() as uow:
            number = await uow.numbers.get(NUMBER_ID)
        assert number is not None
        return number

    return sync(get())


def test_a_save_sets_the_columns_that_changed_and_no_other(runtime: Runtime, tenant: Tenant) -> None:
    # SQLite rewrites every index over a column an UPDATE sets, changed or not: setting all of them
    # wrote 13 pages for a quality change (bench S4).
    _add(runtime, tenant)
    updates = _updates(runtime)

    async def drop_quality() -> None:
        async with runtime.uow(write=True) as uow:
            found = await uow.numbers.locate(number_id=NUMBER_ID, for_update=True)
            assert found is not None
            found[0].quality = Quality.RED
            await uow.numbers.save(found[0])
            await uow.commit()

    sync(drop_quality())
    assert len(updates) == 1
    assert "SET quality = " in updates[0] and "state" not in updates[0] and "tier" not in updates[0]
    assert (_stored(runtime).quality, _stored(runtime).state) == (Quality.RED, NumberState.CONNECTED)


def test_a_list_changed_in_place_is_saved(runtime: Runtime, tenant: Tenant) -> None:
    _add(runtime, tenant)

    async def add_prompt() -> None:
        async with runtime.uow(write=True) as uow:
            number = await uow.numbers.get(NUMBER_ID, for_update=True)
            assert number is not None
            number.automation.prompts.append("Book a table")
            number.graph.sections["calling"] = {"status": "ENABLED"}
            await uow.numbers.save(number)
            await uow.commit()

    sync(add_prompt())
    stored = _stored(runtime)
    assert stored.automation.prompts == ["Book a table"]
    assert stored.graph.sections == {"calling": {"status": "ENABLED"}}


def test_a_save_with_nothing_changed_writes_nothing(runtime: Runtime, tenant: Tenant) -> None:
    _add(runtime, tenant)
    updates = _updates(runtime)

    async def save_unchanged() -> None:
        async with runtime.uow(write=True) as uow:
            number = await uow.numbers.get(NUMBER_ID, for_update=True)
            assert number is not None
            await uow.numbers.save(number)
            await uow.commit()

    sync(save_unchanged())
    assert updates == []


def test_a_number_read_in_another_unit_of_work_is_saved_whole(runtime: Runtime, tenant: Tenant) -> None:
    _add(runtime, tenant)
    number = _stored(runtime)  # read and let go: this unit of work knows nothing of what is stored
    number.state, number.verified_name = NumberState.FLAGGED, "Renamed"
    updates = _updates(runtime)

    async def save_elsewhere() -> None:
        async with runtime.uow(write=True) as uow:
            await uow.numbers.save(number)
            await uow.commit()

    sync(save_elsewhere())
    assert len(updates) == 1 and "tier = " in updates[0]  # every column, as before
    stored = _stored(runtime)
    assert (stored.state, stored.verified_name) == (NumberState.FLAGGED, "Renamed")
