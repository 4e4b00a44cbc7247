"""Keyset paging over a WABA's numbers, on the ``(waba_id, created_at, id)`` and
``(waba_id, last_onboarded_at, id)`` indexes.

Every page is at most two index range scans from the cursor's key, so page 40,000 costs what page 1
costs. ``last_onboarded_at`` is NULL until a number is registered, and NULLs sort differently on SQLite
and PostgreSQL, so the order is built from two segments that behave the same on both: onboarded rows by
``(key, id)``, then never-onboarded rows by ``id``, each scanned on the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, literal, not_, select, tuple_

from wanumbers.server.domain.listing import Cursor, Filter, Sort
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.storage.models import phone_numbers
from wanumbers.server.storage.repositories.numbers import to_number

_t = phone_numbers.c
_FILTER_COLUMNS = {
    "account_mode": _t.account_mode,
    "messaging_limit_tier": _t.tier,
    "is_official_business_account": _t.is_official_business_account,
}


def _filter(item: Filter) -> ColumnElement[bool]:
    column = _FILTER_COLUMNS[item.field]
    values: list[object] = list(item.values)
    if item.field == "is_official_business_account":
        values = [value == "true" for value in item.values]
    condition = column.in_(values)
    return not_(condition) if item.negated else condition


class _Scan:
    """One walk through the sort order, forwards or backwards, from just past ``start``."""

    def __init__(self, waba_id: int, sort: Sort, filters: Sequence[Filter], backwards: bool) -> None:
        self.key = _t.last_onboarded_at if sort.by_onboarding else _t.created_at
        self.nullable = sort.by_onboarding
        self.descending = sort.descending != backwards
        self.backwards = backwards
        self.where = [_t.waba_id == waba_id, *(_filter(item) for item in filters)]

    def segments(self, start: Cursor | None) -> list[tuple[bool, Cursor | None]]:
        """(keyed segment?, bound) in walk order; only the segment holding ``start`` is bounded."""
        order = [True, False] if self.nullable else [True]
        if self.backwards:
            order.reverse()
        if start is None:
            return [(keyed, None) for keyed in order]
        at = order.index(start.key is not None or not self.nullable)
        return [(keyed, start if i == at else None) for i, keyed in enumerate(order) if i >= at]

    def query(self, keyed: bool, bound: Cursor | None, limit: int) -> Select[tuple[object, ...]]:
        query = select(phone_numbers).where(*self.where).limit(limit)
        if keyed:
            columns: tuple[ColumnElement[object], ...] = (self.key, _t.id)
            if self.nullable:
                query = query.where(self.key.is_not(None))
            if bound is not None:
                query = query.where(self._past(columns, (bound.key, bound.id)))
            order = columns
        else:
            columns = (_t.id,)
            query = query.where(self.key.is_(None))
            if bound is not None:
                query = query.where(self._past(columns, (bound.id,)))
            # Ordering by the all-NULL key too is a no-op on the rows but lets PostgreSQL see that the
            # index already yields this order (IS NULL does not make a column constant to its planner).
            order = (self.key, _t.id)
        return query.order_by(*(c.desc() if self.descending else c.asc() for c in order))

    def _past(
        self, columns: tuple[ColumnElement[object], ...], values: tuple[datetime | int | None, ...]
    ) -> ColumnElement[bool]:
        bound = [literal(value, column.type) for column, value in zip(columns, values, strict=True)]
        if len(columns) == 1:
            return columns[0] < bound[0] if self.descending else columns[0] > bound[0]
        # Row-value comparison: both backends turn it into one index range condition.
        left, right = tuple_(*columns), tuple_(*bound)
        return left < right if self.descending else left > right


def walk(
    connection: Connection,
    waba_id: int,
    sort: Sort,
    filters: Sequence[Filter],
    start: Cursor | None,
    *,
    backwards: bool,
    limit: int,
) -> list[PhoneNumber]:
    """Up to ``limit`` numbers just past ``start`` in walk order (nearest first)."""
    scan = _Scan(waba_id, sort, filters, backwards)
    found: list[PhoneNumber] = []
    for keyed, bound in scan.segments(start):
        rows = connection.execute(scan.query(keyed, bound, limit - len(found)))
        found += [to_number(row._mapping) for row in rows]
        if len(found) >= limit:
            break
    return found
