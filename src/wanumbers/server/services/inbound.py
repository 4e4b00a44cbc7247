"""Live mode: Meta's webhook notifications applied to the store, so both contracts' reads reflect a
quality, tier, name or restriction change without asking Graph; and, like the emulator's changes,
handed to the delivery queue, so a number's Kaleyra callback profiles and the apps subscribed through
our Graph surface hear of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from wanumbers.server.domain import inbound
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Received:
    changes: int  # in the notification
    applied: int  # that changed a number or WABA of ours (the rest: not ours, or nothing we track)


async def receive(rt: Runtime, changes: Sequence[PhoneNumberChange]) -> Received:
    """Apply a notification's changes in one transaction: all of them, or (on a store error) none, so
    Meta's retry of the same notification finds nothing half done."""
    applied: list[PhoneNumberChange] = []
    async with rt.uow(write=True) as uow:
        for change in changes:
            ours = await _apply(uow, change)
            if ours is not None:
                applied.append(ours)
        await rt.events.emit(uow, applied, rt.clock.now())
        await uow.commit()
    return Received(len(changes), len(applied))


async def _apply(uow: UnitOfWork, change: PhoneNumberChange) -> PhoneNumberChange | None:
    """The change as it concerns our number or WABA (the number's id filled in), if it changed one."""
    e164 = inbound.number_e164(change)
    if e164 is not None:
        found = await uow.numbers.locate(e164=e164, for_update=True)
        # The notification names the WABA: a number of the same E.164 under another one is not it.
        if found is None or found[1].id != change.waba_id:
            return None
        number = found[0]
        if not inbound.apply_to_number(number, change):
            return None
        await uow.numbers.save(number)
        return replace(change, number_id=number.id)
    restricted = inbound.waba_restriction(change)
    waba = await uow.wabas.get(change.waba_id) if restricted is not None else None
    if waba is None or waba.restricted == restricted:
        return None
    await uow.wabas.set_restricted(waba.id, bool(restricted))
    return change
