"""What leaves the service by webhook: the change Meta reports, and the HTTP request that carries it.

Two producers (Meta's webhooks to subscribed apps, Kaleyra's callback profiles) and one delivery queue
meet here: a producer turns a ``PhoneNumberChange`` into ``OutboundRequest`` values, the queue stores and
sends them without knowing which contract they speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PhoneNumberChange:
    """One ``entry[].changes[]`` item of Meta's ``whatsapp_business_account`` webhook."""

    waba_id: int
    number_id: int | None  # None for account-level changes (e.g. a WABA restriction)
    field: str  # Meta's webhook field: phone_number_quality_update, account_update, ...
    value: Mapping[str, Any]
    time: int  # Unix seconds of the emulator's (or Meta's) clock


@dataclass(frozen=True)
class OutboundRequest:
    """An HTTP request to a receiver, rendered and signed, ready to send (and to resend unchanged)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
