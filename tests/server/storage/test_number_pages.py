"""Keyset paging stays an index range scan at any depth: no OFFSET, no sort step, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests._sync import sync
from wanumbers.server.domain.listing import Cursor, Sort
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.number_pages import _Scan
from wanumbers.server.storage.sql import SQL

WHEN = datetime(2025, 1, 1, tzinfo=UTC)


async def _plan(rt: Runtime, sql: SQL, params: dict[str, Any]) -> str:
    async with rt.uow(write=True) as uow:  # a transaction, so SET LOCAL ends with it
        if uow.dialect == "postgresql":
            # A tiny test table would make a sequential scan cheapest; forbid it to see the index plan.
            await uow.session.execute(SQL("SET LOCAL enable_seqscan = off"))
            rows = await uow.session.fetch(SQL("EXPLAIN " + sql.sqlite), params)
        else:
            rows = await uow.session.fetch(SQL("EXPLAIN QUERY PLAN " + sql.sqlite), params)
        return "\n".join(" ".join(str(col) for col in tuple(row)) for row in rows)


# creation_time is never NULL, so its order has only the keyed segment.
SEGMENTS = [(sort, keyed) for sort in Sort for keyed in (True, False) if keyed or sort.by_onboarding]


@pytest.mark.parametrize(("sort", "keyed"), SEGMENTS)
@pytest.mark.parametrize("backwards", [False, True])
@pytest.mark.parametrize("status_only", [False, True])
@pytest.mark.parametrize("inclusive", [False, True], ids=["past the cursor", "from the cursor's row"])
def test_page_query_uses_the_index_without_sorting(
    runtime: Runtime, sort: Sort, keyed: bool, backwards: bool, status_only: bool, inclusive: bool
) -> None:
    scan = _Scan(123, sort, [], backwards, status_only, inclusive)
    cursor = Cursor(sort, WHEN if keyed else None, 42)
    sql, params = scan.query(keyed, cursor, 26)
    assert "OFFSET" not in sql.sqlite
    plan = sync(_plan(runtime, sql, params))
    index = "ix_phone_numbers_waba_onboarded" if sort.by_onboarding else "ix_phone_numbers_waba_created"
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
