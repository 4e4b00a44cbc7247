"""The console's use cases: who signed in, the fleet they may see, one number and its timeline, the OTP
outbox.

A console session acts as the credential it signed in with, checked again on every request (a revoked
key or an expired admin token signs the session out at once): the admin token sees every account's
numbers; an API key sees its own account's only, with the same rules as the APIs (``services.auth``;
another account's number looks like a missing one). The emulator's controls are ``services.sim``'s own
functions, called by the console's surface as ``/sim`` calls them. The webhook deliveries (the queue's
operator view, ``services.events``) are the admin's: ``Principal.reads_deliveries``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from wanumbers.server.domain import timeline as rules
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.domain.records import Account, Delivery, PhoneNumber, Waba
from wanumbers.server.services import auth
from wanumbers.server.services.auth import Presented
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.events import DeliveryBrief, NumberEvent
from wanumbers.server.storage.repositories.fleet import FleetQuery, FleetRow, sort_key
from wanumbers.server.storage.uow import UnitOfWork

BAD_SECRET = "Incorrect admin token or API key."
NOT_FOUND = "No such phone number."
ADMIN_PREFIX = "wna_"

Kind = Literal["admin", "api_key"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a console session acts as: the kind and digest of its credential (never the secret)."""

    kind: Kind
    digest: str
    account: Account | None = None  # the API key's account; None for the admin

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    @property
    def account_id(self) -> int | None:
        return None if self.account is None else self.account.id

    @property
    def reads_deliveries(self) -> bool:
        """The webhook deliveries (list, one delivery, replay) are the queue's operator view, as
        ``wanumbers events`` is: the admin's, in every mode. An API key sees through the console what it
        sees through the APIs, and they show an account no deliveries (docs/console.md, "Deliveries")."""
        return self.is_admin


async def sign_in(rt: Runtime, secret: str) -> Principal:
    """The principal ``secret`` (an admin token or an API key) signs in as; raises UNAUTHENTICATED."""
    secret = secret.strip()
    if not secret:
        raise DomainError(Reason.UNAUTHENTICATED, BAD_SECRET)
    kind: Kind = "admin" if secret.startswith(ADMIN_PREFIX) else "api_key"
    return await resume(rt, kind, digest_secret(secret))


async def resume(rt: Runtime, kind: str, digest: str) -> Principal:
    """The principal a session names, if its credential may still act now."""
    try:
        if kind == "admin":
            await auth.check_admin_digest(rt, digest)
            return Principal("admin", digest)
        if kind == "api_key":
            account = await auth.identify(rt, Presented("api_key", digest))
            return Principal("api_key", digest, account)
    except DomainError as error:
        raise DomainError(Reason.UNAUTHENTICATED, BAD_SECRET) from error
    raise DomainError(Reason.UNAUTHENTICATED, BAD_SECRET)


# --- the fleet -------------------------------------------------------------------------------------

Bound = tuple[Any, int]
# A status that at most this many numbers of the scope have is found through its index and sorted.
RARE = 2_000


def plan(query: FleetQuery, counts: Mapping[str, int] | None) -> str | None:
    """The ``seek`` for ``FleetRepository.page``, from the scope's counts by status.

    A page walks its scope's sort index (the whole fleet's, or the account's own since migration 0014)
    and reads about limit / share rows for a filter that a share of the scope matches. A status filter
    that at most ``RARE`` numbers of the scope match is found through its index and sorted instead."""
    state = query.filters.get("state")
    if counts is None or state is None:
        return None
    return "state" if counts.get(state, 0) <= RARE else None


@dataclass(frozen=True, slots=True)
class FleetPage:
    rows: list[FleetRow]
    sort: str
    has_next: bool
    has_previous: bool

    @property
    def first(self) -> Bound | None:
        return (sort_key(self.rows[0], self.sort), self.rows[0].number.id) if self.rows else None

    @property
    def last(self) -> Bound | None:
        return (sort_key(self.rows[-1], self.sort), self.rows[-1].number.id) if self.rows else None


def scoped(principal: Principal, query: FleetQuery) -> FleetQuery:
    """``query`` limited to what ``principal`` may see, whatever the caller asked for."""
    return replace(query, account_id=principal.account_id)


