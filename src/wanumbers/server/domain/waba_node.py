"""How a WABA presents as Meta's ``WhatsAppBusinessAccount`` node (``GET /{waba-id}``).

The store keeps a WABA's id, owner and restriction; what Meta keeps beyond that (currency, time
zone, template namespace, review and verification) is rendered as an account Meta approved and
verified, stable per WABA. A field with no value is left out, as Graph leaves it out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from wanumbers.server.domain.health import derive_waba_health
from wanumbers.server.domain.records import Account, Waba

NODE_TYPE = "WhatsAppBusinessAccount"
CURRENCY = "USD"
TIMEZONE_ID = "1"  # Meta's timezone-id enum; 1 is the OpenAPI file's example
_NAMESPACE = uuid.UUID("6f0c8d2e-5a51-4d38-9d3b-0b3f6a0e7a11")


def template_namespace(waba: Waba) -> str:
    """Meta's namespace format (a UUID with underscores), stable per WABA."""
    return str(uuid.uuid5(_NAMESPACE, str(waba.id))).replace("-", "_")


Renderer = Callable[[Waba, Account], Any]

FIELDS: dict[str, Renderer] = {
    "id": lambda w, a: str(w.id),
    "name": lambda w, a: a.name,
    "currency": lambda w, a: CURRENCY,
    "timezone_id": lambda w, a: TIMEZONE_ID,
    "message_template_namespace": lambda w, a: template_namespace(w),
    "account_review_status": lambda w, a: "APPROVED",
    "business_verification_status": lambda w, a: "VERIFIED",
    "status": lambda w, a: "ACTIVE",
    "ownership_type": lambda w, a: "SELF_OWNED",
    "owner_business_info": lambda w, a: {"id": str(a.business_id), "name": a.name},
    "health_status": lambda w, a: derive_waba_health(w, a),
    "is_enabled_for_insights": lambda w, a: False,
    "marketing_messages_lite_api_status": lambda w, a: "INELIGIBLE",
    "disable_marketing_messages_on_cloud_api": lambda w, a: False,
    "subscribed_apps": lambda w, a: {"data": []},
    # Meta leaves these out when they do not apply: no on-behalf-of owner, no onboarding started, no
    # country on the owning business.
    "on_behalf_of_business_info": lambda w, a: None,
    "marketing_messages_onboarding_status": lambda w, a: None,
    "country": lambda w, a: None,
    "primary_business_location": lambda w, a: None,
    "purchase_order_number": lambda w, a: None,
}

# What Graph answers without ``fields`` (Meta's reference example).
DEFAULT = ("id", "name", "timezone_id", "message_template_namespace")


def project(waba: Waba, account: Account, names: Iterable[str]) -> dict[str, Any]:
    """The requested fields that have a value, in the order asked. Unknown names raise ``KeyError``:
    callers validate."""
    values = ((name, FIELDS[name](waba, account)) for name in names)
    return {name: value for name, value in values if value is not None}
