"""Per-number configuration both contracts can reach: conversational automation, the business profile
and calling (SIP) settings. Health status derives from the SIP flags, so it follows these writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wanumbers.server.domain import automation, business_profile, number_settings
from wanumbers.server.domain.automation import AutomationChange
from wanumbers.server.domain.calling import CallingChange
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
class SipState:
    number: PhoneNumber
    app_id: int


async def get_sip(rt: Runtime, account: Account, number_id: int) -> SipState:
    async with rt.uow() as uow:
        number, _ = await owned_number(uow, account, number_id=number_id)
    return SipState(number, account.app_id)


async def update_settings(
    rt: Runtime,
    account: Account,
    number_id: int,
    calling: CallingChange | None,
    sections: Mapping[str, Mapping[str, Any]],
) -> None:
    """``POST /{id}/settings``, checked whole: the SIP flags (health reads them) and every section, in
    one transaction."""
    async with rt.uow(write=True) as uow:
        number, _ = await owned_number(uow, account, number_id=number_id, for_update=True)
        if calling is not None:
            if calling.sip_enabled is not None:
                number.sip_enabled = calling.sip_enabled
            if calling.sip_servers is not None:
                number.sip_server_configured = bool(calling.sip_servers)
            number_settings.store_calling(number.graph.sections, calling)
        for name, section in sections.items():
            number_settings.store_section(number.graph.sections, name, section)
        await uow.numbers.save(number)
        await uow.commit()
