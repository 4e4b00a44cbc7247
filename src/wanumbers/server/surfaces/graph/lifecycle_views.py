"""Verification and registration: ``request_code``, ``verify_code``, ``register``, ``deregister``."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain import otp
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import registration
from wanumbers.server.surfaces.graph.endpoint import GraphCall
from wanumbers.server.surfaces.graph.params import Params, text
from wanumbers.server.surfaces.http import JSONResponse

# OpenAPI says ``en_US``; older docs and pywa send a bare ``en``. Both reach real clients.
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")
_PIN = re.compile(r"\d{6}")
LOCALIZATION_REGIONS = ("AE", "AU", "BH", "BR", "CA", "CH", "DE", "GB", "ID", "IN", "JP", "KR", "SG", "ZA")
SUCCESS = {"success": True}


def _invalid(detail: str, name: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=name)


async def request_code(request: Request, g: GraphCall) -> Response:
    method = (text(g.params, "code_method", required=True) or "").upper()
    if method not in otp.CHANNELS:
        raise _invalid("Param code_method must be one of {SMS, VOICE}", "code_method")
    language = text(g.params, "language", required=True) or ""
    if not _LANGUAGE.fullmatch(language):
        raise _invalid("Param language must be a locale such as en_US", "language")
    await registration.request_code(g.rt, g.account, g.object_id, method, language)
    return JSONResponse(SUCCESS)


async def verify_code(request: Request, g: GraphCall) -> Response:
    code = text(g.params, "code", required=True) or ""
    if not otp.is_well_formed(code):
        raise _invalid("Param code must be a 6-digit code", "code")
    await registration.verify_code(g.rt, g.account, g.object_id, code)
    return JSONResponse(SUCCESS)


def _check_messaging_product(params: Params) -> None:
    if text(params, "messaging_product", required=True) != "whatsapp":
        raise _invalid("Param messaging_product must be whatsapp", "messaging_product")


async def register(request: Request, g: GraphCall) -> Response:
    _check_messaging_product(g.params)
    pin = text(g.params, "pin", required=True) or ""
    if not _PIN.fullmatch(pin):
        raise _invalid("Param pin must be a 6-digit number", "pin")
    region = text(g.params, "data_localization_region")
    if region and region not in LOCALIZATION_REGIONS:
        raise _invalid(
            "Param data_localization_region must be one of " + ", ".join(LOCALIZATION_REGIONS),
            "data_localization_region",
        )
    await registration.register(g.rt, g.account, g.object_id, pin, region or None)
    return JSONResponse(SUCCESS)


async def deregister(request: Request, g: GraphCall) -> Response:
    await registration.deregister(g.rt, g.account, g.object_id)
    return JSONResponse(SUCCESS)
