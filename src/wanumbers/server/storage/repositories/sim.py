from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Select, delete, func, insert, select, update

from wanumbers.server.domain.clock import utc
from wanumbers.server.domain.control import Fault
from wanumbers.server.storage.models import (
    accounts,
    faults,
    otp_codes,
    outbox,
    phone_numbers,
    registration_events,
    sim_settings,
    wabas,
)


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

    def clear_faults(self) -> int:
        """Delete every fault; returns how many were still armed."""
        armed = self.armed_faults()
        self._c.execute(delete(faults))
        return armed

    def faults(self) -> list[Fault]:
        """Armed faults, in the order they fire."""
        query = select(faults).where(faults.c.remaining > 0).order_by(faults.c.id)
        return [
            Fault(
                id=m["id"],
                route=m["route"],
                mode=m["mode"],
                remaining=m["remaining"],
                delay_ms=m["delay_ms"],
                created_at=utc(m["created_at"]),
            )
            for m in (row._mapping for row in self._c.execute(query))
        ]

    def delete_setting(self, key: str) -> None:
        self._c.execute(delete(sim_settings).where(sim_settings.c.key == key))

    def purge_numbers(self, account_id: int | None = None) -> int:
        """Delete numbers (of one account, or all) with their codes, deliveries and registration
        history. Children go first so the purge does not depend on SQLite's foreign-key pragma."""
        numbers = delete(phone_numbers)
        ids = select(phone_numbers.c.id)
        if account_id is not None:
            numbers = numbers.where(phone_numbers.c.waba_id.in_(_waba_ids(account_id)))
            ids = ids.where(phone_numbers.c.waba_id.in_(_waba_ids(account_id)))
        for table in (otp_codes, outbox, registration_events):
            self._c.execute(delete(table).where(table.c.phone_number_id.in_(ids)))
        return self._c.execute(numbers).rowcount

    def lift_restrictions(self, account_id: int | None = None) -> None:
        """Clear WABA and business restrictions (of one account, or all)."""
        waba_query = update(wabas).values(restricted=False)
        account_query = update(accounts).values(business_restricted=False)
        if account_id is not None:
            waba_query = waba_query.where(wabas.c.account_id == account_id)
            account_query = account_query.where(accounts.c.id == account_id)
        self._c.execute(waba_query)
        self._c.execute(account_query)


def _waba_ids(account_id: int) -> Select[tuple[int]]:
    return select(wabas.c.id).where(wabas.c.account_id == account_id)


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
