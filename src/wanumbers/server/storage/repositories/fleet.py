"""The console's fleet: every number (or one account's), filtered, searched and sorted, by keyset pages.

A page is one index range scan from the cursor's key: ``ORDER BY <column>, id`` with a row-value bound
``(<column>, id) > (:key, :id)`` on the ``(<column>, id)`` index (migration 0012), so page 10,000 costs
what page 1 costs; there is no OFFSET. E.164 is unique, so its sort needs no id tie-breaker.

Why each page is planned as it is (figures: docs/console.md, "Speed"):

- **An account's pages** walk the account's own ``(account_id, <column>, id)`` index (migration 0014:
  each number stores its WABA's account, which never changes): the scope is the account's range of
  that index (written as a range, not an equality, so that PostgreSQL's generic plan for the prepared
  statement cannot take the fleet's own index instead), and the cursor's row value starts at
  ``(account_id, key, id)``. Such a page reads only the account's rows, so its cost
  depends on the share of the *account's* numbers a filter matches, not on the size of the fleet.
  (Before, it either walked the whole fleet's index skipping every other account's rows or read all of
  the account's numbers through its WABAs and sorted them: 170-290 ms for an account holding 1% of 1M
  numbers with a filter.)
- **Filters are walked, not sought**: written as expressions no index serves (``_unindexed``), so no
  planner swaps the walk for "every matching row through the filter's index, then sort" (300 ms to 3 s
  for common values). A filter matching a share *p* of the scope costs about 51 / *p* index rows.
  PostgreSQL estimates those expressions from statistics made for them (migration 0014); without
  them it took two filters for a 0.0025% match and sorted the whole table instead of walking.
- **A rare status** (``seek``, from the counts in ``services.console``) is found through its index and
  sorted: walking would read about the whole scope for it.
- **A filter on the sort column itself** pins the key: the walk is then by id within the value
  (``pinned``), which both planners read off the index without a sort step.
- **Searches** are ranges of the E.164 or name index; a name prefix matches few rows, which the
  planners read through the name index and sort.

Health is derived, never stored (``domain.health``); its filter is a predicate over the columns the
derivation reads, with the value sets taken from ``domain.health`` itself by probing it one column at a
time (``_probe``). tests/server/storage/test_fleet.py checks the predicate against ``derive_health`` for
every combination, so the two cannot drift apart.

A page's statement depends on its shape (sort, direction, bound, scope, filters), not on its values; each
shape is written once and kept (``_statement``), so no request builds SQL twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wanumbers.server.domain.health import AVAILABLE, BLOCKED, LIMITED, derive_health
from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.storage.repositories.accounts import ACCOUNT_COLUMNS, to_account
from wanumbers.server.storage.repositories.numbers import NUMBER_COLUMNS, NUMBER_FIELDS, to_number
from wanumbers.server.storage.repositories.wabas import WABA_COLUMNS, WABA_FIELDS, to_waba
from wanumbers.server.storage.sql import SQL, Session

# Sortable (and, but for the name, filterable) columns: the console's name → the table's column.
SORTS = {
    "number": "e164",
    "name": "verified_name",
    "state": "state",
    "name_status": "name_status",
    "quality": "quality",
    "tier": "tier",
    "throughput": "throughput",
}
FILTERS = ("state", "name_status", "quality", "tier", "throughput")
UNIQUE_SORTS = frozenset({"number"})
HEALTH = (AVAILABLE, LIMITED, BLOCKED)

_COLUMNS = f"SELECT {NUMBER_COLUMNS}, {WABA_COLUMNS}, {ACCOUNT_COLUMNS} "
_AT_WABA = len(NUMBER_FIELDS)  # where the WABA's columns start in a row, and the account's
_AT_ACCOUNT = _AT_WABA + len(WABA_FIELDS)
# The join order is written out (SQLite keeps the order of CROSS JOINs; PostgreSQL plans them as inner
# joins): the numbers' sort index first, so a page reads its rows in order and stops at the limit.
_TABLES = "FROM phone_numbers n CROSS JOIN wabas w CROSS JOIN accounts a"
_JOINED = "w.id = n.waba_id AND a.id = n.account_id"


def _probe(**column: Any) -> str:
    """The PHONE_NUMBER entity's status for a number that is fine but for ``column``."""
    base: dict[str, Any] = {
        "state": NumberState.CONNECTED,
        "name_status": NameStatus.APPROVED,
        "quality": Quality.GREEN,
        **column,
    }
    number = PhoneNumber(
        id=1, waba_id=1, e164="+1", country_code="US", dial_code="1", verified_name="x", **base
    )
    health = derive_health(number, Waba(1, 1, "v2"), Account(1, "s", "n", "IN", 1, 1))
    status: str = health["entities"][0]["can_send_message"]
    return status


