"""Meta's ``whatsapp_business_account`` webhooks: which state change Meta reports, in which payload.

Pure rules, no I/O. ``number_changes`` turns a number's state before and after one change into the
``PhoneNumberChange`` items Meta sends for it; ``waba_restriction`` does the same for an account-level
restriction; ``envelope`` and ``signature`` render and sign a delivery as Meta does. Payload shapes
follow Meta's webhook reference pages (fixtures in tests/fixtures/webhooks/meta/, docs/events.md).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import (
    PORTFOLIO_LIMIT,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.outbound import PhoneNumberChange
from wanumbers.server.domain.records import PhoneNumber

OBJECT = "whatsapp_business_account"
NAME_UPDATE = "phone_number_name_update"
QUALITY_UPDATE = "phone_number_quality_update"
ACCOUNT_UPDATE = "account_update"
FIELDS = (ACCOUNT_UPDATE, NAME_UPDATE, QUALITY_UPDATE)  # the fields this emulator emits
SIGNATURE_HEADER = "X-Hub-Signature-256"

# Meta: a WABA restriction lists what the business may no longer do, each with its expiry.
WABA_RESTRICTIONS = ("RESTRICTED_ADD_PHONE_NUMBER_ACTION", "RESTRICTED_BIZ_INITIATED_MESSAGING")
NUMBER_RESTRICTIONS = ("RESTRICTED_BIZ_INITIATED_MESSAGING",)
RESTRICTION_LENGTH = timedelta(days=30)
REJECTION_REASON = "NAME_FORMAT_UNACCEPTABLE"  # the control plane's decline names no reason of its own
_TIER_ORDER = tuple(MessagingTier)


@dataclass(frozen=True, slots=True)
class NumberFacts:
    """What the payloads read of a number: the state before or after one change."""

    state: NumberState
    name_status: NameStatus
    quality: Quality
    tier: MessagingTier
    throughput: Throughput
    verified_name: str


def facts_of(number: PhoneNumber) -> NumberFacts:
    return NumberFacts(
        state=number.state,
        name_status=number.name_status,
        quality=number.quality,
        tier=number.tier,
        throughput=number.throughput,
        verified_name=number.verified_name,
    )


def changes_of(before: NumberFacts, number: PhoneNumber, now: datetime) -> list[PhoneNumberChange]:
    """``number_changes`` for a number record as it is now."""
    return number_changes(
        before, facts_of(number), waba_id=number.waba_id, number_id=number.id, e164=number.e164, now=now
    )


def display_number(e164: str) -> str:
    """``display_phone_number`` as Meta's webhooks print it: the digits, no ``+``."""
    return "".join(ch for ch in e164 if ch.isdigit())


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def name_update(display: str, decision: NameStatus, requested_name: str) -> dict[str, Any]:
    approved = decision is NameStatus.APPROVED
    return {
        "display_phone_number": display,
        "decision": "APPROVED" if approved else "REJECTED",
        "requested_verified_name": requested_name,
        "rejection_reason": None if approved else REJECTION_REASON,
    }


def quality_update(
    display: str, event: str, tier: MessagingTier, old_tier: MessagingTier | None = None
) -> dict[str, Any]:
    """``old_limit`` only for messaging-limit changes (UPGRADE, DOWNGRADE), as Meta's syntax says."""
    value: dict[str, Any] = {"display_phone_number": display, "event": event}
    if old_tier is not None:
        value["old_limit"] = old_tier.value
    value["current_limit"] = tier.value
    value["max_daily_conversations_per_business"] = PORTFOLIO_LIMIT[tier]
    return value


def restriction(types: Sequence[str], expires: datetime) -> dict[str, Any]:
    return {
        "event": "ACCOUNT_RESTRICTION",
        "restriction_info": [{"restriction_type": kind, "expiration": unix(expires)} for kind in types],
    }


def ban(state: str, at: datetime) -> dict[str, Any]:
    """``DISABLED_UPDATE``: ``DISABLE`` on a ban, ``REINSTATE`` when it is lifted (date as Meta prints it)."""
    utc = at.astimezone(UTC)
    date = f"{utc:%B} {utc.day}, {utc.year}"
    return {"event": "DISABLED_UPDATE", "ban_info": {"waba_ban_state": state, "waba_ban_date": date}}


def number_changes(
    before: NumberFacts, after: NumberFacts, *, waba_id: int, number_id: int, e164: str, now: datetime
) -> list[PhoneNumberChange]:
    """Every change Meta reports when one number goes from ``before`` to ``after``, in the order Meta
    would send them (name, then quality/limits, then account-level enforcement)."""
    display = display_number(e164)
    values: list[tuple[str, dict[str, Any]]] = []
    if after.name_status != before.name_status and after.name_status in (
        NameStatus.APPROVED,
        NameStatus.DECLINED,
    ):
        values.append((NAME_UPDATE, name_update(display, after.name_status, after.verified_name)))
    values += [(QUALITY_UPDATE, value) for value in _quality_values(before, after, display)]
    values += [(ACCOUNT_UPDATE, value) for value in _enforcement_values(before, after, now)]
    return [
        PhoneNumberChange(waba_id=waba_id, number_id=number_id, field=field, value=value, time=unix(now))
        for field, value in values
    ]


