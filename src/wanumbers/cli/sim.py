"""``wanumbers sim``: the emulator's control plane from the shell.

Every command works on the database directly (the server may be running or not) and, with ``--json``,
prints exactly the body the matching ``/sim/…`` endpoint answers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import click

from wanumbers.cli.common import (
    AnyCaseChoice,
    database_option,
    emit,
    expires_in_option,
    fail_on_domain_error,
    json_option,
    read_secret,
    report_revocation,
    run,
    runtime_for,
)
from wanumbers.cli.sim_faults import faults
from wanumbers.server.domain.lifecycle import AccountMode, MessagingTier, Quality
from wanumbers.server.services import admin
from wanumbers.server.services import sim as sim_service
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.surfaces.sim import views


@click.group()
def sim() -> None:
    """Steer the embedded Meta emulator (what Meta would do behind the scenes)."""


@sim.command("token")
@expires_in_option
@database_option
@json_option
@fail_on_domain_error
def token(expires_in: int | None, database_url: str, as_json: bool) -> None:
    """Issue an admin token for the /sim/… HTTP API (shown once; stored hashed)."""
    secret = run(admin.create_admin_token(runtime_for(database_url, create=True), expires_in))
    emit(
        {"admin_token": secret},
        as_json,
        lambda: click.echo(f"Admin token: {secret}\nUse it as: Authorization: Bearer {secret}"),
    )


@sim.command("revoke-token")
@click.option("--token", help="The admin token (prompted for, or piped on stdin, when not given).")
@database_option
@json_option
def revoke_token(token: str | None, database_url: str, as_json: bool) -> None:
    """Revoke an admin token: /sim refuses it from the next request on, on every worker."""
    secret = read_secret(token, "Admin token to revoke")
    report_revocation(run(admin.revoke_secret(runtime_for(database_url), "admin", secret)), as_json)


# --- numbers ---------------------------------------------------------------------------------------

number_argument = click.argument("number")


def _show(view: NumberView, as_json: bool) -> None:
    body = views.number(view)

    def human() -> None:
        health = body["health_status"]["can_send_message"]
        click.echo(f"{body['id']}  {body['phone_number']}  {body['verified_name']}")
        for key in ("state", "name_status", "quality_rating", "messaging_limit_tier", "account_mode"):
            click.echo(f"  {key:<22} {body[key]}")
        click.echo(f"  {'throughput':<22} {body['throughput']['level']}")
        click.echo(f"  {'sip':<22} enabled={body['sip_enabled']} server={body['sip_server_configured']}")
        click.echo(f"  {'health':<22} {health}")

    emit(body, as_json, human)


def _number_command(
    name: str, help_text: str, use_case: Callable[..., Coroutine[Any, Any, NumberView]], *extra: Any
) -> None:
    """Register ``sim NAME NUMBER``: a no-argument action on one number."""

    @sim.command(name, help=help_text)
    @number_argument
    @database_option
    @json_option
    @fail_on_domain_error
    def command(number: str, database_url: str, as_json: bool) -> None:
        _show(run(use_case(runtime_for(database_url), number, *extra)), as_json)


_number_command("show", "Show a number as the emulator holds it (by id or E.164).", sim_service.show_number)
_number_command(
    "approve-name", "Approve the display name (LIMITED goes away).", sim_service.review_name, "APPROVED"
)
_number_command("decline-name", "Decline the display name.", sim_service.review_name, "DECLINED")
for _action in ("flag", "restrict", "ban", "restore"):
    _number_command(
        _action, f"{_action.capitalize()} the number (Meta enforcement).", sim_service.enforce, _action
    )


def _value_command(
    name: str, metavar: str, values: list[str], use_case: Callable[..., Coroutine[Any, Any, NumberView]]
) -> None:
    """Register ``sim NAME NUMBER VALUE``: set one property of a number."""

    @sim.command(name, help=f"Set the number's {name.replace('-', ' ')} ({' | '.join(values)}).")
    @number_argument
    @click.argument("value", metavar=metavar, type=AnyCaseChoice(values))
    @database_option
    @json_option
    @fail_on_domain_error
    def command(number: str, value: str, database_url: str, as_json: bool) -> None:
        _show(run(use_case(runtime_for(database_url), number, value.upper())), as_json)


_value_command("quality", "RATING", [q.value for q in Quality], sim_service.set_quality)
_value_command("tier", "TIER", [t.value for t in MessagingTier], sim_service.set_tier)
_value_command("throughput", "LEVEL", ["STANDARD", "HIGH"], sim_service.set_throughput)
_value_command("account-mode", "MODE", [m.value for m in AccountMode], sim_service.set_account_mode)


@sim.command("sip")
@number_argument
@click.option("--enabled/--disabled", "enabled", default=None, help="SIP calling on the number.")
@click.option("--server/--no-server", "server", default=None, help="A SIP server configured on the app.")
@database_option
@json_option
@fail_on_domain_error
def sip(number: str, enabled: bool | None, server: bool | None, database_url: str, as_json: bool) -> None:
    """Configure SIP calling (health errors 138024 / 138025 go away when both are on)."""
    view = run(
        sim_service.configure_sip(
            runtime_for(database_url), number, enabled=enabled, server_configured=server
        )
    )
    _show(view, as_json)


# --- WABAs and businesses --------------------------------------------------------------------------

on_off = click.argument("state", type=click.Choice(["on", "off"]))


@sim.command("waba-restriction")
@click.argument("waba_id", type=int)
@on_off
@database_option
@json_option
@fail_on_domain_error
def waba_restriction(waba_id: int, state: str, database_url: str, as_json: bool) -> None:
    """Restrict a WABA (its health entity turns BLOCKED) or lift the restriction."""
    body = views.waba(run(sim_service.restrict_waba(runtime_for(database_url), waba_id, state == "on")))
    emit(body, as_json, lambda: click.echo(f"WABA {waba_id} restricted: {body['restricted']}"))


@sim.command("business-restriction")
@click.argument("sid")
@on_off
@database_option
@json_option
@fail_on_domain_error
def business_restriction(sid: str, state: str, database_url: str, as_json: bool) -> None:
    """Restrict the account's business portfolio (BUSINESS entity BLOCKED) or lift it."""
    body = views.business(run(sim_service.restrict_business(runtime_for(database_url), sid, state == "on")))
    emit(body, as_json, lambda: click.echo(f"{sid} business restricted: {body['business_restricted']}"))


