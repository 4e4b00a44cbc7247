"""``wanumbers serve``: run the service (Kaleyra BSP API + Graph API + control plane) on one port."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import click

from wanumbers.cli.common import database_option
from wanumbers.cli.serve_limits import limit_options

DEMO_NAME = "wanumbers-demo"
DEMO_PHONE = ("9876543210", "+91")


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
@click.option("--demo", is_flag=True, help="Create a demo account and WABA; print ready-to-paste curls.")
@limit_options
def serve(
    host: str,
    port: int,
    workers: int,
    database_url: str,
    upstream: str,
    graph_base_url: str | None,
    graph_token: str | None,
    demo: bool,
    limits: object,
) -> None:
    """Start the service."""
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
        )
    except SettingsError as error:
        raise click.UsageError(str(error)) from error
    if demo:
        _print_demo(settings)
    _run(settings, limits)


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
            **({"WANUMBERS_GRAPH_BASE_URL": settings.graph_base_url} if settings.graph_base_url else {}),
            **({"WANUMBERS_GRAPH_TOKEN": settings.graph_token} if settings.graph_token else {}),
        }
    )
    store = _redact(settings.database_url)

    def listening(url: str) -> None:  # called once the port is bound: connections queue from here on
        click.echo(f"wanumbers listening on {url} ({settings.upstream}, {store})", err=True)

    try:
        serve_http(
            "wanumbers.server.app:create_app",
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


async def _demo_account(rt: Any) -> tuple[Any, str, Any]:
    """The demo account (made once), a fresh API key for it, and its WABA."""
    from wanumbers.server.services import admin

    try:
        async with rt.uow() as uow:
            account = await uow.accounts.first_named(DEMO_NAME)
            wabas = await uow.wabas.of_account(account.id) if account else []
        if account is None:
            account, api_key = await admin.create_account(rt, DEMO_NAME, "IN")
        else:  # the first key is not retrievable (only its digest is kept): add a fresh one
            api_key = await admin.add_api_key(rt, account.sid)
        waba = wabas[0] if wabas else await admin.create_waba(rt, account.sid, "v2")
    finally:
        await rt.close()
    return account, api_key, waba


def _print_demo(settings: object) -> None:
    from wanumbers.server.bootstrap import build_runtime
    from wanumbers.server.settings import Settings

    assert isinstance(settings, Settings)
    account, api_key, waba = asyncio.run(_demo_account(build_runtime(settings)))
    base = f"http://{settings.host}:{settings.port}/v2/{account.sid}/whatsapp"
    phone, cc = DEMO_PHONE
    headers = f"-H 'api-key: {api_key}' -H 'Content-Type: application/json'"
    store = _redact(settings.database_url)  # a password in the URL is not printed
    add_body = json.dumps(
        {"phone_number": phone, "name": "Demo Store", "verification_type": "SMS", "country_code": cc}
    )
    click.echo(
        f"""
Demo account (created once, a fresh API key on each --demo run)
  SID:     {account.sid}
  API key: {api_key}
  WABA id: {waba.id}

Add a number (an OTP lands in the outbox: wanumbers sim outbox --database-url {store}):
  curl -X POST '{base}/{waba.id}/number/add' {headers} \\
    -d '{add_body}'
Verify it (id from the add response, otp from the outbox):
  curl -X POST '{base}/{waba.id}/number/verify' {headers} \\
    -d '{{"id": "<id>", "phone_number": "{cc}{phone}", "otp": "<otp>"}}'
Update its profile:
  curl -X PUT '{base}/{waba.id}/number/update' {headers} \\
    -d '{{"phone_number": "{cc}{phone}", "about": "Open 9-5", "category": "SHOPPING_RETAIL"}}'
Fetch its details:
  curl '{base}/{cc.lstrip("+")}{phone}/phone_number_details' -H 'api-key: {api_key}'
""",
        file=sys.stderr,
    )
