"""Operator commands for Kaleyra callback profiles. They work on the database directly, so the server
may be running or not. Profiles themselves are managed through the API (``/v1/{sid}/callback/profiles``)
or the SDK; what only the operator can see is a profile's signing secret."""

from __future__ import annotations

import click

from wanumbers.cli.common import database_option, emit, fail_on_domain_error, json_option, run, runtime_for
from wanumbers.server.services import admin, callback_profiles


@click.group()
def profiles() -> None:
    """Kaleyra callback profiles and the secrets their deliveries are signed with."""


@profiles.command("list")
@click.option("--sid", required=True)
@database_option
@json_option
@fail_on_domain_error
def list_profiles(sid: str, database_url: str, as_json: bool) -> None:
    """The account's callback profiles, newest first (the first 100)."""
    rt = runtime_for(database_url)
    account = run(admin.find_account(rt, sid))
    found = run(callback_profiles.page(rt, account, limit=100))
    rows = [
        {
            "profile_id": p.id,
            "title": p.title,
            "http_method": p.http_method,
            "url": p.url,
            "events": list(p.events),
        }
        for p in found
    ]

    def human() -> None:
        for row in rows:
            click.echo(f"{row['profile_id']}  {row['http_method']:<6} {row['title']}  {row['url']}")

    emit(rows, as_json, human)


@profiles.command("secret")
@click.option("--sid", required=True)
@click.option("--id", "profile_id", required=True, help="The callback profile id.")
@click.option(
    "--rotate", is_flag=True, help="Make a new secret: it signs every send from now on, the old one none."
)
@database_option
@json_option
@fail_on_domain_error
def secret(sid: str, profile_id: str, rotate: bool, database_url: str, as_json: bool) -> None:
    """Print the profile's Standard Webhooks secret (whsec_…): verify webhook-signature with it."""
    value = run(callback_profiles.secret(runtime_for(database_url), sid, profile_id, rotate=rotate))
    emit({"profile_id": profile_id, "secret": value}, as_json, lambda: click.echo(value))
