"""Graph-surface fixtures: a tenant with an access token, and helpers that walk a number through the
lifecycle the way a Graph client does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant, make_tenant
from wanumbers.server.services import admin, sim
from wanumbers.server.services.runtime import Runtime

V = "/v23.0"
PHONE = "9876543210"  # Indian mobile, national digits
CC = "91"


@dataclass
class Graph:
    """A Graph client of one tenant: its token rides on every call."""

    client: TestClient
    rt: Runtime
    tenant: Tenant
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(V + path, params=params, headers=self.headers)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.client.post(V + path, json=json, headers=self.headers, **kwargs)

    def create(self, phone: str = PHONE, cc: str = CC, name: str = "Acme Foods") -> str:
        response = self.post(
            f"/{self.tenant.waba_id}/phone_numbers",
            {"cc": cc, "phone_number": phone, "verified_name": name},
        )
        assert response.status_code == 200, response.text
        number_id: str = response.json()["id"]
        return number_id

    def last_code(self, e164: str) -> str:
        return sync(sim.outbox(self.rt, e164, 1))[0].code

    def verify(self, number_id: str, e164: str) -> None:
        assert self.post(
            f"/{number_id}/request_code", {"code_method": "SMS", "language": "en_US"}
        ).json() == {"success": True}
        code = self.last_code(e164)
        assert self.post(f"/{number_id}/verify_code", {"code": code}).json() == {"success": True}

    def onboard(self, phone: str = PHONE, cc: str = CC, pin: str = "123456") -> str:
        """Create, verify and register: the number ends CONNECTED."""
        number_id = self.create(phone, cc)
        self.verify(number_id, f"+{cc}{phone}")
        response = self.post(f"/{number_id}/register", {"messaging_product": "whatsapp", "pin": pin})
        assert response.json() == {"success": True}, response.text
        return number_id


def graph_for(client: TestClient, rt: Runtime, tenant: Tenant) -> Graph:
    return Graph(client, rt, tenant, sync(admin.create_access_token(rt, tenant.sid)))


@pytest.fixture
def graph(app_client: TestClient, runtime: Runtime, tenant: Tenant) -> Graph:
    return graph_for(app_client, runtime, tenant)


@pytest.fixture
def rival(app_client: TestClient, runtime: Runtime) -> Graph:
    return graph_for(app_client, runtime, make_tenant(runtime, "Rival"))


def assert_graph_error(
    response: httpx.Response, status: int, code: int, subcode: int | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    assert error.get("error_subcode") == subcode
    assert isinstance(error["fbtrace_id"], str) and len(error["fbtrace_id"]) == 23
    assert error["message"] and error["type"]
    return error
