"""Emulator-wide endpoints: WABA and business restrictions, the OTP outbox, the clock, faults, resets."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import is_digits
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.services import events, sim
from wanumbers.server.surfaces.http import runtime
from wanumbers.server.surfaces.sim import views
from wanumbers.server.surfaces.sim.catalog import contract_routes
from wanumbers.server.surfaces.sim.envelope import json_body, ok

MAX_OUTBOX = 1000


async def waba_restriction(request: Request) -> Response:
    raw = request.path_params["waba_id"]
    if not is_digits(raw) or len(raw) > 18:  # ids are BIGINT
        raise DomainError(Reason.WABA_NOT_FOUND, f"no WABA {raw}")
    body = await json_body(request)
    waba = await sim.restrict_waba(runtime(request), int(raw), body.get("restricted"))
    return ok(views.waba(waba))


async def business_restriction(request: Request) -> Response:
    body = await json_body(request)
    sid = request.path_params["sid"]
    account = await sim.restrict_business(runtime(request), sid, body.get("restricted"))
    return ok(views.business(account))


def _limit(raw: str | None) -> int:
    if raw is None:
        return 100
    if not is_digits(raw) or not 1 <= int(raw) <= MAX_OUTBOX:
        raise DomainError(
            Reason.INVALID_PARAMETER, f"limit must be an integer from 1 to {MAX_OUTBOX}", field="limit"
        )
    return int(raw)


async def outbox(request: Request) -> Response:
    """Newest first; ``?phone=`` filters by recipient (any form libphonenumber reads, ``+`` optional)."""
    phone = request.query_params.get("phone")
    to = parse_phone(phone).e164 if phone else None
    limit = _limit(request.query_params.get("limit"))
    deliveries = await sim.outbox(runtime(request), to, limit)
    return ok([views.delivery(item) for item in deliveries])


async def show_clock(request: Request) -> Response:
    return ok(views.clock(await sim.clock(runtime(request))))


async def advance_clock(request: Request) -> Response:
    body = await json_body(request)
    view = await sim.advance_clock(runtime(request), body.get("advance_seconds"))
    return ok(views.clock(view))


async def reset_clock(request: Request) -> Response:
    return ok(views.clock(await sim.reset_clock(runtime(request))))


async def list_faults(request: Request) -> Response:
    return ok(views.faults(await sim.faults(runtime(request))))


async def add_fault(request: Request) -> Response:
    body = await json_body(request)
    armed = await sim.inject_fault(
        runtime(request),
        contract_routes(request.app.routes),
        route=body.get("route"),
        mode=body.get("mode", "error"),  # as `wanumbers sim faults add` defaults it
        count=body.get("count", 1),
        delay_ms=body.get("delay_ms", 0),
    )
    return ok(views.faults(armed), 201)


async def clear_faults(request: Request) -> Response:
    cleared = await sim.clear_faults(runtime(request))
    return ok({"faults_cleared": cleared})


async def reset_account(request: Request) -> Response:
    sid = request.path_params["sid"]
    report = await sim.reset_account(runtime(request), sid)
    return ok(views.reset(report, sid))


async def reset_all(request: Request) -> Response:
    return ok(views.reset(await sim.reset_all(runtime(request))))


async def list_events(request: Request) -> Response:
    """Webhook deliveries, newest first (``?status=pending|delivered|dead``, ``?limit=``), and the
    events recorded (with or without a receiver)."""
    rt = runtime(request)
    limit = _limit(request.query_params.get("limit"))
    found = await events.deliveries(rt, request.query_params.get("status"), limit)
    emitted = await events.emitted(rt, None, limit)
    return ok(
        {
            "deliveries": [views.event_delivery(item) for item in found],
            "events": [views.event(e) for e in emitted],
        }
    )


async def replay_event(request: Request) -> Response:
    """Queue a delivery again, whatever its status; sent as soon as the worker runs."""
    record = await events.replay(runtime(request), request.path_params["delivery_id"])
    await runtime(request).deliver_due()
    return ok(views.event_delivery(record))


async def deliver_events(request: Request) -> Response:
    """Send every delivery due now (what a clock advance does too), for a test that will not wait."""
    sent = await runtime(request).deliver_due()
    return ok({"sent": sent})
