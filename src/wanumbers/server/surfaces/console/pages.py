"""The console's pages: sign-in, fleet, number (and its timeline), emulator, webhook deliveries. Each
handler reads the session, calls the services (``services.console`` for what it reads,
``services.sim`` for the emulator's controls, as ``/sim`` does, ``services.events`` for the
deliveries, as ``wanumbers events`` does) and renders a template; every POST checks the CSRF token and
answers 303 to a page.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from wanumbers.server.domain.control import ANY_ROUTE, NAME_DECISIONS, THROUGHPUT_LEVELS, FaultMode
from wanumbers.server.domain.delivery import Status
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.health import BLOCKED, LIMITED, derive_health
from wanumbers.server.domain.lifecycle import (
    AccountMode,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.node import FIELDS, project
from wanumbers.server.domain.timeline import Cursor, valid
from wanumbers.server.services import console, events, sim
from wanumbers.server.services.console import Principal
from wanumbers.server.services.numbers import NumberView
from wanumbers.server.settings import Settings
from wanumbers.server.storage.repositories.events import DeliveryRecord
from wanumbers.server.storage.repositories.fleet import FILTERS, HEALTH, SORTS, FleetQuery, FleetRow
from wanumbers.server.surfaces.asgi import TooLarge
from wanumbers.server.surfaces.console import session
from wanumbers.server.surfaces.http import read_body, runtime
from wanumbers.server.surfaces.sim.catalog import contract_routes

log = logging.getLogger("wanumbers")
if TYPE_CHECKING:
    import jinja2

HERE = Path(__file__).parent
PAGE_SIZE = 50
TIMELINE_SIZE = 50  # entries of a number's timeline a page shows
COUNTS_TTL = 10.0  # seconds the counts by status are kept (per scope, per worker)
MAX_SEARCH = 64


@cache
def _templates() -> jinja2.Environment:
    """Made on the first page: importing Jinja2 costs every start ~30 ms, console or not."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The values each fleet filter takes, in the order its menu lists them.
