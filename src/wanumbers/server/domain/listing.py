"""Listing a WABA's numbers: sort orders, filters and keyset cursors.

A cursor is the sort key of a row, ``(sort, has_key, key, id)``, so the next page is an index range
scan from that key whatever the page depth (no OFFSET). Numbers never onboarded have no
``last_onboarded_time``; they sort after the onboarded ones in both directions, by id.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import orjson

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import MAX_ID
from wanumbers.server.domain.lifecycle import AccountMode, MessagingTier
from wanumbers.server.domain.records import PhoneNumber

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class Sort(StrEnum):
    CREATION_ASC = "creation_time.asc"
    CREATION_DESC = "creation_time.desc"
    ONBOARDED_ASC = "last_onboarded_time.asc"
    ONBOARDED_DESC = "last_onboarded_time.desc"

    @property
    def by_onboarding(self) -> bool:
        return self.value.startswith("last_onboarded_time")

    @property
    def descending(self) -> bool:
        return self.value.endswith(".desc")


DEFAULT_SORT = Sort.ONBOARDED_DESC  # Meta: "descending by last_onboarded_time"


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position of one row in a sort order."""

    sort: Sort
    key: datetime | None
    id: int

    def encode(self) -> str:
        key = self.key.isoformat() if self.key else None
        raw = orjson.dumps([self.sort.value, key, self.id])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: Sort) -> Cursor:
        """Refuse cursors that are malformed or were made for another sort order."""
        try:
            padded = token + "=" * (-len(token) % 4)
            name, key, row_id = orjson.loads(base64.urlsafe_b64decode(padded))
            cursor = cls(Sort(name), _utc(datetime.fromisoformat(key)) if key else None, int(row_id))
            if not 0 <= cursor.id <= MAX_ID:  # past the store's range: it could only fail in the query
                raise ValueError(row_id)
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
            raise DomainError(Reason.INVALID_PARAMETER, "invalid paging cursor", field="after") from None
        if cursor.sort is not sort:
            raise DomainError(Reason.INVALID_PARAMETER, "the cursor belongs to another sort order")
        return cursor


def _utc(moment: datetime) -> datetime:
    """A cursor's key without an offset is UTC, as the store reads one (and cursors made before
    timestamps were read aware carried none): compared as such with the rows the page walks."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def cursor_of(number: PhoneNumber, sort: Sort) -> Cursor:
    key = number.last_onboarded_at if sort.by_onboarding else number.created_at
    return Cursor(sort, key, number.id)


class Op(StrEnum):
    EQUAL = "EQUAL"
    NOT_EQUAL = "NOT_EQUAL"
    IN = "IN"
    NOT_IN = "NOT_IN"


FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "account_mode": tuple(AccountMode),
    "messaging_limit_tier": tuple(MessagingTier),
    "is_official_business_account": ("true", "false"),
}


@dataclass(frozen=True, slots=True)
class Filter:
    """``field`` is one of FILTER_VALUES; ``values`` are normalised to their stored spelling."""

    field: str
    op: Op
    values: tuple[str, ...]

    @property
    def negated(self) -> bool:
        return self.op in (Op.NOT_EQUAL, Op.NOT_IN)


def _invalid(detail: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field="filtering")


def _normalise(field: str, value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value).strip()
    if field == "is_official_business_account":
        text = text.lower()
    if text not in FILTER_VALUES[field]:
        raise _invalid(f"filtering: {field} must be one of " + ", ".join(FILTER_VALUES[field]))
    return text


def make_filter(field: object, operator: object, value: object) -> Filter:
    if not isinstance(field, str) or field not in FILTER_VALUES:  # a JSON list or object is unhashable
        raise _invalid("filtering: field must be one of " + ", ".join(FILTER_VALUES))
    try:
        op = Op(str(operator).upper())
    except ValueError:
        raise _invalid("filtering: operator must be one of " + ", ".join(Op)) from None
    raw = value if isinstance(value, list) else [value]
    if op in (Op.EQUAL, Op.NOT_EQUAL) and len(raw) != 1:
        raise _invalid(f"filtering: {op.value} takes exactly one value")
    if not raw:
        raise _invalid(f"filtering: {op.value} takes at least one value")
    return Filter(str(field), op, tuple(_normalise(str(field), item) for item in raw))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise DomainError(Reason.INVALID_PARAMETER, f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return limit
