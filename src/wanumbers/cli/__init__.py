"""The ``wanumbers`` command. Each group lives in its own module and is imported only when invoked,
so ``wanumbers --help`` and ``wanumbers serve`` stay fast."""

from __future__ import annotations

import importlib
from typing import Any

import click

# command name -> "module:attribute"
COMMANDS = {
    "serve": "wanumbers.cli.serve:serve",
    "accounts": "wanumbers.cli.admin:accounts",
    "wabas": "wanumbers.cli.admin:wabas",
    "tokens": "wanumbers.cli.admin:tokens",
    "sim": "wanumbers.cli.sim:sim",
    "numbers": "wanumbers.cli.numbers:numbers",
    "apps": "wanumbers.cli.events:apps",
    "events": "wanumbers.cli.events:events",
    "profiles": "wanumbers.cli.profiles:profiles",
}


STORE_ERROR_EXIT = 2


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        """A database URL that cannot be opened, from any command: one line and exit 2, no traceback."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            from wanumbers.server.storage.location import StoreLocationError

            if not isinstance(error, StoreLocationError):
                raise
            click.echo(f"error: {error}", err=True)
            ctx.exit(STORE_ERROR_EXIT)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        try:
            command: Any = getattr(importlib.import_module(module), attribute)
        except ModuleNotFoundError:
            return None
        show_envvars(command)
        return command  # type: ignore[no-any-return]


def show_envvars(command: click.Command) -> None:
    """Every option that reads an environment variable says so, in ``--help`` and in the error for a
    missing value (Click adds "(env var: …)" to both), so no module can forget one."""
    for param in command.params:
        if isinstance(param, click.Option) and param.envvar:
            param.show_envvar = True
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            show_envvars(sub)


@click.group(cls=LazyGroup)
@click.version_option(package_name="wanumbers")
def main() -> None:
    """Manage WhatsApp Business phone numbers: the service, the operator tools and the client."""
