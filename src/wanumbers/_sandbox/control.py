"""The sandbox's control plane: what Meta does behind the scenes, steered directly through the
emulator's control-plane services (the same ones ``/sim/…`` and ``wanumbers sim`` call).

Numbers are named by id or by phone number (``"+919876543210"`` or ``"919876543210"``). Steering
methods return the number as ``GET /sim/numbers/{number}`` shows it; a refused value (unknown rating,
illegal transition, unknown fault route) raises the service's ``DomainError`` naming the problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from wanumbers._sandbox.bridge import run_on_helper_loop as _run
from wanumbers.server.domain.control import ANY_ROUTE, Fault
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.records import Delivery
from wanumbers.server.services import sim
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.sim import views

__all__ = ["ControlPlane"]


class ControlPlane:
    """Outbox, display-name review, quality, tier, enforcement, faults and the clock of one sandbox."""

    def __init__(self, runtime: Runtime, routes: Callable[[], Collection[str]]) -> None:
        self._rt = runtime
        self._routes = routes

    # --- the OTP outbox ---------------------------------------------------------------------------

    def outbox(self, phone: str | None = None, limit: int = 100) -> list[Delivery]:
        """Codes the emulator "sent", newest first; ``phone`` filters by recipient."""
        to = None if phone is None else parse_phone(phone).e164
        return _run(sim.outbox(self._rt, to, limit))

    def last_code(self, phone: str) -> str:
        """The newest OTP sent to ``phone``; ``LookupError`` when none was."""
        deliveries = self.outbox(phone, limit=1)
        if not deliveries:
            raise LookupError(f"no code was sent to {phone}")
        return deliveries[0].code

    # --- numbers ----------------------------------------------------------------------------------

    def number(self, ref: str) -> dict[str, Any]:
        return self._show(_run(sim.show_number(self._rt, ref)))

    def approve_name(self, ref: str) -> dict[str, Any]:
        """Meta's display-name review ends APPROVED."""
        return self._show(_run(sim.review_name(self._rt, ref, "APPROVED")))

    def decline_name(self, ref: str) -> dict[str, Any]:
        return self._show(_run(sim.review_name(self._rt, ref, "DECLINED")))

    def set_quality(self, ref: str, rating: str) -> dict[str, Any]:
        """``GREEN``, ``YELLOW``, ``RED`` or ``NA``."""
        return self._show(_run(sim.set_quality(self._rt, ref, rating)))

    def set_tier(self, ref: str, tier: str) -> dict[str, Any]:
        """A messaging limit tier such as ``TIER_1K``."""
        return self._show(_run(sim.set_tier(self._rt, ref, tier)))

    def set_throughput(self, ref: str, level: str) -> dict[str, Any]:
        """``STANDARD`` or ``HIGH``."""
        return self._show(_run(sim.set_throughput(self._rt, ref, level)))

    def set_account_mode(self, ref: str, mode: str) -> dict[str, Any]:
        """``LIVE`` or ``SANDBOX``."""
        return self._show(_run(sim.set_account_mode(self._rt, ref, mode)))

    def enforce(self, ref: str, action: str) -> dict[str, Any]:
        """``flag``, ``restrict``, ``ban`` or ``restore``, through the lifecycle's transition table."""
        return self._show(_run(sim.enforce(self._rt, ref, action)))

    def restrict_waba(self, waba_id: str | int, restricted: bool = True) -> None:
        _run(sim.restrict_waba(self._rt, int(waba_id), restricted))

    def restrict_business(self, sid: str, restricted: bool = True) -> None:
        _run(sim.restrict_business(self._rt, sid, restricted))

    # --- faults -----------------------------------------------------------------------------------

    def inject_fault(
        self, route: str = ANY_ROUTE, mode: str = "error", count: int = 1, delay_ms: int = 0
    ) -> list[Fault]:
        """Make the next ``count`` calls of ``route`` (a route name such as ``kaleyra.add`` or
        ``graph.phone_number``; ``*`` for any) answer a server fault, or wait ``delay_ms`` first
        (``mode="delay"``). Returns every armed fault."""
        return _run(
            sim.inject_fault(self._rt, self._routes(), route=route, mode=mode, count=count, delay_ms=delay_ms)
        )

    def faults(self) -> list[Fault]:
        return _run(sim.faults(self._rt))

    def clear_faults(self) -> int:
        return _run(sim.clear_faults(self._rt))

    # --- the clock --------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Emulated time (UTC): real time plus every advance."""
        return _run(sim.clock(self._rt)).now

    def advance_clock(self, by: int | timedelta) -> datetime:
        """Move emulated time forward by whole seconds (or a timedelta), e.g. past an OTP's expiry."""
        seconds = math.ceil(by.total_seconds()) if isinstance(by, timedelta) else by
        return _run(sim.advance_clock(self._rt, seconds)).now

    def reset_clock(self) -> datetime:
        return _run(sim.reset_clock(self._rt)).now

    def reset(self) -> None:
        """Forget every number, fault and clock advance; accounts and credentials stay."""
        _run(sim.reset_all(self._rt))

    @staticmethod
    def _show(view: NumberView) -> dict[str, Any]:
        return views.number(view)
