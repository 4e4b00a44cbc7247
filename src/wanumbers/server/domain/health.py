"""``health_status`` is derived from state on every read, never stored, so it cannot drift.

The rules: an entity is BLOCKED when something stops it sending (then ``errors`` explain), LIMITED when
something throttles it (then ``additional_info`` explains), else AVAILABLE; the overall status is the worst
entity's. SIP reachability is reported on the phone number (SIP enabled?) and the app (SIP server set?).
"""

from __future__ import annotations

from typing import Any

from wanumbers.server.domain.lifecycle import NameStatus, NumberState, Quality, is_registered
from wanumbers.server.domain.records import Account, PhoneNumber, Waba

AVAILABLE, LIMITED, BLOCKED = "AVAILABLE", "LIMITED", "BLOCKED"
_SEVERITY = {AVAILABLE: 0, LIMITED: 1, BLOCKED: 2}

NAME_NOT_APPROVED = (
    "Your display name has not been approved yet. "
    "Your message limit will increase after the display name is approved."
)
LOW_QUALITY = (
    "Your phone number's quality rating is low. "
    "Your message limit will not increase until the quality rating improves."
)
RESTRICTED_INFO = (
    "Your phone number has been restricted from initiating conversations "
    "because of policy violations. You can still reply to customers."
)


def _error(code: int, description: str, solution: str) -> dict[str, Any]:
    return {"error_code": code, "error_description": description, "possible_solution": solution}


SIP_NOT_ENABLED = _error(
    138024,
    "WhatsApp Business calling cannot use SIP because it is not enabled",
    "Configure SIP using {PHONE_NUMBER_ID}/settings API",
)
SIP_SERVER_MISSING = _error(
    138025,
    "This app cannot use SIP for WhatsApp Business calling because it has not configured a SIP server "
    "for this business phone number",
    "Configure SIP server using {PHONE_NUMBER_ID}/settings API",
)
NOT_REGISTERED = _error(
    133010,
    "Phone number not registered on the WhatsApp Business Platform",
    "Register the phone number using {PHONE_NUMBER_ID}/register API",
)
NUMBER_BANNED = _error(
    131031,
    "The phone number has been banned for violating WhatsApp Business policies",
    "Request a review of the decision in WhatsApp Manager",
)
WABA_LOCKED = _error(
    131031,
    "The WhatsApp Business Account has been restricted or disabled for violating a platform policy",
    "Request a review of the decision in WhatsApp Manager",
)
BUSINESS_BLOCKED = _error(
    368,
    "The business has been temporarily blocked for policy violations",
    "Review the WhatsApp Business Messaging Policy and request a review in Business Support Home",
)


def _entity(kind: str, entity_id: int, status: str, **extra: Any) -> dict[str, Any]:
    """Keys in alphabetical order, as Meta and the seeds print them; empty extras are left out."""
    entity: dict[str, Any] = {}
    if extra.get("additional_info"):
        entity["additional_info"] = extra["additional_info"]
    if extra.get("can_receive_call_sip"):
        entity["can_receive_call_sip"] = extra["can_receive_call_sip"]
    entity["can_send_message"] = status
    entity["entity_type"] = kind
    if extra.get("errors"):
        entity["errors"] = extra["errors"]
    entity["id"] = str(entity_id)
    return entity


def _phone_entity(number: PhoneNumber) -> dict[str, Any]:
    errors: list[dict[str, Any]] = []
    info: list[str] = []
    if number.state is NumberState.BANNED:
        errors.append(NUMBER_BANNED)
    elif not is_registered(number.state):
        errors.append(NOT_REGISTERED)
    if number.state is NumberState.RESTRICTED:
        info.append(RESTRICTED_INFO)
    if number.name_status not in (NameStatus.APPROVED, NameStatus.AVAILABLE_WITHOUT_REVIEW):
        info.append(NAME_NOT_APPROVED)
    if number.state is NumberState.FLAGGED or number.quality is Quality.RED:
        info.append(LOW_QUALITY)
    status = BLOCKED if errors else LIMITED if info else AVAILABLE
    sip = AVAILABLE if number.sip_enabled else BLOCKED
    if not number.sip_enabled:
        errors.append(SIP_NOT_ENABLED)
    return _entity(
        "PHONE_NUMBER",
        number.id,
        status,
        additional_info=info,
        can_receive_call_sip=sip,
        errors=errors,
    )


def _waba_entities(waba: Waba, account: Account) -> list[dict[str, Any]]:
    return [
        _entity(
            "WABA",
            waba.id,
            BLOCKED if waba.restricted else AVAILABLE,
            errors=[WABA_LOCKED] if waba.restricted else [],
        ),
        _entity(
            "BUSINESS",
            account.business_id,
            BLOCKED if account.business_restricted else AVAILABLE,
            errors=[BUSINESS_BLOCKED] if account.business_restricted else [],
        ),
    ]


def _overall(entities: list[dict[str, Any]]) -> dict[str, Any]:
    overall = max((entity["can_send_message"] for entity in entities), key=_SEVERITY.__getitem__)
    return {"can_send_message": overall, "entities": entities}


def derive_waba_health(waba: Waba, account: Account) -> dict[str, Any]:
    """The WABA node's ``health_status``: the WABA and its business."""
    return _overall(_waba_entities(waba, account))


def derive_health(number: PhoneNumber, waba: Waba, account: Account) -> dict[str, Any]:
    app_sip = AVAILABLE if number.sip_server_configured else BLOCKED
    entities = [
        _phone_entity(number),
        *_waba_entities(waba, account),
        _entity(
            "APP",
            account.app_id,
            AVAILABLE,
            can_receive_call_sip=app_sip,
            errors=[] if number.sip_server_configured else [SIP_SERVER_MISSING],
        ),
    ]
    return _overall(entities)
