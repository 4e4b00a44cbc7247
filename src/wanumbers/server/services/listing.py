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

        async def walk(origin: Cursor | None, back: bool, limit: int) -> list[PhoneNumber]:
            return await uow.numbers.walk(
                waba.id, page.sort, page.filters, origin, backwards=back, limit=limit,
                status_only=status_only,
            )  # fmt: skip

        found = await walk(start, backwards, page.limit + 1)
        further = len(found) > page.limit  # more rows in the walk's own direction
        found = found[: page.limit]
        if backwards:
            found.reverse()
        # Rows on the other side: probe one row back from the page's edge nearest the cursor. An
        # empty page lies just past the cursor, whose own row is on the other side; a page without a
        # cursor starts the walk, so nothing lies behind it.
        if found and start is not None:
            edge = cursor_of(found[-1] if backwards else found[0], page.sort)
            behind = bool(await walk(edge, not backwards, 1))
        else:
            behind = start is not None
    has_next, has_previous = (behind, further) if backwards else (further, behind)
    return NumberPage(found, waba, account, has_next, has_previous, page.sort)
