"""Cursor pages of Graph edges (``{"data": [...], "paging": {"cursors": {...}, "next": ...}}``).

Reference: https://developers.facebook.com/docs/graph-api/results
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import Field

from ._base import WanumbersModel

__all__ = ["Cursors", "Page", "Paging"]

ItemT = TypeVar("ItemT")


class Cursors(WanumbersModel):
    before: str | None = None
    after: str | None = None


class Paging(WanumbersModel):
    cursors: Cursors = Field(default_factory=Cursors)
    next: str | None = None
    previous: str | None = None


class Page(WanumbersModel, Generic[ItemT]):
    """One page of results; iterate it for its items."""

    data: list[ItemT] = Field(default_factory=list)
    paging: Paging | None = None

    @property
    def next_cursor(self) -> str | None:
        """The ``after`` cursor when a next page exists, else ``None``.

        Graph keeps ``cursors.after`` on the last page too; only the ``next`` link says more exists.
        """
        if self.paging is None or self.paging.next is None or not self.data:
            return None
        return self.paging.cursors.after

    def __len__(self) -> int:
        return len(self.data)
