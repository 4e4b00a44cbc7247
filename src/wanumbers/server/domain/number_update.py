"""``POST /{phone-number-id}``: what a valid request asks for, and how Meta's display-name review
decides a requested name (Meta's Phone Number API reference and its two-step verification, display
name and webhook override pages).

Every parameter is optional and they combine in one request; at least one must be given. Values
arrive as the Graph surface parsed them (text, or an object for the structured ones).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import NameStatus
from wanumbers.server.domain.records import GraphSettings

_PIN = re.compile(r"[0-9]{6}")
_USERNAME = re.compile(r"[a-z0-9._]{3,35}")
MIN_NAME, MAX_NAME = 2, 75  # Meta's limits on a display name (OpenAPI ``new_display_name``)
MAX_VERIFY_TOKEN = 255
VISIBILITY = ("VISIBLE", "HIDDEN")
PARAMETERS = (
    "pin",
    "new_display_name",
    "search_visibility",
    "webhook_configuration",
    "whatsapp_business_api_data",
    "username",
)


@dataclass(frozen=True, slots=True)
class WebhookOverride:
    """``uri`` ``""`` removes the override (pywa's ``delete_phone_callback_url`` sends that)."""

    uri: str
    verify_token: str | None = None


@dataclass(frozen=True, slots=True)
class NodeUpdate:
    """``None`` leaves a setting as it is."""

    pin: str | None = None
    new_display_name: str | None = None
    search_visibility: str | None = None
    webhook: WebhookOverride | None = None
    username: str | None = None


def _invalid(detail: str, name: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _invalid(f"Param {name} must be a string", name)
    return value


def check_pin(value: Any, name: str = "pin") -> str:
    """A two-step verification PIN: exactly six ASCII digits."""
    if not isinstance(value, str) or not _PIN.fullmatch(value):
        raise _invalid(f"Param {name} must be a 6-digit number", name)
    return value


def _display_name(value: Any) -> str:
    raw = _text(value, "new_display_name")
    name = raw.strip()
    if len(name) < MIN_NAME or len(raw) > MAX_NAME:
        raise _invalid(
            f"Param new_display_name must be {MIN_NAME} to {MAX_NAME} characters", "new_display_name"
        )
    return name


def _visibility(value: Any) -> str:
    text = _text(value, "search_visibility").strip().upper()
    if text not in VISIBILITY:
        raise _invalid("Param search_visibility must be one of {VISIBLE, HIDDEN}", "search_visibility")
    return text


def _webhook(value: Any) -> WebhookOverride:
    name = "webhook_configuration"
    if not isinstance(value, Mapping):
        raise _invalid(f"Param {name} must be an object", name)
    if value.get("override_callback_uri") is None:
        raise _invalid(f"The parameter {name}.override_callback_uri is required", name)
    uri = _text(value["override_callback_uri"], f"{name}.override_callback_uri").strip()
    token = value.get("verify_token")
    if token is not None:
        _text(token, f"{name}.verify_token")
        if len(token) > MAX_VERIFY_TOKEN:
            raise _invalid(f"Param {name}.verify_token must be at most {MAX_VERIFY_TOKEN} characters", name)
    if not uri:
        return WebhookOverride("")
    if not token:
        raise _invalid(f"The parameter {name}.verify_token is required", name)
    return WebhookOverride(uri, token)


def _username(value: Any) -> str:
    text = _text(value, "username")
    if not _USERNAME.fullmatch(text):
        raise _invalid(
            "Param username must be 3 to 35 characters of a-z, 0-9, period and underscore", "username"
        )
    return text


def _api_data_pin(value: Any) -> str | None:
    """``whatsapp_business_api_data.pin`` (the OpenAPI file's nesting); its notification flags are
    booleans that the emulator accepts and does not act on."""
    name = "whatsapp_business_api_data"
    if not isinstance(value, Mapping):
        raise _invalid(f"Param {name} must be an object", name)
    for flag in ("show_security_notifications", "notify_user_change_number"):
        if value.get(flag) is not None and not isinstance(value[flag], bool):
            raise _invalid(f"Param {name}.{flag} must be a boolean", name)
    pin = value.get("pin")
    return None if pin is None else check_pin(pin, f"{name}.pin")


def parse_update(given: Mapping[str, Any]) -> NodeUpdate:
    """``given`` maps the names of ``PARAMETERS`` that were sent to their values."""
    sent = {name: value for name, value in given.items() if name in PARAMETERS and value is not None}
    if not sent:
        listed = ", ".join(PARAMETERS)
        raise _invalid(f"One of the parameters {listed} must be specified", "pin")
    pin = None if "pin" not in sent else check_pin(sent["pin"])
    nested = (
        None
        if "whatsapp_business_api_data" not in sent
        else _api_data_pin(sent["whatsapp_business_api_data"])
    )
    if pin is not None and nested is not None and pin != nested:
        raise _invalid("Param pin and whatsapp_business_api_data.pin differ", "pin")
    return NodeUpdate(
        pin=pin or nested,
        new_display_name=None if "new_display_name" not in sent else _display_name(sent["new_display_name"]),
        search_visibility=None if "search_visibility" not in sent else _visibility(sent["search_visibility"]),
        webhook=None if "webhook_configuration" not in sent else _webhook(sent["webhook_configuration"]),
        username=None if "username" not in sent else _username(sent["username"]),
    )


def request_rename(graph: GraphSettings, name: str) -> None:
    """A display-name change goes to Meta's review; a later request replaces a pending one."""
    graph.new_verified_name = name
    graph.new_name_status = NameStatus.PENDING_REVIEW


def pending_rename(graph: GraphSettings) -> bool:
    return graph.new_name_status is NameStatus.PENDING_REVIEW and graph.new_verified_name is not None


def decide_rename(graph: GraphSettings, decision: NameStatus) -> str | None:
    """Meta's review of a pending name: returns the name the number now carries (approved), or
    ``None`` (declined: the number keeps its name). The request is then no longer pending."""
    name = graph.new_verified_name
    graph.new_verified_name = None
    graph.new_name_status = decision
    return name if decision is NameStatus.APPROVED else None


def apply(graph: GraphSettings, update: NodeUpdate) -> None:
    """Everything but the PIN, which the caller digests (it is never kept in clear)."""
    if update.new_display_name is not None:
        request_rename(graph, update.new_display_name)
    if update.search_visibility is not None:
        graph.search_visibility = update.search_visibility
    if update.webhook is not None:
        graph.webhook_override_uri = update.webhook.uri or None
        graph.webhook_verify_token = update.webhook.verify_token
    if update.username is not None:
        graph.username = update.username
