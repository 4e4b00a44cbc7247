"""Operator commands: accounts, WABAs and Graph access tokens. They work on the database directly, so
the server may be running or not."""

from __future__ import annotations

import click

from wanumbers.cli.common import (
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
from wanumbers.server.services import admin


@click.group()
def accounts() -> None:
    """Create accounts and manage their API keys."""


@accounts.command("create")
@click.option("--name", required=True, help="Account name.")
@click.option("--pod", type=click.Choice(["IN", "SG", "EU", "NA"]), default="IN", show_default=True)
@database_option
@json_option
@fail_on_domain_error
def create_account(name: str, pod: str, database_url: str, as_json: bool) -> None:
    """Create an account; prints its SID and API key (shown this once only)."""
    account, api_key = run(admin.create_account(runtime_for(database_url, create=True), name, pod))  # type: ignore[arg-type]
    emit(
        {"sid": account.sid, "api_key": api_key},
        as_json,
        lambda: click.echo(
            f"SID:     {account.sid}\nAPI key: {api_key}\n(store the key now: it is not shown again)"
        ),
    )


@accounts.command("rotate-key")
@click.option("--sid", required=True)
@database_option
@json_option
@fail_on_domain_error
def rotate_key(sid: str, database_url: str, as_json: bool) -> None:
    """Revoke the account's API keys and issue a new one."""
    api_key = run(admin.rotate_api_key(runtime_for(database_url), sid))
    emit(
        {"sid": sid, "api_key": api_key},
        as_json,
        lambda: click.echo(f"New API key for {sid}: {api_key}\n(old keys no longer work)"),
    )


@accounts.command("add-key")
@click.option("--sid", required=True)
@database_option
@json_option
@fail_on_domain_error
def add_key(sid: str, database_url: str, as_json: bool) -> None:
    """Issue another API key for the account; its other keys keep working."""
    api_key = run(admin.add_api_key(runtime_for(database_url), sid))
    emit({"sid": sid, "api_key": api_key}, as_json, lambda: click.echo(f"New API key for {sid}: {api_key}"))


@accounts.command("revoke-key")
@click.option(
    "--key",
    help="The key (prompted for, or piped on stdin, when not given: keeps it out of shell history).",
)
@database_option
@json_option
def revoke_key(key: str | None, database_url: str, as_json: bool) -> None:
    """Revoke one API key: it fails from the next request on, on every worker."""
    secret = read_secret(key, "API key to revoke")
    report_revocation(run(admin.revoke_secret(runtime_for(database_url), "api_key", secret)), as_json)


@click.group()
def wabas() -> None:
    """Create WhatsApp Business Accounts (WABAs) for an account."""


@wabas.command("create")
@click.option("--sid", required=True)
@click.option(
    "--api-version",
    type=click.Choice(["v1", "v2"]),
    default="v2",
    show_default=True,
    help="Kaleyra WA API version the WABA belongs to (routing differs).",
)
@click.option(
    "--waba-id",
    type=int,
    default=None,
    help="Register an existing WABA under its own id (live mode: the Graph WABA id).",
)
@database_option
@json_option
@fail_on_domain_error
def create_waba(sid: str, api_version: str, waba_id: int | None, database_url: str, as_json: bool) -> None:
    """Create a WABA owned by the account (or register an existing one with --waba-id)."""
    waba = run(admin.create_waba(runtime_for(database_url), sid, api_version, waba_id))
    emit({"waba_id": str(waba.id)}, as_json, lambda: click.echo(f"WABA id: {waba.id}"))


@click.group()
def tokens() -> None:
    """Graph API access tokens."""


@tokens.command("create")
@click.option("--sid", required=True)
@expires_in_option
@database_option
@json_option
@fail_on_domain_error
def create_token(sid: str, expires_in: int | None, database_url: str, as_json: bool) -> None:
    """Issue a Graph access token that sees only this account's WABAs (shown once). An expired one is
    answered as Graph answers it (190, subcode 463)."""
    token = run(admin.create_access_token(runtime_for(database_url), sid, expires_in))
    emit({"access_token": token}, as_json, lambda: click.echo(f"Access token: {token}"))


@tokens.command("revoke")
@click.option("--token", help="The token (prompted for, or piped on stdin, when not given).")
@database_option
@json_option
def revoke_token(token: str | None, database_url: str, as_json: bool) -> None:
    """Revoke a Graph access token: it fails from the next request on, on every worker."""
    secret = read_secret(token, "Access token to revoke")
    report_revocation(run(admin.revoke_secret(runtime_for(database_url), "access_token", secret)), as_json)
