"""The Dockerfile and docker-compose.yml are files only (no Docker engine in CI), so what they rely on is
checked here: the command and flags they run exist, every WANUMBERS_* variable they set is one the
service reads, the image runs as a non-root user with a healthcheck on /readyz."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import click
import pytest
import yaml

from tests.docs import cli_refs
from tests.docs.markdown import ROOT
from wanumbers.cli import COMMANDS, main, show_envvars
from wanumbers.server.settings import Settings

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def instructions(name: str) -> list[str]:
    """The arguments of every ``NAME`` instruction, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in text.splitlines() if line.split(None, 1)[:1] == [name]]


class RecordingEnv(dict[str, str]):
    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def variables_the_service_reads(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every setting Settings.from_env reads, plus every option's environment variable in the CLI."""
    env = RecordingEnv()
    monkeypatch.setattr(os, "environ", env)
    Settings.from_env()
    monkeypatch.undo()
    found = set(env.asked)
    context = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert command is not None
        show_envvars(command)
        pending = [command]
        while pending:
            current = pending.pop()
            found |= {p.envvar for p in current.params if isinstance(getattr(p, "envvar", None), str)}
            pending += list(getattr(current, "commands", {}).values())
    return found


def set_in_dockerfile() -> set[str]:
    names = set()
    for arguments in instructions("ENV"):
        names |= set(re.findall(r"(WANUMBERS_\w+)=", arguments))
    return names


def test_the_image_runs_wanumbers_serve_with_flags_that_exist() -> None:
    (command,) = instructions("CMD")
    argv = json.loads(command)
    assert argv[:2] == ["wanumbers", "serve"]
    assert cli_refs.problems(" ".join(argv)) == []


def test_the_image_is_slim_non_root_and_checks_readyz() -> None:
    (base,) = instructions("FROM")
    assert base.startswith("python:") and base.endswith("-slim")
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")
    (healthcheck,) = instructions("HEALTHCHECK")
    assert "http://127.0.0.1:8080/readyz" in healthcheck
    assert "WANUMBERS_PORT=8080" in DOCKERFILE and "EXPOSE 8080" in DOCKERFILE


def test_compose_runs_the_service_on_postgresql_once_the_database_is_healthy() -> None:
    service = COMPOSE["services"]["wanumbers"]
    assert cli_refs.problems(" ".join(service["command"])) == []
    assert service["environment"]["WANUMBERS_DATABASE_URL"].startswith("postgresql://")
    assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in COMPOSE["services"]["db"]


def test_every_setting_the_files_set_is_one_the_service_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    known = variables_the_service_reads(monkeypatch)
    assert {"WANUMBERS_DATABASE_URL", "WANUMBERS_OTP_KEY", "WANUMBERS_PORT"} <= known
    compose_env = set(COMPOSE["services"]["wanumbers"]["environment"])
    assert (set_in_dockerfile() | compose_env) - known == set()


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for local in (".git", ".venv", "*.db"):
        assert local in ignored
    assert "README.md" not in ignored, "the package's metadata reads it"
