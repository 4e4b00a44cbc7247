"""Kaleyra surface fixtures: the seeds' sample bodies, verbatim, and a number ready to verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime

FIXTURES = Path(__file__).parents[3] / "fixtures" / "kaleyra"
PHONE, CC = "9876543210", "+91"
E164 = CC + PHONE


def seed_body(endpoint: str, message: str) -> dict[str, Any]:
    """The sample body of seed ``endpoint`` (add|verify|update|details) whose message starts so."""
    samples = json.loads((FIXTURES / f"{endpoint}.json").read_text())
    matches = [s for s in samples if str(s.get("message", "")).startswith(message)]
    assert len(matches) == 1, f"{len(matches)} samples in {endpoint} start with {message!r}"
    body: dict[str, Any] = matches[0]
    return body


def add_payload(**overrides: Any) -> dict[str, Any]:
    payload = {"phone_number": PHONE, "name": "KALEYRA", "verification_type": "SMS", "country_code": CC}
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


@dataclass
class Added:
    id: str
    e164: str

    def otp(self, runtime: Runtime) -> str:
        return sync(sim.outbox(runtime, self.e164))[0].code


def add_number(client: TestClient, tenant: Tenant, **overrides: Any) -> Added:
    payload = add_payload(**overrides)
    response = client.post(tenant.path("add"), headers=tenant.headers, json=payload)
    assert response.status_code == 200, response.text
    return Added(response.json()["data"], payload["country_code"] + payload["phone_number"])


def verify(client: TestClient, tenant: Tenant, added: Added, otp: str) -> Any:
    body = {"id": int(added.id), "phone_number": added.e164, "otp": otp}
    return client.post(tenant.path("verify"), headers=tenant.headers, json=body)


@pytest.fixture
def statements(runtime: Runtime) -> Iterator[list[str]]:
    """The store's statements from the test's first request on (a list that fills as they run)."""
    seen: list[str] = []
    runtime.store.before_statement = seen.append
    yield seen
    runtime.store.before_statement = None


def reading(seen: list[str], table: str) -> list[str]:
    """The SELECTs among ``seen`` whose own ``FROM`` (not a sub-select's) starts at ``table``."""
    return [sql for sql in seen if sql.startswith("SELECT") and _outer_from(sql).startswith(table + " ")]


def _outer_from(sql: str) -> str:
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", at):
            return sql[at + len(" FROM ") :]
    return ""


@pytest.fixture
def added(app_client: TestClient, tenant: Tenant) -> Added:
    return add_number(app_client, tenant)
