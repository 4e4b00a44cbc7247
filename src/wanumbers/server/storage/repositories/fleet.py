"""The console's fleet: every number (or one account's), filtered, searched and sorted, by keyset pages.

A page is one index range scan from the cursor's key: ``ORDER BY <column>, id`` with a row-value bound
``(<column>, id) > (:key, :id)`` on the ``(<column>, id)`` index (migration 0012), so page 10,000 costs
what page 1 costs; there is no OFFSET. E.164 is unique, so its sort needs no id tie-breaker.

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
# joins): the numbers' sort index first, so a page reads its rows in order and stops at the limit; or,
# for an account with few numbers, its WABAs first, then its numbers by the (waba_id, …) index, sorted.
_NUMBERS_FIRST = "FROM phone_numbers n CROSS JOIN wabas w CROSS JOIN accounts a"
_OWNER_FIRST = "FROM wabas w CROSS JOIN phone_numbers n CROSS JOIN accounts a"
_JOINED = "w.id = n.waba_id AND a.id = w.account_id"


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
    ~300 ms for a filter that 4% of 1M numbers match)."""
    return f"(n.{name} || '')"


HEALTH_PREDICATES = _health_predicates(_indexed)
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
    owner_first: bool,
    seek: str | None,  # the one filter column whose index may be used (a rare value), if any
) -> SQL:
    column = "n." + SORTS[sort]
    where: list[str] = [_JOINED]
    if scoped:
        where.append("w.account_id = :account_id")
    for name in filters:
        use_index = owner_first or name == seek or SORTS[sort] == name
        where.append(f"{_indexed(name) if use_index else _unindexed(name)} = :f_{name}")
    if health is not None:
        where.append((HEALTH_PREDICATES if owner_first else _HEALTH_WALKED)[health])
    if search == "number":
        where.append("n.e164 >= :q AND n.e164 < :q_end")
    elif search == "name":
        where.append("n.verified_name >= :q AND n.verified_name < :q_end")
    past = "<" if descending else ">"
    direction = " DESC" if descending else " ASC"
    if bounded:
        if sort in UNIQUE_SORTS:
            where.append(f"{column} {past} :bound_key")
        else:  # a row-value comparison: both backends make it one index range condition
            where.append(f"({column}, n.id) {past} (:bound_key, :bound_id)")
    order = [column + direction] + ([] if sort in UNIQUE_SORTS else ["n.id" + direction])
    tables = _OWNER_FIRST if owner_first else _NUMBERS_FIRST
    return SQL(f"{_COLUMNS}{tables} WHERE {' AND '.join(where)} ORDER BY {', '.join(order)} LIMIT :limit")


def _search_kind(search: str | None) -> str | None:
    if not search:
        return None
    return "number" if search.startswith("+") else "name"


def sort_key(row: FleetRow, sort: str) -> Any:
    value = getattr(row.number, SORTS[sort])
    return getattr(value, "value", value)


_COUNT_ALL = SQL("SELECT n.state AS state, COUNT(*) AS count FROM phone_numbers n GROUP BY n.state")
_COUNT_OWNED = SQL(
    "SELECT n.state AS state, COUNT(*) AS count FROM phone_numbers n JOIN wabas w ON w.id = n.waba_id "
    "WHERE w.account_id = :account_id GROUP BY n.state"
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
        owner_first: bool = False,
        seek: str | None = None,
    ) -> list[FleetRow]:
        """Up to ``limit`` rows just past ``bound`` (``(sort key, id)``) in walk order, nearest first.

        ``owner_first`` (an account's query only): read the account's numbers through its WABAs and sort
        them, rather than walk the whole fleet's sort index skipping other accounts' rows; the cheaper
        plan for an account with few numbers (``services.console`` decides from its counts). ``seek``:
        a filter column whose value few numbers have: its index finds them and they are sorted, rather
        than walking the sort index past every other row (again decided from the counts)."""
        descending = query.descending != backwards
        kind = _search_kind(query.search)
        sql = _statement(
            query.sort,
            descending,
            bound is not None,
            query.account_id is not None,
            tuple(sorted(query.filters)),
            query.health,
            kind,
            owner_first and query.account_id is not None,
            seek if seek in query.filters else None,
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
        rows = await self._s.fetch(sql, params)
        return [
            FleetRow(to_number(row), to_waba(row, _AT_WABA), to_account(row, _AT_ACCOUNT)) for row in rows
        ]

    async def counts(self, account_id: int | None) -> dict[str, int]:
        """Numbers per lifecycle state (every account's, or ``account_id``'s)."""
        if account_id is None:
            rows = await self._s.fetch(_COUNT_ALL)
        else:
            rows = await self._s.fetch(_COUNT_OWNED, {"account_id": account_id})
        return {row["state"]: int(row["count"]) for row in rows}