# --- outbox and clock ------------------------------------------------------------------------------


@sim.command("outbox")
@click.option("--phone", help="Only messages to this number (E.164, e.g. +919876543210).")
@click.option("--limit", default=20, show_default=True)
@database_option
@json_option
def outbox(phone: str | None, limit: int, database_url: str, as_json: bool) -> None:
    """OTP messages the emulator delivered, newest first."""
    to = None if phone is None else "+" + phone.lstrip("+")
    rows = [views.delivery(d) for d in run(sim_service.outbox(runtime_for(database_url), to, limit))]

    def human() -> None:
        if not rows:
            click.echo("outbox is empty")
        for row in rows:
            click.echo(f"{row['sent_at']}  {row['to']:<16} {row['channel']:<5} {row['code']}")

    emit(rows, as_json, human)


@sim.command("clock")
@click.option("--advance", "advance", type=int, help="Move emulated time forward by SECONDS.")
@click.option("--reset", "reset", is_flag=True, help="Back to real time.")
@database_option
@json_option
@fail_on_domain_error
def clock(advance: int | None, reset: bool, database_url: str, as_json: bool) -> None:
    """Show the emulated clock, fast-forward it, or reset it."""
    if advance is not None and reset:
        raise click.UsageError("give --advance or --reset, not both")
    rt = runtime_for(database_url)
    if reset:
        view = run(sim_service.reset_clock(rt))
    elif advance is not None:
        view = run(sim_service.advance_clock(rt, advance))
    else:
        view = run(sim_service.clock(rt))
    body = views.clock(view)
    emit(body, as_json, lambda: click.echo(f"now {body['now']} (offset {body['offset_seconds']:g} s)"))


# --- resets ----------------------------------------------------------------------------------------


@sim.command("reset")
@click.option("--sid", help="Reset only this account (numbers, codes, outbox, restrictions).")
@database_option
@json_option
@fail_on_domain_error
def reset(sid: str | None, database_url: str, as_json: bool) -> None:
    """Reset the emulator (or one account). Accounts, keys, tokens and WABAs are kept."""
    rt = runtime_for(database_url)
    report = run(sim_service.reset_account(rt, sid)) if sid else run(sim_service.reset_all(rt))
    body = views.reset(report, sid)
    emit(body, as_json, lambda: click.echo(f"deleted {body['numbers_deleted']} number(s)"))


sim.add_command(faults)
