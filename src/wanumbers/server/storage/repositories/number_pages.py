"""Keyset paging over a WABA's numbers, on the ``(waba_id, created_at, id)`` and
``(waba_id, last_onboarded_at, id)`` indexes.

Every page is at most two index range scans from the cursor's key, so page 40,000 costs what page 1
costs. ``last_onboarded_at`` is NULL until a number is registered, and NULLs sort differently on SQLite
and PostgreSQL, so the order is built from two segments that behave the same on both: onboarded rows by
``(key, id)``, then never-onboarded rows by ``id``, each scanned on the index.

A page's statement depends on its shape (sort, segment, bound, filters), not on its values; each shape
is written once and kept (``_statement``), so no request builds SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from wanumbers.server.domain.listing import Cursor, Filter, Sort
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.storage.repositories.numbers import (
    NUMBER_COLUMNS,
    NUMBER_STATUS_COLUMNS,
    to_number,
    to_number_status,
)
from wanumbers.server.storage.sql import SQL, Session

_FILTER_COLUMNS = {
    "account_mode": "n.account_mode",
    "messaging_limit_tier": "n.tier",
    "is_official_business_account": "n.is_official_business_account",
}
# (field, negated, number of values): what a filter contributes to a statement's shape
FilterShape = tuple[str, bool, int]


@lru_cache(maxsize=512)
def _statement(
    by_onboarding: bool,
    keyed: bool,
    bounded: bool,
    descending: bool,
    filters: tuple[FilterShape, ...],
    status_only: bool,
    inclusive: bool,
) -> SQL:
    key = "n.last_onboarded_at" if by_onboarding else "n.created_at"
    where = ["n.waba_id = :waba_id"]
    for i, (field, negated, count) in enumerate(filters):
        values = ", ".join(f":f{i}_{j}" for j in range(count))
        condition = f"{_FILTER_COLUMNS[field]} IN ({values})"
        where.append(f"NOT ({condition})" if negated else condition)
    past = ("<" if descending else ">") + ("=" if inclusive else "")
    if keyed:
        if by_onboarding:
            where.append(f"{key} IS NOT NULL")
        if bounded:  # a row-value comparison: both backends make it one index range condition
            where.append(f"({key}, n.id) {past} (:bound_key, :bound_id)")
        order = (key, "n.id")
    else:
        where.append(f"{key} IS NULL")
        if bounded:
            where.append(f"n.id {past} :bound_id")
        # Ordering by the all-NULL key too is a no-op on the rows but lets PostgreSQL see that the index
        # already yields this order (IS NULL does not make a column constant to its planner).
        order = (key, "n.id")
    direction = " DESC" if descending else " ASC"
    return SQL(
        f"SELECT {NUMBER_STATUS_COLUMNS if status_only else NUMBER_COLUMNS} FROM phone_numbers n "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(column + direction for column in order)} LIMIT :limit"
    )


class _Scan:
    """One walk through the sort order, forwards or backwards, from just past ``start`` (from its own
    row on, when ``inclusive``)."""

    def __init__(
        self,
        waba_id: int,
        sort: Sort,
        filters: Sequence[Filter],
        backwards: bool,
        status_only: bool,
        inclusive: bool = False,
    ) -> None:
        self.status_only = status_only
        self.inclusive = inclusive
        self.by_onboarding = sort.by_onboarding
        self.descending = sort.descending != backwards
        self.backwards = backwards
        self.shapes = tuple((item.field, item.negated, len(item.values)) for item in filters)
        self.params: dict[str, Any] = {"waba_id": waba_id}
        for i, item in enumerate(filters):
            for j, value in enumerate(item.values):
                stored = value == "true" if item.field == "is_official_business_account" else value
                self.params[f"f{i}_{j}"] = stored

    def segments(self, start: Cursor | None) -> list[tuple[bool, Cursor | None]]:
        """(keyed segment?, bound) in walk order; only the segment holding ``start`` is bounded."""
        order = [True, False] if self.by_onboarding else [True]
        if self.backwards:
            order.reverse()
        if start is None:
            return [(keyed, None) for keyed in order]
        at = order.index(start.key is not None or not self.by_onboarding)
        return [(keyed, start if i == at else None) for i, keyed in enumerate(order) if i >= at]

    def query(self, keyed: bool, bound: Cursor | None, limit: int) -> tuple[SQL, dict[str, Any]]:
        sql = _statement(
            self.by_onboarding,
            keyed,
            bound is not None,
            self.descending,
            self.shapes,
            self.status_only,
            self.inclusive and bound is not None,
        )
        params = {**self.params, "limit": limit}
        if bound is not None:
            params["bound_id"] = bound.id
            if keyed:
                params["bound_key"] = bound.key
        return sql, params


async def walk(
    session: Session,
    waba_id: int,
    sort: Sort,
    filters: Sequence[Filter],
    start: Cursor | None,
    *,
    backwards: bool,
    limit: int,
    status_only: bool = False,
    inclusive: bool = False,
) -> list[PhoneNumber]:
    """Up to ``limit`` numbers just past ``start`` in walk order (nearest first); ``inclusive``: from
    ``start``'s own row on, when it still exists (and matches the filters)."""
    scan = _Scan(waba_id, sort, filters, backwards, status_only, inclusive)
    mapped = to_number_status if status_only else to_number
    found: list[PhoneNumber] = []
    for keyed, bound in scan.segments(start):
        sql, params = scan.query(keyed, bound, limit - len(found))
        found += [mapped(row) for row in await session.fetch(sql, params)]
        if len(found) >= limit:
            break
    return found
