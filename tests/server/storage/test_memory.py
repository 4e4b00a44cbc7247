"""Fresh in-memory stores: a connection handed out again is indistinguishable from a new copy of the
template, and keeps the statements it prepared."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest

from wanumbers import testing
from wanumbers.client import NotFoundError
from wanumbers.server.storage import memory
from wanumbers.server.storage.bounds import StoreBounds
from wanumbers.server.storage.sql import SQL
from wanumbers.server.storage.store import open_store


def _contents(connection: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        table: sorted(tuple(row) for row in connection.execute(f'SELECT * FROM "{table}"'))
        for table in tables
    }


def _schema_version(connection: sqlite3.Connection) -> int:
    version: int = connection.execute("PRAGMA schema_version").fetchone()[0]
    return version


def _used_sandbox(national: str) -> None:
    with testing.sandbox() as sb:
        number_id = sb.kaleyra.add_number(sb.waba_id, national, "Used", "SMS", "+91")
        sb.kaleyra.verify_number(sb.waba_id, number_id, f"+91{national}", sb.last_code(f"+91{national}"))


def test_a_sandbox_after_a_used_one_sees_none_of_its_data() -> None:
    _used_sandbox("9800000001")
    with testing.sandbox() as sb:
        with pytest.raises(NotFoundError, match="Phone number is not present"):
            sb.kaleyra.get_number_details("919800000001")
        assert sb.outbox("+919800000001") == []


def test_a_connection_handed_out_again_holds_only_the_template_rows() -> None:
    pristine = memory._connect()
    memory._migrated_template().copy_into(pristine)
    _used_sandbox("9800000002")  # its connection is the newest idle one, handed out next

    again = memory.fresh_database()
    try:
        assert _contents(again) == _contents(pristine)
        assert _contents(again)["alembic_version"]  # the template's own row is back
    finally:
        memory.release(again)


def test_a_connection_handed_out_again_keeps_its_prepared_statements() -> None:
    first = memory.fresh_database()
    version = _schema_version(first)
    memory.release(first)

    again = memory.fresh_database()
    try:
        assert again is first
        # SQLite prepares a connection's statements again whenever its schema version moves.
        assert _schema_version(again) == version
    finally:
        memory.release(again)


@pytest.mark.parametrize(
    "change",
    [
        "CREATE TABLE stray (x INTEGER)",
        "CREATE TEMP TABLE stray (x INTEGER)",  # the temporary schema outlives no store
        "ATTACH DATABASE ':memory:' AS stray",
    ],
)
def test_a_connection_whose_schema_changed_is_not_handed_out_again(change: str) -> None:
    changed = memory.fresh_database()
    changed.execute(change)
    memory.release(changed)

    fresh = memory.fresh_database()
    try:
        assert fresh is not changed
        assert "stray" not in _contents(fresh)
        assert fresh.execute("SELECT count(*) FROM sqlite_temp_master").fetchone()[0] == 0
        assert [row[1] for row in fresh.execute("PRAGMA database_list") if row[1] != "temp"] == ["main"]
    finally:
        memory.release(fresh)


def test_a_transaction_left_open_is_rolled_back_before_the_connection_is_handed_out() -> None:
    left_open = memory.fresh_database()
    left_open.execute("BEGIN")
    left_open.execute("INSERT INTO sim_settings (key, value) VALUES ('left', 'open')")
    memory.release(left_open)

    again = memory.fresh_database()
    try:
        assert again is left_open
        assert not again.in_transaction
        assert again.execute("SELECT count(*) FROM sim_settings").fetchone()[0] == 0
    finally:
        memory.release(again)


def test_tables_are_emptied_children_before_the_tables_they_reference() -> None:
    template = memory._migrated_template().connection
    order = memory._children_first(template)
    assert sorted(order) == sorted(_contents(template))
    for child in order:
        for reference in template.execute(f'PRAGMA foreign_key_list("{child}")'):
            parent = reference[2]
            if parent != child:
                assert order.index(child) < order.index(parent), (child, parent)


def test_foreign_keys_in_a_cycle_are_refused() -> None:
    connection = sqlite3.connect(":memory:")
    connection.executescript(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));"
    )
    with pytest.raises(RuntimeError, match="cycle"):
        memory._children_first(connection)


def test_the_statement_bound_of_a_closed_store_does_not_reach_the_next() -> None:
    async def one_statement() -> None:
        store = open_store(memory.MEMORY_URL, bounds=StoreBounds(statement=1e-6))
        async with store.read() as session:
            await session.fetchval(SQL("SELECT 1"))
        await store.close()

    asyncio.run(one_statement())
    time.sleep(0.001)  # past that statement's deadline, which the store's progress handler checks

    again = memory.fresh_database()  # emptying it takes over a thousand SQLite steps
    try:
        assert _contents(again)["accounts"] == []
    finally:
        memory.release(again)
