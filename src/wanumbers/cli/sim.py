"""``wanumbers sim``: the emulator's control plane from the shell."""

from __future__ import annotations

import click

from wanumbers.cli.common import database_option, emit, json_option, runtime_for
from wanumbers.server.services import sim as sim_service


@click.group()
def sim() -> None:
    """Steer the embedded Meta emulator (what Meta would do behind the scenes)."""


@sim.command("outbox")
@click.option("--phone", help="Only messages to this number (E.164, e.g. +919876543210).")
@click.option("--limit", default=20, show_default=True)
@database_option
@json_option
def outbox(phone: str | None, limit: int, database_url: str, as_json: bool) -> None:
    """OTP messages the emulator delivered, newest first."""
    to = None if phone is None else "+" + phone.lstrip("+")
    deliveries = sim_service.outbox(runtime_for(database_url), to, limit)
    rows = [
        {
            "to": d.to,
            "channel": d.channel,
            "code": d.code,
            "language": d.language,
            "sent_at": d.sent_at.isoformat(),
        }
        for d in deliveries
    ]

    def human() -> None:
        if not rows:
            click.echo("outbox is empty")
        for row in rows:
            click.echo(f"{row['sent_at']}  {row['to']:<16} {row['channel']:<5} {row['code']}")

    emit(rows, as_json, human)
