"""Reads on the hot path, one SQL statement each, on a long-lived DBAPI connection.

A SQLAlchemy ``Connection`` costs ~80 µs per use on SQLite (pool checkout, BEGIN, ROLLBACK); a statement on
a kept-open ``sqlite3`` connection costs ~2 µs. SQLite connections here are in autocommit mode over WAL,
so every statement reads the latest committed state: a revoked key or a changed number is seen on the very
next request. PostgreSQL reads go through the pool (the network round trip dominates there anyway).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus, NumberState, Quality, Throughput
from wanumbers.server.domain.records import Account, PhoneNumber, Waba

_DETAILS = """
SELECT a.id AS account_id, a.sid, a.name, a.pod, a.business_id, a.app_id, a.business_restricted,
       w.id AS waba_id, w.api_version, w.restricted AS waba_restricted,
       n.id AS number_id, n.e164, n.display, n.country_code, n.dial_code, n.verified_name, n.state,
       n.name_status, n.quality, n.throughput, n.tier, n.sip_enabled, n.sip_server_configured
FROM credentials c
JOIN accounts a ON a.id = c.account_id
LEFT JOIN phone_numbers n ON n.e164 = :e164
LEFT JOIN wabas w ON w.id = n.waba_id AND w.account_id = a.id
WHERE c.digest = :digest AND c.kind = :kind AND c.revoked_at IS NULL
"""
_CREDENTIAL_LIVE = "SELECT EXISTS (SELECT 1 FROM credentials WHERE digest = :digest AND revoked_at IS NULL)"
_FAULTS_ARMED = "SELECT EXISTS (SELECT 1 FROM faults WHERE remaining > 0)"


class HotReads:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._local = threading.local()

    def faults_armed(self) -> bool:
        """Whether the control plane armed any fault: a cheap gate before the per-route lookup."""
        return bool(self._rows(_FAULTS_ARMED, {})[0][0])

    def credential_live(self, digest: str) -> bool:
        """Whether ``digest`` is a live credential of any kind."""
        return bool(self._rows(_CREDENTIAL_LIVE, {"digest": digest})[0][0])

    def details(
        self, digest: str, kind: str, e164: str
    ) -> tuple[Account, tuple[PhoneNumber, Waba] | None] | None:
        """The credential's account and, if that account owns ``e164``, the number with its WABA.

        ``None`` when the credential is unknown or revoked. The number carries the fields the details
        document reads; profile, routing and automation are left at their defaults.
        """
        rows = self._rows(_DETAILS, {"digest": digest, "kind": kind, "e164": e164})
        if not rows:
            return None
        m: Mapping[str, Any] = dict(zip(_DETAIL_COLUMNS, rows[0], strict=True))
        account = Account(
            id=m["account_id"],
            sid=m["sid"],
            name=m["name"],
            pod=m["pod"],
            business_id=m["business_id"],
            app_id=m["app_id"],
            business_restricted=bool(m["business_restricted"]),
        )
        if m["waba_id"] is None:  # no such number, or another account's: the caller cannot tell which
            return account, None
        waba = Waba(
            id=m["waba_id"],
            account_id=account.id,
            api_version=m["api_version"],
            restricted=bool(m["waba_restricted"]),
        )
        number = PhoneNumber(
            id=m["number_id"],
            waba_id=waba.id,
            e164=m["e164"],
            display=m["display"] or "",
            country_code=m["country_code"],
            dial_code=m["dial_code"],
            verified_name=m["verified_name"],
            state=_STATES[m["state"]],
            name_status=_NAMES[m["name_status"]],
            quality=_QUALITIES[m["quality"]],
            throughput=_THROUGHPUTS[m["throughput"]],
            tier=_TIERS[m["tier"]],
            sip_enabled=bool(m["sip_enabled"]),
            sip_server_configured=bool(m["sip_server_configured"]),
        )
        return account, (number, waba)

    def _rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        if self._sqlite:
            return self._sqlite_connection().execute(sql, params).fetchall()
        with self._engine.connect() as connection:
            return connection.exec_driver_sql(_pyformat(sql), params).fetchall()

    def _sqlite_connection(self) -> sqlite3.Connection:
        """One connection per thread (sqlite3 objects must not be shared across threads)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            database = self._engine.url.database
            if not database or database == ":memory:":
                # An in-memory store exists only on the engine's one connection.
                connection = self._engine.raw_connection().dbapi_connection  # type: ignore[assignment]
            else:
                connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
                connection.execute("PRAGMA busy_timeout=5000")
            self._local.connection = connection
        assert connection is not None
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None and self._engine.url.database not in (None, "", ":memory:"):
            connection.close()
        self._local.connection = None


# Plain dict lookups: calling an Enum class to convert a value costs ~0.5 µs each on the hot path.
_STATES = {member.value: member for member in NumberState}
_NAMES = {member.value: member for member in NameStatus}
_QUALITIES = {member.value: member for member in Quality}
_THROUGHPUTS = {member.value: member for member in Throughput}
_TIERS = {member.value: member for member in MessagingTier}

_DETAIL_COLUMNS = tuple(
    re.sub(r".* AS ", "", column.strip()).split(".")[-1]
    for column in _DETAILS.split("FROM")[0].replace("SELECT", "").split(",")
)


def _pyformat(sql: str) -> str:
    """``:name`` (sqlite3) to ``%(name)s`` (psycopg)."""
    return re.sub(r":(\w+)", r"%(\1)s", sql)
