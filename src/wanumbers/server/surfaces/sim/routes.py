"""The ``/sim/…`` route table. Names start with ``sim.``, which keeps them out of fault targets."""

from __future__ import annotations

from starlette.routing import Route

from wanumbers.server.surfaces.http import Endpoint
from wanumbers.server.surfaces.sim import emulator, numbers
from wanumbers.server.surfaces.sim.envelope import admin_only


def _route(path: str, endpoint: Endpoint, method: str, name: str) -> Route:
    return Route("/sim" + path, admin_only(endpoint), methods=[method], name="sim." + name)


NUMBER = "/numbers/{number}"
routes = [
    _route(NUMBER, numbers.show, "GET", "numbers.show"),
    _route(NUMBER + "/name", numbers.review_name, "POST", "numbers.name"),
    _route(NUMBER + "/quality", numbers.quality, "POST", "numbers.quality"),
    _route(NUMBER + "/tier", numbers.tier, "POST", "numbers.tier"),
    _route(NUMBER + "/throughput", numbers.throughput, "POST", "numbers.throughput"),
    _route(NUMBER + "/account-mode", numbers.account_mode, "POST", "numbers.account_mode"),
    _route(NUMBER + "/sip", numbers.sip, "POST", "numbers.sip"),
    *[
        _route(f"{NUMBER}/{action}", endpoint, "POST", f"numbers.{action}")
        for action, endpoint in numbers.ENFORCEMENT.items()
    ],
    _route("/wabas/{waba_id}/restriction", emulator.waba_restriction, "POST", "wabas.restriction"),
    _route(
        "/accounts/{sid}/business-restriction",
        emulator.business_restriction,
        "POST",
        "accounts.business_restriction",
    ),
    _route("/accounts/{sid}/reset", emulator.reset_account, "POST", "accounts.reset"),
    _route("/outbox", emulator.outbox, "GET", "outbox"),
    _route("/events", emulator.list_events, "GET", "events.list"),
    _route("/events/deliver", emulator.deliver_events, "POST", "events.deliver"),
    _route("/events/{delivery_id}/replay", emulator.replay_event, "POST", "events.replay"),
    _route("/clock", emulator.show_clock, "GET", "clock.show"),
    _route("/clock", emulator.advance_clock, "POST", "clock.advance"),
    _route("/clock", emulator.reset_clock, "DELETE", "clock.reset"),
    _route("/faults", emulator.list_faults, "GET", "faults.list"),
    _route("/faults", emulator.add_fault, "POST", "faults.add"),
    _route("/faults", emulator.clear_faults, "DELETE", "faults.clear"),
    _route("/reset", emulator.reset_all, "POST", "reset"),
]
