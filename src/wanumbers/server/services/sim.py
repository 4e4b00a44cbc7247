"""Control-plane use cases: what Meta does behind the scenes, driven by tests and operators."""

from __future__ import annotations

from wanumbers.server.domain.records import Delivery
from wanumbers.server.services.runtime import Runtime


def outbox(rt: Runtime, to: str | None = None, limit: int = 100) -> list[Delivery]:
    """Messages the emulator delivered, newest first."""
    with rt.uow() as uow:
        return uow.outbox.recent(to, limit)


def take_fault(rt: Runtime, route: str) -> tuple[str, int] | None:
    """Consume one armed fault for ``route``: ``(mode, delay_ms)``, or ``None`` when none is armed."""
    with rt.uow() as uow:
        if not uow.sim.armed_faults():
            return None
    with rt.uow(write=True) as uow:
        fault = uow.sim.take_fault(route)
        uow.commit()
    return fault
