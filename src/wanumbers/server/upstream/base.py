"""The seam between our services and Meta. Services run every call inside their unit of work, so the
emulator's state changes commit or roll back with ours; the live upstream calls Graph instead."""

from __future__ import annotations

from typing import Protocol

from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import PhoneNumber, Waba
from wanumbers.server.storage.uow import UnitOfWork


class Upstream(Protocol):
    name: str

    def create_number(
        self, uow: UnitOfWork, waba: Waba, phone: ParsedPhone, verified_name: str
    ) -> PhoneNumber:
        """Create (and store) an unverified number under ``waba``."""

    def request_code(self, uow: UnitOfWork, number: PhoneNumber, channel: str, language: str) -> None:
        """Send a verification code by SMS or VOICE."""

    def verify_code(self, uow: UnitOfWork, number: PhoneNumber, code: str) -> DomainError | None:
        """Check ``code``. A wrong code is *returned*, not raised, so the caller can commit the failed
        attempt before reporting it."""

    def register(self, uow: UnitOfWork, number: PhoneNumber, pin: str | None) -> None:
        """Register a verified number on the Cloud API (status becomes CONNECTED)."""

    def deregister(self, uow: UnitOfWork, number: PhoneNumber) -> None:
        """Take a registered number off the Cloud API (status becomes DISCONNECTED)."""

    def refresh(self, uow: UnitOfWork, number: PhoneNumber) -> PhoneNumber:
        """The number as Meta sees it now (the emulator's store is already Meta's view)."""
