"""Registering an existing WABA under its own id (live mode: the Graph WABA id)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests._sync import sync
from wanumbers.cli import main
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.services import admin
from wanumbers.server.services.runtime import Runtime


def test_a_waba_can_be_registered_under_a_given_id(runtime: Runtime) -> None:
    account, _ = sync(admin.create_account(runtime, "Acme"))
    assert sync(admin.create_waba(runtime, account.sid, waba_id=123456789012345)).id == 123456789012345
    with pytest.raises(DomainError, match="already registered"):
        sync(admin.create_waba(runtime, account.sid, waba_id=123456789012345))


def test_the_cli_registers_a_given_waba_id(database_url: str, runtime: Runtime) -> None:
    account, _ = sync(admin.create_account(runtime, "Acme"))
    args = ["wabas", "create", "--sid", account.sid, "--waba-id", "4242", "--database-url", database_url]
    result = CliRunner().invoke(main, [*args, "--json"], catch_exceptions=False)
    assert json.loads(result.output) == {"waba_id": "4242"}
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert "already registered" in again.output
