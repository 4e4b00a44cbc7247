"""Saving a number: what changed reaches the store, and only that is written; reading one partly
maps what its status fields need (on both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.storage.test_number_pages import _plan
from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.listing import DEFAULT_SORT
from wanumbers.server.domain.node import FIELDS, KALEYRA_DETAILS, LIST_DEFAULT, STATUS_FIELDS, project
from wanumbers.server.domain.records import (
    Account,
    Automation,
    Command,
    GraphSettings,
    PhoneNumber,
    Routing,
    Waba,
)
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.numbers import _CLAIMS_HELD, NUMBER_STATUS_FIELDS

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


def test_a_partly_mapped_number_renders_every_status_field_as_the_whole_one(
    runtime: Runtime, tenant: Tenant
) -> None:
    # No field outside STATUS_FIELDS is at its default here, so a field wrongly listed there
    # renders differently from the partly mapped row and fails below.
    number = PhoneNumber(
        id=NUMBER_ID, waba_id=tenant.waba_id, e164="+15550789001", country_code="US", dial_code="1",
        verified_name="Partly", state=NumberState.CONNECTED, quality=Quality.GREEN,
        name_status=NameStatus.APPROVED, account_mode=AccountMode.SANDBOX, sip_enabled=True,
        throughput=Throughput.HIGH, tier=MessagingTier.TIER_10K, display="+1 555-078-9001",
        is_official_business_account=True, pin_digest="digest",
        last_onboarded_at=datetime(2026, 11, 30, 12, tzinfo=UTC),
        routing=Routing(incoming_url="https://hooks.example/in"),
        automation=Automation(True, ["Hi?"], [Command("help", "Get help")]),
        graph=GraphSettings(
            new_name_status=NameStatus.PENDING_REVIEW, search_visibility="HIDDEN",
            webhook_override_uri="https://hooks.example/override", username="partly",
        ),
    )  # fmt: skip

    async def read() -> tuple[PhoneNumber, PhoneNumber]:
        async with runtime.uow(write=True) as uow:
            await uow.numbers.add(number, datetime.now(UTC))
            await uow.commit()
        async with runtime.uow() as uow:
            walks = [
                await uow.numbers.walk(
                    tenant.waba_id, DEFAULT_SORT, [], None, backwards=False, limit=1, status_only=partly
                )
                for partly in (False, True)
            ]
        return walks[0][0], walks[1][0]

    whole, partly = sync(read())
    waba, account = Waba(tenant.waba_id, 1, "v2"), Account(1, "HX", "A", "IN", business_id=33, app_id=44)
    for name in FIELDS:
        same = project(partly, waba, account, [name]) == project(whole, waba, account, [name])
        assert same is (name in STATUS_FIELDS), name
    # Each column the partial read selects lands on its own attribute (none swapped with another).
    assert {name: getattr(partly, name) for name in NUMBER_STATUS_FIELDS} == {
        name: getattr(whole, name) for name in NUMBER_STATUS_FIELDS
    }
    assert partly.last_onboarded_at == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert {*LIST_DEFAULT, *KALEYRA_DETAILS} <= STATUS_FIELDS


def test_an_accounts_claims_are_counted_from_its_own_unverified_numbers(runtime: Runtime) -> None:
    # Every add counts them: walking the fleet's unverified numbers made each add cost the whole fleet.
    params = {"account_id": 1, "state": NumberState.UNVERIFIED.value, "since": datetime.now(UTC)}
    plan = sync(_plan(runtime, _CLAIMS_HELD, params))
    # SQLite takes (account_id, state, id); PostgreSQL, on a test-sized table, any index led by account_id.
    assert "(account_id=? AND state=?)" in plan or "Index Cond: (account_id = 1)" in plan, plan
