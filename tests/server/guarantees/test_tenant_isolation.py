"""Tenant isolation matrix: for every endpoint of both contracts, another account's WABA, number or id
gets the same status and body as one that does not exist, and changes nothing.

(One documented exception, by WhatsApp's design: a phone number exists once platform-wide, so adding
a number another account holds answers "phone number already exists".)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.guarantees.support import (
    GRAPH_VERSION,
    GUARD_TABLES,
    HAS_GRAPH,
    add_number,
    dump,
    fresh_phone,
    kaleyra_add_body,
)
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime

MISSING_ID = "100000000000001"
MISSING_PHONE = "+919999999990"


def _normalise(response: httpx.Response, *ids: str) -> tuple[int, Any]:
    text = response.text
    for value in ids:
        text = text.replace(value, "<id>").replace(value.lstrip("+"), "<id>")
    body = httpx.Response(200, content=text.encode()).json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body["error"].pop("fbtrace_id", None)
    return response.status_code, body


def _same_as_missing(
    engine: Engine, send: Callable[[str], httpx.Response], foreign: str, missing: str
) -> None:
    before = dump(engine, GUARD_TABLES)
    foreign_answer = _normalise(send(foreign), foreign)
    missing_answer = _normalise(send(missing), missing)
    assert foreign_answer == missing_answer
    assert foreign_answer[0] >= 400
    assert dump(engine, GUARD_TABLES) == before


@pytest.fixture
def theirs(app_client: TestClient, runtime: Runtime, other_tenant: Tenant) -> dict[str, str]:
    number_id, e164 = add_number(app_client, other_tenant)
    return {"waba": str(other_tenant.waba_id), "id": number_id, "e164": e164}


KALEYRA_CASES = [
    "add-waba",
    "verify-waba",
    "verify-number",
    "update-waba",
    "update-number",
    "details-v2",
    "details-v1",
]


@pytest.mark.parametrize("case", KALEYRA_CASES)
def test_kaleyra_foreign_is_indistinguishable_from_missing(
    case: str,
    app_client: TestClient,
    runtime: Runtime,
    engine: Engine,
    tenant: Tenant,
    theirs: dict[str, str],
) -> None:
    c, h = app_client, tenant.headers
    mine_id, mine_e164 = add_number(app_client, tenant)
    code = sync(sim.outbox(runtime, mine_e164))[0].code
    phone = fresh_phone()
    sends: dict[str, tuple[Callable[[str], httpx.Response], str, str]] = {
        "add-waba": (
            lambda w: c.post(tenant.path("add", w), headers=h, json=kaleyra_add_body(phone)),
            theirs["waba"],
            MISSING_ID,
        ),
        "verify-waba": (
            lambda w: c.post(
                tenant.path("verify", w),
                headers=h,
                json={"id": mine_id, "phone_number": mine_e164, "otp": code},
            ),
            theirs["waba"],
            MISSING_ID,
        ),
        "verify-number": (
            lambda n: c.post(
                tenant.path("verify"), headers=h, json={"id": n, "phone_number": theirs["e164"], "otp": code}
            ),
            theirs["id"],
            MISSING_ID,
        ),
        "update-waba": (
            lambda w: c.put(
                tenant.path("update", w), headers=h, json={"phone_number": mine_e164, "about": "x"}
            ),
            theirs["waba"],
            MISSING_ID,
        ),
        "update-number": (
            lambda p: c.put(tenant.path("update"), headers=h, json={"phone_number": p, "about": "x"}),
            theirs["e164"],
            MISSING_PHONE,
        ),
        "details-v2": (
            lambda p: c.get(f"/v2/{tenant.sid}/whatsapp/{p.lstrip('+')}/phone_number_details", headers=h),
            theirs["e164"],
            MISSING_PHONE,
        ),
        "details-v1": (
            lambda p: c.get(f"/v1/{tenant.sid}/whatsapp/{p.lstrip('+')}/phone_number_details", headers=h),
            theirs["e164"],
            MISSING_PHONE,
        ),
    }
    send, foreign, missing = sends[case]
    _same_as_missing(engine, send, foreign, missing)


GRAPH_CASES = [
    ("GET", "/{id}", None),
    ("GET", "/{id}/whatsapp_business_profile", None),
    ("GET", "/{id}/settings", None),
    ("POST", "/{id}/request_code", {"code_method": "SMS", "language": "en_US"}),
    ("POST", "/{id}/verify_code", {"code": "123456"}),
    ("POST", "/{id}/register", {"messaging_product": "whatsapp", "pin": "123456"}),
    ("POST", "/{id}/deregister", None),
    ("POST", "/{id}/whatsapp_business_profile", {"messaging_product": "whatsapp", "about": "x"}),
    ("POST", "/{id}/settings", {"calling": {"status": "ENABLED"}}),
    ("POST", "/{id}/conversational_automation", {"enable_welcome_message": True}),
    ("GET", "/{waba}/phone_numbers", None),
    ("POST", "/{waba}/phone_numbers", {"cc": "91", "phone_number": "9800000077", "verified_name": "Acme"}),
]


@pytest.mark.skipif(not HAS_GRAPH, reason="needs the Graph surface")
@pytest.mark.parametrize(("method", "path", "body"), GRAPH_CASES, ids=[f"{m} {p}" for m, p, _ in GRAPH_CASES])
def test_graph_foreign_is_indistinguishable_from_missing(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    app_client: TestClient,
    runtime: Runtime,
    engine: Engine,
    tenant: Tenant,
    theirs: dict[str, str],
) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    foreign = theirs["waba"] if "{waba}" in path else theirs["id"]

    def send(node: str) -> httpx.Response:
        url = GRAPH_VERSION + path.replace("{id}", node).replace("{waba}", node)
        return app_client.request(method, url, headers=headers, json=body)

    _same_as_missing(engine, send, foreign, MISSING_ID)


PROFILE = {"title": "Their hook", "http_method": "POST", "url": "http://127.0.0.1:9/hook"}
MISSING_PROFILE = "e5a4f212-b0b0-4c77-9f04-7b0123456d34"


@pytest.mark.parametrize("case", ["get", "patch", "delete", "update-number"])
def test_kaleyra_foreign_callback_profile_is_indistinguishable_from_missing(
    case: str, app_client: TestClient, engine: Engine, tenant: Tenant, other_tenant: Tenant
) -> None:
    c, h = app_client, tenant.headers
    created = c.post(f"/v1/{other_tenant.sid}/callback/profiles", headers=other_tenant.headers, json=PROFILE)
    foreign = created.json()["data"]["profile_id"]
    _, mine_e164 = add_number(app_client, tenant)
    base = f"/v1/{tenant.sid}/callback/profiles/"
    sends: dict[str, Callable[[str], httpx.Response]] = {
        "get": lambda p: c.get(base + p, headers=h),
        "patch": lambda p: c.patch(base + p, headers=h, json={"title": "Mine now"}),
        "delete": lambda p: c.delete(base + p, headers=h),
        "update-number": lambda p: c.put(
            tenant.path("update"), headers=h, json={"phone_number": mine_e164, "callback_profile_id": p}
        ),
    }
    _same_as_missing(engine, sends[case], foreign, MISSING_PROFILE)
