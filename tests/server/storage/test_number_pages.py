"""Keyset paging stays an index range scan at any depth: no OFFSET, no sort step, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from wanumbers.server.domain.listing import Cursor, Sort
from wanumbers.server.storage.repositories.number_pages import _Scan

WHEN = datetime(2025, 1, 1, tzinfo=UTC)


def _plan(engine: Engine, sql: str) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # A tiny test table would make a sequential scan cheapest; forbid it to see the index plan.
            connection.execute(text("SET enable_seqscan = off"))
            rows = connection.execute(text("EXPLAIN " + sql))
        else:
            rows = connection.execute(text("EXPLAIN QUERY PLAN " + sql))
        return "\n".join(" ".join(str(col) for col in row) for row in rows)


# creation_time is never NULL, so its order has only the keyed segment.
SEGMENTS = [(sort, keyed) for sort in Sort for keyed in (True, False) if keyed or sort.by_onboarding]


@pytest.mark.parametrize(("sort", "keyed"), SEGMENTS)
@pytest.mark.parametrize("backwards", [False, True])
def test_page_query_uses_the_index_without_sorting(
    engine: Engine, sort: Sort, keyed: bool, backwards: bool
) -> None:
    scan = _Scan(123, sort, [], backwards)
    cursor = Cursor(sort, WHEN if keyed else None, 42)
    query = scan.query(keyed, cursor, 26)
    assert query._offset_clause is None  # SQLite renders "OFFSET ?" bound to 0 regardless
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    plan = _plan(engine, sql)
    index = "ix_phone_numbers_waba_onboarded" if sort.by_onboarding else "ix_phone_numbers_waba_created"
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
