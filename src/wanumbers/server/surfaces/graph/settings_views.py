"""``GET``/``POST /{PHONE_NUMBER_ID}/settings``: calling (SIP), user identity change, payload
encryption and storage configuration, each section checked as Meta documents it.

Only the SIP state is kept today (on/off, a server configured); the other settings are checked and
answer success like Graph, but are not yet stored (docs/graph.md, "Settings").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain import calling as rules
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import configuration
from wanumbers.server.services.configuration import SipChange
from wanumbers.server.surfaces.graph.endpoint import GraphCall
from wanumbers.server.surfaces.graph.lifecycle_views import LOCALIZATION_REGIONS, SUCCESS
from wanumbers.server.surfaces.graph.params import structured
from wanumbers.server.surfaces.http import JSONResponse

STORAGE_STATUSES = ("DEFAULT", "IN_COUNTRY_STORAGE_ENABLED", "NO_STORAGE_ENABLED")


def _invalid(detail: str, name: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(f"Param {name} must be an object", name)
    return value


def _user_identity_change(raw: Any) -> None:
    section = _object(raw, "user_identity_change")
    # Meta's page and pywa send enable_identity_key_check; Meta's OpenAPI file says enabled.
    value = section.get("enable_identity_key_check", section.get("enabled"))
    if not isinstance(value, bool):
        raise _invalid(
            "Param user_identity_change.enable_identity_key_check must be a boolean", "user_identity_change"
        )


def _payload_encryption(raw: Any) -> None:
    section = _object(raw, "payload_encryption")
    status = rules.enum(section.get("status"), rules.STATUSES, "payload_encryption.status")
    key = section.get("client_encryption_key")
    if status == "ENABLED" and (not isinstance(key, str) or not key.strip()):
        raise _invalid(
            "The parameter payload_encryption.client_encryption_key is required", "payload_encryption"
        )


def _storage_configuration(raw: Any) -> None:
    section = _object(raw, "storage_configuration")
    status = rules.enum(section.get("status"), STORAGE_STATUSES, "storage_configuration.status")
    region = section.get("data_localization_region")
    if status == "IN_COUNTRY_STORAGE_ENABLED" and region not in LOCALIZATION_REGIONS:
        raise _invalid(
            "Param storage_configuration.data_localization_region must be one of "
            + ", ".join(LOCALIZATION_REGIONS),
            "storage_configuration",
        )
    minutes = section.get("retention_minutes")
    if status == "NO_STORAGE_ENABLED" and (isinstance(minutes, bool) or not isinstance(minutes, int)):
        raise _invalid(
            "The parameter storage_configuration.retention_minutes is required", "storage_configuration"
        )


_CHECKS: dict[str, Callable[[Any], None]] = {
    "user_identity_change": _user_identity_change,
    "payload_encryption": _payload_encryption,
    "storage_configuration": _storage_configuration,
}
SECTIONS = ("calling", *_CHECKS)
# Parameters every Graph call may carry; anything else is not a setting.
_GRAPH_PARAMS = frozenset({"access_token", "appsecret_proof", "appsecret_time", "fields", "pretty"})


async def update_settings(request: Request, g: GraphCall) -> Response:
    given = {
        name: structured(g.params, name, "object") for name in SECTIONS if g.params.get(name) is not None
    }
    unknown = sorted(set(g.params) - {*SECTIONS, *_GRAPH_PARAMS})
    if unknown:
        raise _invalid(f"Invalid parameter: {unknown[0]} is not a setting of this phone number", unknown[0])
    if not given:
        raise _invalid("One feature setting must be specified", "settings")  # Meta's OpenAPI example
    for name, check in _CHECKS.items():
        if name in given:
            check(given[name])
    if "calling" in given:
        change = rules.parse_calling(given["calling"])
        servers = change.sip_servers
        sip = SipChange(
            enabled=change.sip_enabled, server_configured=None if servers is None else bool(servers)
        )
        await configuration.update_sip(g.rt, g.account, g.object_id, sip)
    return JSONResponse(SUCCESS)


async def get_settings(request: Request, g: GraphCall) -> Response:
    state = await configuration.get_sip(g.rt, g.account, g.object_id)
    number = state.number
    on = "ENABLED" if number.sip_enabled else "DISABLED"
    # Hostnames are not stored yet (issue 14): a configured server is listed by its app only.
    servers = [{"app_id": str(state.app_id)}] if number.sip_server_configured else []
    body = {
        "calling": {
            "status": on,
            "call_icon_visibility": "DEFAULT",
            "callback_permission_status": "DISABLED",
            "sip": {"status": on, "servers": servers},
        },
        "payload_encryption": {"status": "disabled"},
        "storage_configuration": {"status": "default"},
    }
    return JSONResponse(body)
