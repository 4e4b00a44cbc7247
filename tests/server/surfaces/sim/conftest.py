"""Control-plane fixtures: an admin token, a connected number and its Kaleyra details document, the
contract every test checks the control plane's effect through."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import Added, add_number, verify
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime


@pytest.fixture
def admin_headers(runtime: Runtime) -> dict[str, str]:
    return {"Authorization": f"Bearer {sync(admin.create_admin_token(runtime))}"}


@pytest.fixture
def connected(app_client: TestClient, tenant: Tenant, runtime: Runtime) -> Added:
    """A number added and verified through Kaleyra: CONNECTED, name still in review."""
    added = add_number(app_client, tenant)
    assert verify(app_client, tenant, added, added.otp(runtime)).status_code == 200
    return added


def details(client: TestClient, tenant: Tenant, added: Added) -> dict[str, Any]:
    response = client.get(
        f"/v2/{tenant.sid}/whatsapp/{added.e164[1:]}/phone_number_details", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def entity(node: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [e for e in node["health_status"]["entities"] if e["entity_type"] == kind]
    return found


def error_codes(found: dict[str, Any]) -> set[int]:
    return {error["error_code"] for error in found.get("errors", [])}