def _quality_values(before: NumberFacts, after: NumberFacts, display: str) -> list[dict[str, Any]]:
    values = []
    first_registration = before.state is NumberState.VERIFIED and after.state is NumberState.CONNECTED
    if first_registration:
        values.append(quality_update(display, "ONBOARDING", after.tier))
    if _flagged(after) and not _flagged(before):
        values.append(quality_update(display, "FLAGGED", after.tier))
    if _flagged(before) and not _flagged(after) and after.state is not NumberState.BANNED:
        values.append(quality_update(display, "UNFLAGGED", after.tier))
    if after.tier != before.tier:
        upward = _TIER_ORDER.index(after.tier) > _TIER_ORDER.index(before.tier)
        event = "UPGRADE" if upward else "DOWNGRADE"
        values.append(quality_update(display, event, after.tier, before.tier))
    if before.throughput is not Throughput.HIGH and after.throughput is Throughput.HIGH:
        values.append(quality_update(display, "THROUGHPUT_UPGRADE", MessagingTier.TIER_UNLIMITED))
    return values


def _flagged(facts: NumberFacts) -> bool:
    """Meta flags a number whose quality is low; the enforcement ``flag`` does it directly."""
    return facts.state is NumberState.FLAGGED or facts.quality is Quality.RED


def _enforcement_values(before: NumberFacts, after: NumberFacts, now: datetime) -> list[dict[str, Any]]:
    if after.state is before.state:
        return []
    if after.state is NumberState.RESTRICTED:
        return [restriction(NUMBER_RESTRICTIONS, now + RESTRICTION_LENGTH)]
    if after.state is NumberState.BANNED:
        return [ban("DISABLE", now)]
    if before.state is NumberState.BANNED:
        return [ban("REINSTATE", now)]
    return []


def waba_restriction(waba_id: int, restricted: bool, now: datetime) -> list[PhoneNumberChange]:
    """A WABA (or its business) restricted: ``ACCOUNT_RESTRICTION``. Meta documents no event for a
    restriction that is lifted early, so lifting one emits nothing."""
    if not restricted:
        return []
    value = restriction(WABA_RESTRICTIONS, now + RESTRICTION_LENGTH)
    return [
        PhoneNumberChange(waba_id=waba_id, number_id=None, field=ACCOUNT_UPDATE, value=value, time=unix(now))
    ]


def envelope(changes: Sequence[PhoneNumberChange]) -> dict[str, Any]:
    """One POST: Meta's envelope around changes of one WABA (one ``entry``, changes in order)."""
    assert changes, "an envelope carries at least one change"
    waba_ids = {change.waba_id for change in changes}
    assert len(waba_ids) == 1, "one entry per WABA"
    entry = {
        "id": str(changes[0].waba_id),
        "time": max(change.time for change in changes),
        "changes": [{"value": dict(change.value), "field": change.field} for change in changes],
    }
    return {"object": OBJECT, "entry": [entry]}


def signature(secret: str, body: bytes) -> str:
    """``X-Hub-Signature-256``: ``sha256=`` + hex HMAC-SHA256 of the raw body, keyed by the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wanted(fields: Sequence[str], field: str) -> bool:
    """An app subscribed to ``fields`` wants ``field``."""
    return field in fields


def subscription_fields(raw: object) -> list[str]:
    """``fields`` of ``POST /{app-id}/subscriptions``: a comma list or a JSON list, each one Meta knows."""
    items = raw.split(",") if isinstance(raw, str) else raw
    names = [str(item).strip() for item in items] if isinstance(items, list) else []
    names = [name for name in names if name]
    if not names:
        raise DomainError(Reason.INVALID_PARAMETER, "fields must name at least one field", field="fields")
    unknown = [name for name in names if name not in KNOWN_FIELDS]
    if unknown:
        raise DomainError(Reason.INVALID_PARAMETER, f"unknown webhook field {unknown[0]!r}", field="fields")
    return list(dict.fromkeys(names))


# Fields of Meta's whatsapp_business_account object an app may subscribe to (it emits only FIELDS).
KNOWN_FIELDS = frozenset(
    {
        *FIELDS,
        "account_alerts",
        "account_review_update",
        "business_capability_update",
        "message_template_components_update",
        "message_template_quality_update",
        "message_template_status_update",
        "messages",
        "security",
        "template_category_update",
        "calls",
        "flows",
        "history",
        "smb_app_state_sync",
        "smb_message_echoes",
        "user_preferences",
    }
)


def challenge_echoed(challenge: str, answer: bytes) -> bool:
    """Meta's handshake passes only when the callback answers the challenge, and nothing else."""
    return answer.strip() == challenge.encode()
