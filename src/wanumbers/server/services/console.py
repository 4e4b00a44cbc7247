"""The console's use cases: who signed in, the fleet they may see, one number, the OTP outbox.

A console session acts as the credential it signed in with, checked again on every request (a revoked
key or an expired admin token signs the session out at once): the admin token sees every account's
numbers; an API key sees its own account's only, with the same rules as the APIs (``services.auth``;
another account's number looks like a missing one). The emulator's controls are ``services.sim``'s own
functions, called by the console's surface as ``/sim`` calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_secret
from wanumbers.server.domain.records import Account, Delivery
from wanumbers.server.services import auth
from wanumbers.server.services.auth import Presented
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.fleet import FleetQuery, FleetRow, sort_key

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

    A page walks its scope's sort index (the whole fleet's, or the account's own since migration 0013)
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
    return FleetQuery(
        account_id=principal.account_id,
        filters=query.filters,
        health=query.health,
        search=query.search,
        sort=query.sort,
        descending=query.descending,
    )


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


async def number(rt: Runtime, principal: Principal, number_id: int) -> NumberView:
    """The number if ``principal`` may see it, as Meta sees it now (what the details read gives)."""
    async with rt.uow() as uow:
        if principal.account is not None:
            found = await uow.numbers.owned_by(principal.account.id, number_id=number_id)
            account: Account | None = principal.account
        else:
            found = await uow.numbers.locate(number_id=number_id)
            account = None if found is None else await uow.accounts.by_id(found[1].account_id)
    if found is None or account is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, NOT_FOUND)
    number, waba = found
    return NumberView(number=await rt.upstream.refresh(number), waba=waba, account=account)


async def outbox(rt: Runtime, principal: Principal, to: str | None = None, limit: int = 50) -> list[Delivery]:
    """The OTPs the emulator delivered, newest first: every number's for the admin; for an API key,
    those of a number its account owns (``to`` is then required)."""
    async with rt.uow() as uow:
        if principal.account is not None:
            owned = to is not None and await uow.numbers.owned_by(principal.account.id, e164=to)
            if not owned:
                return []
        return await uow.outbox.recent(to, limit)
