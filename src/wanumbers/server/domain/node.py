"""How a number presents as Meta's ``WhatsAppBusinessPhoneNumber`` node. Both contracts read numbers
through here, so status, health, throughput and tiers agree wherever they are read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import (
    PORTFOLIO_LIMIT,
    NumberState,
    Throughput,
    is_code_verified,
    is_registered,
)
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Account, PhoneNumber, Waba

_STATUS = {
    NumberState.UNVERIFIED: "PENDING",
    NumberState.VERIFIED: "PENDING",
    NumberState.CONNECTED: "CONNECTED",
    NumberState.DISCONNECTED: "DISCONNECTED",
    NumberState.FLAGGED: "FLAGGED",
    NumberState.RESTRICTED: "RESTRICTED",
    NumberState.BANNED: "BANNED",
}


def _meta_time(number: PhoneNumber) -> str | None:
    moment = number.last_onboarded_at
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000") if moment else None


def _throughput(number: PhoneNumber) -> dict[str, str]:
    level = number.throughput if is_registered(number.state) else Throughput.NOT_APPLICABLE
    return {"level": level.value}


def _platform(number: PhoneNumber) -> str:
    return "CLOUD_API" if is_registered(number.state) else "NOT_APPLICABLE"


Renderer = Callable[[PhoneNumber, Waba, Account], Any]

FIELDS: dict[str, Renderer] = {
    "id": lambda n, w, a: str(n.id),
    "display_phone_number": lambda n, w, a: ParsedPhone(n.e164, n.country_code, n.dial_code).display,
    "verified_name": lambda n, w, a: n.verified_name,
    "quality_rating": lambda n, w, a: n.quality.value,
    "quality_score": lambda n, w, a: {"score": n.quality.value},
    "code_verification_status": lambda n, w, a: "VERIFIED" if is_code_verified(n.state) else "NOT_VERIFIED",
    "name_status": lambda n, w, a: n.name_status.value,
    "status": lambda n, w, a: _STATUS[n.state],
    "platform_type": lambda n, w, a: _platform(n),
    "host_platform": lambda n, w, a: _platform(n),
    "throughput": lambda n, w, a: _throughput(n),
    "messaging_limit_tier": lambda n, w, a: n.tier.value,
    "whatsapp_business_manager_messaging_limit": lambda n, w, a: PORTFOLIO_LIMIT[n.tier],
    "account_mode": lambda n, w, a: n.account_mode.value,
    "health_status": lambda n, w, a: derive_health(n, w, a),
    "is_official_business_account": lambda n, w, a: n.is_official_business_account,
    "is_pin_enabled": lambda n, w, a: n.pin_digest is not None,
    "last_onboarded_time": lambda n, w, a: _meta_time(n),
    "country_code": lambda n, w, a: n.country_code,
    "country_dial_code": lambda n, w, a: n.dial_code,
}

KALEYRA_DETAILS = (
    "display_phone_number",
    "health_status",
    "id",
    "messaging_limit_tier",
    "name_status",
    "quality_rating",
    "quality_score",
    "status",
    "throughput",
    "verified_name",
)


def project(number: PhoneNumber, waba: Waba, account: Account, names: Iterable[str]) -> dict[str, Any]:
    """The requested fields, in the order asked. Unknown names raise ``KeyError``: callers validate."""
    return {name: FIELDS[name](number, waba, account) for name in names}
