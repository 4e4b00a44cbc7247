"""/v1/{sid}/callback/profiles: create, list, read, PATCH and delete, as Kaleyra's profile pages document
them (RBC024, RBC302 kept verbatim in tests/fixtures/webhooks/kaleyra/), api-key auth, tenant isolation
(another account's id is "not found") and the SSRF rule on ``url``."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import resolving_to, sync
from tests.conftest import Tenant
from wanumbers.server.services import callback_profiles
from wanumbers.server.services import urls as url_service
from wanumbers.server.services.runtime import Runtime

FIXTURES = Path(__file__).parents[3] / "fixtures" / "webhooks" / "kaleyra"
HOOK = {
    "title": "Quality_hook 1",
    "http_method": "POST",
    "url": "http://127.0.0.1:9/hook",
    "body": {"number": "<display_phone_number>", "event": "<event>"},
    "headers": {"Authorization": "Bearer receiver-token"},
    "events": ["phone_number_quality_update"],
}


def base(tenant: Tenant) -> str:
    return f"/v1/{tenant.sid}/callback/profiles"


def create(client: TestClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    response = client.post(base(tenant), headers=tenant.headers, json={**HOOK, **fields})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def fixture(name: str, profile_id: str) -> dict[str, Any]:
    """A Kaleyra sample body with its placeholder profile id replaced."""
    text = (FIXTURES / name).read_text()
    for placeholder in ("SG_bxxxxxxf-2xx4-4xx9-8xx7-fxxxxxxxxxxa", "SG_cxxxxxxf-2xx4-4xx9-8xx7-fxxxxxxxxxxa"):
        text = text.replace(placeholder, profile_id)
    body: dict[str, Any] = json.loads(text)
    return body


def test_create_answers_the_profile_with_a_uuid(app_client: TestClient, tenant: Tenant) -> None:
    response = app_client.post(base(tenant), headers=tenant.headers, json=HOOK)
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"], body["error"], body["status"]) == (
        "RBC024",
        "Profile created successfully",
        {},
        200,
    )
    data = body["data"]
    assert str(uuid.UUID(data["profile_id"])) == data["profile_id"]
    assert data == {
        "profile_id": data["profile_id"],
        "title": "Quality_hook 1",
        "url": "http://127.0.0.1:9/hook",
        "http_method": "POST",
        "headers": '{"Authorization":"Bearer receiver-token"}',
        "body_type": "JSON",
        "body": '{"number":"<display_phone_number>","event":"<event>"}',
        "status": 1,
        "created_at": data["created_at"],
        "modified_at": None,
        "enc": None,
        "response_message": None,
        "channel": None,
        "events": '["phone_number_quality_update"]',
        "dynamic_variables": None,
        "replacers": {},
    }
    assert data["created_at"].endswith("Z") and len(data["created_at"]) == len("2023-04-04T05:42:59.000Z")


def test_the_read_answers_what_the_create_did(app_client: TestClient, tenant: Tenant) -> None:
    created = create(app_client, tenant)
    response = app_client.get(f"{base(tenant)}/{created['profile_id']}", headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == {
        "code": "RBC024",
        "message": "Profile fetched successfully",
        "data": created,
        "error": {},
        "status": 200,
    }


def test_the_read_takes_back_kaleyras_json_text_forms(app_client: TestClient, tenant: Tenant) -> None:
    first = create(app_client, tenant)
    again = create(app_client, tenant, headers=first["headers"], body=first["body"], events=first["events"])
    assert {k: again[k] for k in ("headers", "body", "events")} == {
        k: first[k] for k in ("headers", "body", "events")
    }


def test_the_list_is_newest_first_paged_and_filtered_by_title(app_client: TestClient, tenant: Tenant) -> None:
    ids = [create(app_client, tenant, title=f"Hook {n}")["profile_id"] for n in range(3)]
    create(app_client, tenant, title="Other")

    listed = app_client.get(base(tenant), headers=tenant.headers).json()
    assert (listed["code"], listed["message"]) == ("RBC024", "Profiles fetched successfully")
    assert [p["title"] for p in listed["data"]] == ["Other", "Hook 2", "Hook 1", "Hook 0"]
    page = app_client.get(base(tenant), headers=tenant.headers, params={"limit": 2, "offset": 1}).json()
    assert [p["title"] for p in page["data"]] == ["Hook 2", "Hook 1"]
    titled = app_client.get(base(tenant), headers=tenant.headers, params={"title": "hook"}).json()
    assert [p["profile_id"] for p in titled["data"]] == ids[::-1]


def test_a_title_filter_matches_literally(app_client: TestClient, tenant: Tenant) -> None:
    create(app_client, tenant, title="a_b c")
    create(app_client, tenant, title="axb c")
    titled = app_client.get(base(tenant), headers=tenant.headers, params={"title": "a_b"}).json()
    assert [p["title"] for p in titled["data"]] == ["a_b c"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be a whole number from 1 to 100"),
        ({"limit": "101"}, "limit must be a whole number from 1 to 100"),
        ({"limit": "x"}, "limit must be a whole number from 1 to 100"),
        ({"offset": "-1"}, "offset must be a whole number from 0 to 1000000"),
        ({"title": "ab"}, "title must be at least 3 characters"),
        ({"title": ""}, "title must be at least 3 characters"),
        ({"title": "no!"}, "title may contain only letters, numbers, spaces, hyphens and underscores"),
    ],
)
def test_list_parameters_that_are_refused(
    app_client: TestClient, tenant: Tenant, params: dict[str, str], message: str
) -> None:
    response = app_client.get(base(tenant), headers=tenant.headers, params=params)
    assert response.status_code == 400
    assert response.json() == {
        "code": "RBC301",
        "message": message,
        "data": {},
        "error": [{"params": message}],
        "status": 400,
    }


def test_patch_changes_only_the_fields_given(app_client: TestClient, tenant: Tenant) -> None:
    created = create(app_client, tenant)
    path = f"{base(tenant)}/{created['profile_id']}"
    response = app_client.patch(path, headers=tenant.headers, json={"title": "Renamed", "events": []})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"]) == ("RBC024", "Profile updated successfully")
    patched = body["data"]
    assert patched["title"] == "Renamed" and patched["events"] == "[]"
    assert patched["modified_at"] is not None
    unchanged = ("url", "http_method", "headers", "body", "created_at", "profile_id")
    assert {k: patched[k] for k in unchanged} == {k: created[k] for k in unchanged}
    assert app_client.get(path, headers=tenant.headers).json()["data"] == patched


def test_patch_checks_the_profile_whole(app_client: TestClient, tenant: Tenant) -> None:
    created = create(app_client, tenant)
    path = f"{base(tenant)}/{created['profile_id']}"
    response = app_client.patch(path, headers=tenant.headers, json={"http_method": "GET"})
    assert response.status_code == 400
    assert response.json()["message"] == "body applies only to POST and PUT, not GET"
    assert app_client.get(path, headers=tenant.headers).json()["data"] == created
    # With the body cleared in the same request, the method may change.
    switched = app_client.patch(path, headers=tenant.headers, json={"http_method": "GET", "body": None})
    assert switched.json()["data"]["http_method"] == "GET"


def test_delete_answers_kaleyras_sample(app_client: TestClient, tenant: Tenant) -> None:
    profile_id = create(app_client, tenant)["profile_id"]
    path = f"{base(tenant)}/{profile_id}"
    response = app_client.delete(path, headers=tenant.headers)
    assert response.status_code == 200
    assert response.json() == fixture("callback_profile_delete_success.json", profile_id)
    again = app_client.delete(path, headers=tenant.headers)
    assert again.status_code == 404
    assert again.json() == fixture("callback_profile_delete_not_found.json", profile_id)


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_another_accounts_profile_is_not_found(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant, method: str
) -> None:
    theirs = create(app_client, other_tenant)
    path = f"{base(tenant)}/{theirs['profile_id']}"
    response = app_client.request(method, path, headers=tenant.headers, json={"title": "Mine now"})
    assert response.status_code == 404
    assert response.json() == fixture("callback_profile_delete_not_found.json", theirs["profile_id"])
    unknown = app_client.request(method, f"{base(tenant)}/{uuid.uuid4()}", headers=tenant.headers, json={})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "RBC302")
    owner_view = app_client.get(f"{base(other_tenant)}/{theirs['profile_id']}", headers=other_tenant.headers)
    assert owner_view.json()["data"] == theirs
    assert app_client.get(base(tenant), headers=tenant.headers).json()["data"] == []


@pytest.mark.parametrize("key", ["wnk_wrong", ""])
def test_a_wrong_key_is_refused(app_client: TestClient, tenant: Tenant, key: str) -> None:
    response = app_client.post(base(tenant), headers={"api-key": key}, json=HOOK)
    assert response.status_code == 401
    assert response.json()["code"] == "RBC001"


def test_another_accounts_sid_is_refused(
    app_client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    response = app_client.get(base(other_tenant), headers=tenant.headers)
    assert (response.status_code, response.json()["code"]) == (401, "RBC001")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {**HOOK, "title": "no!"},
            "title may contain only letters, numbers, spaces, hyphens and underscores",
        ),
        ({**HOOK, "http_method": "PATCH"}, "http_method must be one of GET, POST, PUT, DELETE"),
        ({k: v for k, v in HOOK.items() if k != "url"}, "url is required"),
        ({**HOOK, "url": "ftp://example.com/"}, "url must be an http or https URL with a host"),
        (
            {**HOOK, "events": ["account_update"]},
            "unknown event 'account_update'; known events: "
            "message_status, incoming_message, template_status, payment_status, phone_number_quality_update",
        ),
        (
            {**HOOK, "enc": {"algo": "AES-128-CFB"}},
            "enc (payload encryption) is not supported; verify the webhook-signature header instead",
        ),
        ({**HOOK, "http_method": "GET"}, "body applies only to POST and PUT, not GET"),
        ({**HOOK, "colour": "red"}, "unknown field 'colour' in payload"),
        ([HOOK], "Refer to correct payload format"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_stored(
    app_client: TestClient, tenant: Tenant, payload: Any, message: str
) -> None:
    response = app_client.post(base(tenant), headers=tenant.headers, json=payload)
    assert response.status_code == 400
    assert response.json() == {
        "code": "RBC301",
        "message": message,
        "data": {},
        "error": [{"params": message}],
        "status": 400,
    }
    assert app_client.get(base(tenant), headers=tenant.headers).json()["data"] == []


def test_a_body_that_is_not_json_is_refused(app_client: TestClient, tenant: Tenant) -> None:
    response = app_client.post(base(tenant), headers=tenant.headers, content=b"{title")
    assert (response.status_code, response.json()["message"]) == (400, "Refer to correct payload format")


def test_put_is_not_served(app_client: TestClient, tenant: Tenant) -> None:
    profile_id = create(app_client, tenant)["profile_id"]
    response = app_client.put(f"{base(tenant)}/{profile_id}", headers=tenant.headers, json={})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "PATCH", "DELETE"}


def test_private_urls_are_allowed_with_the_emulator(app_client: TestClient, tenant: Tenant) -> None:
    assert create(app_client, tenant, url="http://10.1.2.3/hook")["url"] == "http://10.1.2.3/hook"


def test_private_urls_are_refused_in_live_mode(
    app_client: TestClient, tenant: Tenant, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "private_receivers", False)  # live mode (bootstrap.py decides it)
    monkeypatch.setattr(
        url_service,
        "resolve",
        resolving_to("93.184.216.34", **{"intranet.test": ["10.0.0.8"], "127.0.0.1": ["127.0.0.1"]}),
    )
    for url in ("http://127.0.0.1:9/hook", "https://intranet.test/hook"):
        response = app_client.post(base(tenant), headers=tenant.headers, json={**HOOK, "url": url})
        assert response.status_code == 400
        assert response.json()["message"] == "url must not point to a private, loopback or link-local address"
    assert (
        create(app_client, tenant, url="https://receiver.example/hook")["url"]
        == "https://receiver.example/hook"
    )
    created = create(app_client, tenant, url="https://receiver.example/hook")
    patch = app_client.patch(
        f"{base(tenant)}/{created['profile_id']}",
        headers=tenant.headers,
        json={"url": "https://intranet.test/x"},
    )
    assert patch.status_code == 400
    monkeypatch.setattr(runtime, "private_receivers", True)  # live mode with WANUMBERS_ALLOW_PRIVATE_URLS=1
    assert create(app_client, tenant, url="http://127.0.0.1:9/hook")["url"] == "http://127.0.0.1:9/hook"


def test_the_secret_is_the_owners_alone(
    app_client: TestClient, runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    profile_id = create(app_client, tenant)["profile_id"]
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    assert secret.startswith("whsec_") and secret == sync(
        callback_profiles.secret(runtime, tenant.sid, profile_id)
    )
    assert secret not in json.dumps(
        app_client.get(f"{base(tenant)}/{profile_id}", headers=tenant.headers).json()
    )
    other = create(app_client, tenant)["profile_id"]
    assert sync(callback_profiles.secret(runtime, tenant.sid, other)) != secret
    with pytest.raises(Exception, match="No profile exists with id"):
        sync(callback_profiles.secret(runtime, other_tenant.sid, profile_id))
