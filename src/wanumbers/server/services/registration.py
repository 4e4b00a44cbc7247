"""Number lifecycle one step at a time, as Meta's Graph exposes it: create, request_code, verify_code,
register, deregister. ``numbers.onboard``/``numbers.confirm`` (the BSP calls) are these steps
combined, through the same upstream calls, so both contracts walk one lifecycle."""

from __future__ import annotations

from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Account, PhoneNumber
from wanumbers.server.services.numbers import owned_number, owned_waba
from wanumbers.server.services.runtime import Runtime


def create_number(
    rt: Runtime, account: Account, waba_id: int, phone: ParsedPhone, verified_name: str
) -> PhoneNumber:
    with rt.uow(write=True) as uow:
        rt.sync_clock(uow)
        waba = owned_waba(uow, account, waba_id)
        number = rt.upstream.create_number(uow, waba, phone, verified_name)
        uow.commit()
    return number


def request_code(rt: Runtime, account: Account, number_id: int, channel: str, language: str) -> None:
    with rt.uow(write=True) as uow:
        rt.sync_clock(uow)
        number, _ = owned_number(uow, account, number_id=number_id, for_update=True)
        rt.upstream.request_code(uow, number, channel, language)
        uow.commit()


def verify_code(rt: Runtime, account: Account, number_id: int, code: str) -> None:
    """A wrong code is committed (it counts against the number) before it is reported."""
    with rt.uow(write=True) as uow:
        rt.sync_clock(uow)
        number, _ = owned_number(uow, account, number_id=number_id, for_update=True)
        failure = rt.upstream.verify_code(uow, number, code)
        uow.commit()
    if failure is not None:
        raise failure


def register(rt: Runtime, account: Account, number_id: int, pin: str) -> None:
    with rt.uow(write=True) as uow:
        rt.sync_clock(uow)
        number, _ = owned_number(uow, account, number_id=number_id, for_update=True)
        rt.upstream.register(uow, number, pin)
        uow.commit()


def deregister(rt: Runtime, account: Account, number_id: int) -> None:
    with rt.uow(write=True) as uow:
        rt.sync_clock(uow)
        number, _ = owned_number(uow, account, number_id=number_id, for_update=True)
        rt.upstream.deregister(uow, number)
        uow.commit()
