"""Kaleyra v2 phone-number endpoints. Order of checks: credentials, payload, fields, then state."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import is_digits, parse_id
from wanumbers.server.domain.node import KALEYRA_DETAILS, project
from wanumbers.server.domain.phone import parse_phone
from wanumbers.server.domain.profile import CATEGORY_TO_VERTICAL
from wanumbers.server.domain.records import Account, BusinessProfile, PhoneNumber, Routing, Waba
from wanumbers.server.services import details, numbers
from wanumbers.server.services.numbers import NumberChanges
from wanumbers.server.surfaces import credentials
from wanumbers.server.surfaces.asgi import ROUTE
from wanumbers.server.surfaces.http import (
    Endpoint,
    Envelope,
    JSONResponse,
    apply_faults,
    guarded,
    read_body,
    runtime,
)
from wanumbers.server.surfaces.kaleyra import envelope, profiles, schemas
from wanumbers.server.surfaces.kaleyra.schemas import PayloadError


async def _account(request: Request) -> Account:
    """The account the request's key acts for, if it is account ``{sid}``'s."""
    return await credentials.of(request.scope).account(runtime(request), request.path_params["sid"])


async def _gate_and_owner(
    request: Request, number_id: int | None = None
) -> tuple[Account, Waba | None, PhoneNumber | None]:
    """Fire an armed fault, then the account the request's key acts for (if it is account ``{sid}``'s),
    the path's WABA and number ``number_id`` where that account owns them: one statement for all."""
    rt, credential = runtime(request), credentials.of(request.scope)
    waba, number = await credential.targets(rt, parse_id(request.path_params["waba_id"]), number_id)
    await apply_faults(request, request.scope[ROUTE], await credential.faults_armed(rt))
    return await credential.account(rt, request.path_params["sid"]), waba, number


def _waba_id(request: Request) -> int:
    waba_id = parse_id(request.path_params["waba_id"])
    if waba_id is None:
        raise DomainError(Reason.WABA_NOT_FOUND)
    return waba_id


async def _payload(request: Request, string_fields: tuple[str, ...]) -> dict[str, object]:
    content_type = request.headers.get("content-type", "application/json")
    if not content_type.lower().startswith("application/json"):
        raise PayloadError
    return schemas.parse_object(await read_body(request), string_fields)


async def add_number(request: Request) -> Response:
    rt = runtime(request)
    _, waba, _ = await _gate_and_owner(request)
    try:
        payload = await _payload(request, schemas.ADD_FIELDS)
    except PayloadError:
        return envelope.bad_payload()
    add, errors = schemas.validate_add(payload, request.path_params["waba_id"])
    phone = None
    if add.phone_number and add.country_code:
        phone = parse_phone(add.phone_number, add.country_code)
    if errors:
        # The seed reports a missing field and a duplicate number together.
        if phone is not None and await numbers.is_taken(rt, phone.e164):
            errors.add("phone_number", "phone number already exists")
        return envelope.failure("WA400", errors.message, [], errors.errors, 400)
    assert phone is not None
    number = await numbers.onboard(rt, numbers.owned(waba), phone, add.name, add.verification_type)
    return envelope.success(str(number.id))


async def verify_number(request: Request) -> Response:
    rt = runtime(request)
    # The body (already read, bounded, by the pipeline) is parsed first so that the number it names comes
    # with the credential's statement; what is wrong is still reported in order: faults, key, payload.
    try:
        payload = await _payload(request, ("phone_number", "otp"))
        verify, errors = schemas.validate_verify(payload)
    except PayloadError:
        verify, errors = None, None
    _, waba, number = await _gate_and_owner(request, verify.id if verify is not None else None)
    if verify is None or errors is None:
        return envelope.bad_payload()
    if errors:
        return envelope.failure("WA400", errors.message, [], errors.errors, 400)
    if not is_digits(verify.otp) or len(verify.otp) != 6:
        return envelope.field_error("Incorrect OTP format", data={})
    phone = parse_phone(verify.phone_number)
    confirmed = await numbers.confirm(rt, numbers.owned(waba), number, phone, verify.otp)
    return envelope.success(str(confirmed.id))


