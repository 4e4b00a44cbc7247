"""The fleet's SQL against the domain: the health filter selects exactly the numbers ``derive_health``
calls AVAILABLE / LIMITED / BLOCKED, for every state, name status and quality, with and without WABA and
business restrictions; keyset pages walk the whole fleet once in order, forwards and back."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import console, sim
from wanumbers.server.services.console import Principal
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.fleet import HEALTH, SORTS, FleetQuery, FleetRow

ADMIN = Principal("admin", "")


async def _seed(rt: Runtime, waba_id: int, base: int) -> list[PhoneNumber]:
    numbers = []
    combos = itertools.product(NumberState, NameStatus, Quality)
    async with rt.uow(write=True) as uow:
        for i, (state, name, quality) in enumerate(combos):
            number = PhoneNumber(
                id=base + i,
                waba_id=waba_id,
                e164=f"+91700{base + i:07d}",
                country_code="IN",
                dial_code="91",
                verified_name=f"Name {i % 13:02d}",
                state=state,
                name_status=name,
                quality=quality,
            )
            numbers.append(await uow.numbers.add(number, datetime.now(UTC)))
        await uow.commit()
    return numbers


async def _all(rt: Runtime, principal: Principal, query: FleetQuery, limit: int = 1000) -> list[FleetRow]:
    return (await console.fleet(rt, principal, query, limit=limit)).rows


@pytest.fixture
def seeded(runtime: Runtime) -> tuple[Tenant, Tenant]:
    plain, restricted = make_tenant(runtime, "Plain"), make_tenant(runtime, "Locked")
    sync(_seed(runtime, plain.waba_id, 1_000))
    sync(_seed(runtime, restricted.waba_id, 2_000))
    sync(sim.restrict_waba(runtime, restricted.waba_id, True))
    return plain, restricted


def test_health_filter_agrees_with_derive_health(runtime: Runtime, seeded: tuple[Tenant, Tenant]) -> None:
    everything = sync(_all(runtime, ADMIN, FleetQuery()))
    assert len(everything) == 2 * len(NumberState) * len(NameStatus) * len(Quality)
    expected = {
        row.number.id: derive_health(row.number, row.waba, row.account)["can_send_message"]
        for row in everything
    }
    for health in HEALTH:
        found = {row.number.id for row in sync(_all(runtime, ADMIN, FleetQuery(health=health)))}
        assert found == {number_id for number_id, value in expected.items() if value == health}, health
    assert set(expected.values()) == set(HEALTH)  # every value is met, so each branch was checked


def test_business_restriction_blocks_in_the_filter(runtime: Runtime, seeded: tuple[Tenant, Tenant]) -> None:
    plain, _ = seeded
    sync(sim.restrict_business(runtime, plain.sid, True))
    account = sync(console.sign_in(runtime, plain.api_key)).account
    assert account is not None
    principal = Principal("api_key", "", account)
    assert sync(_all(runtime, principal, FleetQuery(health="AVAILABLE"))) == []
    assert len(sync(_all(runtime, principal, FleetQuery(health="BLOCKED")))) == 168


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_pages_walk_the_fleet_once_in_order(
    runtime: Runtime, seeded: tuple[Tenant, Tenant], sort: str, descending: bool
) -> None:
    query = FleetQuery(sort=sort, descending=descending, filters={"quality": "RED"})
    whole = [row.number.id for row in sync(_all(runtime, ADMIN, query))]
    assert len(whole) == 2 * len(NumberState) * len(NameStatus)
    pages, bound, seen = [], None, []
    while True:
        page = sync(console.fleet(runtime, ADMIN, query, bound, limit=10))
        pages.append(page)
        seen += [row.number.id for row in page.rows]
        assert page.has_previous == (bound is not None)
        if not page.has_next:
            break
        bound = page.last
    assert seen == whole
    keys = [(sort_value(row, sort), row.number.id) for page in pages for row in page.rows]
    assert keys == sorted(keys, reverse=descending)
    # and back: "previous" from the last page gives the page before it
    back = sync(console.fleet(runtime, ADMIN, query, pages[-1].first, backwards=True, limit=10))
    assert [row.number.id for row in back.rows] == [row.number.id for row in pages[-2].rows]
    assert back.has_next and back.has_previous == (len(pages) > 2)


def sort_value(row: FleetRow, sort: str) -> str:
    value = getattr(row.number, SORTS[sort])
    return str(getattr(value, "value", value))


def test_search_by_number_and_name_prefix(runtime: Runtime, seeded: tuple[Tenant, Tenant]) -> None:
    by_number = sync(_all(runtime, ADMIN, FleetQuery(search="+917000001")))
    assert {row.number.e164 for row in by_number} == {f"+917000001{i:03d}" for i in range(168)}
    by_name = sync(_all(runtime, ADMIN, FleetQuery(search="Name 07")))
    assert by_name and all(row.number.verified_name == "Name 07" for row in by_name)


def test_an_account_sees_its_own_numbers_only(runtime: Runtime, seeded: tuple[Tenant, Tenant]) -> None:
    plain, locked = seeded
    principal = sync(console.sign_in(runtime, plain.api_key))
    rows = sync(_all(runtime, principal, FleetQuery()))
    assert {row.waba.id for row in rows} == {plain.waba_id}
    # the query cannot widen it: the scope is the principal's, whatever the caller passed
    rows = sync(_all(runtime, principal, FleetQuery(account_id=None, search="+91700")))
    assert {row.waba.id for row in rows} == {plain.waba_id}
    counts = sync(console.counts(runtime, principal.account_id))
    assert sum(counts.values()) == 168
    assert sum(sync(console.counts(runtime, None)).values()) == 336
    foreign = sync(_all(runtime, ADMIN, FleetQuery(search="+917000002")))[0].number
    with pytest.raises(Exception, match="No such phone number"):
        sync(console.number(runtime, principal, foreign.id))
    assert sync(console.outbox(runtime, principal, foreign.e164)) == []
    assert locked.waba_id != plain.waba_id
