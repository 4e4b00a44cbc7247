"""``wanumbers sim …``: the control plane from the shell, on the database directly; ``--json`` prints
the same body as the matching /sim/… endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests._sync import owned_waba, sync
from tests.conftest import Tenant
from wanumbers.cli import main
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.services import admin, auth, numbers, sim
from wanumbers.server.services.runtime import Runtime

E164 = "+919876543210"


@pytest.fixture
def number_id(runtime: Runtime, tenant: Tenant) -> str:
    account = sync(admin.find_account(runtime, tenant.sid))
    return str(
        sync(
            numbers.onboard(
                runtime, owned_waba(runtime, account, tenant.waba_id), parse_phone(E164), "Acme", "SMS"
            )
        ).id
    )


def run(database_url: str, *args: str) -> Any:
    result = CliRunner().invoke(main, ["sim", *args, "--database-url", database_url, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def fail(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["sim", *args, "--database-url", database_url])
    assert result.exit_code != 0
    return result.output


def test_token_issues_a_working_admin_token(database_url: str, runtime: Runtime) -> None:
    body = run(database_url, "token")

    assert set(body) == {"admin_token"}
    sync(auth.check_admin(runtime, body["admin_token"]))


def test_revoke_token_takes_a_piped_admin_token_and_it_stops_working(
    database_url: str, runtime: Runtime
) -> None:
    issued = CliRunner().invoke(
        main, ["sim", "token", "--expires-in", "600", "--database-url", database_url, "--json"]
    )
    token = json.loads(issued.output)["admin_token"]
    sync(auth.check_admin(runtime, token))
    revoked = CliRunner().invoke(
        main, ["sim", "revoke-token", "--database-url", database_url], input=token + "\n"
    )
    assert (revoked.exit_code, revoked.output.strip()) == (0, "revoked")
    with pytest.raises(DomainError):
        sync(auth.check_admin(runtime, token))


def test_number_commands_print_what_the_http_api_answers(
    database_url: str, number_id: str, app_client: TestClient, runtime: Runtime
) -> None:
    headers = {"Authorization": f"Bearer {sync(admin.create_admin_token(runtime))}"}

    shown = run(database_url, "approve-name", number_id)

    assert shown["name_status"] == "APPROVED"
    assert app_client.get(f"/sim/numbers/{number_id}", headers=headers).json() == shown


@pytest.mark.parametrize(
    ("args", "key", "value"),
    [
        (("decline-name",), "name_status", "DECLINED"),
        (("quality", "{n}", "red"), "quality_rating", "RED"),
        (("tier", "{n}", "TIER_1K"), "messaging_limit_tier", "TIER_1K"),
        (("account-mode", "{n}", "SANDBOX"), "account_mode", "SANDBOX"),
        (("ban",), "status", "BANNED"),
        (("sip", "{n}", "--enabled", "--server"), "sip_server_configured", True),
    ],
)
def test_number_setters(
    database_url: str, number_id: str, args: tuple[str, ...], key: str, value: Any
) -> None:
    argv = [arg.replace("{n}", E164) for arg in args] if "{n}" in args else [*args, E164]

    assert run(database_url, *argv)[key] == value
    assert run(database_url, "show", number_id)[key] == value


def test_throughput_is_not_applicable_until_registered(database_url: str, number_id: str) -> None:
    shown = run(database_url, "throughput", number_id, "HIGH")

    assert (shown["state"], shown["throughput"]) == ("UNVERIFIED", {"level": "NOT_APPLICABLE"})


def test_an_illegal_transition_fails_with_one_line(database_url: str, number_id: str) -> None:
    assert fail(database_url, "restore", number_id) == "error: cannot restore a number that is UNVERIFIED\n"


def test_unknown_number_fails_with_one_line(database_url: str) -> None:
    output = fail(database_url, "show", "+15550001111")

    assert output.startswith("error: no phone number")


def test_restrictions(database_url: str, tenant: Tenant, number_id: str) -> None:
    assert run(database_url, "waba-restriction", str(tenant.waba_id), "on") == {
        "waba_id": str(tenant.waba_id),
        "restricted": True,
    }
    assert run(database_url, "business-restriction", tenant.sid, "on")["business_restricted"] is True
    health = run(database_url, "show", number_id)["health_status"]
    assert health["can_send_message"] == "BLOCKED"


def test_outbox_lists_the_code(database_url: str, runtime: Runtime, number_id: str) -> None:
    rows = run(database_url, "outbox", "--phone", E164[1:])

    assert [row["to"] for row in rows] == [E164]
    assert rows[0]["code"] == sync(sim.outbox(runtime, E164))[0].code


def test_clock_advance_and_reset(database_url: str, runtime: Runtime) -> None:
    assert run(database_url, "clock", "--advance", "660")["offset_seconds"] == 660
    assert sync(sim.clock(runtime)).offset_seconds == 660
    assert run(database_url, "clock")["offset_seconds"] == 660
    assert run(database_url, "clock", "--reset")["offset_seconds"] == 0
    assert "advance_seconds must be" in fail(database_url, "clock", "--advance", "-5")


def test_faults_add_list_clear(database_url: str, runtime: Runtime) -> None:
    armed = run(database_url, "faults", "add", "--route", "kaleyra.verify", "--count", "2")

    assert [(f["route"], f["mode"], f["remaining"]) for f in armed["faults"]] == [
        ("kaleyra.verify", "error", 2)
    ]
    assert sync(sim.take_fault(runtime, "kaleyra.verify")) == ("error", 0)
    assert run(database_url, "faults", "list")["faults"][0]["remaining"] == 1
    assert run(database_url, "faults", "clear") == {"faults_cleared": 1}
    assert "route must be" in fail(database_url, "faults", "add", "--route", "kaleyra.typo")


def test_delay_fault_from_the_shell(database_url: str, runtime: Runtime) -> None:
    run(database_url, "faults", "add", "--route", "*", "--mode", "delay", "--delay-ms", "50")

    assert sync(sim.take_fault(runtime, "kaleyra.add")) == ("delay", 50)


def test_reset_one_account_or_everything(database_url: str, tenant: Tenant, number_id: str) -> None:
    assert run(database_url, "reset", "--sid", tenant.sid) == {"numbers_deleted": 1, "sid": tenant.sid}
    assert run(database_url, "reset") == {
        "numbers_deleted": 0,
        "faults_cleared": 0,
        "clock_offset_seconds": 0,
    }


def test_human_output_is_readable(database_url: str, number_id: str) -> None:
    result = CliRunner().invoke(main, ["sim", "show", number_id, "--database-url", database_url])

    assert result.exit_code == 0
    assert E164 in result.output
    assert "health                 BLOCKED" in result.output  # unregistered: 133010


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        ("quality", "'GREEN', 'YELLOW', 'RED', 'NA'"),
        ("tier", "'TIER_50', 'TIER_250'"),
        ("throughput", "'STANDARD', 'HIGH'"),
        ("account-mode", "'LIVE', 'SANDBOX'"),
    ],
)
def test_a_wrong_value_lists_the_choices_as_they_are_typed(
    database_url: str, number_id: str, command: str, listed: str
) -> None:
    output = fail(database_url, command, number_id, "PURPLE")
    assert "'PURPLE' is not one of" in output
    assert listed in output


def test_values_are_accepted_in_any_case(database_url: str, number_id: str) -> None:
    assert run(database_url, "quality", number_id, "yellow")["quality_rating"] == "YELLOW"
