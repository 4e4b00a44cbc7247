"""Helpers shared by the operator commands: options, runtime, output."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from wanumbers.server.domain.errors import DomainError

if TYPE_CHECKING:
    from wanumbers.server.services.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
_RUNNER = "wanumbers.runner"

database_option = click.option(
    "--database-url",
    envvar="WANUMBERS_DATABASE_URL",
    default="sqlite:///./wanumbers.db",
    show_default=True,
    help="Store to work on (sqlite:///… or postgresql://…).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


class AnyCaseChoice(click.Choice[str]):
    """Accepts any case (``red``), answers the documented spelling (``RED``), and an error lists the
    choices as they are documented, not case-folded as Click would."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(choices, case_sensitive=False)

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not one of {', '.join(map(repr, self.choices))}."


def runtime_for(database_url: str, *, create: bool = False) -> Runtime:
    """A runtime on the operator's database, closed when the command finishes. Only a command that
    provisions (``accounts create``, ``sim token``) makes a store that does not exist: any other
    refuses it, so one run from the wrong folder does not leave an empty ``./wanumbers.db`` there (the
    CLI prints ``location.NoStore`` and exits 2)."""
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings, SettingsError

    try:
        runtime = build_runtime(Settings(database_url=database_url), create=create)
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    runner = _runner()  # made first, so it closes after the runtime (close hooks run last-in first-out)
    click.get_current_context().call_on_close(lambda: runner.run(runtime.close()))
    return runtime


def run(use_case: Coroutine[Any, Any, T]) -> T:
    """Run a use case on the command's event loop (one per command, so its connections are reused)."""
    return _runner().run(use_case)


def _runner() -> asyncio.Runner:
    context = click.get_current_context()
    runner: asyncio.Runner | None = context.meta.get(_RUNNER)
    if runner is None:
        runner = asyncio.Runner()
        context.meta[_RUNNER] = runner
        context.call_on_close(runner.close)
    return runner


def emit(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(data))
    else:
        human()


def fail_on_domain_error(function: F) -> F:
    """Operator mistakes (unknown SID, bad value) print one clear line and exit 1, not a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except DomainError as error:
            click.echo(f"error: {error.detail}", err=True)
            sys.exit(1)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper  # type: ignore[return-value]


expires_in_option = click.option(
    "--expires-in",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Lifetime on the emulator's clock; without it the token never expires.",
)


def read_secret(given: str | None, prompt: str) -> str:
    """The secret from the flag, a hidden prompt on a terminal, or the first line of a pipe. A pipe is
    read directly: ``getpass`` would warn that it cannot hide what is not typed."""
    if given is None:
        given = click.prompt(prompt, hide_input=True) if sys.stdin.isatty() else sys.stdin.readline()
    secret = given.strip()
    if not secret:
        raise click.UsageError("no secret given (pass it with the option, at the prompt or on stdin)")
    return secret


def report_revocation(revoked: bool, as_json: bool) -> None:
    emit(
        {"revoked": revoked},
        as_json,
        lambda: click.echo(
            "revoked" if revoked else "no live credential matches (unknown or already revoked)"
        ),
    )
    if not revoked:
        raise SystemExit(1)
