"""JSON shapes of the control plane, shared by ``/sim/…`` and ``wanumbers sim … --json`` so the two
always print the same thing."""

from __future__ import annotations

from typing import Any

from wanumbers.server.domain.control import Fault
from wanumbers.server.domain.node import project
from wanumbers.server.domain.records import Account, Delivery, Waba
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.sim import ClockView, ResetReport
from wanumbers.server.storage.repositories.events import DeliveryRecord, StoredEvent

# What both contracts will read, rendered by the same code they use (domain.node).
NODE_FIELDS = (
    "id",
    "display_phone_number",
    "verified_name",
    "status",
    "name_status",
    "quality_rating",
    "quality_score",
    "messaging_limit_tier",
    "whatsapp_business_manager_messaging_limit",
    "throughput",
    "account_mode",
    "health_status",
)


def number(view: NumberView) -> dict[str, Any]:
    n = view.number
    return {
        **project(n, view.waba, view.account, NODE_FIELDS),
        "phone_number": n.e164,
        "waba_id": str(view.waba.id),
        "sid": view.account.sid,
        "state": n.state.value,
        "sip_enabled": n.sip_enabled,
        "sip_server_configured": n.sip_server_configured,
        "waba_restricted": view.waba.restricted,
        "business_restricted": view.account.business_restricted,
    }


def waba(item: Waba) -> dict[str, Any]:
    return {"waba_id": str(item.id), "restricted": item.restricted}


def business(account: Account) -> dict[str, Any]:
    return {
        "sid": account.sid,
        "business_id": str(account.business_id),
        "business_restricted": account.business_restricted,
    }


def delivery(item: Delivery) -> dict[str, Any]:
    return {
        "to": item.to,
        "channel": item.channel,
        "code": item.code,
        "language": item.language,
        "sent_at": item.sent_at.isoformat(),
    }


def clock(view: ClockView) -> dict[str, Any]:
    return {"offset_seconds": view.offset_seconds, "now": view.now.isoformat()}


def fault(item: Fault) -> dict[str, Any]:
    return {
        "id": item.id,
        "route": item.route,
        "mode": item.mode,
        "remaining": item.remaining,
        "delay_ms": item.delay_ms,
        "created_at": item.created_at.isoformat(),
    }


def faults(items: list[Fault]) -> dict[str, Any]:
    return {"faults": [fault(item) for item in items]}


def reset(report: ResetReport, sid: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"numbers_deleted": report.numbers_deleted}
    if sid is None:
        body.update(faults_cleared=report.faults_cleared, clock_offset_seconds=0)
    else:
        body["sid"] = sid
    return body


def event_delivery(item: DeliveryRecord) -> dict[str, Any]:
    """A webhook delivery, as ``/sim/events`` and ``wanumbers events list --json`` show it."""
    return {
        "id": item.id,
        "event_id": item.event_id,
        "producer": item.producer,
        "field": item.change.field,
        "waba_id": str(item.change.waba_id),
        "phone_number_id": None if item.change.number_id is None else str(item.change.number_id),
        "url": item.request.url,
        "status": item.status.value,
        "attempts": item.attempts,
        "next_attempt_at": item.next_attempt_at.isoformat(),
        "delivered_at": None if item.delivered_at is None else item.delivered_at.isoformat(),
        "last_status": item.last_status,
        "last_error": item.last_error,
    }


def event(item: StoredEvent) -> dict[str, Any]:
    """An event as Meta's envelope carries it (``entry[].changes[]``), with its id."""
    change = item.change
    return {
        "id": item.id,
        "waba_id": str(change.waba_id),
        "phone_number_id": None if change.number_id is None else str(change.number_id),
        "time": change.time,
        "field": change.field,
        "value": dict(change.value),
    }
