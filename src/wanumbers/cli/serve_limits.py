"""``wanumbers serve``'s connection bounds: flags, WANUMBERS_* variables, defaults (docs/guarantees.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from wanumbers.server.http_server import limits as defaults

LIMIT_OPTIONS = (
    click.option(
        "--max-header-bytes",
        type=click.IntRange(min=1024),
        default=defaults.MAX_HEADER_BYTES,
        show_default=True,
        envvar="WANUMBERS_MAX_HEADER_BYTES",
        show_envvar=True,
        help="Largest request head (request line + headers); a larger one is answered 431.",
    ),
    click.option(
        "--header-timeout",
        type=click.FloatRange(min=0.1),
        default=defaults.HEADER_TIMEOUT,
        show_default=True,
        envvar="WANUMBERS_HEADER_TIMEOUT",
        show_envvar=True,
        help="Seconds for a request head to arrive (from connect, or a keep-alive connection's first "
        "byte); slower: 408 and closed.",
    ),
    click.option(
        "--body-timeout",
        type=click.FloatRange(min=0.1),
        default=defaults.BODY_TIMEOUT,
        show_default=True,
        envvar="WANUMBERS_BODY_TIMEOUT",
        show_envvar=True,
        help="Seconds for a whole request body to arrive after its head; slower: 408 and closed.",
    ),
    click.option(
        "--keep-alive",
        type=click.FloatRange(min=0.1),
        default=defaults.KEEP_ALIVE,
        show_default=True,
        envvar="WANUMBERS_KEEP_ALIVE",
        show_envvar=True,
        help="Seconds an idle keep-alive connection stays open.",
    ),
    click.option(
        "--max-connections",
        type=click.IntRange(min=1),
        default=None,
        envvar="WANUMBERS_MAX_CONNECTIONS",
        show_envvar=True,
        help="Open connections per worker; past it the longest-waiting idle one is closed "
        "(503 if none is idle). [default: half the open-file limit, at most 1000]",
    ),
    click.option(
        "--shutdown-timeout",
        type=click.FloatRange(min=0),
        default=defaults.SHUTDOWN_TIMEOUT,
        show_default=True,
        envvar="WANUMBERS_SHUTDOWN_TIMEOUT",
        show_envvar=True,
        help="Seconds in-flight requests get to finish after SIGTERM; then they are cut.",
    ),
)
_NAMES = (
    "max_header_bytes",
    "header_timeout",
    "body_timeout",
    "keep_alive",
    "max_connections",
    "shutdown_timeout",
)


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the bound options to ``command`` and hand it one ``limits`` argument instead."""

    @functools.wraps(command)
    def with_limits(**kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _NAMES}
        try:
            cap = defaults.resolve_max_connections(values.pop("max_connections"), defaults.open_files_limit())
        except defaults.LimitsError as error:
            raise click.UsageError(str(error)) from error
        return command(**kwargs, limits=defaults.Limits(max_connections=cap, **values))

    for option in reversed(LIMIT_OPTIONS):
        with_limits = option(with_limits)
    return with_limits
