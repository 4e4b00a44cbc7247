"""Meta's webhooks received in live mode: the signature check, the notification's shape, and what each
change does to our copy of a number or WABA.

Payloads as Meta's webhooks reference gives them (``phone_number_quality_update``,
``phone_number_name_update``, ``account_update``); fields and events we do not track are accepted and
ignored, as a receiver must (Meta adds values without notice).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from wanumbers.server.domain.lifecycle import (
    TRANSITIONS,
    Event,
    MessagingTier,
    NameStatus,
    NumberState,
    Throughput,
)
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.domain.records import PhoneNumber

OBJECT = "whatsapp_business_account"
SIGNATURE_PREFIX = "sha256="
NUMBER_FIELDS = ("phone_number_quality_update", "phone_number_name_update")

_TIERS = {tier.value: tier for tier in MessagingTier}
_NAME_DECISIONS = {
    "APPROVED": NameStatus.APPROVED,
    "REJECTED": NameStatus.DECLINED,
    "PENDING": NameStatus.PENDING_REVIEW,
    "DEFERRED": NameStatus.PENDING_REVIEW,
}
# account_update events that restrict a WABA, and those that lift it.
_RESTRICTING = {"ACCOUNT_RESTRICTION"}
_BAN_STATES = {"DISABLE": True, "SCHEDULE_FOR_DISABLE": False, "REINSTATE": False}


class MalformedNotification(ValueError):
    """A body that is not a ``whatsapp_business_account`` notification; the message says what is wrong."""


def signature_matches(secret: str, body: bytes, header: str) -> bool:
    """``X-Hub-Signature-256`` as Meta sends it: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    if not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix(SIGNATURE_PREFIX).lower())


def parse_notification(body: Any) -> list[PhoneNumberChange]:
    """Every ``entry[].changes[]`` of a notification, in order; raises ``MalformedNotification``."""
    if not isinstance(body, Mapping) or body.get("object") != OBJECT:
        raise MalformedNotification(f"object must be {OBJECT!r}")
    entries = body.get("entry")
    if not isinstance(entries, list):
        raise MalformedNotification("entry must be a list")
    return [change for index, entry in enumerate(entries) for change in _entry(entry, index)]


def _entry(entry: Any, index: int) -> list[PhoneNumberChange]:
    where = f"entry[{index}]"
    if not isinstance(entry, Mapping):
        raise MalformedNotification(f"{where} must be an object")
    waba_id = entry.get("id")
    if not isinstance(waba_id, str) or not waba_id.isdigit():
        raise MalformedNotification(f"{where}.id must be a WhatsApp Business Account id")
    time = entry.get("time", 0)
    if not isinstance(time, int) or isinstance(time, bool):
        raise MalformedNotification(f"{where}.time must be a Unix timestamp")
    changes = entry.get("changes")
    if not isinstance(changes, list):
        raise MalformedNotification(f"{where}.changes must be a list")
    return [_change(change, int(waba_id), time, f"{where}.changes[{n}]") for n, change in enumerate(changes)]


def _change(change: Any, waba_id: int, time: int, where: str) -> PhoneNumberChange:
    if not isinstance(change, Mapping):
        raise MalformedNotification(f"{where} must be an object")
    field, value = change.get("field"), change.get("value")
    if not isinstance(field, str) or not isinstance(value, Mapping):
        raise MalformedNotification(f"{where} needs a field name and a value object")
    return PhoneNumberChange(waba_id=waba_id, number_id=None, field=field, value=value, time=time)


def number_e164(change: PhoneNumberChange) -> str | None:
    """The number a phone-number change is about (``display_phone_number`` is digits, no ``+``)."""
    if change.field not in NUMBER_FIELDS:
        return None
    display = change.value.get("display_phone_number")
    if not isinstance(display, str):
        return None
    digits = display.removeprefix("+")
    return f"+{digits}" if digits.isdigit() else None


def apply_to_number(number: PhoneNumber, change: PhoneNumberChange) -> bool:
    """Apply a phone-number change to our copy; whether anything changed."""
    before = (number.tier, number.throughput, number.state, number.name_status, number.verified_name)
    if change.field == "phone_number_quality_update":
        _quality_update(number, change.value)
    elif change.field == "phone_number_name_update":
        _name_update(number, change.value)
    return before != (number.tier, number.throughput, number.state, number.name_status, number.verified_name)


def _quality_update(number: PhoneNumber, value: Mapping[str, Any]) -> None:
    # Meta is replacing current_limit by max_daily_conversations_per_business (February 2026).
    limit = value.get("max_daily_conversations_per_business") or value.get("current_limit")
    if limit in _TIERS:
        number.tier = _TIERS[limit]
    event = value.get("event")
    if event == "THROUGHPUT_UPGRADE":
        number.throughput = Throughput.HIGH
    if event == "FLAGGED":
        number.state = TRANSITIONS.get((number.state, Event.FLAG), number.state)
    elif event == "UNFLAGGED" and number.state is NumberState.FLAGGED:
        # Only a flag is lifted this way: a restriction or a ban ends by its own decision.
        number.state = TRANSITIONS[(number.state, Event.RESTORE)]


def _name_update(number: PhoneNumber, value: Mapping[str, Any]) -> None:
    status = _NAME_DECISIONS.get(str(value.get("decision")))
    if status is None:
        return
    number.name_status = status
    requested = value.get("requested_verified_name")
    if status is NameStatus.APPROVED and isinstance(requested, str) and requested:
        number.verified_name = requested


def waba_restriction(change: PhoneNumberChange) -> bool | None:
    """What an ``account_update`` says of the WABA's restriction: set, lifted, or nothing (``None``)."""
    if change.field != "account_update":
        return None
    event = change.value.get("event")
    if event in _RESTRICTING:
        return bool(change.value.get("restriction_info", True))
    if event == "DISABLED_UPDATE":
        ban = change.value.get("ban_info")
        state = ban.get("waba_ban_state") if isinstance(ban, Mapping) else None
        return _BAN_STATES.get(str(state))
    return None