async def update_number(request: Request) -> Response:
    rt = runtime(request)
    account = await _account(request)
    try:
        payload = await _payload(request, schemas.UPDATE_FIELDS)
    except PayloadError:
        return envelope.bad_payload("Refer to correct payload format ")
    update = schemas.validate_update(payload)
    if isinstance(update, str):
        return envelope.field_error(update, data={})
    try:
        phone = parse_phone(update.phone_number)
    except DomainError:
        return envelope.field_error("please provide valid phone_number", data={})
    given = dict(update.given)
    if "category" in given:  # "" clears it, like every other field
        category = given.pop("category")
        given["vertical"] = CATEGORY_TO_VERTICAL[category] if category else ""
    profile_fields = frozenset(given) & {*schemas.PROFILE_FIELDS, "vertical"}
    routing_fields = frozenset(given) & set(schemas.ROUTING_FIELDS)
    changes = NumberChanges(
        profile=BusinessProfile(**{name: given[name] for name in profile_fields}),  # type: ignore[arg-type]
        routing=Routing(**{name: given[name] for name in routing_fields}),
        profile_fields=profile_fields,
        routing_fields=routing_fields,
    )
    try:
        await numbers.update(rt, account, _waba_id(request), phone.e164, changes)
    except DomainError as error:
        if error.reason is Reason.NUMBER_NOT_FOUND:
            return envelope.number_not_found()
        raise
    return envelope.success(1)


async def number_details(request: Request) -> Response:
    try:
        e164 = _e164_of(request.path_params["business_phone_number"])
    except DomainError:
        e164 = ""  # an unparseable number is reported after the credentials are checked
    rt, presented = runtime(request), credentials.of(request.scope).presented
    found = await details.read(rt, presented, e164) if presented is not None else None
    await apply_faults(request, request.scope[ROUTE], found.faults_armed if found is not None else None)
    try:
        view = await details.view(rt, found, request.path_params["sid"])
    except DomainError as error:
        if error.reason in envelope.CREDENTIAL_REASONS:
            return envelope.bad_credentials("API Key Not Found", code="RBC201")
        if error.reason is Reason.NUMBER_NOT_FOUND:
            return envelope.phone_missing()
        raise
    return JSONResponse(project(view.number, view.waba, view.account, KALEYRA_DETAILS), sort_keys=True)


def _e164_of(raw: str) -> str:
    """Digits (with or without ``+``) are already E.164 for any number we store; anything else goes
    through libphonenumber, which costs more than the rest of the request."""
    digits = raw[1:] if raw.startswith("+") else raw
    if is_digits(digits) and 8 <= len(digits) <= 15 and digits[0] != "0":
        return "+" + digits
    return parse_phone(raw).e164


ENVELOPE = Envelope(
    domain_error=envelope.render,
    server_fault=envelope.server_fault,
    too_large=envelope.too_large,
)


def _route(path: str, endpoint: Endpoint, method: str, name: str, *, gates_faults: bool = True) -> Route:
    wrapped = guarded(name, ENVELOPE, gates_faults=gates_faults)(endpoint)
    return Route(path, wrapped, methods=[method], name=name)


class MaybeEmpty(Convertor[str]):
    """A path segment that may be empty: ``/whatsapp//number/add`` (a URL template whose WABA variable
    was empty) is an add with a blank ``waba_id``, answered with seed 001's 'required' body."""

    regex = "[^/]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("maybe_empty", MaybeEmpty())


BASE = "/v2/{sid}/whatsapp"
DETAILS = "/{sid}/whatsapp/{business_phone_number}/phone_number_details"
WABA = "/{waba_id:maybe_empty}"
routes = [
    # Add and verify gate faults themselves, with the flag their credential-and-WABA statement reads;
    # the details read with the flag its one statement reads.
    _route(BASE + WABA + "/number/add", add_number, "POST", "kaleyra.add", gates_faults=False),
    _route(BASE + WABA + "/number/verify", verify_number, "POST", "kaleyra.verify", gates_faults=False),
    _route(BASE + WABA + "/number/update", update_number, "PUT", "kaleyra.update"),
    _route("/v2" + DETAILS, number_details, "GET", "kaleyra.details", gates_faults=False),
    _route("/v1" + DETAILS, number_details, "GET", "kaleyra.details.v1", gates_faults=False),
    *profiles.routes,
]
