"""The transport seam: an in-process ASGI app stands in for the server (no sockets)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from wanumbers.client import AsyncKaleyra, KaleyraNotFoundError

from ._support import load_seed

SEED = load_seed("000")


async def details(request: Request) -> JSONResponse:
    if request.headers.get("api-key") != "good-key":
        return JSONResponse(SEED["rbc201_auth"], status_code=401)
    if request.path_params["number"] != "914XXXXXX139":
        return JSONResponse(SEED["wa401_phone_not_owned"], status_code=401)
    return JSONResponse(SEED["details_v2"])


APP = Starlette(routes=[Route("/{version}/{sid}/whatsapp/{number}/phone_number_details", details)])


@pytest.mark.anyio
async def test_async_client_runs_against_an_in_process_asgi_app() -> None:
    transport = httpx.ASGITransport(app=APP)
    async with AsyncKaleyra(
        "HXSID", "good-key", base_url="http://wanumbers.test", transport=transport
    ) as client:
        details = await client.get_number_details("914XXXXXX139")
        assert details.verified_name == "MKLRV2"
        with pytest.raises(KaleyraNotFoundError) as caught:
            await client.get_number_details("910000000000")
    assert caught.value.error == {
        "phone_number": "Phone number is not present or does not belong to the account."
    }
