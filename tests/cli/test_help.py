"""``--help`` tells where each setting can come from, and a missing one says how to give it."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from wanumbers.cli import COMMANDS, main


def every_command() -> Iterator[tuple[list[str], click.Command]]:
    """Each leaf command of ``wanumbers`` with the words that invoke it."""
    context = click.Context(main)
    pending = [([name], main.get_command(context, name)) for name in COMMANDS]
    while pending:
        path, command = pending.pop()
        assert command is not None
        if isinstance(command, click.Group):
            pending += [([*path, name], sub) for name, sub in command.commands.items()]
        else:
            yield path, command


COMMANDS_WITH_ENVVARS = [
    (path, command)
    for path, command in every_command()
    if any(isinstance(param, click.Option) and param.envvar for param in command.params)
]


#: Unset for the test: a developer's shell may hold real credentials.
NO_CREDENTIALS: dict[str, str | None] = {
    f"WANUMBERS_{name}": None for name in ("SID", "API_KEY", "WABA_ID", "ACCESS_TOKEN", "BASE_URL", "POD")
}


def help_of(*path: str) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS_WITH_ENVVARS, ids=[" ".join(p) for p, _ in COMMANDS_WITH_ENVVARS]
)
def test_help_shows_the_environment_variable_of_every_option_that_has_one(
    path: list[str], command: click.Command
) -> None:
    text = " ".join(help_of(*path).split())  # Click wraps long lines wherever the width falls
    for param in command.params:
        if isinstance(param, click.Option) and isinstance(param.envvar, str):
            assert f"env var: {param.envvar}" in text, (param.name, text)


def test_serve_help_names_its_environment_variables() -> None:
    text = help_of("serve")
    for name in ("WANUMBERS_PORT", "WANUMBERS_DATABASE_URL", "WANUMBERS_WORKERS", "WANUMBERS_HOST"):
        assert name in text
    for env_only in ("WANUMBERS_OTP_KEY", "WANUMBERS_RATE_LIMIT", "WANUMBERS_ALLOW_PRIVATE_URLS"):
        assert env_only in text, "settings without a flag are listed too"


@pytest.mark.parametrize(
    ("args", "variable"),
    [
        (["numbers", "list", "--waba-id", "1", "--base-url", "http://127.0.0.1:9"], "WANUMBERS_ACCESS_TOKEN"),
        (["numbers", "details", "919876543210", "--api-key", "k"], "WANUMBERS_SID"),
        (["numbers", "details", "919876543210", "--sid", "HX"], "WANUMBERS_API_KEY"),
        (["numbers", "add", "--phone", "1", "--country-code", "+91", "--name", "A"], "WANUMBERS_WABA_ID"),
    ],
)
def test_a_missing_credential_names_its_environment_variable(args: list[str], variable: str) -> None:
    result = CliRunner().invoke(main, args, env=NO_CREDENTIALS)

    assert result.exit_code == 2
    assert variable in result.output
