"""One unit of work per operation: one connection; writes in one transaction, committed once or rolled
back. Reads run in autocommit (each statement sees the latest committed state), so they never hold a
snapshot or a lock that a writer would wait for."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from functools import cached_property
from types import TracebackType
from typing import Any

from wanumbers.server.storage.repositories.access import AccessRepository
from wanumbers.server.storage.repositories.accounts import AccountRepository, CredentialRepository
from wanumbers.server.storage.repositories.callback_profiles import CallbackProfileRepository
from wanumbers.server.storage.repositories.events import EventRepository, SubscriptionRepository
from wanumbers.server.storage.repositories.fleet import FleetRepository
from wanumbers.server.storage.repositories.guards import IdempotencyRepository, RateLimitRepository
from wanumbers.server.storage.repositories.numbers import NumberRepository
from wanumbers.server.storage.repositories.otps import OtpRepository, OutboxRepository
from wanumbers.server.storage.repositories.sim import RegistrationRepository, SimRepository
from wanumbers.server.storage.repositories.wabas import WabaRepository
from wanumbers.server.storage.sql import Session
from wanumbers.server.storage.store import Store, WriteSession


class UnitOfWork:
    def __init__(self, store: Store, *, write: bool = False) -> None:
        self._store = store
        self._write = write
        self._context: AbstractAsyncContextManager[Any] | None = None
        self._session: Session | None = None
        self._after_commit: list[Callable[[], None]] | None = None  # made on first use: most never are

    async def __aenter__(self) -> UnitOfWork:
        self._context = self._store.write() if self._write else self._store.read()
        self._session = await self._context.__aenter__()
        return self

    async def commit(self) -> None:
        session = self.session
        assert self._write, "commit() on a read-only unit of work"
        await _as_write(session).commit()
        callbacks, self._after_commit = self._after_commit, None
        for callback in callbacks or ():
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once what this unit of work wrote is committed (never, if it is not): e.g.
        wake the delivery worker when the events it is to send are visible to it."""
        if self._after_commit is None:
            self._after_commit = []
        self._after_commit.append(callback)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._context is not None
        context, self._context, self._session = self._context, None, None
        await context.__aexit__(exc_type, exc, traceback)

    @property
    def session(self) -> Session:
        assert self._session is not None, "the unit of work is not open"
        return self._session

    @property
    def dialect(self) -> str:
        return self.session.dialect

    @cached_property
    def access(self) -> AccessRepository:
        return AccessRepository(self.session)

    @cached_property
    def accounts(self) -> AccountRepository:
        return AccountRepository(self.session)

    @cached_property
    def credentials(self) -> CredentialRepository:
        return CredentialRepository(self.session)

    @cached_property
    def wabas(self) -> WabaRepository:
        return WabaRepository(self.session)

    @cached_property
    def fleet(self) -> FleetRepository:
        return FleetRepository(self.session)

    @cached_property
    def numbers(self) -> NumberRepository:
        return NumberRepository(self.session)

    @cached_property
    def otps(self) -> OtpRepository:
        return OtpRepository(self.session)

    @cached_property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.session)

    @cached_property
    def registrations(self) -> RegistrationRepository:
        return RegistrationRepository(self.session)

    @cached_property
    def sim(self) -> SimRepository:
        return SimRepository(self.session)

    @cached_property
    def events(self) -> EventRepository:
        return EventRepository(self.session)

    @cached_property
    def subscriptions(self) -> SubscriptionRepository:
        return SubscriptionRepository(self.session)

    @cached_property
    def idempotency(self) -> IdempotencyRepository:
        return IdempotencyRepository(self.session)

    @cached_property
    def callback_profiles(self) -> CallbackProfileRepository:
        return CallbackProfileRepository(self.session)

    @cached_property
    def rate_limits(self) -> RateLimitRepository:
        return RateLimitRepository(self.session)


def _as_write(session: Session) -> WriteSession:
    assert hasattr(session, "commit")
    return session  # type: ignore[return-value]
