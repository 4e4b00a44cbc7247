"""The seam between our services and Meta.

Services check ownership and validate, then hand the change to the upstream, which owns its
transactions. The emulator keeps Meta's state in our store, so each change is one transaction with ours
(no OTP is "sent" for a rolled-back add). The live upstream calls Graph with no transaction open, then
records the outcome in a short one: a slow Graph never holds a lock that another request waits for.

``number`` arguments are what the service read (the caller owns it); implementations re-read what they
change inside their own transaction.
"""

from __future__ import annotations

from typing import Protocol

from wanumbers.server.domain.number_update import NodeUpdate
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import PhoneNumber, Waba


class Upstream(Protocol):
    name: str

    async def onboard(
        self, waba: Waba, phone: ParsedPhone, verified_name: str, channel: str, language: str
    ) -> PhoneNumber:
        """Create an unverified number under ``waba`` and send it a verification code."""

    async def create_number(self, waba: Waba, phone: ParsedPhone, verified_name: str) -> PhoneNumber:
        """Create (and store) an unverified number under ``waba``."""

    async def request_code(self, number: PhoneNumber, channel: str, language: str) -> None:
        """Send a verification code by SMS or VOICE."""

    async def verify_code(self, number: PhoneNumber, code: str) -> None:
        """Check ``code``. A wrong code counts against the number (recorded first), then raises."""

    async def confirm(self, number: PhoneNumber, code: str) -> None:
        """Check ``code`` and register the number: it ends verified and CONNECTED."""

    async def register(self, number: PhoneNumber, pin: str | None, region: str | None = None) -> None:
        """Register a verified number on the Cloud API (status becomes CONNECTED); ``region`` is
        ``data_localization_region`` (local storage in that country)."""

    async def deregister(self, number: PhoneNumber) -> None:
        """Take a registered number off the Cloud API (status becomes DISCONNECTED)."""

    async def update_node(self, number: PhoneNumber, update: NodeUpdate) -> None:
        """``POST /{phone-number-id}``: PIN, display-name request, search visibility, webhook
        override, username."""

    async def refresh(self, number: PhoneNumber) -> PhoneNumber:
        """The number as Meta sees it now (the emulator's store is already Meta's view)."""

    async def close(self) -> None: ...
