"""``wanumbers serve``: run the service (Kaleyra BSP API + Graph API + control plane) on one port."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

import click

from wanumbers.cli.common import database_option
from wanumbers.cli.serve_limits import limit_options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="WANUMBERS_HOST")
@click.option("--port", default=8080, show_default=True, envvar="WANUMBERS_PORT")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    envvar="WANUMBERS_WORKERS",
    help="Worker processes (PostgreSQL only for more than one).",
)
@database_option
@click.option(
    "--upstream",
    type=click.Choice(["emulator", "graph"]),
    default="emulator",
    show_default=True,
    envvar="WANUMBERS_UPSTREAM",
    help="Who plays Meta: the embedded emulator, or a real Graph API (live mode).",
)
@click.option("--graph-base-url", envvar="WANUMBERS_GRAPH_BASE_URL", help="Live mode: Graph API URL.")
@click.option("--graph-token", envvar="WANUMBERS_GRAPH_TOKEN", help="Live mode: Graph access token.")
@click.option(
    "--graph-app-secret",
    envvar="WANUMBERS_GRAPH_APP_SECRET",
    help="Live mode: the Meta app's secret; serves Meta's webhook callback at /webhooks/graph.",
)
@click.option(
    "--graph-verify-token",
    envvar="WANUMBERS_GRAPH_VERIFY_TOKEN",
    help="Live mode: the verify token of the webhook subscription handshake.",
)
@click.option(
    "--control-plane",
    type=click.Choice(["on", "off"]),
    default=None,
    envvar="WANUMBERS_CONTROL_PLANE",
    help="The /sim/… HTTP API. Default: on with the emulator, off with --upstream graph (then /sim is 404).",
)
@click.option(
    "--console",
    type=click.Choice(["auto", "on", "off"]),
    default="auto",
    show_default=True,
    envvar="WANUMBERS_CONSOLE",
    help="The browser console at /console/; auto: on while the control plane is (docs/console.md).",
)
@click.option(
    "--demo", is_flag=True, help="Create a demo account and WABA; print credentials and curls for both APIs."
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="WANUMBERS_LOG_FORMAT",
    help="One line per request on stderr, with its request id: key=value text or JSON objects.",
)
@limit_options
def serve(
    host: str,
    port: int,
    workers: int,
    database_url: str,
    upstream: str,
    graph_base_url: str | None,
    graph_token: str | None,
    graph_app_secret: str | None,
    graph_verify_token: str | None,
    control_plane: str | None,
    console: str,
    demo: bool,
    log_format: str,
    limits: object,
) -> None:
    """Start the service.

    \b
    Settings with no flag, from the environment only:
      WANUMBERS_OTP_KEY             key for the OTP/PIN hashes (PostgreSQL: this or the next is needed)
      WANUMBERS_OTP_KEY_FILE        file holding it (default for SQLite: <store file>.otp-key, mode 0600)
      WANUMBERS_OTP_KEY_PREVIOUS    earlier keys, comma-separated, that still check codes and PINs
      WANUMBERS_RATE_LIMIT          per-credential limit RATE[/BURST], 0 = off
      WANUMBERS_ALLOW_PRIVATE_URLS  1: callback URLs may point at private addresses
      WANUMBERS_UNVERIFIED_NUMBER_CAP  unverified numbers one account may hold (emulator; default 20)
    """
    from wanumbers.server.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(
            host=host,
            port=port,
            workers=workers,
            database_url=database_url,
            upstream=upstream,
            graph_base_url=graph_base_url,
            graph_token=graph_token,
            graph_app_secret=graph_app_secret,
            graph_verify_token=graph_verify_token,
            control_plane=None if control_plane is None else control_plane == "on",
            console=console,
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    metrics_folder = _metrics_folder(settings.workers)  # before anything imports prometheus-client
    from wanumbers.server.bootstrap import prepare

    prepare(settings)  # a store that cannot be opened is one line and exit 2, before the port is bound
    if demo:
        from wanumbers.cli.demo import print_demo

        print_demo(settings, shown_store=_redact(settings.database_url))
    os.environ["WANUMBERS_LOG_FORMAT"] = log_format
    try:
        _run(settings, limits)
    finally:
        if metrics_folder is not None:
            shutil.rmtree(metrics_folder, ignore_errors=True)


def _metrics_folder(workers: int) -> str | None:
    """With several workers, /metrics adds up files each worker writes (prometheus-client's multiprocess
    mode): a fresh folder per run, made here unless PROMETHEUS_MULTIPROC_DIR names one (then emptied, as
    prometheus-client requires between runs). Returns the folder to remove at exit, if ours."""
    if workers <= 1:
        return None
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        os.makedirs(given, exist_ok=True)
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.remove(os.path.join(given, name))
        return None
    folder = tempfile.mkdtemp(prefix="wanumbers-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def _optional(name: str, value: str | None) -> dict[str, str]:
    return {name: value} if value else {}


def _run(settings: object, limits: object) -> None:
    from wanumbers.server.http_server.limits import Limits
    from wanumbers.server.http_server.runner import BindError
    from wanumbers.server.http_server.runner import serve as serve_http
    from wanumbers.server.settings import Settings

    assert isinstance(settings, Settings) and isinstance(limits, Limits)
    # Workers are separate processes: hand them the settings through the environment.
    os.environ.update(
        {
            "WANUMBERS_DATABASE_URL": settings.database_url,
            "WANUMBERS_UPSTREAM": settings.upstream,
            "WANUMBERS_CONTROL_PLANE": "on" if settings.control_plane_on else "off",
            "WANUMBERS_CONSOLE": settings.console,
            **({"WANUMBERS_GRAPH_BASE_URL": settings.graph_base_url} if settings.graph_base_url else {}),
            **({"WANUMBERS_GRAPH_TOKEN": settings.graph_token} if settings.graph_token else {}),
            **_optional("WANUMBERS_GRAPH_APP_SECRET", settings.graph_app_secret),
            **_optional("WANUMBERS_GRAPH_VERIFY_TOKEN", settings.graph_verify_token),
        }
    )
    store = _redact(settings.database_url)

    def listening(url: str) -> None:  # called once the port is bound: connections queue from here on
        plane = "control plane on" if settings.control_plane_on else "control plane off"
        click.echo(f"wanumbers listening on {url} ({settings.upstream}, {plane}, {store})", err=True)

    try:
        serve_http(
            "wanumbers.server.app:served_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            limits=limits,
            on_listening=listening,
        )
    except BindError as error:
        click.echo(f"error: {error.strerror}", err=True)
        sys.exit(2)


def _redact(url: str) -> str:
    """Show where the store is without printing a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url
