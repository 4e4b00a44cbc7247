"""Control-plane use cases, straight against the services (one unit of work each)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from tests._sync import owned_waba, sync
from tests.conftest import Tenant
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services import admin, numbers, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings

E164 = "+919876543210"
KNOWN = {"kaleyra.add", "kaleyra.details"}


def onboard(rt: Runtime, tenant: Tenant, e164: str = E164) -> PhoneNumber:
    account = sync(admin.find_account(rt, tenant.sid))
    waba = owned_waba(rt, account, tenant.waba_id)
    return sync(numbers.onboard(rt, waba, parse_phone(e164), "Acme", "SMS"))


@contextmanager
def refused(reason: Reason) -> Iterator[None]:
    with pytest.raises(DomainError) as caught:
        yield
    assert caught.value.reason is reason


def test_review_sets_the_name_status(runtime: Runtime, tenant: Tenant) -> None:
    number = onboard(runtime, tenant)

    assert (
        sync(sim.review_name(runtime, str(number.id), "APPROVED")).number.name_status is NameStatus.APPROVED
    )
    assert sync(sim.review_name(runtime, E164, "DECLINED")).number.name_status is NameStatus.DECLINED
    assert sync(sim.show_number(runtime, E164[1:])).number.name_status is NameStatus.DECLINED


def test_setters_persist_their_value(runtime: Runtime, tenant: Tenant) -> None:
    number = onboard(runtime, tenant)
    ref = str(number.id)

    sync(sim.set_quality(runtime, ref, "YELLOW"))
    sync(sim.set_tier(runtime, ref, "TIER_100K"))
    sync(sim.set_throughput(runtime, ref, "HIGH"))
    sync(sim.set_account_mode(runtime, ref, "SANDBOX"))
    sync(sim.configure_sip(runtime, ref, enabled=True))

    stored = sync(sim.show_number(runtime, ref)).number
    assert (stored.quality, stored.tier.value, stored.throughput.value) == (
        Quality.YELLOW,
        "TIER_100K",
        "HIGH",
    )
    assert (stored.account_mode.value, stored.sip_enabled, stored.sip_server_configured) == (
        "SANDBOX",
        True,
        False,
    )


def test_enforcement_goes_through_the_transition_table(runtime: Runtime, tenant: Tenant) -> None:
    ref = str(onboard(runtime, tenant).id)

    assert sync(sim.enforce(runtime, ref, "ban")).number.state is NumberState.BANNED
    with refused(Reason.ILLEGAL_TRANSITION):
        sync(sim.enforce(runtime, ref, "flag"))
    assert sync(sim.enforce(runtime, ref, "restore")).number.state is NumberState.CONNECTED
    with refused(Reason.INVALID_PARAMETER):
        sync(sim.enforce(runtime, ref, "register"))  # the owner's event, not Meta's enforcement


def test_a_refused_change_leaves_the_number_untouched(runtime: Runtime, tenant: Tenant) -> None:
    ref = str(onboard(runtime, tenant).id)

    with refused(Reason.ILLEGAL_TRANSITION):
        sync(sim.enforce(runtime, ref, "restore"))

    assert sync(sim.show_number(runtime, ref)).number.state is NumberState.UNVERIFIED


def test_restrictions_land_on_the_waba_and_the_account(runtime: Runtime, tenant: Tenant) -> None:
    onboard(runtime, tenant)

    assert sync(sim.restrict_waba(runtime, tenant.waba_id, True)).restricted is True
    assert sync(sim.restrict_business(runtime, tenant.sid, True)).business_restricted is True

    view = sync(sim.show_number(runtime, E164))
    assert view.waba.restricted and view.account.business_restricted
    with refused(Reason.ACCOUNT_NOT_FOUND):
        sync(sim.restrict_business(runtime, "HXNOPE", True))


def test_the_clock_offset_is_shared_through_the_store(runtime: Runtime, database_url: str) -> None:
    other_worker = build_runtime(Settings(database_url=database_url))

    sync(sim.advance_clock(other_worker, 90))
    sync(sim.advance_clock(other_worker, 30))

    assert sync(sim.clock(runtime)).offset_seconds == 120
    assert runtime.clock.offset == timedelta(seconds=120)
    assert sync(sim.reset_clock(other_worker)).offset_seconds == 0
    assert sync(sim.clock(runtime)).offset_seconds == 0


def test_advancing_the_clock_reopens_the_otp_send_window(runtime: Runtime, tenant: Tenant) -> None:
    number = onboard(runtime, tenant)  # the first of five codes the window allows

    def resend() -> None:
        sync(runtime.upstream.request_code(number, "SMS", "en_US"))

    for _ in range(4):
        resend()
    with refused(Reason.OTP_SEND_LIMIT):
        resend()

    sync(sim.advance_clock(runtime, 601))
    resend()
    assert len(sync(sim.outbox(runtime, E164))) == 6


def test_faults_fire_in_order_and_wear_out(runtime: Runtime) -> None:
    sync(sim.inject_fault(runtime, KNOWN, route="kaleyra.add", mode="delay", count=1, delay_ms=10))
    armed = sync(sim.inject_fault(runtime, KNOWN, route="*", mode="error", count=2))

    assert [(f.route, f.remaining) for f in armed] == [("kaleyra.add", 1), ("*", 2)]
    assert sync(sim.take_fault(runtime, "kaleyra.add")) == ("delay", 10)
    assert sync(sim.take_fault(runtime, "kaleyra.details")) == ("error", 0)
    assert sync(sim.take_fault(runtime, "kaleyra.add")) == ("error", 0)
    assert sync(sim.take_fault(runtime, "kaleyra.add")) is None
    assert sync(sim.faults(runtime)) == []


def test_clear_faults_reports_only_armed_ones(runtime: Runtime) -> None:
    sync(sim.inject_fault(runtime, KNOWN, route="kaleyra.add", mode="error"))
    sync(sim.inject_fault(runtime, KNOWN, route="kaleyra.details", mode="error"))
    sync(sim.take_fault(runtime, "kaleyra.add"))

    assert sync(sim.clear_faults(runtime)) == 1
    assert sync(sim.take_fault(runtime, "kaleyra.details")) is None


def test_reset_account_touches_only_that_account(
    runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    onboard(runtime, tenant)
    onboard(runtime, other_tenant, "+919876500001")
    sync(sim.restrict_business(runtime, tenant.sid, True))
    sync(sim.restrict_business(runtime, other_tenant.sid, True))

    assert sync(sim.reset_account(runtime, tenant.sid)).numbers_deleted == 1

    with refused(Reason.NUMBER_NOT_FOUND):
        sync(sim.show_number(runtime, E164))
    assert sync(admin.find_account(runtime, tenant.sid)).business_restricted is False
    assert sync(sim.show_number(runtime, "+919876500001")).account.business_restricted is True
    assert [d.to for d in sync(sim.outbox(runtime))] == ["+919876500001"]
    assert onboard(runtime, tenant).e164 == E164  # the account's WABA still takes numbers


def test_reset_all_keeps_accounts_and_admin_tokens(runtime: Runtime, tenant: Tenant) -> None:
    from wanumbers.server.services import auth

    token = sync(admin.create_admin_token(runtime))
    onboard(runtime, tenant)
    sync(sim.inject_fault(runtime, KNOWN, route="kaleyra.add", mode="error"))
    sync(sim.advance_clock(runtime, 60))

    report = sync(sim.reset_all(runtime))

    assert (report.numbers_deleted, report.faults_cleared) == (1, 1)
    assert sync(sim.clock(runtime)).offset_seconds == 0
    sync(auth.check_admin(runtime, token))
    assert sync(auth.account_for_api_key(runtime, tenant.sid, tenant.api_key)).sid == tenant.sid