async def fleet(
    rt: Runtime,
    principal: Principal,
    query: FleetQuery,
    bound: Bound | None = None,
    *,
    backwards: bool = False,
    limit: int = 50,
    counts: Mapping[str, int] | None = None,
) -> FleetPage:
    """One page just past ``bound`` (forwards, or backwards for "previous"), and whether pages exist on
    either side: the page's walk reads one row more than it shows; the other side is a one-row probe.

    ``counts`` (the scope's numbers by status, if the caller has them) picks the plan: ``plan``."""
    query = scoped(principal, query)
    seek = plan(query, counts)
    async with rt.uow() as uow:
        found = await uow.fleet.page(query, bound, backwards=backwards, limit=limit + 1, seek=seek)
        further = len(found) > limit
        found = found[:limit]
        if found:
            edge = found[0]
            behind = bool(
                await uow.fleet.page(
                    query,
                    (sort_key(edge, query.sort), edge.number.id),
                    backwards=not backwards,
                    limit=1,
                    seek=seek,
                )
            )
        else:
            behind = bound is not None
    if backwards:
        found.reverse()
    has_next, has_previous = (behind, further) if backwards else (further, behind)
    return FleetPage(found, query.sort, has_next, has_previous)


async def counts(rt: Runtime, account_id: int | None) -> dict[str, int]:
    """Numbers per lifecycle state: every account's (``None``), or account ``account_id``'s. Callers
    pass ``principal.account_id`` for what a principal may see."""
    async with rt.uow() as uow:
        return await uow.fleet.counts(account_id)


# --- one number ------------------------------------------------------------------------------------


async def _visible(
    uow: UnitOfWork, principal: Principal, number_id: int
) -> tuple[PhoneNumber, Waba, Account]:
    """The number, its WABA and account, if ``principal`` may see it; else NUMBER_NOT_FOUND, as a
    foreign number answers in the APIs."""
    if principal.account is not None:
        found = await uow.numbers.owned_by(principal.account.id, number_id=number_id)
        account: Account | None = principal.account
    else:
        found = await uow.numbers.locate(number_id=number_id)
        account = None if found is None else await uow.accounts.by_id(found[1].account_id)
    if found is None or account is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, NOT_FOUND)
    return found[0], found[1], account


async def number(rt: Runtime, principal: Principal, number_id: int) -> NumberView:
    """The number if ``principal`` may see it, as Meta sees it now (what the details read gives)."""
    async with rt.uow() as uow:
        number, waba, account = await _visible(uow, principal, number_id)
    return NumberView(number=await rt.upstream.refresh(number), waba=waba, account=account)


# --- its timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a number's timeline: when (UTC), what in words, and an event's deliveries."""

    at: datetime
    words: str
    event_id: int | None = None  # None for a milestone (no event records it)
    field: str = ""  # the event's webhook field
    deliveries: tuple[DeliveryBrief, ...] = ()

    @property
    def counts(self) -> list[tuple[str, int]]:
        """Deliveries by status, in the queue's order (pending, delivered, dead), those with any."""
        found = [(status.value, sum(d.status is status for d in self.deliveries)) for status in Status]
        return [(status, count) for status, count in found if count]


@dataclass(frozen=True, slots=True)
class Timeline:
    entries: list[TimelineEntry]
    older: rules.Cursor | None  # the next (older) page's cursor; None on the last page


def _entry(item: NumberEvent | rules.Milestone) -> TimelineEntry:
    if isinstance(item, rules.Milestone):
        return TimelineEntry(item.at.astimezone(UTC), item.words)
    change = item.change
    return TimelineEntry(rules.when(change), rules.describe(change), item.id, change.field, item.deliveries)


async def timeline(
    rt: Runtime, principal: Principal, number_id: int, cursor: rules.Cursor | None = None, limit: int = 50
) -> Timeline:
    """The number's events (with their deliveries) and milestones, newest first, ``limit`` a page
    (``domain/timeline.py``): the same visibility as ``number``. Each stream reads ``limit + 1`` rows
    from where ``cursor`` left it, through its own index."""
    cursor = cursor or rules.Cursor()
    async with rt.uow() as uow:
        number, _, _ = await _visible(uow, principal, number_id)
        events = await uow.events.of_number(number.id, cursor.event_id, limit + 1)
        at, row_id = rules.milestone_bound(cursor, rules.Kind.CODE_REQUESTED)
        milestones = await uow.otps.requested(number.id, at, row_id, limit + 1)
        at, row_id = rules.milestone_bound(cursor, rules.Kind.REGISTRATION)
        milestones += await uow.registrations.history(number.id, at, row_id, limit + 1)
    if number.created_at is not None:
        added = rules.Milestone(rules.Kind.ADDED, number.created_at, number.id)
        milestones += [added] if rules.after(cursor, added) else []
    found = rules.page(events, milestones, cursor, limit)
    return Timeline([_entry(item) for item in found.entries], found.older)


async def outbox(rt: Runtime, principal: Principal, to: str | None = None, limit: int = 50) -> list[Delivery]:
    """The OTPs the emulator delivered, newest first: every number's for the admin; for an API key,
    those of a number its account owns (``to`` is then required)."""
    async with rt.uow() as uow:
        if principal.account is not None:
            owned = to is not None and await uow.numbers.owned_by(principal.account.id, e164=to)
            if not owned:
                return []
        return await uow.outbox.recent(to, limit)
