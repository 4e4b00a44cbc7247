"""Operator CLI: the ``--json`` outputs are a contract for scripts (exact keys)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests._processes import clean_env
from tests._sync import sync
from wanumbers.cli import main
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.services import admin, auth
from wanumbers.server.services.runtime import Runtime


def run(*args: str) -> dict[str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, str] = json.loads(result.output)
    return data


def test_accounts_create_prints_sid_and_key(database_url: str, runtime: Runtime) -> None:
    created = run(
        "accounts", "create", "--name", "Acme", "--pod", "SG", "--database-url", database_url, "--json"
    )
    assert set(created) == {"sid", "api_key"}
    assert re.fullmatch(r"HX[0-9A-Z]{12}SG", created["sid"])
    assert sync(auth.account_for_api_key(runtime, created["sid"], created["api_key"])).name == "Acme"


def test_rotate_key_replaces_the_key(database_url: str) -> None:
    created = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")
    rotated = run("accounts", "rotate-key", "--sid", created["sid"], "--database-url", database_url, "--json")
    assert set(rotated) == {"sid", "api_key"} and rotated["api_key"] != created["api_key"]


def test_wabas_create_prints_a_numeric_id(database_url: str) -> None:
    sid = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")["sid"]
    waba = run(
        "wabas", "create", "--sid", sid, "--api-version", "v1", "--database-url", database_url, "--json"
    )
    assert set(waba) == {"waba_id"} and waba["waba_id"].isdigit()


def test_tokens_create_prints_an_access_token(database_url: str) -> None:
    sid = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")["sid"]
    token = run("tokens", "create", "--sid", sid, "--database-url", database_url, "--json")
    assert set(token) == {"access_token"} and token["access_token"].startswith("wnt_")


def test_unknown_sid_fails_with_one_clear_line(database_url: str) -> None:
    result = CliRunner().invoke(main, ["wabas", "create", "--sid", "HXNOPE", "--database-url", database_url])
    assert result.exit_code == 1
    assert result.output.strip() == "error: no account with SID HXNOPE"


def test_add_key_keeps_the_first_key_working(database_url: str, runtime: Runtime) -> None:
    created = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")
    extra = run("accounts", "add-key", "--sid", created["sid"], "--database-url", database_url, "--json")
    assert set(extra) == {"sid", "api_key"}
    for key in (created["api_key"], extra["api_key"]):
        assert sync(auth.account_for_api_key(runtime, created["sid"], key)).sid == created["sid"]


def test_revoke_key_reads_the_key_from_stdin_and_it_stops_working(
    database_url: str, runtime: Runtime
) -> None:
    created = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")
    result = CliRunner().invoke(
        main,
        ["accounts", "revoke-key", "--database-url", database_url, "--json"],
        input=created["api_key"] + "\n",
    )
    assert result.exit_code == 0, result.output
    assert created["api_key"] not in result.output, "the secret is not echoed"
    assert json.loads(result.output.splitlines()[-1]) == {"revoked": True}
    with pytest.raises(DomainError):
        sync(auth.account_for_api_key(runtime, created["sid"], created["api_key"]))


def test_revoking_an_unknown_token_fails_clearly(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["tokens", "revoke", "--token", "wnt_nope", "--database-url", database_url]
    )
    assert result.exit_code == 1
    assert "no live credential matches" in result.output


@pytest.mark.parametrize(
    ("group", "revoke", "kind"), [("accounts", "revoke-key", "api_key"), ("tokens", "revoke", "access_token")]
)
def test_a_secret_piped_to_revoke_is_read_without_a_getpass_warning(
    database_url: str, runtime: Runtime, group: str, revoke: str, kind: str
) -> None:
    sid = run("accounts", "create", "--name", "Acme", "--database-url", database_url, "--json")["sid"]
    issue = admin.create_access_token if kind == "access_token" else admin.add_api_key
    secret = sync(issue(runtime, sid))

    result = subprocess.run(
        [sys.executable, "-m", "wanumbers.cli", group, revoke, "--database-url", database_url],
        input=secret + "\n",
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "revoked"
    assert result.stderr == "", "no GetPassWarning, no prompt text on a pipe"
    assert secret not in result.stdout + result.stderr
