"""Control-plane use cases: what Meta does behind the scenes, driven by tests and operators.

Each function is one unit of work. Inputs arrive raw (as an operator typed them or a JSON body held
them) and are validated by ``domain.control``; numbers are addressed by id or E.164 whoever owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from wanumbers.server.domain import lifecycle, number_update, webhooks
from wanumbers.server.domain.control import (
    NAME_DECISIONS,
    THROUGHPUT_LEVELS,
    Fault,
    advanced_offset,
    choice,
    enforcement_event,
    fault_spec,
    number_ref,
)
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import AccountMode, MessagingTier, NameStatus, Quality
from wanumbers.server.domain.records import Account, Delivery, PhoneNumber, Waba
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.emulator import CLOCK_OFFSET

Change = Callable[[PhoneNumber], None]


async def outbox(rt: Runtime, to: str | None = None, limit: int = 100) -> list[Delivery]:
    """Messages the emulator delivered, newest first."""
    async with rt.uow() as uow:
        return await uow.outbox.recent(to, limit)


async def faults_armed(rt: Runtime) -> bool:
    """Whether the control plane armed any fault: a cheap read before the per-route write."""
    async with rt.uow() as uow:
        return await uow.sim.any_armed()


async def take_fault(rt: Runtime, route: str) -> tuple[str, int] | None:
    """Consume one armed fault for ``route``: ``(mode, delay_ms)``, or ``None`` when none is armed.

    A write transaction: callers gate it on ``faults_armed``, a read."""
    async with rt.uow(write=True) as uow:
        fault = await uow.sim.take_fault(route)
        await uow.commit()
    return fault


# --- numbers ---------------------------------------------------------------------------------------


async def show_number(rt: Runtime, ref: str) -> NumberView:
    async with rt.uow() as uow:
        number, waba = await _locate(uow, ref)
        return NumberView(number=number, waba=waba, account=await _owner(uow, waba))


async def review_name(rt: Runtime, ref: str, status: object) -> NumberView:
    """Meta's display-name review: ends in APPROVED (LIMITED goes away) or DECLINED."""
    decision = choice(NameStatus, status, "status", NAME_DECISIONS)

    def decide(number: PhoneNumber) -> None:
        if not number_update.pending_rename(number.graph):
            number.name_status = decision
            return
        # A requested display name (Graph's new_display_name) is what is under review.
        renamed = number_update.decide_rename(number.graph, decision)
        if renamed is not None:
            number.verified_name = renamed

    return await _steer(rt, ref, decide)


async def set_quality(rt: Runtime, ref: str, rating: object) -> NumberView:
    """``quality_score`` is rendered from the same value, so the two cannot disagree."""
    quality = choice(Quality, rating, "rating")
    return await _steer(rt, ref, lambda number: setattr(number, "quality", quality))


async def set_tier(rt: Runtime, ref: str, tier: object) -> NumberView:
    value = choice(MessagingTier, tier, "tier")
    return await _steer(rt, ref, lambda number: setattr(number, "tier", value))


async def set_throughput(rt: Runtime, ref: str, level: object) -> NumberView:
    value = choice(lifecycle.Throughput, level, "level", THROUGHPUT_LEVELS)
    return await _steer(rt, ref, lambda number: setattr(number, "throughput", value))


async def set_account_mode(rt: Runtime, ref: str, mode: object) -> NumberView:
    value = choice(AccountMode, mode, "mode")
    return await _steer(rt, ref, lambda number: setattr(number, "account_mode", value))


async def enforce(rt: Runtime, ref: str, action: str) -> NumberView:
    """flag / restrict / ban / restore, through the lifecycle's transition table (409 when illegal)."""
    event = enforcement_event(action)

    def apply(number: PhoneNumber) -> None:
        number.state = lifecycle.transition(number.state, event)

    return await _steer(rt, ref, apply)


async def configure_sip(
    rt: Runtime, ref: str, *, enabled: object = None, server_configured: object = None
) -> NumberView:
    """SIP calling on the number and a SIP server on the app; ``None`` leaves a flag as it is."""
    flags = {"sip_enabled": enabled, "sip_server_configured": server_configured}
    given = {name: value for name, value in flags.items() if value is not None}
    if not given:
        raise DomainError(Reason.INVALID_PARAMETER, "give sip_enabled and/or sip_server_configured")
    for name, value in given.items():
        if not isinstance(value, bool):
            raise DomainError(Reason.INVALID_PARAMETER, f"{name} must be true or false", field=name)

    def apply(number: PhoneNumber) -> None:
        for name, value in given.items():
            setattr(number, name, value)

    return await _steer(rt, ref, apply)


async def _steer(rt: Runtime, ref: str, change: Change) -> NumberView:
    """One change by Meta's back office, and the webhooks Meta sends for it, in one transaction."""
    async with rt.uow(write=True) as uow:
        await rt.sync_clock(uow)
        number, waba = await _locate(uow, ref, for_update=True)
        before = webhooks.facts_of(number)
        change(number)
        await uow.numbers.save(number)
        now = rt.clock.now()
        await rt.events.emit(uow, webhooks.changes_of(before, number, now), now)
        view = NumberView(number=number, waba=waba, account=await _owner(uow, waba))
        await uow.commit()
    return view


async def _locate(uow: UnitOfWork, ref: str, *, for_update: bool = False) -> tuple[PhoneNumber, Waba]:
    target = number_ref(ref)
    found = await uow.numbers.locate(number_id=target.number_id, e164=target.e164, for_update=for_update)
    if found is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, f"no phone number {ref!r}")
    return found


async def _owner(uow: UnitOfWork, waba: Waba) -> Account:
    account = await uow.accounts.by_id(waba.account_id)
    assert account is not None  # the foreign key guarantees it
    return account


