from __future__ import annotations

from datetime import datetime

from wanumbers.server.domain.control import Fault
from wanumbers.server.domain.timeline import Kind, Milestone
from wanumbers.server.storage.sql import SQL, Session, timestamp

_SETTING = SQL("SELECT value FROM sim_settings WHERE key = :key")
_UPDATE_SETTING = SQL("UPDATE sim_settings SET value = :value WHERE key = :key")
_INSERT_SETTING = SQL("INSERT INTO sim_settings (key, value) VALUES (:key, :value)")
_DELETE_SETTING = SQL("DELETE FROM sim_settings WHERE key = :key")
_ADD_FAULT = SQL(
    """INSERT INTO faults (route, mode, remaining, delay_ms, created_at)
    VALUES (:route, :mode, :remaining, :delay_ms, :now)"""
)
_NEXT_FAULT = SQL(
    """SELECT id, mode, delay_ms FROM faults WHERE route IN (:route, '*') AND remaining > 0
    ORDER BY id LIMIT 1"""
)
_SPEND_FAULT = SQL("UPDATE faults SET remaining = remaining - 1 WHERE id = :id AND remaining > 0")
_ARMED = SQL("SELECT COUNT(*) FROM faults WHERE remaining > 0")
_ANY_ARMED = SQL("SELECT 1 FROM faults WHERE remaining > 0 LIMIT 1")
_CLEAR = SQL("DELETE FROM faults")
_FAULTS = SQL(
    """SELECT id, route, mode, remaining, delay_ms, created_at FROM faults WHERE remaining > 0
    ORDER BY id"""
)

# Children first, so a purge does not depend on SQLite's foreign-key pragma.
_NUMBER_CHILDREN = ("otp_codes", "outbox", "registration_events")
_OF_ACCOUNT = (
    "SELECT n.id FROM phone_numbers n JOIN wabas w ON w.id = n.waba_id WHERE w.account_id = :account_id"
)
_PURGE_ALL = [SQL(f"DELETE FROM {table}") for table in _NUMBER_CHILDREN] + [SQL("DELETE FROM phone_numbers")]
_PURGE_ACCOUNT = [
    SQL(f"DELETE FROM {table} WHERE phone_number_id IN ({_OF_ACCOUNT})") for table in _NUMBER_CHILDREN
] + [SQL(f"DELETE FROM phone_numbers WHERE id IN ({_OF_ACCOUNT})")]
_LIFT_ALL = [
    SQL("UPDATE wabas SET restricted = :off"),
    SQL("UPDATE accounts SET business_restricted = :off"),
]
_LIFT_ACCOUNT = [
    SQL("UPDATE wabas SET restricted = :off WHERE account_id = :account_id"),
    SQL("UPDATE accounts SET business_restricted = :off WHERE id = :account_id"),
]


class SimRepository:
    """Emulator-wide state the control plane moves: settings (the clock offset) and injected faults."""

    def __init__(self, session: Session) -> None:
        self._s = session

    async def setting(self, key: str) -> str | None:
        value: str | None = await self._s.fetchval(_SETTING, {"key": key})
        return value

    async def set_setting(self, key: str, value: str) -> None:
        if not await self._s.execute(_UPDATE_SETTING, {"key": key, "value": value}):
            await self._s.execute(_INSERT_SETTING, {"key": key, "value": value})

    async def delete_setting(self, key: str) -> None:
        await self._s.execute(_DELETE_SETTING, {"key": key})

    async def add_fault(self, route: str, mode: str, count: int, delay_ms: int, now: datetime) -> None:
        await self._s.execute(
            _ADD_FAULT,
            {"route": route, "mode": mode, "remaining": count, "delay_ms": delay_ms, "now": now},
        )

    async def take_fault(self, route: str) -> tuple[str, int] | None:
        """Consume one charge of the oldest fault armed for ``route`` (or ``*``): (mode, delay_ms)."""
        row = await self._s.fetchrow(_NEXT_FAULT, {"route": route})
        if row is None:
            return None
        taken = await self._s.execute(_SPEND_FAULT, {"id": row["id"]})
        return (row["mode"], row["delay_ms"]) if taken else None

    async def any_armed(self) -> bool:
        return await self._s.fetchrow(_ANY_ARMED) is not None

    async def clear_faults(self) -> int:
        """Delete every fault; returns how many were still armed."""
        armed = int(await self._s.fetchval(_ARMED) or 0)
        await self._s.execute(_CLEAR)
        return armed

    async def faults(self) -> list[Fault]:
        """Armed faults, in the order they fire."""
        return [
            Fault(
                id=row["id"],
                route=row["route"],
                mode=row["mode"],
                remaining=row["remaining"],
                delay_ms=row["delay_ms"],
                created_at=timestamp(row["created_at"]),
            )
            for row in await self._s.fetch(_FAULTS)
        ]

    async def purge_numbers(self, account_id: int | None = None) -> int:
        """Delete numbers (of one account, or all) with their codes, deliveries and registration
        history; returns how many numbers went."""
        statements, params = (
            (_PURGE_ALL, {}) if account_id is None else (_PURGE_ACCOUNT, {"account_id": account_id})
        )
        deleted = 0
        for statement in statements:
            deleted = await self._s.execute(statement, params)
        return deleted

    async def lift_restrictions(self, account_id: int | None = None) -> None:
        """Clear WABA and business restrictions (of one account, or all)."""
        statements = _LIFT_ALL if account_id is None else _LIFT_ACCOUNT
        params: dict[str, object] = {"off": False}
        if account_id is not None:
            params["account_id"] = account_id
        for statement in statements:
            await self._s.execute(statement, params)


_RECORD = SQL("INSERT INTO registration_events (phone_number_id, kind, at) VALUES (:number_id, :kind, :at)")
_HISTORY = SQL(
    """SELECT id, kind, at FROM registration_events WHERE phone_number_id = :number_id
    AND (at < :at OR (at = :at AND id < :id)) ORDER BY at DESC, id DESC LIMIT :limit"""
)
_COUNT_SINCE = SQL(
    """SELECT COUNT(*) FROM registration_events
    WHERE phone_number_id = :number_id AND kind = :kind AND at >= :since"""
)


class RegistrationRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def record(self, phone_number_id: int, kind: str, at: datetime) -> None:
        await self._s.execute(_RECORD, {"number_id": phone_number_id, "kind": kind, "at": at})

    async def history(self, phone_number_id: int, at: datetime, row_id: int, limit: int) -> list[Milestone]:
        """Register and deregister calls before (``at``, ``row_id``), newest first: the timeline's."""
        params = {"number_id": phone_number_id, "at": at, "id": row_id, "limit": limit}
        return [
            Milestone(Kind.REGISTRATION, timestamp(row["at"]), row["id"], str(row["kind"]))
            for row in await self._s.fetch(_HISTORY, params)
        ]

    async def count_since(self, phone_number_id: int, kind: str, since: datetime) -> int:
        params = {"number_id": phone_number_id, "kind": kind, "since": since}
        return int(await self._s.fetchval(_COUNT_SINCE, params) or 0)
