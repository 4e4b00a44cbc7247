"""Graph per-number configuration: conversational automation, throughput, profile, settings.

References:
https://developers.facebook.com/docs/whatsapp/cloud-api/phone-numbers/conversational-components
https://developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles
https://developers.facebook.com/docs/whatsapp/cloud-api/calling/call-settings
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from .._base import Call, join_path
from ..types.business_profile import BusinessProfile
from ..types.conversational_automation import Command, ConversationalAutomation
from ..types.settings import PhoneNumberSettings
from ..types.success import SuccessResponse
from ..types.throughput_info import ThroughputInfo
from .phone_numbers import parse_success

__all__ = [
    "get_business_profile",
    "get_conversational_automation",
    "get_settings",
    "get_throughput",
    "set_conversational_automation",
    "update_business_profile",
    "update_settings",
]

_PROFILE_FIELDS = "about,address,description,email,profile_picture_url,websites,vertical"


def _plain(value: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """Request bodies accept our models or plain mappings."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    return dict(value)


def _automation(body: Any) -> ConversationalAutomation:
    node = body.get("conversational_automation") if isinstance(body, dict) else None
    return ConversationalAutomation.model_validate(node or {})


def _throughput(body: Any) -> ThroughputInfo:
    if not isinstance(body, dict):
        raise ValueError("expected a phone number node")
    throughput = body.get("throughput") or {}
    return ThroughputInfo(
        level=throughput.get("level", "UNKNOWN"),
        messaging_limit_tier=body.get("messaging_limit_tier"),
    )


def _profile(body: Any) -> BusinessProfile:
    items = body.get("data") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ValueError("expected {'data': [profile]}")
    return BusinessProfile.model_validate(items[0])


def set_conversational_automation(
    version: str,
    phone_id: str,
    enable_welcome_message: bool | None,
    prompts: Sequence[str] | None,
    commands: Sequence[Command | Mapping[str, str]] | None,
) -> Call[SuccessResponse]:
    # Only the parts given are sent, so disabling the welcome message keeps prompts and commands.
    body: dict[str, Any] = {}
    if enable_welcome_message is not None:
        body["enable_welcome_message"] = enable_welcome_message
    if prompts is not None:
        body["prompts"] = list(prompts)
    if commands is not None:
        body["commands"] = [_plain(command) for command in commands]
    path = join_path(version, phone_id, "conversational_automation")
    return Call("POST", path, parse_success, json=body)


def get_conversational_automation(version: str, phone_id: str) -> Call[ConversationalAutomation]:
    params = {"fields": "conversational_automation"}
    return Call("GET", join_path(version, phone_id), _automation, params)


def get_throughput(version: str, phone_id: str) -> Call[ThroughputInfo]:
    # One call for both: seed 004's "throughput" mixes the level with the messaging tier.
    params = {"fields": "throughput,messaging_limit_tier"}
    return Call("GET", join_path(version, phone_id), _throughput, params)


def get_business_profile(version: str, phone_id: str) -> Call[BusinessProfile]:
    params = {"fields": _PROFILE_FIELDS}
    return Call("GET", join_path(version, phone_id, "whatsapp_business_profile"), _profile, params)


def update_business_profile(version: str, phone_id: str, fields: Mapping[str, Any]) -> Call[SuccessResponse]:
    body = {"messaging_product": "whatsapp"}
    body.update({key: value for key, value in fields.items() if value is not None})
    path = join_path(version, phone_id, "whatsapp_business_profile")
    return Call("POST", path, parse_success, json=body)


def get_settings(version: str, phone_id: str, include_sip_credentials: bool) -> Call[PhoneNumberSettings]:
    params = {"include_sip_credentials": "true"} if include_sip_credentials else None
    path = join_path(version, phone_id, "settings")
    return Call("GET", path, PhoneNumberSettings.model_validate, params)


def update_settings(
    version: str, phone_id: str, sections: Mapping[str, BaseModel | Mapping[str, Any] | None]
) -> Call[SuccessResponse]:
    body = {name: _plain(value) for name, value in sections.items() if value is not None}
    return Call("POST", join_path(version, phone_id, "settings"), parse_success, json=body)