def _values(enum: Any, column: str, status: str) -> tuple[str, ...]:
    return tuple(member.value for member in enum if _probe(**{column: member}) == status)


_BLOCKED_STATES = _values(NumberState, "state", BLOCKED)
_LIMITED_STATES = _values(NumberState, "state", LIMITED)
_LIMITED_NAMES = _values(NameStatus, "name_status", LIMITED)
_LIMITED_QUALITIES = _values(Quality, "quality", LIMITED)


def _in(column: str, values: Sequence[str]) -> str:
    if not values:
        return "1 = 0"
    return f"{column} IN ({', '.join(repr(value) for value in values)})"  # enum values: no quotes inside


def _health_predicates(col: Callable[[str], str]) -> dict[str, str]:
    blocked = f"({_in(col('state'), _BLOCKED_STATES)} OR w.restricted OR a.business_restricted)"
    limited = (
        f"({_in(col('state'), _LIMITED_STATES)} OR {_in(col('name_status'), _LIMITED_NAMES)}"
        f" OR {_in(col('quality'), _LIMITED_QUALITIES)})"
    )
    return {
        BLOCKED: blocked,
        LIMITED: f"NOT {blocked} AND {limited}",
        AVAILABLE: f"NOT {blocked} AND NOT {limited}",
    }


def _indexed(name: str) -> str:
    return "n." + name


def _unindexed(name: str) -> str:
    """The column as an expression no index serves (``|| ''`` on both backends): the planner then walks
    the sort column's index in order and stops at the page's limit, instead of reading every row that
    matches through the filter's index and sorting them all (what both planners prefer, and what costs
    ~300 ms for a filter that 4% of 1M numbers match). Migration 0014 gives PostgreSQL statistics on
    exactly this expression; change it and they no longer apply (a test in test_fleet.py checks)."""
    return f"(n.{name} || '')"


_HEALTH_WALKED = _health_predicates(_unindexed)


@dataclass(frozen=True, slots=True)
class FleetQuery:
    """What a fleet page asks for; every value already validated by the caller."""

    account_id: int | None = None  # None: every account's numbers (the admin)
    filters: Mapping[str, str] = field(default_factory=dict)  # column name → one value
    health: str | None = None
    search: str | None = None  # a prefix of the E.164 ("+9198…") or of the verified name
    sort: str = "number"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class FleetRow:
    number: PhoneNumber
    waba: Waba
    account: Account


