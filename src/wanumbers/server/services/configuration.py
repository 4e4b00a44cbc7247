"""Per-number configuration both contracts can reach: conversational automation, the business profile
and calling (SIP) settings. Health status derives from the SIP flags, so it follows these writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wanumbers.server.domain import automation, business_profile
from wanumbers.server.domain.automation import AutomationChange
from wanumbers.server.domain.records import Account, BusinessProfile, PhoneNumber
from wanumbers.server.services.numbers import owned_number
from wanumbers.server.services.runtime import Runtime


async def set_automation(rt: Runtime, account: Account, number_id: int, change: AutomationChange) -> None:
    async with rt.uow(write=True) as uow:
        number, _ = await owned_number(uow, account, number_id=number_id, for_update=True)
        number.automation = automation.apply(number.automation, change)
        await uow.numbers.save(number)
        await uow.commit()


async def get_profile(rt: Runtime, account: Account, number_id: int) -> BusinessProfile:
    async with rt.uow() as uow:
        number, _ = await owned_number(uow, account, number_id=number_id)
    return number.profile


async def update_profile(rt: Runtime, account: Account, number_id: int, given: Mapping[str, Any]) -> None:
    """``given`` holds Meta's writable names only; each is validated with Meta's limits."""
    async with rt.uow(write=True) as uow:
        number, _ = await owned_number(uow, account, number_id=number_id, for_update=True)
        number.profile = business_profile.apply_changes(number.profile, given)
        await uow.numbers.save(number)
        await uow.commit()


@dataclass(frozen=True, slots=True)
class SipChange:
    """``None`` leaves a flag as it is."""

    enabled: bool | None = None
    server_configured: bool | None = None


@dataclass(frozen=True, slots=True)
class SipState:
    number: PhoneNumber
    app_id: int


async def get_sip(rt: Runtime, account: Account, number_id: int) -> SipState:
    async with rt.uow() as uow:
        number, _ = await owned_number(uow, account, number_id=number_id)
    return SipState(number, account.app_id)


async def update_sip(rt: Runtime, account: Account, number_id: int, change: SipChange) -> None:
    async with rt.uow(write=True) as uow:
        number, _ = await owned_number(uow, account, number_id=number_id, for_update=True)
        if change.enabled is not None:
            number.sip_enabled = change.enabled
        if change.server_configured is not None:
            number.sip_server_configured = change.server_configured
        await uow.numbers.save(number)
        await uow.commit()
