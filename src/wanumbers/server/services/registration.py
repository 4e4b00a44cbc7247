"""Number lifecycle one step at a time, as Meta's Graph exposes it: create, request_code, verify_code,
register, deregister. ``numbers.onboard``/``numbers.confirm`` (the BSP calls) are these steps
combined, through the same upstream calls, so both contracts walk one lifecycle."""

from __future__ import annotations

from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Account, PhoneNumber
from wanumbers.server.services.numbers import owned_number, owned_waba
from wanumbers.server.services.runtime import Runtime


async def create_number(
    rt: Runtime, account: Account, waba_id: int, phone: ParsedPhone, verified_name: str
) -> PhoneNumber:
    async with rt.uow() as uow:
        waba = await owned_waba(uow, account, waba_id)
    return await rt.upstream.create_number(waba, phone, verified_name)


async def request_code(rt: Runtime, account: Account, number_id: int, channel: str, language: str) -> None:
    await rt.upstream.request_code(await _owned(rt, account, number_id), channel, language)


async def verify_code(rt: Runtime, account: Account, number_id: int, code: str) -> None:
    """A wrong code is recorded (it counts against the number) before it is reported."""
    await rt.upstream.verify_code(await _owned(rt, account, number_id), code)


async def register(
    rt: Runtime, account: Account, number_id: int, pin: str, region: str | None = None
) -> None:
    await rt.upstream.register(await _owned(rt, account, number_id), pin, region)


async def deregister(rt: Runtime, account: Account, number_id: int) -> None:
    await rt.upstream.deregister(await _owned(rt, account, number_id))


async def _owned(rt: Runtime, account: Account, number_id: int) -> PhoneNumber:
    async with rt.uow() as uow:
        number, _ = await owned_number(uow, account, number_id=number_id)
    return number
