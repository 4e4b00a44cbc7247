"""Per-number configuration: conversational automation and business profile (settings: settings_views)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain import business_profile
from wanumbers.server.domain.automation import AutomationChange
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Command
from wanumbers.server.services import configuration
from wanumbers.server.surfaces.graph import fields
from wanumbers.server.surfaces.graph.endpoint import GraphCall
from wanumbers.server.surfaces.graph.lifecycle_views import SUCCESS
from wanumbers.server.surfaces.graph.params import flag, structured, text
from wanumbers.server.surfaces.http import JSONResponse

PROFILE_NODE = "WhatsAppBusinessProfile"


def _invalid(detail: str, name: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


def _prompts(raw: Any) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise _invalid("Param prompts must be an array of strings", "prompts")
    return raw


def _commands(raw: Any) -> list[Command] | None:
    if raw is None:
        return None
    shape = "Param commands must be an array of {command_name, command_description}"
    if not isinstance(raw, list):
        raise _invalid(shape, "commands")
    commands = []
    for item in raw:
        if not isinstance(item, dict):
            raise _invalid(shape, "commands")
        name, description = item.get("command_name"), item.get("command_description")
        if not isinstance(name, str) or not isinstance(description, str):
            raise _invalid(shape, "commands")
        commands.append(Command(name.strip(), description.strip()))
    return commands


async def set_automation(request: Request, g: GraphCall) -> Response:
    change = AutomationChange(
        enable_welcome_message=flag(g.params, "enable_welcome_message"),
        prompts=_prompts(structured(g.params, "prompts")),
        commands=_commands(structured(g.params, "commands")),
    )
    await configuration.set_automation(g.rt, g.account, g.object_id, change)
    return JSONResponse(SUCCESS)


async def get_profile(request: Request, g: GraphCall) -> Response:
    profile = await configuration.get_profile(g.rt, g.account, g.object_id)
    known = (*business_profile.FIELDS, "messaging_product")
    specs = fields.parse(text(g.params, "fields"), business_profile.FIELDS, known, PROFILE_NODE)
    names = tuple(spec.name for spec in specs if spec.name != "messaging_product")
    return JSONResponse({"data": [business_profile.render(profile, names)]})


async def update_profile(request: Request, g: GraphCall) -> Response:
    if text(g.params, "messaging_product", required=True) != "whatsapp":
        raise _invalid("Param messaging_product must be whatsapp", "messaging_product")
    given = {name: g.params[name] for name in business_profile.WRITABLE if name in g.params}
    if "websites" in given and isinstance(given["websites"], str) and given["websites"]:
        given["websites"] = structured(g.params, "websites")
    await configuration.update_profile(g.rt, g.account, g.object_id, given)
    return JSONResponse(SUCCESS)
