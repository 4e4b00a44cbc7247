"""The sandbox's view of webhooks: what the emulator emitted, what it delivered, and the app secret a
receiver checks signatures with. ``deliver()`` sends what is due now, so a test needs no server and no
waiting; ``sb.sim.advance_clock(...)`` makes retries due."""

from __future__ import annotations

from typing import Any

from wanumbers._sandbox.bridge import run_on_helper_loop as _run
from wanumbers.server.services import apps, events
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.sim import views

__all__ = ["Events"]


class Events:
    def __init__(self, runtime: Runtime, sid: str) -> None:
        self._rt = runtime
        self._sid = sid

    def app_credentials(self, *, rotate: bool = False) -> dict[str, str]:
        """``{"app_id", "app_secret"}`` of the sandbox account's app (``wanumbers apps secret``)."""
        creds = _run(apps.secret(self._rt, self._sid, rotate=rotate))
        return {"app_id": str(creds.app_id), "app_secret": creds.app_secret}

    def emitted(self, limit: int = 100) -> list[dict[str, Any]]:
        """Events recorded, newest first: ``field``, ``value`` (Meta's payload), ids and time."""
        return [views.event(item) for item in _run(events.emitted(self._rt, None, limit))]

    def deliveries(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Deliveries, newest first; ``status`` ``pending``, ``delivered`` or ``dead``."""
        return [views.event_delivery(item) for item in _run(events.deliveries(self._rt, status, limit))]

    def deliver(self) -> int:
        """Send every delivery due now; returns how many were sent."""
        return _run(self._rt.deliver_due())

    def replay(self, delivery_id: int) -> dict[str, Any]:
        """Queue a delivery again and send it."""
        record = _run(events.replay(self._rt, delivery_id))
        _run(self._rt.deliver_due())
        return views.event_delivery(record)
