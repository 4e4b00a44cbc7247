"""``wanumbers numbers``: the client CLI, over the SDK. Works against Kaleyra, a self-hosted wanumbers
or its sandbox alike.

Credentials come from flags or the environment: ``WANUMBERS_SID``, ``WANUMBERS_API_KEY``,
``WANUMBERS_WABA_ID``, ``WANUMBERS_BASE_URL`` (or ``WANUMBERS_POD`` for Kaleyra's own domains: one of
the two is required, the CLI never picks a production API by itself) and, for ``list`` (a Graph call),
``WANUMBERS_ACCESS_TOKEN``. Errors print one line and exit 1; ``--json`` prints for scripts.

``import`` reads a CSV with a header row and these columns (extra columns are ignored):

    phone_number       national digits, e.g. 9876543210 (required)
    country_code       e.g. +91 (required)
    name               the display name (required)
    verification_type  SMS or VOICE (optional, default SMS)

Each row is added on its own, so an interrupted import loses nothing: re-run it, and numbers that
already exist are counted as skipped, not failed.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from wanumbers.cli import numbers_view as view
from wanumbers.cli.numbers_import import import_csv
from wanumbers.client import DEFAULT_GRAPH_URL, CloudAPI, Kaleyra, WanumbersError

F = TypeVar("F", bound=Callable[..., Any])

LIST_FIELDS = (
    "id",
    "display_phone_number",
    "verified_name",
    "status",
    "quality_rating",
    "name_status",
    "health_status",
)


def client_options() -> dict[str, Any]:
    """Extra SDK client options (tests route the CLI into a sandbox through this seam)."""
    return {}


def exits_on_sdk_error(function: F) -> F:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except WanumbersError as error:
            click.echo(f"error: {view.error_line(error)}", err=True)
            sys.exit(1)
        except ValueError as error:  # e.g. an unknown pod
            click.echo(f"error: {error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


NO_KALEYRA_URL = (
    "no API to talk to: give --base-url (WANUMBERS_BASE_URL), e.g. http://127.0.0.1:8080 for "
    "`wanumbers serve`, or --pod IN|SG|EU|NA (WANUMBERS_POD) for Kaleyra's own API"
)
NO_GRAPH_URL = (
    "no API to talk to: give --base-url (WANUMBERS_BASE_URL), e.g. http://127.0.0.1:8080 for "
    f"`wanumbers serve`, or {DEFAULT_GRAPH_URL} for Meta's own Graph API"
)


def kaleyra_command(function: F) -> F:
    """The options every Kaleyra command takes, turned into a ``kaleyra`` client argument.

    Where the calls go is never guessed: a base URL (a wanumbers service) or a pod (Kaleyra's own
    domains, real numbers) must be given. A base URL wins over a pod."""

    @click.option("--sid", envvar="WANUMBERS_SID", required=True, help="Account SID.")
    @click.option("--api-key", envvar="WANUMBERS_API_KEY", required=True, help="API key.")
    @click.option("--base-url", envvar="WANUMBERS_BASE_URL", help="API URL, e.g. http://127.0.0.1:8080.")
    @click.option(
        "--pod",
        envvar="WANUMBERS_POD",
        type=click.Choice(["IN", "SG", "EU", "NA"]),
        help="Kaleyra's own API of this pod (when no base URL is given).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
    @functools.wraps(function)
    @exits_on_sdk_error
    def wrapper(sid: str, api_key: str, base_url: str | None, pod: str | None, **kwargs: Any) -> Any:
        if base_url is None and pod is None:
            raise click.UsageError(NO_KALEYRA_URL)
        with Kaleyra(sid, api_key, pod or "IN", base_url, **client_options()) as kaleyra:  # type: ignore[arg-type]
            return function(kaleyra, **kwargs)

    return wrapper  # type: ignore[return-value]


waba_option = click.option("--waba-id", envvar="WANUMBERS_WABA_ID", required=True, help="WABA id.")


@click.group()
def numbers() -> None:
    """Add, verify, update, inspect and list WhatsApp phone numbers (client side, over the API)."""


@numbers.command("add")
@waba_option
@click.option("--phone", "phone_number", required=True, help="National digits, e.g. 9876543210.")
@click.option("--country-code", required=True, help="e.g. +91.")
@click.option("--name", required=True, help="Display name.")
@click.option("--verification-type", type=click.Choice(["SMS", "VOICE"]), default="SMS", show_default=True)
@kaleyra_command
def add(
    kaleyra: Kaleyra,
    waba_id: str,
    phone_number: str,
    country_code: str,
    name: str,
    verification_type: str,
    as_json: bool,
) -> None:
    """Add a number to a WABA; a verification code is sent to it."""
    number_id = kaleyra.add_number(waba_id, phone_number, name, verification_type, country_code)
    if as_json:
        view.echo_json({"id": number_id})
    else:
        click.echo(f"Added {country_code}{phone_number}: id {number_id} (code sent by {verification_type})")


@numbers.command("verify")
@waba_option
@click.option("--id", "number_id", required=True, help="The id `numbers add` printed.")
@click.option("--phone", "phone_number", required=True, help="With country code, e.g. +919876543210.")
@click.option("--otp", required=True, help="The 6-digit code.")
@kaleyra_command
def verify(
    kaleyra: Kaleyra, waba_id: str, number_id: str, phone_number: str, otp: str, as_json: bool
) -> None:
    """Verify a number with its code (it is then registered)."""
    verified = kaleyra.verify_number(waba_id, number_id, phone_number, otp)
    if as_json:
        view.echo_json({"id": verified})
    else:
        click.echo(f"Verified {phone_number} (id {verified})")


UPDATE_FIELDS = (
    "about",
    "address",
    "description",
    "email",
    "category",
    "incoming_url",
    "callback_profile_id",
    "outgoing_callback_profile_id",
)


def _update_options(function: F) -> F:
    for name in reversed(UPDATE_FIELDS):
        function = click.option("--" + name.replace("_", "-"), name, help=f"New {name}.")(function)
    return function


@numbers.command("update")
@waba_option
@click.option("--phone", "phone_number", required=True, help="With country code, e.g. +919876543210.")
@_update_options
@kaleyra_command
def update(kaleyra: Kaleyra, waba_id: str, phone_number: str, as_json: bool, **fields: str | None) -> None:
    """Update a number's profile and callbacks; only the options given change."""
    if all(value is None for value in fields.values()):
        raise click.UsageError("give at least one field to change, e.g. --about")
    kaleyra.update_number(waba_id, phone_number, **fields)  # type: ignore[arg-type]  # UPDATE_FIELDS
    if as_json:
        view.echo_json({"updated": sorted(name for name, value in fields.items() if value is not None)})
    else:
        click.echo(f"Updated {phone_number}")


