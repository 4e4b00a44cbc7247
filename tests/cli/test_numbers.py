"""``wanumbers numbers``: the client CLI, routed into an in-process sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from wanumbers.cli import main
from wanumbers.cli import numbers as numbers_cli
from wanumbers.client import KALEYRA_PODS
from wanumbers.testing import Sandbox

PHONE = "+919876543210"


@pytest.fixture
def cli(wanumbers_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``wanumbers numbers …`` with the sandbox's credentials in the environment."""
    sb = wanumbers_sandbox
    monkeypatch.setattr(numbers_cli, "client_options", lambda: {"transport": sb.transport})
    env = {
        "WANUMBERS_SID": sb.sid,
        "WANUMBERS_API_KEY": sb.api_key,
        "WANUMBERS_BASE_URL": sb.base_url,
        "WANUMBERS_WABA_ID": sb.waba_id,
        "WANUMBERS_ACCESS_TOKEN": sb.access_token,
    }

    def run(*args: str, expect: int = 0) -> Result:
        result = CliRunner().invoke(main, ["numbers", *args], env=env, catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result

    return run


def onboard(cli: Any, sb: Sandbox) -> str:
    added = json.loads(
        cli("add", "--phone", "9876543210", "--country-code", "+91", "--name", "Acme", "--json").stdout
    )
    code = sb.last_code(PHONE)
    cli("verify", "--id", added["id"], "--phone", PHONE, "--otp", code)
    return str(added["id"])


def test_add_then_verify_connects_the_number(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    number_id = onboard(cli, wanumbers_sandbox)
    details = json.loads(cli("details", "919876543210", "--json").stdout)
    assert details["id"] == number_id
    assert details["status"] == "CONNECTED"


def test_details_prints_a_table_with_quality_and_health(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    onboard(cli, wanumbers_sandbox)
    wanumbers_sandbox.sim.set_quality(PHONE, "YELLOW")
    output = cli("details", "919876543210").stdout
    assert "quality_rating" in output
    assert "YELLOW" in output
    assert "health" in output


def test_update_changes_the_fields_given(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    onboard(cli, wanumbers_sandbox)
    result = cli("update", "--phone", PHONE, "--about", "Open 9-5", "--json")
    assert json.loads(result.stdout) == {"updated": ["about"]}
    cli("update", "--phone", PHONE, expect=2)  # nothing to change is a usage error


def test_list_shows_every_number_over_graph(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    number_id = onboard(cli, wanumbers_sandbox)
    listed = json.loads(cli("list", "--json").stdout)
    assert [number["id"] for number in listed] == [number_id]
    assert "Acme" in cli("list").stdout


def test_an_sdk_error_is_one_line_and_exit_code_1(cli: Any) -> None:
    result = cli("verify", "--id", "1", "--phone", PHONE, "--otp", "123456", expect=1)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: WA401")


def test_a_bad_api_key_is_reported_without_a_traceback(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli("details", "919876543210", "--api-key", "wrong", expect=1)
    assert "Incorrect SID or API key" in result.output
    assert "Traceback" not in result.output


def write_csv(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_import_adds_rows_and_reports_failures(cli: Any, wanumbers_sandbox: Sandbox, tmp_path: Path) -> None:
    csv_file = write_csv(
        tmp_path / "numbers.csv",
        "phone_number,country_code,name,verification_type",
        "9876543210,+91,Acme,SMS",
        "9876543211,+91,Acme Two,VOICE",
        "12,+91,Too Short,SMS",
        "9876543212,+91,,SMS",
    )
    result = cli("import", str(csv_file), "--json", expect=1)
    report = json.loads(result.stdout)
    assert [row["phone_number"] for row in report["added"]] == ["+919876543210", "+919876543211"]
    assert [row["line"] for row in report["failed"]] == [4, 5]
    assert "empty name" in report["failed"][1]["error"]
    assert len(wanumbers_sandbox.outbox()) == 2


def test_rerunning_an_import_skips_what_already_exists(cli: Any, tmp_path: Path) -> None:
    csv_file = write_csv(
        tmp_path / "numbers.csv",
        "phone_number,country_code,name",
        "9876543210,+91,Acme",
        "9876543211,+91,Two",
    )
    first = json.loads(cli("import", str(csv_file), "--json").stdout)
    again = json.loads(cli("import", str(csv_file), "--json").stdout)
    assert len(first["added"]) == 2
    assert again["added"] == [] and again["failed"] == []
    assert [row["line"] for row in again["skipped"]] == [2, 3]
    summary = cli("import", str(csv_file)).stdout
    assert "0 added, 2 skipped" in summary


def test_an_interrupted_import_keeps_what_was_added(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_file = write_csv(
        tmp_path / "numbers.csv",
        "phone_number,country_code,name",
        "9876543210,+91,Acme",
        "9876543211,+91,Two",
    )
    from wanumbers.cli import numbers_import

    real_add = numbers_import._add
    calls = []

    def add_then_interrupt(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_add(*args)

    monkeypatch.setattr(numbers_import, "_add", add_then_interrupt)
    interrupted = json.loads(cli("import", str(csv_file), "--json", expect=130).stdout)
    assert interrupted["interrupted"] is True and len(interrupted["added"]) == 1
    monkeypatch.setattr(numbers_import, "_add", real_add)
    resumed = json.loads(cli("import", str(csv_file), "--json").stdout)
    assert len(resumed["skipped"]) == 1 and len(resumed["added"]) == 1


def test_a_csv_without_the_required_columns_is_refused(cli: Any, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "numbers.csv", "phone,name", "9876543210,Acme")
    result = cli("import", str(csv_file), expect=1)
    assert "the CSV has no phone_number or country_code column" in result.output


def test_a_csv_missing_several_columns_lists_them_as_a_sentence(cli: Any, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "numbers.csv", "phone,label", "9876543210,Acme")
    result = cli("import", str(csv_file), expect=1)
    assert "the CSV has no phone_number, country_code or name column" in result.output


def test_an_empty_value_in_several_columns_reads_naturally(cli: Any, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "numbers.csv", "phone_number,country_code,name", ",+91,")
    failed = json.loads(cli("import", str(csv_file), "--json", expect=1).stdout)["failed"]
    assert failed[0]["error"] == "empty phone_number and name"


def test_details_says_why_a_number_is_limited(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    onboard(cli, wanumbers_sandbox)  # name still in review: LIMITED until approved
    output = cli("details", "919876543210").stdout
    assert "LIMITED" in output
    assert "Your display name has not been approved yet" in " ".join(output.split())
    # The errors come with Meta's possible solution.
    assert "Configure SIP using" in " ".join(output.split())


def test_list_json_prints_exactly_what_the_graph_api_answered(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    onboard(cli, wanumbers_sandbox)
    sb = wanumbers_sandbox
    fields = ",".join(numbers_cli.LIST_FIELDS)
    wire = sb.http_client().get(f"/v23.0/{sb.waba_id}/phone_numbers", params={"fields": fields}).json()

    assert json.loads(cli("list", "--json").stdout) == wire["data"]


def test_details_json_prints_exactly_what_kaleyra_answered(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    onboard(cli, wanumbers_sandbox)
    sb = wanumbers_sandbox
    url = f"/v2/{sb.sid}/whatsapp/919876543210/phone_number_details"
    wire = sb.http_client().get(url, headers={"api-key": sb.api_key}).json()

    assert json.loads(cli("details", "919876543210", "--json").stdout) == wire


def test_list_does_not_truncate_columns_when_piped(cli: Any, wanumbers_sandbox: Sandbox) -> None:
    name = "Acme Store With A Rather Long Display Name"
    number_id = wanumbers_sandbox.kaleyra.add_number(
        wanumbers_sandbox.waba_id, "9876543210", name, "SMS", "+91"
    )
    output = cli("list").stdout
    assert "…" not in output
    row = next(line for line in output.splitlines() if number_id in line)
    for value in (name, "PENDING_REVIEW", "PENDING", "BLOCKED", "+91 98765 43210"):
        assert value in row


@pytest.mark.parametrize(
    "command", [["details", "919876543210"], ["add", "--phone", "1", "--country-code", "+91", "--name", "A"]]
)
def test_without_a_base_url_or_pod_the_cli_refuses_to_guess(cli: Any, command: list[str]) -> None:
    result = CliRunner().invoke(
        main,
        ["numbers", *command],
        env={
            "WANUMBERS_SID": "HX1",
            "WANUMBERS_API_KEY": "k",
            "WANUMBERS_WABA_ID": "1",
            "WANUMBERS_BASE_URL": None,
            "WANUMBERS_POD": None,
        },
    )
    assert result.exit_code == 2
    assert "--base-url" in result.output and "WANUMBERS_BASE_URL" in result.output
    assert "--pod" in result.output and "WANUMBERS_POD" in result.output


def test_list_without_a_base_url_refuses_to_guess(cli: Any) -> None:
    result = CliRunner().invoke(
        main,
        ["numbers", "list"],
        env={"WANUMBERS_ACCESS_TOKEN": "t", "WANUMBERS_WABA_ID": "1", "WANUMBERS_BASE_URL": None},
    )
    assert result.exit_code == 2
    assert "WANUMBERS_BASE_URL" in result.output and "graph.facebook.com" in result.output


def test_a_pod_given_explicitly_picks_kaleyras_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        raise httpx.ConnectError("no network in tests", request=request)

    monkeypatch.setattr(
        numbers_cli, "client_options", lambda: {"transport": httpx.MockTransport(refuse), "max_retries": 0}
    )
    result = CliRunner().invoke(
        main,
        ["numbers", "details", "919876543210", "--pod", "SG"],
        env={"WANUMBERS_SID": "HX1", "WANUMBERS_API_KEY": "k", "WANUMBERS_BASE_URL": None},
    )
    assert result.exit_code == 1
    assert seen and seen[0].startswith(KALEYRA_PODS["SG"] + "/")


def test_a_connection_error_names_the_url_that_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests._processes import free_port

    monkeypatch.setattr(numbers_cli, "client_options", lambda: {"max_retries": 0})
    base_url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = CliRunner().invoke(
        main,
        ["numbers", "details", "919876543210", "--base-url", base_url],
        env={"WANUMBERS_SID": "HX1", "WANUMBERS_API_KEY": "k"},
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert f"{base_url}/v2/HX1/whatsapp/919876543210/phone_number_details" in lines[0]
    assert "Traceback" not in result.output