# --- WABAs and businesses --------------------------------------------------------------------------


async def restrict_waba(rt: Runtime, waba_id: int, restricted: object) -> Waba:
    """WABA-level enforcement: health_status shows the WABA entity BLOCKED while it lasts."""
    flag = _flag(restricted, "restricted")
    async with rt.uow(write=True) as uow:
        waba = await uow.wabas.get(waba_id)
        if waba is None:
            raise DomainError(Reason.WABA_NOT_FOUND, f"no WABA {waba_id}")
        await uow.wabas.set_restricted(waba.id, flag)
        await _emit_restriction(rt, uow, [waba], flag and not waba.restricted)
        await uow.commit()
    waba.restricted = flag
    return waba


async def restrict_business(rt: Runtime, sid: str, restricted: object) -> Account:
    """Business-portfolio enforcement: the BUSINESS entity of every number of the account is BLOCKED."""
    flag = _flag(restricted, "restricted")
    async with rt.uow(write=True) as uow:
        account = await _account(uow, sid)
        await uow.accounts.set_business_restricted(account.id, flag)
        await _emit_restriction(
            rt, uow, await uow.wabas.of_account(account.id), flag and not account.business_restricted
        )
        await uow.commit()
    account.business_restricted = flag
    return account


async def _emit_restriction(rt: Runtime, uow: UnitOfWork, wabas: list[Waba], newly: bool) -> None:
    """``account_update`` ACCOUNT_RESTRICTION to each WABA's receivers when a restriction starts."""
    await rt.sync_clock(uow)
    now = rt.clock.now()
    for waba in wabas:
        await rt.events.emit(uow, webhooks.waba_restriction(waba.id, newly, now), now)


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(Reason.INVALID_PARAMETER, f"{name} must be true or false", field=name)
    return value


async def _account(uow: UnitOfWork, sid: str) -> Account:
    account = await uow.accounts.by_sid(sid)
    if account is None:
        raise DomainError(Reason.ACCOUNT_NOT_FOUND, f"no account with SID {sid}")
    return account


# --- clock -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockView:
    offset_seconds: float
    now: datetime


async def clock(rt: Runtime) -> ClockView:
    async with rt.uow() as uow:
        await rt.sync_clock(uow)
    return _clock_view(rt)


async def advance_clock(rt: Runtime, advance_seconds: object) -> ClockView:
    """Move emulated time forward for every worker: OTP expiry and rate windows read this clock."""
    async with rt.uow(write=True) as uow:
        current = float(await uow.sim.setting(CLOCK_OFFSET) or 0)
        offset = advanced_offset(current, advance_seconds)
        await uow.sim.set_setting(CLOCK_OFFSET, repr(offset))
        await uow.commit()
    rt.clock.offset = timedelta(seconds=offset)
    await rt.deliver_due()  # retries that came due in emulated time go out now, no real wait
    return _clock_view(rt)


async def reset_clock(rt: Runtime) -> ClockView:
    async with rt.uow(write=True) as uow:
        await uow.sim.delete_setting(CLOCK_OFFSET)
        await uow.commit()
    rt.clock.offset = timedelta(0)
    return _clock_view(rt)


def _clock_view(rt: Runtime) -> ClockView:
    return ClockView(offset_seconds=rt.clock.offset.total_seconds(), now=rt.clock.now())


# --- faults ----------------------------------------------------------------------------------------


async def inject_fault(
    rt: Runtime,
    known_routes: Collection[str],
    *,
    route: object,
    mode: object,
    count: object = 1,
    delay_ms: object = 0,
) -> list[Fault]:
    """Arm a fault; returns every armed fault, in firing order."""
    spec = fault_spec(route, mode, count, delay_ms, known_routes)
    async with rt.uow(write=True) as uow:
        await uow.sim.add_fault(spec.route, spec.mode.value, spec.count, spec.delay_ms, rt.clock.now())
        armed = await uow.sim.faults()
        await uow.commit()
    return armed


async def faults(rt: Runtime) -> list[Fault]:
    async with rt.uow() as uow:
        return await uow.sim.faults()


async def clear_faults(rt: Runtime) -> int:
    async with rt.uow(write=True) as uow:
        cleared = await uow.sim.clear_faults()
        await uow.commit()
    return cleared


# --- resets ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResetReport:
    numbers_deleted: int
    faults_cleared: int = 0


async def reset_account(rt: Runtime, sid: str) -> ResetReport:
    """Forget what Meta knows about the account: its numbers (with their codes, outbox and registration
    history), its WABA/business restrictions and its webhook events. The account, its keys, WABAs and
    webhook subscriptions stay, so a test can start over with the credentials it already holds."""
    async with rt.uow(write=True) as uow:
        account = await _account(uow, sid)
        deleted = await uow.sim.purge_numbers(account.id)
        await uow.sim.lift_restrictions(account.id)
        await uow.events.purge(account.id)  # pending webhooks of forgotten numbers go nowhere
        await uow.commit()
    return ResetReport(numbers_deleted=deleted)


async def reset_all(rt: Runtime) -> ResetReport:
    """Every account reset, plus the emulator-wide state: faults cleared and the clock back to real
    time. Accounts, credentials (admin tokens included) and WABAs are kept; the OTP key too."""
    async with rt.uow(write=True) as uow:
        deleted = await uow.sim.purge_numbers()
        await uow.sim.lift_restrictions()
        await uow.events.purge()
        cleared = await uow.sim.clear_faults()
        await uow.sim.delete_setting(CLOCK_OFFSET)
        await uow.commit()
    rt.clock.offset = timedelta(0)
    return ResetReport(numbers_deleted=deleted, faults_cleared=cleared)