CHOICES: dict[str, tuple[str, ...]] = {
    "state": tuple(member.value for member in NumberState),
    "name_status": tuple(member.value for member in NameStatus),
    "quality": tuple(member.value for member in Quality),
    "tier": tuple(member.value for member in MessagingTier),
    "throughput": tuple(member.value for member in Throughput),
    "health": HEALTH,
}
LABELS = {
    "state": "Status",
    "name_status": "Name status",
    "quality": "Quality",
    "tier": "Tier",
    "throughput": "Throughput",
    "health": "Health",
    "number": "Number",
    "name": "Name",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


class Refused(Exception):
    """A page answered with an error page: ``status`` and a message safe to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# --- plumbing --------------------------------------------------------------------------------------


def _key(request: Request) -> bytes:
    key: bytes | None = getattr(request.app.state, "console_key", None)
    if key is None:
        key = session.derive_key(runtime(request).otp_key)
        request.app.state.console_key = key
    return key


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def emulator(request: Request) -> bool:
    """Whether the emulator's controls are offered: the emulator plays Meta and the control plane is
    on (``--control-plane``)."""
    settings: Settings = request.app.state.settings
    return settings.upstream == "emulator" and settings.control_plane_on


def html(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    body = _templates().get_template(template).render(**context)
    return HTMLResponse(body, status, headers=SECURITY_HEADERS)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, 303, headers=SECURITY_HEADERS)


async def _form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body, last value of each field (bounded like every body)."""
    raw = await read_body(request)
    try:
        fields = parse_qs(raw.decode(), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError) as error:
        raise Refused(400, "The form could not be read.") from error
    return {name: values[-1] for name, values in fields.items()}


Signed = tuple[Principal, session.Session]


async def _signed_in(request: Request) -> Signed | None:
    found = session.read(_key(request), request.cookies.get(session.COOKIE))
    if found is None:
        return None
    try:
        return await console.resume(runtime(request), found.kind, found.digest), found
    except DomainError:
        return None


async def _checked_form(request: Request, signed: Signed) -> dict[str, str]:
    form = await _form(request)
    if not session.csrf_ok(_key(request), signed[1].nonce, form.get("csrf")):
        raise Refused(403, "The form expired or did not come from this console; reload the page and retry.")
    return form


def _context(request: Request, signed: Signed, **extra: Any) -> dict[str, Any]:
    principal, current = signed
    return {
        "principal": principal,
        "who": "admin"
        if principal.is_admin
        else f"{principal.account.name} ({principal.account.sid})"
        if principal.account
        else "",
        "csrf": session.csrf_token(_key(request), current.nonce),
        "emulator": emulator(request),
        "labels": LABELS,
        **extra,
    }


Handler = Callable[[Request, Signed], Awaitable[Response]]


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in required (else to the sign-in page); ``Refused`` and rule errors become error pages."""

    async def endpoint(request: Request) -> Response:
        try:
            signed = await _signed_in(request)
            if signed is None:
                if request.method == "GET":
                    return redirect("/console/sign-in")
                raise Refused(401, "Your session ended; sign in again.")
            try:
                return await handler(request, signed)
            except DomainError as error:
                status = 404 if error.reason is Reason.NUMBER_NOT_FOUND else 400
                if error.reason is Reason.ILLEGAL_TRANSITION:
                    status = 409
                return html("error.html", status, message=error.detail, **_context(request, signed))
        except Refused as refused:
            return html("error.html", refused.status, message=refused.message, principal=None)
        except TooLarge:
            return html("error.html", 413, message="The form is too large.", principal=None)

    return endpoint


# --- sign-in ---------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    return redirect("/console/fleet")


async def sign_in_form(request: Request, *, status: int = 200, error: str | None = None) -> Response:
    nonce = session.new_nonce()
    response = html(
        "sign_in.html", status, error=error, csrf=session.csrf_token(_key(request), nonce), principal=None
    )
    response.headers.append(
        "Set-Cookie",
        session.cookie_header(
            session.SIGN_IN_COOKIE, nonce, secure=_secure(request), max_age=session.SIGN_IN_LIFETIME
        ),
    )
    return response


async def sign_in(request: Request) -> Response:
    try:
        form = await _form(request)
    except (Refused, TooLarge):
        return await sign_in_form(request, status=400, error="The form could not be read.")
    if not session.csrf_ok(_key(request), request.cookies.get(session.SIGN_IN_COOKIE), form.get("csrf")):
        return await sign_in_form(request, status=403, error="The form expired; sign in again.")
    try:
        principal = await console.sign_in(runtime(request), form.get("secret", ""))
    except DomainError as error:
        return await sign_in_form(request, status=401, error=error.detail)
    cookie, _ = session.issue(_key(request), principal.kind, principal.digest)
    response = redirect("/console/fleet")
    response.headers.append(
        "Set-Cookie",
        session.cookie_header(session.COOKIE, cookie, secure=_secure(request), max_age=session.LIFETIME),
    )
    response.headers.append(
        "Set-Cookie", session.cookie_header(session.SIGN_IN_COOKIE, "", secure=_secure(request), max_age=0)
    )
    return response


@page
async def sign_out(request: Request, signed: Signed) -> Response:
    await _checked_form(request, signed)
    response = redirect("/console/sign-in")
    response.headers.append(
        "Set-Cookie", session.cookie_header(session.COOKIE, "", secure=_secure(request), max_age=0)
    )
    return response


# --- fleet -----------------------------------------------------------------------------------------


def encode_cursor(bound: tuple[Any, int]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(bound))).rstrip(b"=").decode()


def decode_cursor(text: str) -> tuple[Any, int]:
    try:
        key, number_id = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError, binascii.Error) as error:
        raise Refused(400, "That page link is not valid; start from the first page.") from error
    if not isinstance(key, str) or not isinstance(number_id, int) or isinstance(number_id, bool):
        raise Refused(400, "That page link is not valid; start from the first page.")
    return key, number_id


def normalise_search(raw: str) -> str | None:
    """A number ("+91 98765", "9198765") becomes its E.164 prefix; anything else is a name prefix."""
    text = raw.strip()[:MAX_SEARCH]
    if not text:
        return None
    compact = "".join(ch for ch in text if ch not in " -()")
    digits = compact.removeprefix("+")
    if digits.isascii() and digits.isdigit():
        return "+" + digits
    return text


def fleet_query(params: Mapping[str, str]) -> FleetQuery:
    filters: dict[str, str] = {}
    for name in FILTERS:
        value = params.get(name, "")
        if value:
            if value not in CHOICES[name]:
                raise Refused(400, f"{LABELS[name]} has no value {value!r}.")
            filters[name] = value
    health = params.get("health") or None
    if health is not None and health not in HEALTH:
        raise Refused(400, f"Health has no value {health!r}.")
    sort = params.get("sort") or "number"
    if sort not in SORTS:
        raise Refused(400, f"The fleet cannot be sorted by {sort!r}.")
    order = params.get("order") or "asc"
    if order not in ("asc", "desc"):
        raise Refused(400, "The order is asc or desc.")
    return FleetQuery(
        filters=filters,
        health=health,
        search=normalise_search(params.get("q", "")),
        sort=sort,
        descending=order == "desc",
    )


def health_of(row: FleetRow | NumberView) -> tuple[str, str]:
    """(can_send_message, why): the first error of a BLOCKED entity, else the first additional info of a
    LIMITED one, as ``health_status`` gives them."""
    health = derive_health(row.number, row.waba, row.account)
    overall: str = health["can_send_message"]
    for entity in health["entities"]:
        if overall == BLOCKED and entity["can_send_message"] == BLOCKED and entity.get("errors"):
            return overall, str(entity["errors"][0]["error_description"])
        if overall == LIMITED and entity["can_send_message"] == LIMITED and entity.get("additional_info"):
            return overall, str(entity["additional_info"][0])
    return overall, ""


async def _counts(request: Request, account_id: int | None) -> dict[str, int]:
    """Numbers per status (every account's, or ``account_id``'s), kept ``COUNTS_TTL`` seconds per scope
    in this worker: counting a million numbers is a scan of an index, which every page would otherwise
    pay. The console's own controls drop them, so its user sees their effect at once."""
    kept = _kept_counts(request)
    now = time.monotonic()
    found = kept.get(account_id)
    if found is not None and found[0] > now:
        return found[1]
    counts = await console.counts(runtime(request), account_id)
    if len(kept) > 10_000:  # one entry per account that signed in: bounded all the same
        kept.clear()
    kept[account_id] = (now + COUNTS_TTL, counts)
    return counts


def _kept_counts(request: Request) -> dict[int | None, tuple[float, dict[str, int]]]:
    kept: dict[int | None, tuple[float, dict[str, int]]] | None = getattr(
        request.app.state, "console_counts", None
    )
    if kept is None:
        kept = request.app.state.console_counts = {}
    return kept


def _forget_counts(request: Request) -> None:
    _kept_counts(request).clear()


def _link(params: Mapping[str, str], **changes: str | None) -> str:
    merged = {key: value for key, value in params.items() if value and key not in ("after", "before")}
    merged.update({key: value for key, value in changes.items() if value is not None})
    return "/console/fleet?" + urlencode({key: value for key, value in merged.items() if value})


@page
async def fleet(request: Request, signed: Signed) -> Response:
    params = dict(request.query_params)
    query = fleet_query(params)
    after, before = params.get("after"), params.get("before")
    bound = decode_cursor(after or before or "") if (after or before) else None
    rt = runtime(request)
    counts = await _counts(request, signed[0].account_id)
    result = await console.fleet(
        rt,
        signed[0],
        query,
        bound,
        backwards=bool(before) and not after,
        limit=PAGE_SIZE,
        counts=counts,
    )
    rows = [
        {"row": row, "status": FIELDS["status"](row.number, row.waba, row.account), "health": health_of(row)}
        for row in result.rows
    ]
    shown = {key: params.get(key, "") for key in (*FILTERS, "health", "q", "sort", "order")}
    sort_links = {
        name: _link(
            shown,
            sort=name,
            order="desc" if query.sort == name and not query.descending else "asc",
        )
        for name in SORTS
    }
    return html(
        "fleet.html",
        **_context(
            request,
            signed,
            rows=rows,
            query=query,
            shown=shown,
            choices=CHOICES,
            filters=FILTERS,
            counts=[(state, counts.get(state, 0)) for state in CHOICES["state"]],
            total=sum(counts.values()),
            sort_links=sort_links,
            next_link=_link(shown, after=encode_cursor(result.last))
            if result.has_next and result.last
            else None,
            previous_link=_link(shown, before=encode_cursor(result.first))
            if result.has_previous and result.first
            else None,
        ),
    )


# --- one number ------------------------------------------------------------------------------------


def _number_id(request: Request) -> int:
    raw = request.path_params["number_id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        raise Refused(404, console.NOT_FOUND)
    return int(raw)


DONE = {
    "name": "Name review recorded.",
    "quality": "Quality changed.",
    "tier": "Messaging tier changed.",
    "throughput": "Throughput changed.",
    "account_mode": "Account mode changed.",
    "sip": "SIP settings changed.",
    "flag": "Number flagged.",
    "restrict": "Number restricted.",
    "ban": "Number banned.",
    "restore": "Number restored.",
}


_BAD_OLDER = "That timeline link is not valid; start from the newest entries."


def encode_older(cursor: Cursor) -> str:
    """A timeline cursor as a link's ``older=`` value."""
    return base64.urlsafe_b64encode(orjson.dumps([cursor.event_id, cursor.milestone])).rstrip(b"=").decode()


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def decode_older(text: str) -> Cursor:
    try:
        event_id, milestone = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError, binascii.Error) as error:
        raise Refused(400, _BAD_OLDER) from error
    if not (event_id is None or _count(event_id)):
        raise Refused(400, _BAD_OLDER)
    if milestone is not None and not (
        isinstance(milestone, list) and len(milestone) == 3 and all(_count(item) for item in milestone)
    ):
        raise Refused(400, _BAD_OLDER)
    cursor = Cursor(event_id, None if milestone is None else (milestone[0], milestone[1], milestone[2]))
    if not valid(cursor):
        raise Refused(400, _BAD_OLDER)
    return cursor


@page
async def number(request: Request, signed: Signed) -> Response:
    rt = runtime(request)
    number_id = _number_id(request)
    view = await console.number(rt, signed[0], number_id)
    older = request.query_params.get("older", "")
    history = await console.timeline(
        rt, signed[0], number_id, decode_older(older) if older else None, TIMELINE_SIZE
    )
    node = project(view.number, view.waba, view.account, FIELDS)
    outbox = await console.outbox(rt, signed[0], view.number.e164, limit=10) if emulator(request) else []
    return html(
        "number.html",
        **_context(
            request,
            signed,
            view=view,
            node=node,
            health=health_of(view),
            outbox=outbox,
            timeline=history.entries,
            older_link=f"/console/numbers/{number_id}?older={encode_older(history.older)}#timeline-h"
            if history.older
            else None,
            newest_link=f"/console/numbers/{number_id}#timeline-h" if older else None,
            done=DONE.get(request.query_params.get("done", "")),
            controls=emulator(request) and signed[0].is_admin,
            decisions=[member.value for member in NAME_DECISIONS],
            qualities=CHOICES["quality"],
            tiers=CHOICES["tier"],
            levels=[member.value for member in THROUGHPUT_LEVELS],
            modes=[member.value for member in AccountMode],
        ),
    )


_SETTERS: dict[str, tuple[Callable[..., Awaitable[NumberView]], str]] = {
    "name": (sim.review_name, "status"),
    "quality": (sim.set_quality, "rating"),
    "tier": (sim.set_tier, "tier"),
    "throughput": (sim.set_throughput, "level"),
    "account_mode": (sim.set_account_mode, "mode"),
}
ENFORCEMENT = ("flag", "restrict", "ban", "restore")


def _controls(request: Request, signed: Signed) -> None:
    if not emulator(request):
        raise Refused(404, "The emulator's controls are off: Meta is not emulated here.")
    if not signed[0].is_admin:
        raise Refused(403, "The emulator's controls need the admin token.")


@page
async def control(request: Request, signed: Signed) -> Response:
    """One emulator control on one number: the same ``services.sim`` call as ``/sim/numbers/…``."""
    _controls(request, signed)
    form = await _checked_form(request, signed)
    number_id, action = _number_id(request), request.path_params["action"]
    rt, ref = runtime(request), str(number_id)
    await console.number(rt, signed[0], number_id)  # a 404 page for a number that is not there
    if action in _SETTERS:
        use_case, field = _SETTERS[action]
        await use_case(rt, ref, form.get(field, ""))
    elif action in ENFORCEMENT:
        await sim.enforce(rt, ref, action)
    elif action == "sip":
        await sim.configure_sip(
            rt, ref, enabled=form.get("sip_enabled") == "on", server_configured=form.get("server") == "on"
        )
    else:
        raise Refused(404, "No such control.")
    _forget_counts(request)
    return redirect(f"/console/numbers/{number_id}?done={action}")


# --- the emulator ----------------------------------------------------------------------------------


@page
async def emulator_page(request: Request, signed: Signed) -> Response:
    _controls(request, signed)
    rt = runtime(request)
    phone = normalise_search(request.query_params.get("phone", ""))
    return html(
        "emulator.html",
        **_context(
            request,
            signed,
            clock=await sim.clock(rt),
            faults=await sim.faults(rt),
            outbox=await console.outbox(rt, signed[0], phone if phone and phone[0] == "+" else None),
            phone=request.query_params.get("phone", ""),
            routes=[ANY_ROUTE, *sorted(contract_routes(request.app.routes))],
            modes=[member.value for member in FaultMode],
            done={"clock": "Clock changed.", "faults": "Faults changed.", "reset": "Emulator reset."}.get(
                request.query_params.get("done", "")
            ),
        ),
    )


def _integer(raw: str) -> object:
    """A form's number as an int, else the text itself (the domain's check then names the field)."""
    text = raw.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else text


@page
async def emulator_action(request: Request, signed: Signed) -> Response:
    _controls(request, signed)
    form = await _checked_form(request, signed)
    rt, action = runtime(request), request.path_params["action"]
    if action == "advance-clock":
        await sim.advance_clock(rt, _integer(form.get("advance_seconds", "")))
        done = "clock"
    elif action == "reset-clock":
        await sim.reset_clock(rt)
        done = "clock"
    elif action == "add-fault":
        await sim.inject_fault(
            rt,
            contract_routes(request.app.routes),
            route=form.get("route", ""),
            mode=form.get("mode", "error"),
            count=_integer(form.get("count", "1")),
            delay_ms=_integer(form.get("delay_ms", "0") or "0"),
        )
        done = "faults"
    elif action == "clear-faults":
        await sim.clear_faults(rt)
        done = "faults"
    elif action == "reset":
        if form.get("confirm") != "on":
            raise Refused(400, "Tick the box to confirm the reset: it deletes every number.")
        await sim.reset_all(rt)
        done = "reset"
    else:
        raise Refused(404, "No such control.")
    _forget_counts(request)
    return redirect(f"/console/emulator?done={done}")


# --- webhook deliveries ----------------------------------------------------------------------------


def _deliveries(signed: Signed) -> None:
    """The deliveries pages are served wherever the console is (live mode's callback profiles deliver
    too); who reads them is ``Principal.reads_deliveries``."""
    if not signed[0].reads_deliveries:
        raise Refused(403, "The webhook deliveries need the admin token.")


DELIVERIES_SHOWN = 100  # the newest deliveries the list shows
# Headers a callback profile may carry that hold a credential of the receiver's: shown masked. The
# signatures (X-Hub-Signature-256, webhook-signature) are shown; no header ever holds a signing secret.
_MASKED_HEADERS = ("authorization", "proxy-authorization", "cookie")
_MASKED_WORDS = ("token", "secret", "password", "api-key", "apikey")
MASK = "(hidden)"


def shown_headers(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A stored request's headers as the console shows them: credentials a receiver set are masked."""
    shown = []
    for name, value in headers:
        lower = name.lower()
        hidden = lower in _MASKED_HEADERS or any(word in lower for word in _MASKED_WORDS)
        shown.append((name, MASK if hidden else value))
    return shown


def pretty_body(body: bytes) -> str:
    """A JSON body indented; anything else as text (undecodable bytes replaced)."""
    try:
        return orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace")


@page
async def deliveries_page(request: Request, signed: Signed) -> Response:
    """The newest webhook deliveries (``?status=``), as ``wanumbers events list`` reads them."""
    _deliveries(signed)
    status = request.query_params.get("status", "")
    found = await events.deliveries(runtime(request), status or None, DELIVERIES_SHOWN)
    return html(
        "deliveries.html",
        **_context(
            request,
            signed,
            rows=found,
            wanted=status,
            statuses=[member.value for member in Status],
            shown_limit=DELIVERIES_SHOWN,
        ),
    )


async def _delivery(request: Request) -> DeliveryRecord:
    raw = request.path_params["delivery_id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) < 1:
        raise Refused(404, "No such delivery.")
    found = await events.delivery(runtime(request), raw)
    if found is None:
        raise Refused(404, "No such delivery.")
    return found


@page
async def delivery_page(request: Request, signed: Signed) -> Response:
    _deliveries(signed)
    item = await _delivery(request)
    return html(
        "delivery.html",
        **_context(
            request,
            signed,
            item=item,
            headers=shown_headers(item.request.headers),
            body=pretty_body(item.request.body),
            done="Queued again: the worker sends it when it is next due."
            if request.query_params.get("done") == "replay"
            else None,
        ),
    )


@page
async def delivery_replay(request: Request, signed: Signed) -> Response:
    """Queue a delivery again: the same ``services.events.replay`` as ``wanumbers events replay``."""
    _deliveries(signed)
    await _checked_form(request, signed)
    item = await _delivery(request)
    await events.replay(runtime(request), item.id)
    return redirect(f"/console/deliveries/{item.id}?done=replay")


# --- static ----------------------------------------------------------------------------------------

_CSS = (HERE / "static" / "console.css").read_bytes()
_JS = (HERE / "static" / "console.js").read_bytes()
_STATIC_HEADERS = {"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"}


async def stylesheet(request: Request) -> Response:
    return Response(_CSS, media_type="text/css", headers=_STATIC_HEADERS)


async def script(request: Request) -> Response:
    """Live refresh of the regions marked ``data-refresh`` (static/console.js)."""
    return Response(_JS, media_type="text/javascript", headers=_STATIC_HEADERS)
