"""``wanumbers serve --demo``: a demo account, WABA, API key and Graph token, with ready-to-paste curls
for both contracts and an ``export`` line for the README's examples (``$SID``, ``$KEY``, ``$WABA``,
``$TOKEN``)."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from wanumbers.server.settings import Settings

if TYPE_CHECKING:
    from wanumbers.server.services.runtime import Runtime

DEMO_NAME = "wanumbers-demo"
DEMO_PHONE = ("9876543210", "+91")
GRAPH_PHONE = "9876543211"  # another number: the Kaleyra example verifies the first one
GRAPH_VERSION = "v23.0"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    sid: str
    api_key: str
    waba_id: int
    access_token: str

    def export_line(self) -> str:
        """What a reader pastes into a shell: the names the README's examples use."""
        values = {"SID": self.sid, "KEY": self.api_key, "WABA": str(self.waba_id), "TOKEN": self.access_token}
        return "export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in values.items())


def print_demo(settings: Settings, shown_store: str) -> None:
    """Create (once) the demo account and WABA, issue a fresh key and token, print how to use them.
    ``shown_store`` is the store's URL as it may be printed (no password)."""
    demo = ensure_demo_account(settings)
    base = f"http://{settings.host}:{settings.port}"
    lines = [*_credentials(demo), *_kaleyra_curls(demo, base, shown_store), *_graph_curls(demo, base)]
    click.echo("\n".join(["", *lines]), file=sys.stderr)


def ensure_demo_account(settings: Settings) -> DemoAccount:
    """The demo account and its first WABA, made on the first run; a new API key and Graph token on
    every run (only digests are stored, so earlier ones cannot be shown again)."""
    from wanumbers.server.bootstrap import build_runtime

    return asyncio.run(_demo_account(build_runtime(settings)))


async def _demo_account(rt: Runtime) -> DemoAccount:
    from wanumbers.server.services import admin

    try:
        async with rt.uow() as uow:
            account = await uow.accounts.first_named(DEMO_NAME)
            wabas = await uow.wabas.of_account(account.id) if account else []
        if account is None:
            account, api_key = await admin.create_account(rt, DEMO_NAME, "IN")
        else:
            api_key = await admin.add_api_key(rt, account.sid)
        waba = wabas[0] if wabas else await admin.create_waba(rt, account.sid, "v2")
        token = await admin.create_access_token(rt, account.sid)
    finally:
        await rt.close()
    return DemoAccount(account.sid, api_key, waba.id, token)


def _credentials(demo: DemoAccount) -> list[str]:
    return [
        "Demo account (created once; a fresh API key and Graph token on each --demo run)",
        f"  SID:          {demo.sid}",
        f"  API key:      {demo.api_key}",
        f"  WABA id:      {demo.waba_id}",
        f"  Graph token:  {demo.access_token}",
        "",
        "For the README's examples ($SID, $KEY, $WABA, $TOKEN), paste into your shell:",
        f"  {demo.export_line()}",
        "",
    ]


def _kaleyra_curls(demo: DemoAccount, base: str, store: str) -> list[str]:
    url = f"{base}/v2/{demo.sid}/whatsapp"
    phone, cc = DEMO_PHONE
    headers = f"-H 'api-key: {demo.api_key}' -H 'Content-Type: application/json'"
    add = {"phone_number": phone, "name": "Demo Store", "verification_type": "SMS", "country_code": cc}
    return [
        "Kaleyra API",
        f"Add a number (an OTP lands in the outbox: wanumbers sim outbox --database-url {store}):",
        f"  curl -X POST '{url}/{demo.waba_id}/number/add' {headers} \\",
        f"    -d '{json.dumps(add)}'",
        "Verify it (id from the add response, otp from the outbox):",
        f"  curl -X POST '{url}/{demo.waba_id}/number/verify' {headers} \\",
        f'    -d \'{{"id": "<id>", "phone_number": "{cc}{phone}", "otp": "<otp>"}}\'',
        "Update its profile:",
        f"  curl -X PUT '{url}/{demo.waba_id}/number/update' {headers} \\",
        f'    -d \'{{"phone_number": "{cc}{phone}", "about": "Open 9-5", "category": "SHOPPING_RETAIL"}}\'',
        "Fetch its details:",
        f"  curl '{url}/{cc.lstrip('+')}{phone}/phone_number_details' -H 'api-key: {demo.api_key}'",
        "",
    ]


def _graph_curls(demo: DemoAccount, base: str) -> list[str]:
    url = f"{base}/{GRAPH_VERSION}"
    bearer = f"-H 'Authorization: Bearer {demo.access_token}'"
    cc = DEMO_PHONE[1].lstrip("+")
    return [
        "Graph API (same port, same store)",
        "List the WABA's numbers:",
        f"  curl '{url}/{demo.waba_id}/phone_numbers?fields=display_phone_number,status' {bearer}",
        "Read one number (id from the list or an add response):",
        f"  curl '{url}/<id>?fields=status,quality_rating,health_status' {bearer}",
        "Create another number, then ask for its code (it lands in the outbox too):",
        f"  curl -X POST '{url}/{demo.waba_id}/phone_numbers' {bearer} \\",
        f"    -d cc={cc} -d phone_number={GRAPH_PHONE} -d verified_name='Demo Two'",
        f"  curl -X POST '{url}/<id>/request_code' {bearer} -d code_method=SMS -d language=en_US",
        "",
    ]
