"""``wanumbers numbers``: the client CLI, routed into an in-process sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wanumbers.cli import main
from wanumbers.cli import numbers as numbers_cli
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
    assert "no phone_number, country_code column" in result.output
