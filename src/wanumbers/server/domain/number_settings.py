"""What ``POST /{id}/settings`` keeps and how ``GET /{id}/settings`` reads it back.

Sections live in ``GraphSettings.sections`` as they are read back: ``calling`` (the calling fields
other than SIP), ``sip_servers``, ``user_identity_change``, ``payload_encryption`` and
``storage_configuration``. The SIP state itself stays in the number's ``sip_enabled`` and
``sip_server_configured`` flags, which health derives from.

Case: ``calling`` is read back in Meta's upper case (its call-settings page, pywa);
``payload_encryption`` and ``storage_configuration`` in the OpenAPI file's lower case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wanumbers.server.domain.calling import CallingChange, SipServer
from wanumbers.server.domain.records import PhoneNumber

CALLING_FIELDS = (
    "status",
    "call_icon_visibility",
    "callback_permission_status",
    "call_hours",
    "call_icons",
    "srtp_key_exchange_protocol",
    "audio",
)
DEFAULTS = {"call_icon_visibility": "DEFAULT", "callback_permission_status": "DISABLED"}


def _server(server: SipServer) -> dict[str, Any]:
    kept: dict[str, Any] = {"hostname": server.hostname, "port": server.port}
    if server.request_uri_user_params is not None:
        kept["request_uri_user_params"] = dict(server.request_uri_user_params)
    return kept


def store_calling(sections: dict[str, Any], change: CallingChange) -> None:
    """Keep what the section set; a field it left out keeps its value. ``servers: []`` clears."""
    calling = dict(sections.get("calling") or {})
    for name in CALLING_FIELDS:
        value = getattr(change, name)
        if value is not None:
            calling[name] = value
    if calling:
        sections["calling"] = calling
    if change.sip_servers is not None:
        sections["sip_servers"] = [_server(server) for server in change.sip_servers]


def store_section(sections: dict[str, Any], name: str, section: Mapping[str, Any]) -> None:
    """``user_identity_change``, ``payload_encryption`` or ``storage_configuration``, already checked:
    kept whole (a later write of the section replaces it)."""
    sections[name] = dict(section)


def _sip_servers(number: PhoneNumber, app_id: int) -> list[dict[str, Any]]:
    if not number.sip_server_configured:
        return []
    stored = number.graph.sections.get("sip_servers") or []
    # A server the control plane configured has no host name of its own.
    servers = stored or [{"hostname": "", "port": 5061}]
    return [{"app_id": str(app_id), **server} for server in servers]


def _calling(number: PhoneNumber, app_id: int) -> dict[str, Any]:
    stored = number.graph.sections.get("calling") or {}
    on = "ENABLED" if number.sip_enabled else "DISABLED"
    calling: dict[str, Any] = {"status": stored.get("status", on)}
    for name in CALLING_FIELDS[1:]:
        value = stored.get(name, DEFAULTS.get(name))
        if value is not None:
            calling[name] = value
    calling["sip"] = {"status": on, "servers": _sip_servers(number, app_id)}
    return calling


def _storage(number: PhoneNumber) -> dict[str, Any]:
    stored = number.graph.sections.get("storage_configuration")
    if stored is not None:
        body = {key: value for key, value in stored.items() if value is not None}
        return {**body, "status": str(body["status"]).lower()}
    region = number.graph.data_localization_region
    if region:  # register with data_localization_region turns local storage on
        return {"status": "in_country_storage_enabled", "data_localization_region": region}
    return {"status": "default"}


def _payload_encryption(number: PhoneNumber) -> dict[str, Any]:
    status = (number.graph.sections.get("payload_encryption") or {}).get("status")
    return {"status": str(status).lower() if status else "disabled"}


def render(number: PhoneNumber, app_id: int) -> dict[str, Any]:
    """The body of ``GET /{id}/settings``."""
    body: dict[str, Any] = {
        "calling": _calling(number, app_id),
        "payload_encryption": _payload_encryption(number),
        "storage_configuration": _storage(number),
    }
    identity = number.graph.sections.get("user_identity_change")
    if identity is not None:
        body["user_identity_change"] = dict(identity)
    return body