@lru_cache(maxsize=1024)
def _statement(
    sort: str,
    descending: bool,
    bounded: bool,
    scoped: bool,
    filters: tuple[str, ...],
    health: str | None,
    search: str | None,  # "number" | "name" | None
    seek: str | None,  # the one filter column whose index may be used (a rare value), if any
    pinned: bool = False,  # the sort column is filtered to the cursor's key: the walk is by id alone
) -> SQL:
    column = "n." + SORTS[sort]
    where: list[str] = [_JOINED]
    if scoped:  # the (account_id, column, id) indexes (migration 0014): the account's range of them
        # A range, not "= :account_id": PostgreSQL folds an equality into a constant and then finds the
        # fleet's own (column, id) index in order too; its generic plan for the prepared statement
        # (after five runs) took it, from a guess of half the numbers per account, and walked the whole
        # fleet for a 1% account's rare filter combination (quality RED + tier TIER_100K: 600 ms).
        # A filter read through its index (pinned, or a rare status sought) keeps the equality: with
        # the filter's own equality it makes the account's index the one both planners read (SQLite
        # takes an equality over a range: the fleet's (state, id) index for a sought status, 136 ms).
        if pinned or seek in filters:
            where.append("n.account_id = :account_id")
        elif not bounded:
            where.append("n.account_id >= :account_id AND n.account_id <= :account_id")
        else:  # the bound below starts at (:account_id, …); this ends the range (SQLite then seeks it)
            where.append(f"n.account_id {'>=' if descending else '<='} :account_id")
    for name in filters:
        use_index = name == seek or SORTS[sort] == name
        where.append(f"{_indexed(name) if use_index else _unindexed(name)} = :f_{name}")
    if health is not None:
        where.append(_HEALTH_WALKED[health])
    if search == "number":
        where.append("n.e164 >= :q AND n.e164 < :q_end")
    elif search == "name":
        where.append("n.verified_name >= :q AND n.verified_name < :q_end")
    past = "<" if descending else ">"
    direction = " DESC" if descending else " ASC"
    if bounded:  # a row-value comparison: both backends make it one index range condition
        keys, values = [column, "n.id"], [":bound_key", ":bound_id"]
        if pinned:  # the column is the filter's value on every row
            values[0] = f":f_{SORTS[sort]}"
        if sort in UNIQUE_SORTS:
            keys, values = keys[:1], values[:1]
        if scoped:  # the bound starts at the account's own index's first column
            keys, values = ["n.account_id", *keys], [":account_id", *values]
        if len(keys) == 1:
            where.append(f"{keys[0]} {past} {values[0]}")
        elif pinned and not scoped:
            where.append(f"n.id {past} :bound_id")
        else:
            where.append(f"({', '.join(keys)}) {past} ({', '.join(values)})")
    # Pinned, (column, id) order is id order; said so, SQLite needs no sort step for it (it sorts
    # "the right part" of ORDER BY column, id when the column is bound by both = and a row value).
    # Scoped, the order names account_id too (one value, so the same rows in the same order): only the
    # account's own index gives that order.
    order = ["n.account_id" + direction] if scoped else []
    order += [] if pinned else [column + direction]
    order += [] if sort in UNIQUE_SORTS else ["n.id" + direction]
    return SQL(f"{_COLUMNS}{_TABLES} WHERE {' AND '.join(where)} ORDER BY {', '.join(order)} LIMIT :limit")


def _search_kind(search: str | None) -> str | None:
    if not search:
        return None
    return "number" if search.startswith("+") else "name"


def sort_key(row: FleetRow, sort: str) -> Any:
    value = getattr(row.number, SORTS[sort])
    return getattr(value, "value", value)


_COUNT_ALL = SQL("SELECT n.state AS state, COUNT(*) AS count FROM phone_numbers n GROUP BY n.state")
_COUNT_OWNED = SQL(  # an index-only scan of (account_id, state, id)
    "SELECT n.state AS state, COUNT(*) AS count FROM phone_numbers n "
    "WHERE n.account_id = :account_id GROUP BY n.state"
)


def _fleet_row(row: Any) -> FleetRow:
    return FleetRow(to_number(row), to_waba(row, _AT_WABA), to_account(row, _AT_ACCOUNT))


class FleetRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def page(
        self,
        query: FleetQuery,
        bound: tuple[Any, int] | None,
        *,
        backwards: bool,
        limit: int,
        seek: str | None = None,
    ) -> list[FleetRow]:
        """Up to ``limit`` rows just past ``bound`` (``(sort key, id)``) in walk order, nearest first.

        ``seek``: a filter column whose value few numbers have: its index finds them and they are
        sorted, rather than walking the sort index past every other row (``services.console`` decides
        from the counts)."""
        descending = query.descending != backwards
        kind = _search_kind(query.search)
        value = query.filters.get(SORTS[query.sort])
        pinned = value is not None and (bound is None or bound[0] == value)
        sql = _statement(
            query.sort,
            descending,
            bound is not None,
            query.account_id is not None,
            tuple(sorted(query.filters)),
            query.health,
            kind,
            seek if seek in query.filters else None,
            pinned,
        )
        params: dict[str, Any] = {"limit": limit}
        if query.account_id is not None:
            params["account_id"] = query.account_id
        for name, value in query.filters.items():
            params["f_" + name] = value
        if kind is not None:
            assert query.search is not None
            params["q"] = query.search
            params["q_end"] = query.search + "\U0010ffff"
        if bound is not None:
            params["bound_key"], params["bound_id"] = bound
            if query.sort in UNIQUE_SORTS:
                del params["bound_id"]
            elif pinned:
                del params["bound_key"]
        return [_fleet_row(row) for row in await self._s.fetch(sql, params)]

    async def counts(self, account_id: int | None) -> dict[str, int]:
        """Numbers per lifecycle state (every account's, or ``account_id``'s)."""
        if account_id is None:
            rows = await self._s.fetch(_COUNT_ALL)
        else:
            rows = await self._s.fetch(_COUNT_OWNED, {"account_id": account_id})
        return {row["state"]: int(row["count"]) for row in rows}
