"""JSON shapes of the control plane, shared by ``/sim/…`` and ``wanumbers sim … --json`` so the two
always print the same thing."""

from __future__ import annotations

from typing import Any

from wanumbers.server.domain.control import Fault
from wanumbers.server.domain.node import project
from wanumbers.server.domain.records import Account, Delivery, Waba
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.services.sim import ClockView, ResetReport

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
