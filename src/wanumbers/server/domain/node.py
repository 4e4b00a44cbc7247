"""How a number presents as Meta's ``WhatsAppBusinessPhoneNumber`` node. Both contracts read numbers
through here, so status, health, throughput and tiers agree wherever they are read."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

from wanumbers.server.domain.health import derive_health
from wanumbers.server.domain.lifecycle import (
    PORTFOLIO_LIMIT,
    NameStatus,
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


_UNIFIED_CERT = {
    NameStatus.APPROVED: "APPROVED",
    NameStatus.AVAILABLE_WITHOUT_REVIEW: "APPROVED",
    NameStatus.PENDING_REVIEW: "NAME_PENDING_REVIEW",
    NameStatus.DECLINED: "NAME_NOT_APPROVED",
    NameStatus.EXPIRED: "NAME_NOT_APPROVED",
    NameStatus.NONE: "ACCOUNT_REVIEW_NOT_STARTED",
}


def _certificate(number: PhoneNumber) -> str | None:
    """Meta issues a base64 certificate once the display name is approved; ours is a stand-in blob
    that is stable per number and name, so clients that store it see it change only on a rename."""
    if _UNIFIED_CERT[number.name_status] != "APPROVED":
        return None
    return base64.b64encode(f"wanumbers:{number.id}:{number.verified_name}".encode()).decode()


def _automation(number: PhoneNumber) -> dict[str, Any]:
    """Graph nests the number's own id in the object (pywa reads it as ``ConversationalAutomation.id``)."""
    automation = number.automation
    return {
        "enable_welcome_message": automation.enable_welcome_message,
        "prompts": list(automation.prompts),
        "commands": [
            {"command_name": c.command_name, "command_description": c.command_description}
            for c in automation.commands
        ],
        "id": str(number.id),
    }


def _visibility(number: PhoneNumber) -> str:
    """Until the owner sets it (``POST /{id}`` ``search_visibility``), a registered number is found."""
    return "VISIBLE" if is_registered(number.state) else "HIDDEN"


def _webhook(number: PhoneNumber) -> dict[str, str]:
    """The number's override (``POST /{id}`` ``webhook_configuration``), else a v1 number's
    ``incoming_url``; the verify token is never read back."""
    return {"override_callback_uri": number.graph.webhook_override_uri or number.routing.incoming_url or ""}


Renderer = Callable[[PhoneNumber, Waba, Account], Any]

FIELDS: dict[str, Renderer] = {
    "id": lambda n, w, a: str(n.id),
    "display_phone_number": lambda n, w, a: (
        n.display or ParsedPhone(n.e164, n.country_code, n.dial_code).display
    ),
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
    "new_name_status": lambda n, w, a: n.graph.new_name_status.value,
    "certificate": lambda n, w, a: _certificate(n),
    "new_certificate": lambda n, w, a: None,
    "is_preverified_number": lambda n, w, a: False,
    "is_on_biz_app": lambda n, w, a: False,
    "search_visibility": lambda n, w, a: n.graph.search_visibility or _visibility(n),
    "eligibility_for_api_business_global_search": lambda n, w, a: (
        "ELIGIBLE" if is_registered(n.state) else "NON_ELIGIBLE_UNDEFINED_COUNTRY"
    ),
    "unified_cert_status": lambda n, w, a: _UNIFIED_CERT[n.name_status],
    "webhook_configuration": lambda n, w, a: _webhook(n),
    "username": lambda n, w, a: n.graph.username,
    "conversational_automation": lambda n, w, a: _automation(n),
}

# Meta's defaults: the node's (OpenAPI ``default_response``) and the WABA edge's, which adds the
# fields the OpenAPI marks required on list items.
NODE_DEFAULT = ("id", "display_phone_number", "verified_name", "quality_rating")
LIST_DEFAULT = (*NODE_DEFAULT, "code_verification_status", "status")

# The fields that read only a number's identity, status and dates, never its profile, routing,
# automation or Graph settings: a read asking for no others maps only those columns of the row
# (a Graph list page, the details read). Tested against a number with none of them at its default.
STATUS_FIELDS = frozenset(FIELDS) - {
    "account_mode",
    "conversational_automation",
    "is_official_business_account",
    "is_pin_enabled",
    "new_name_status",
    "search_visibility",
    "username",
    "webhook_configuration",
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
