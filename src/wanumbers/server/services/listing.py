"""Listing a WABA's numbers page by page (keyset cursors, see ``domain.listing``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wanumbers.server.domain.listing import Cursor, Filter, Sort, cursor_of
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.services.runtime import Runtime


@dataclass(frozen=True, slots=True)
class PageRequest:
    sort: Sort
    filters: Sequence[Filter]
    limit: int
    after: str | None = None
    before: str | None = None


@dataclass(frozen=True, slots=True)
class NumberPage:
    numbers: list[PhoneNumber]
    waba: Waba
    account: Account
    has_next: bool
    has_previous: bool
    sort: Sort

    @property
    def first(self) -> str | None:
        return cursor_of(self.numbers[0], self.sort).encode() if self.numbers else None

    @property
    def last(self) -> str | None:
        return cursor_of(self.numbers[-1], self.sort).encode() if self.numbers else None


async def list_numbers(
    rt: Runtime, account: Account, waba: Waba, page: PageRequest, *, status_only: bool = False
) -> NumberPage:
    """One page of ``waba`` (the account's, as the request's credential statement found it), plus
    whether pages exist on either side (each probe is a one-row index scan). ``status_only``: the
    caller reads only ``STATUS_FIELDS`` of each number."""
    backwards = page.before is not None and page.after is None
    token = page.after if page.after is not None else page.before
    start = Cursor.decode(token, page.sort) if token else None
    async with rt.uow() as uow:

        async def walk(
            origin: Cursor | None, back: bool, limit: int, inclusive: bool = False
        ) -> list[PhoneNumber]:
            return await uow.numbers.walk(
                waba.id, page.sort, page.filters, origin, backwards=back, limit=limit,
                status_only=status_only, inclusive=inclusive,
            )  # fmt: skip

        # Whether rows lie on the other side of the page: none before a page without a cursor (it starts
        # the walk); behind a cursor, its own row when it still exists, read in the page's own statement
        # (the walk starts at it); else a probe of one row back from the page's nearest edge.
        if start is None:
            found, behind, probe = await walk(None, backwards, page.limit + 1), False, False
        else:
            found = await walk(start, backwards, page.limit + 2, inclusive=True)
            behind = bool(found) and cursor_of(found[0], page.sort) == start  # its row, key unchanged
            found, probe = (found[1:], False) if behind else (found[: page.limit + 1], True)
        further = len(found) > page.limit  # more rows in the walk's own direction
        found = found[: page.limit]
        if backwards:
            found.reverse()
        if probe:  # the cursor's row is gone (or moved): an empty page lies just past where it was
            if found:
                edge = cursor_of(found[-1] if backwards else found[0], page.sort)
                behind = bool(await walk(edge, not backwards, 1))
            else:
                behind = True
    has_next, has_previous = (behind, further) if backwards else (further, behind)
    return NumberPage(found, waba, account, has_next, has_previous, page.sort)
