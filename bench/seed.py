"""Bulk-load phone numbers straight into the service's tables (not through the API).

100k numbers through the API would take minutes; here they take seconds: SQLite gets
``executemany`` in large batches inside one transaction, PostgreSQL gets ``COPY``.
Rows are built with the service's own record → row mapping
(``wanumbers.server.storage.repositories.numbers.to_values``), so a column added to the
model is filled the way the service fills it. If that mapping moves, adjust
``_service_mapping`` below; nothing else in the harness touches the table layout. Each number
also stores its WABA's account (``account_id``), read from the store's ``wabas`` first.

Numbers are a pure function of their index, so scenarios can build request paths for
any index without keeping a million rows in memory:
``number_id(i)`` ascends with ``i`` and so does ``created_at``, whichever of the two the
Graph list sorts by.
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.databases import Database

BATCH = 20_000
_ID_BASE = 100_000_000_000_000  # 15 digits, like Graph ids in the seeds
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def number_id(i: int) -> int:
    return _ID_BASE + i


def e164(i: int) -> str:
    # +91 70xxxxxxxx: a valid Indian mobile range, room for 10^8 numbers.
    return f"+9170{i:08d}"


def display(i: int) -> str:
    """``+91 98765 43210``: the seeded numbers are Indian mobiles (5-5 grouping)."""
    digits = e164(i)[3:]
    return f"+91 {digits[:5]} {digits[5:]}"


def created_at(i: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=i)


def _service_mapping() -> tuple[Any, Callable[[Any], dict[str, Any]], Any]:
    """(phone_numbers table, to_values, PhoneNumber record class) from the service."""
    models = importlib.import_module("wanumbers.server.storage.models")
    numbers = importlib.import_module("wanumbers.server.storage.repositories.numbers")
    records = importlib.import_module("wanumbers.server.domain.records")
    return models.phone_numbers, numbers.to_values, records.PhoneNumber


def _connected_template() -> dict[str, Any]:
    """Column values shared by every seeded number: verified, CONNECTED, name approved."""
    _, to_values, phone_number = _service_mapping()
    lifecycle = importlib.import_module("wanumbers.server.domain.lifecycle")
    record = phone_number(
        id=0,
        waba_id=0,
        e164="",
        country_code="IN",
        dial_code="91",
        verified_name="Bench",
        state=lifecycle.NumberState.CONNECTED,
        name_status=lifecycle.NameStatus.APPROVED,
        quality=lifecycle.Quality.GREEN,
        tier=lifecycle.MessagingTier.TIER_1K,
    )
    return to_values(record)


def rows(waba_id: int, count: int) -> Iterator[dict[str, Any]]:
    template = _connected_template()
    for i in range(count):
        created = created_at(i)
        yield {
            **template,
            "id": number_id(i),
            "waba_id": waba_id,
            "e164": e164(i),
            # As the service stores it at creation (libphonenumber's international format).
            "display": display(i),
            "country_code": "IN",
            "dial_code": "91",
            "verified_name": f"Bench {i}",
            "created_at": created,
            "last_onboarded_at": created,
        }


def seed_numbers(db: Database, waba_id: int, count: int) -> float:
    """Insert ``count`` numbers into ``waba_id``; returns the seconds it took."""
    started = time.perf_counter()
    if db.kind == "postgresql":
        _copy_postgres(db, waba_id, count)
    else:
        _insert_sqlite(db, waba_id, count)
    return time.perf_counter() - started


def _owners(db: Database) -> dict[int, int]:
    """Each WABA's account: a number stores its WABA's (``account_id``, as the service's insert does)."""
    from sqlalchemy import create_engine, text

    url = db.url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {int(w): int(a) for w, a in conn.execute(text("SELECT id, account_id FROM wabas"))}
    finally:
        engine.dispose()


def _owned_rows(db: Database, waba_id: int, count: int) -> Iterator[dict[str, Any]]:
    owners = _owners(db)
    for row in rows(waba_id, count):
        row["account_id"] = owners[row["waba_id"]]
        yield row


def _batches(db: Database, waba_id: int, count: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in _owned_rows(db, waba_id, count):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_sqlite(db: Database, waba_id: int, count: int) -> None:
    from sqlalchemy import create_engine, insert

    table, _, _ = _service_mapping()
    engine = create_engine(db.url)
    try:
        with engine.begin() as conn:
            for batch in _batches(db, waba_id, count):
                conn.execute(insert(table), batch)
    finally:
        engine.dispose()


def _copy_value(value: Any) -> Any:
    # COPY sees JSON columns as text: serialise lists/dicts ourselves.
    return json.dumps(value) if isinstance(value, list | dict) else value


def _copy_postgres(db: Database, waba_id: int, count: int) -> None:
    import psycopg

    table, _, _ = _service_mapping()
    columns = [c.name for c in table.columns]
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with psycopg.connect(db.url) as conn, conn.cursor() as cur, cur.copy(statement) as copy:
        for row in _owned_rows(db, waba_id, count):
            copy.write_row([_copy_value(row.get(name)) for name in columns])
        # ANALYZE after a bulk load, or the planner guesses an empty table.
    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute(f"ANALYZE {table.name}")
