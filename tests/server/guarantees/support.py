"""Helpers the guarantee tests share: the contracts present, a side-effecting POST per contract, and a
whole-store dump."""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.models import Base

GRAPH_VERSION = "/v23.0"
HAS_GRAPH = importlib.util.find_spec("wanumbers.server.surfaces.graph.routes") is not None
CONTRACTS = ["kaleyra", "graph"] if HAS_GRAPH else ["kaleyra"]
_phones = itertools.count(1)


def fresh_phone() -> str:
    """A valid Indian mobile (national digits), distinct within the test session."""
    return f"98{next(_phones) % 10**8:08d}"


def kaleyra_add_body(phone: str, name: str = "Acme") -> dict[str, str]:
    return {"phone_number": phone, "name": name, "verification_type": "SMS", "country_code": "+91"}


def add_number(client: TestClient, tenant: Tenant, phone: str | None = None) -> tuple[str, str]:
    """Add a number through Kaleyra; returns (id, E.164)."""
    phone = phone or fresh_phone()
    response = client.post(tenant.path("add"), headers=tenant.headers, json=kaleyra_add_body(phone))
    assert response.status_code == 200, response.text
    return response.json()["data"], "+91" + phone


@dataclass
class SideEffectPost:
    """One contract's POST that sends an OTP: how to send it, and how to count what it sent."""

    contract: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    other_body: dict[str, Any]
    e164: str
    rt: Runtime

    def send(self, client: TestClient, key: str | None, *, other: bool = False) -> httpx.Response:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return client.post(self.path, headers=headers, json=self.other_body if other else self.body)

    def otps_sent(self) -> int:
        return len(sync(sim.outbox(self.rt, self.e164)))


def side_effect_post(contract: str, client: TestClient, rt: Runtime, tenant: Tenant) -> SideEffectPost:
    if contract == "kaleyra":
        phone = fresh_phone()
        return SideEffectPost(
            "kaleyra",
            tenant.path("add"),
            tenant.headers,
            kaleyra_add_body(phone),
            kaleyra_add_body(phone, "Other name"),
            "+91" + phone,
            rt,
        )
    number_id, e164 = add_number(client, tenant)
    token = sync(admin.create_access_token(rt, tenant.sid))
    return SideEffectPost(
        "graph",
        f"{GRAPH_VERSION}/{number_id}/request_code",
        {"Authorization": f"Bearer {token}"},
        {"code_method": "SMS", "language": "en_US"},
        {"code_method": "VOICE", "language": "en_US"},
        e164,
        rt,
    )


def assert_envelope(contract: str, response: httpx.Response, status: int, code: str | int) -> dict[str, Any]:
    """The response is a refusal in the contract's own envelope."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    if contract == "kaleyra":
        assert set(body) == {"code", "message", "data", "error"}
        assert body["code"] == code
    else:
        assert set(body) == {"error"}
        assert body["error"]["code"] == code
        assert {"message", "type", "code", "fbtrace_id"} <= set(body["error"])
    return body


def dump(engine: Engine, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(select(table))), key=lambda row: repr(row)
            )
            for table in Base.metadata.sorted_tables
            if table.name not in skip
        }


GUARD_TABLES = ("rate_limit_buckets", "idempotency_keys", "faults")
Request = Callable[[TestClient], httpx.Response]
