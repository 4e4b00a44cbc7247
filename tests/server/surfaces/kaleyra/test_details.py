"""GET /{v1|v2}/{sid}/whatsapp/{business_phone_number}/phone_number_details: seed 000."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import save, stored_number, sync
from tests.conftest import Tenant
from tests.server.surfaces.kaleyra.conftest import FIXTURES, Added, seed_body, verify
from wanumbers.server.domain.lifecycle import MessagingTier, NameStatus
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime


def get(client: TestClient, tenant: Tenant, phone: str, version: str = "v2") -> Any:
    return client.get(
        f"/{version}/{tenant.sid}/whatsapp/{phone}/phone_number_details", headers=tenant.headers
    )


def seed_document(index: int, added: Added, tenant: Tenant, runtime: Runtime) -> dict[str, Any]:
    """Seed 000's sample ``index`` with its masked ids replaced by this number's real ones."""
    document: dict[str, Any] = json.loads((FIXTURES / "details.json").read_text())[index]
    account = sync(admin.find_account(runtime, tenant.sid))
    ids = {
        "PHONE_NUMBER": added.id,
        "WABA": str(tenant.waba_id),
        "BUSINESS": str(account.business_id),
        "APP": str(account.app_id),
    }
    for entity in document["health_status"]["entities"]:
        entity["id"] = ids[entity["entity_type"]]
    document.update(id=added.id, display_phone_number="+91 98765 43210", verified_name="KALEYRA")
    return document


def connect(client: TestClient, tenant: Tenant, added: Added, runtime: Runtime, **state: Any) -> None:
    assert verify(client, tenant, added, added.otp(runtime)).status_code == 200
    number = stored_number(runtime, added.id)
    for name, value in state.items():
        setattr(number, name, value)
    sync(save(runtime, number))


def test_v2_sample_document_is_reproduced(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    connect(app_client, tenant, added, runtime, name_status=NameStatus.DECLINED, tier=MessagingTier.TIER_1K)
    response = get(app_client, tenant, "919876543210")
    assert response.status_code == 200
    assert response.json() == seed_document(0, added, tenant, runtime)
    assert list(response.json()) == sorted(response.json()), "keys come sorted, as in the seed"


def test_v1_sample_document_is_reproduced_on_the_v1_path(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    connect(
        app_client,
        tenant,
        added,
        runtime,
        name_status=NameStatus.APPROVED,
        tier=MessagingTier.TIER_1K,
        sip_enabled=True,
    )
    response = get(app_client, tenant, "919876543210", version="v1")
    assert response.status_code == 200
    assert response.json() == seed_document(1, added, tenant, runtime)


def test_fully_configured_number_is_available_everywhere(
    app_client: TestClient, tenant: Tenant, added: Added, runtime: Runtime
) -> None:
    connect(
        app_client,
        tenant,
        added,
        runtime,
        name_status=NameStatus.APPROVED,
        sip_enabled=True,
        sip_server_configured=True,
    )
    health = get(app_client, tenant, "+919876543210").json()["health_status"]
    assert health["can_send_message"] == "AVAILABLE"
    assert all("errors" not in entity for entity in health["entities"])


def test_unverified_number_is_blocked_until_registered(
    app_client: TestClient, tenant: Tenant, added: Added
) -> None:
    body = get(app_client, tenant, "919876543210").json()
    assert body["status"] == "PENDING"
    assert body["throughput"] == {"level": "NOT_APPLICABLE"}
    assert body["health_status"]["can_send_message"] == "BLOCKED"
    phone_entity = body["health_status"]["entities"][0]
    assert phone_entity["errors"][0]["error_code"] == 133010


def test_bad_credentials_give_rbc201(app_client: TestClient, tenant: Tenant, added: Added) -> None:
    response = app_client.get(
        f"/v2/{tenant.sid}/whatsapp/919876543210/phone_number_details", headers={"api-key": "wrong"}
    )
    assert response.status_code == 401
    assert response.json() == seed_body("details", "Incorrect SID or API key.")


@pytest.mark.parametrize("phone", ["919812345678", "abc", "91"])
def test_unknown_number_gives_wa401(app_client: TestClient, tenant: Tenant, phone: str) -> None:
    response = get(app_client, tenant, phone)
    assert response.status_code == 401
    assert response.json() == seed_body("details", "Phone number is not present")


def test_another_accounts_number_looks_missing(
    app_client: TestClient, other_tenant: Tenant, added: Added
) -> None:
    response = get(app_client, other_tenant, "919876543210")
    assert response.status_code == 401
    assert response.json() == seed_body("details", "Phone number is not present")