@numbers.command("details")
@click.argument("phone_number")
@click.option("--api-version", type=click.Choice(["v1", "v2"]), default="v2", show_default=True)
@kaleyra_command
def details(kaleyra: Kaleyra, phone_number: str, api_version: str, as_json: bool) -> None:
    """Status, quality, limits and health of a number (digits with country code)."""
    number = kaleyra.get_number_details(phone_number, api_version)  # type: ignore[arg-type]
    if as_json:
        view.echo_json(view.plain(number))
    else:
        view.console().print(view.details_table(number))


@numbers.command("list")
@waba_option
@click.option(
    "--access-token",
    envvar="WANUMBERS_ACCESS_TOKEN",
    required=True,
    help="Graph access token.",
)
@click.option(
    "--base-url",
    envvar="WANUMBERS_BASE_URL",
    help=f"Graph API URL: a wanumbers service, or {DEFAULT_GRAPH_URL} for Meta's.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@exits_on_sdk_error
def list_numbers(waba_id: str, access_token: str, base_url: str | None, as_json: bool) -> None:
    """Every number of a WABA, over the Graph API (follows pages to the end)."""
    if base_url is None:
        raise click.UsageError(NO_GRAPH_URL)
    with CloudAPI(access_token, waba_id=waba_id, base_url=base_url, **client_options()) as graph:
        found = list(graph.iter_phone_numbers(fields=LIST_FIELDS, limit=100))
    if as_json:
        view.echo_json([view.plain(number) for number in found])
    else:
        view.console().print(view.list_table(found))


@numbers.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@waba_option
@kaleyra_command
def import_numbers(kaleyra: Kaleyra, csv_file: Any, waba_id: str, as_json: bool) -> None:
    """Add the numbers listed in CSV_FILE (columns: phone_number, country_code, name[,
    verification_type]); numbers that already exist are skipped, so re-running is safe."""
    report = import_csv(kaleyra, waba_id, csv_file, show_progress=not as_json)
    if as_json:
        view.echo_json(report.as_dict())
    else:
        report.print_summary(view.console())
    if report.interrupted:
        sys.exit(130)
    if report.failed:
        sys.exit(1)
