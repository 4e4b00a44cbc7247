"""One unit of work per operation: one connection, one transaction, committed once or rolled back."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from wanumbers.server.storage.engine import WRITE
from wanumbers.server.storage.repositories.accounts import AccountRepository, CredentialRepository
from wanumbers.server.storage.repositories.guards import IdempotencyRepository, RateLimitRepository
from wanumbers.server.storage.repositories.numbers import NumberRepository
from wanumbers.server.storage.repositories.otps import OtpRepository, OutboxRepository
from wanumbers.server.storage.repositories.sim import RegistrationRepository, SimRepository
from wanumbers.server.storage.repositories.wabas import WabaRepository


class UnitOfWork:
    accounts: AccountRepository
    credentials: CredentialRepository
    wabas: WabaRepository
    numbers: NumberRepository
    otps: OtpRepository
    outbox: OutboxRepository
    registrations: RegistrationRepository
    sim: SimRepository
    idempotency: IdempotencyRepository
    rate_limits: RateLimitRepository

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self._engine = engine
        self._write = write
        self._connection: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        connection = self._engine.connect()
        if self._write:
            connection = connection.execution_options(**{WRITE: True})
        connection.begin()
        self._connection = connection
        self.accounts = AccountRepository(connection)
        self.credentials = CredentialRepository(connection)
        self.wabas = WabaRepository(connection)
        self.numbers = NumberRepository(connection)
        self.otps = OtpRepository(connection)
        self.outbox = OutboxRepository(connection)
        self.registrations = RegistrationRepository(connection)
        self.sim = SimRepository(connection)
        self.idempotency = IdempotencyRepository(connection)
        self.rate_limits = RateLimitRepository(connection)
        return self

    def commit(self) -> None:
        assert self._connection is not None
        self._connection.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        try:
            if self._connection.in_transaction():
                self._connection.rollback()
        finally:
            self._connection.close()
            self._connection = None
