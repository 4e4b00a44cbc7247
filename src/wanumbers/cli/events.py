"""Operator commands for webhooks: the account's app secret, and the delivery queue (list, replay).
They work on the database directly, whether the server runs or not; a running server's worker sends a
replayed delivery within its poll interval."""

from __future__ import annotations

import click

from wanumbers.cli.common import database_option, emit, fail_on_domain_error, json_option, run, runtime_for
from wanumbers.server.services import apps as app_service
from wanumbers.server.services import events as event_service
from wanumbers.server.surfaces.sim import views


@click.group()
def apps() -> None:
    """The app of each account: the secret Meta's webhooks are signed with."""


@apps.command("secret")
@click.option("--sid", required=True)
@click.option("--rotate", is_flag=True, help="Make a new secret; the old one stops working at once.")
@database_option
@json_option
@fail_on_domain_error
def secret(sid: str, rotate: bool, database_url: str, as_json: bool) -> None:
    """Print the account's app id and app secret (what a receiver checks X-Hub-Signature-256 with)."""
    creds = run(app_service.secret(runtime_for(database_url), sid, rotate=rotate))
    data = {"app_id": str(creds.app_id), "app_secret": creds.app_secret}
    emit(data, as_json, lambda: click.echo(f"App id:     {creds.app_id}\nApp secret: {creds.app_secret}"))


@click.group()
def events() -> None:
    """Webhook deliveries: what was sent, what waits, what gave up."""


@events.command("list")
@click.option("--status", type=click.Choice(["pending", "delivered", "dead"]), default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@database_option
@json_option
@fail_on_domain_error
def list_deliveries(status: str | None, limit: int, database_url: str, as_json: bool) -> None:
    """Deliveries, newest first."""
    found = run(event_service.deliveries(runtime_for(database_url), status, limit))
    shown = [views.event_delivery(delivery) for delivery in found]

    def human() -> None:
        for view in shown:
            error = f"  {view['last_error']}" if view["last_error"] else ""
            line = f"{view['id']:>6}  {view['status']:<9} {view['attempts']:>2}x  {view['field']:<28}"
            click.echo(f"{line} {view['url']}{error}")
        if not shown:
            click.echo("no deliveries")

    emit(shown, as_json, human)


@events.command("replay")
@click.argument("delivery_id", type=int)
@database_option
@json_option
@fail_on_domain_error
def replay(delivery_id: int, database_url: str, as_json: bool) -> None:
    """Send a delivery again, whatever its status (dead letters included)."""
    record = run(event_service.replay(runtime_for(database_url), delivery_id))
    emit(views.event_delivery(record), as_json, lambda: click.echo(f"delivery {record.id} queued again"))
