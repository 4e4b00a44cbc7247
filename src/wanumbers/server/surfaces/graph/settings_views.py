"""``GET``/``POST /{PHONE_NUMBER_ID}/settings``: calling (SIP), user identity change, payload
encryption and storage configuration, each section checked as Meta documents it.

Every section is checked, then kept (``domain/number_settings.py``) and read back by ``GET``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain import calling as rules
from wanumbers.server.domain import number_settings
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import configuration
from wanumbers.server.surfaces.graph.endpoint import GraphCall
from wanumbers.server.surfaces.graph.lifecycle_views import LOCALIZATION_REGIONS, SUCCESS
from wanumbers.server.surfaces.graph.params import GRAPH_PARAMS, structured
from wanumbers.server.surfaces.http import JSONResponse

STORAGE_STATUSES = ("DEFAULT", "IN_COUNTRY_STORAGE_ENABLED", "NO_STORAGE_ENABLED")


def _invalid(detail: str, name: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(f"Param {name} must be an object", name)
    return value


def _user_identity_change(raw: Any) -> dict[str, Any]:
    section = _object(raw, "user_identity_change")
    # Meta's page and pywa send enable_identity_key_check; Meta's OpenAPI file says enabled.
    value = section.get("enable_identity_key_check", section.get("enabled"))
    if not isinstance(value, bool):
        raise _invalid(
            "Param user_identity_change.enable_identity_key_check must be a boolean", "user_identity_change"
        )
    return {"enable_identity_key_check": value}


def _payload_encryption(raw: Any) -> dict[str, Any]:
    section = _object(raw, "payload_encryption")
    status = rules.enum(section.get("status"), rules.STATUSES, "payload_encryption.status")
    key = section.get("client_encryption_key")
    if status == "ENABLED" and (not isinstance(key, str) or not key.strip()):
        raise _invalid(
            "The parameter payload_encryption.client_encryption_key is required", "payload_encryption"
        )
    return {"status": status, "client_encryption_key": key} if status == "ENABLED" else {"status": status}


def _storage_configuration(raw: Any) -> dict[str, Any]:
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
    kept: dict[str, Any] = {"status": status}
    if status == "IN_COUNTRY_STORAGE_ENABLED":
        kept["data_localization_region"] = region
    if status == "NO_STORAGE_ENABLED":
        kept["retention_minutes"] = minutes
    return kept


_CHECKS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "user_identity_change": _user_identity_change,
    "payload_encryption": _payload_encryption,
    "storage_configuration": _storage_configuration,
}
SECTIONS = ("calling", *_CHECKS)


async def update_settings(request: Request, g: GraphCall) -> Response:
    given = {
        name: structured(g.params, name, "object") for name in SECTIONS if g.params.get(name) is not None
    }
    unknown = sorted(set(g.params) - {*SECTIONS, *GRAPH_PARAMS})
    if unknown:
        raise _invalid(f"Invalid parameter: {unknown[0]} is not a setting of this phone number", unknown[0])
    if not given:
        raise _invalid("One feature setting must be specified", "settings")  # Meta's OpenAPI example
    sections = {name: check(given[name]) for name, check in _CHECKS.items() if name in given}
    calling = rules.parse_calling(given["calling"]) if "calling" in given else None
    await configuration.update_settings(g.rt, g.account, g.object_id, calling, sections)
    return JSONResponse(SUCCESS)


async def get_settings(request: Request, g: GraphCall) -> Response:
    state = await configuration.get_sip(g.rt, g.account, g.object_id)
    return JSONResponse(number_settings.render(state.number, state.app_id))
