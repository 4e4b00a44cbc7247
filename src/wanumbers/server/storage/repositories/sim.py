from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from wanumbers.server.storage.models import faults, registration_events, sim_settings


class SimRepository:
    """Emulator-wide state the control plane moves: settings (the clock offset) and injected faults."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def setting(self, key: str) -> str | None:
        query = select(sim_settings.c.value).where(sim_settings.c.key == key)
        return self._c.execute(query).scalar()

    def set_setting(self, key: str, value: str) -> None:
        changed = self._c.execute(
            update(sim_settings).where(sim_settings.c.key == key).values(value=value)
        ).rowcount
        if not changed:
            self._c.execute(insert(sim_settings).values(key=key, value=value))

    def add_fault(self, route: str, mode: str, count: int, delay_ms: int, now: datetime) -> None:
        self._c.execute(
            insert(faults).values(
                route=route,
                mode=mode,
                remaining=count,
                delay_ms=delay_ms,
                created_at=now,
            )
        )

    def take_fault(self, route: str) -> tuple[str, int] | None:
        """Consume one charge of the oldest fault armed for ``route`` (or ``*``): (mode, delay_ms)."""
        query = (
            select(faults.c.id, faults.c.mode, faults.c.delay_ms)
            .where(faults.c.route.in_((route, "*")), faults.c.remaining > 0)
            .order_by(faults.c.id)
            .limit(1)
        )
        row = self._c.execute(query).first()
        if row is None:
            return None
        taken = self._c.execute(
            update(faults)
            .where(faults.c.id == row.id, faults.c.remaining > 0)
            .values(remaining=faults.c.remaining - 1)
        ).rowcount
        return (row.mode, row.delay_ms) if taken else None

    def armed_faults(self) -> int:
        return int(self._c.execute(select(func.count()).where(faults.c.remaining > 0)).scalar() or 0)

    def clear_faults(self) -> None:
        self._c.execute(delete(faults))


class RegistrationRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def record(self, phone_number_id: int, kind: str, at: datetime) -> None:
        self._c.execute(
            insert(registration_events).values(
                phone_number_id=phone_number_id,
                kind=kind,
                at=at,
            )
        )

    def count_since(self, phone_number_id: int, kind: str, since: datetime) -> int:
        query = select(func.count()).where(
            registration_events.c.phone_number_id == phone_number_id,
            registration_events.c.kind == kind,
            registration_events.c.at >= since,
        )
        return int(self._c.execute(query).scalar() or 0)
