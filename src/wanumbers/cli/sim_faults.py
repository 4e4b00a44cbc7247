"""``wanumbers sim faults``: arm, list and clear injected faults."""

from __future__ import annotations

from typing import Any

import click

from wanumbers.cli.common import database_option, emit, fail_on_domain_error, json_option, run, runtime_for
from wanumbers.server.services import sim as sim_service
from wanumbers.server.surfaces.sim import views


@click.group()
def faults() -> None:
    """Make the next N calls of a route fail (server fault) or answer late."""


def _print(body: dict[str, Any]) -> None:
    if not body["faults"]:
        click.echo("no faults armed")
    for fault in body["faults"]:
        delay = f" {fault['delay_ms']} ms" if fault["mode"] == "delay" else ""
        click.echo(f"#{fault['id']}  {fault['route']:<22} {fault['mode']}{delay}  x{fault['remaining']}")


@faults.command("list")
@database_option
@json_option
def list_faults(database_url: str, as_json: bool) -> None:
    """Armed faults, in the order they fire."""
    body = views.faults(run(sim_service.faults(runtime_for(database_url))))
    emit(body, as_json, lambda: _print(body))


@faults.command("add")
@click.option("--route", required=True, help="Route name (kaleyra.add, graph.…) or * for every route.")
@click.option("--mode", type=click.Choice(["error", "delay"]), default="error", show_default=True)
@click.option("--count", type=int, default=1, show_default=True, help="How many calls it affects.")
@click.option("--delay-ms", type=int, default=0, help="Delay per call (delay mode).")
@database_option
@json_option
@fail_on_domain_error
def add_fault(route: str, mode: str, count: int, delay_ms: int, database_url: str, as_json: bool) -> None:
    """Arm a fault on a route."""
    from wanumbers.server.app import create_app
    from wanumbers.server.settings import Settings
    from wanumbers.server.surfaces.sim.catalog import contract_routes

    rt = runtime_for(database_url)
    # The route names come from the app itself, exactly as the HTTP endpoint reads them.
    known = contract_routes(create_app(Settings(database_url=database_url), runtime=rt).routes)
    armed = run(sim_service.inject_fault(rt, known, route=route, mode=mode, count=count, delay_ms=delay_ms))
    body = views.faults(armed)
    emit(body, as_json, lambda: _print(body))


@faults.command("clear")
@database_option
@json_option
def clear_faults(database_url: str, as_json: bool) -> None:
    """Disarm every fault."""
    body = {"faults_cleared": run(sim_service.clear_faults(runtime_for(database_url)))}
    emit(body, as_json, lambda: click.echo(f"cleared {body['faults_cleared']} fault(s)"))
