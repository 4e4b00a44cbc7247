"""How ``wanumbers numbers`` shows things: rich tables with quality and health colour-coded, or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from wanumbers.client import APIConnectionError, KaleyraError, PhoneNumber, WanumbersError
from wanumbers.client.types.health_status import HealthEntity

_COLOURS = {
    "GREEN": "green",
    "AVAILABLE": "green",
    "CONNECTED": "green",
    "APPROVED": "green",
    "YELLOW": "yellow",
    "LIMITED": "yellow",
    "PENDING_REVIEW": "yellow",
    "RED": "red",
    "BLOCKED": "red",
    "BANNED": "red",
    "RESTRICTED": "red",
    "FLAGGED": "red",
    "DECLINED": "red",
}
# Wide enough that piped output (grep, less, a CI log) is never cut or wrapped.
PIPED_WIDTH = 10_000
# (field, header): short headers keep the table readable in an 80-column terminal.
LIST_COLUMNS = (
    ("id", "id"),
    ("display_phone_number", "phone"),
    ("verified_name", "name"),
    ("status", "status"),
    ("quality_rating", "quality"),
    ("name_status", "name review"),
    ("health", "health"),
)


def console() -> Console:
    """A console on the current stdout (resolved per command, so test runners can capture it): as wide
    as the terminal, or unbounded when piped."""
    width = None if sys.stdout.isatty() else PIPED_WIDTH
    return Console(soft_wrap=False, highlight=False, width=width)


def coloured(value: object) -> Text:
    text = "" if value is None else str(value)
    return Text(text, style=_COLOURS.get(text, ""))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


def plain(number: PhoneNumber) -> dict[str, Any]:
    """The number as the API sent it: exactly the wire's keys (no model defaults added)."""
    data: dict[str, Any] = number.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return data


def health_of(number: PhoneNumber) -> str | None:
    return None if number.health_status is None else str(number.health_status.can_send_message)


def details_table(number: PhoneNumber) -> Table:
    table = Table(title=f"Phone number {number.display_phone_number or number.id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for name, value in plain(number).items():
        if name != "health_status":
            table.add_row(name, coloured(value if not isinstance(value, dict) else _compact(value)))
    if number.health_status is not None:
        table.add_row("health", coloured(number.health_status.can_send_message))
        for entity in number.health_status.entities:
            label = Text(f"  {entity.entity_type} {entity.id}")
            table.add_row(label, coloured(entity.can_send_message))
            for reason in reasons(entity):
                table.add_row("", Text(f"- {reason}"))
    return table


def reasons(entity: HealthEntity) -> list[str]:
    """Why an entity is LIMITED or BLOCKED: Meta's notes, then each error with its possible solution."""
    found = list(entity.additional_info)
    for error in entity.errors:
        line = f"{error.error_code} {error.error_description or ''}".rstrip()
        found.append(f"{line} (fix: {error.possible_solution})" if error.possible_solution else line)
    return found


def list_table(numbers: Iterable[PhoneNumber]) -> Table:
    table = Table(title="Phone numbers")
    for field, header in LIST_COLUMNS:
        # Values fold rather than end in "…": a status cut to "PEND…" says nothing.
        table.add_column(header, no_wrap=field in ("id", "display_phone_number"), overflow="fold")
    for number in numbers:
        row = {**plain(number), "health": health_of(number)}
        table.add_row(*(coloured(row.get(field)) for field, _ in LIST_COLUMNS))
    return table


def _compact(value: dict[str, Any]) -> str:
    return ", ".join(f"{key}={item}" for key, item in value.items())


def error_line(error: WanumbersError) -> str:
    """One line that says what went wrong, with the per-field reasons Kaleyra gives."""
    line = str(error)
    if isinstance(error, APIConnectionError):
        return f"{line} ({error.request.method} {error.request.url}: is the service running there?)"
    if isinstance(error, KaleyraError):
        details = [f"{key}: {value}" for key, value in error.error.items() if value != error.message]
        if details:
            line += f" ({'; '.join(details)})"
    return line


def failures_table(failures: Sequence[tuple[int, str, str]]) -> Table:
    table = Table(title=f"{len(failures)} failed")
    table.add_column("line", justify="right")
    table.add_column("phone number")
    table.add_column("error", style="red")
    for line, phone, reason in failures:
        table.add_row(str(line), phone, reason)
    return table
