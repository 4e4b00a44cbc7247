"""Number use cases shared by both contracts. The Kaleyra ``number/add`` is ``onboard`` (create +
request_code); ``number/verify`` is ``confirm`` (verify_code + register)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Account, BusinessProfile, PhoneNumber, Routing, Waba
from wanumbers.server.services import urls
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork

NUMBER_NOT_OWNED = "Phone number is not present or does not belong to the account."


@dataclass(frozen=True, slots=True)
class NumberView:
    """A number with the owners its health and routing depend on."""

    number: PhoneNumber
    waba: Waba
    account: Account


async def is_taken(rt: Runtime, e164: str) -> bool:
    async with rt.uow() as uow:
        return await uow.numbers.e164_taken(e164)


async def onboard(
    rt: Runtime,
    waba: Waba,
    phone: ParsedPhone,
    verified_name: str,
    channel: str,
    language: str = "en_US",
) -> PhoneNumber:
    """Create the number under ``waba`` (the caller's account owns it: ``owned``) and send it a
    verification code."""
    return await rt.upstream.onboard(waba, phone, verified_name, channel, language)


async def confirm(
    rt: Runtime, waba: Waba, number: PhoneNumber | None, phone: ParsedPhone, code: str
) -> PhoneNumber:
    """Check the code and register ``number`` (read as the account's that owns ``waba``: ``None``, not
    found or another account's), so it ends verified and CONNECTED, if it is ``phone`` of ``waba``."""
    if number is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, NUMBER_NOT_OWNED)
    if number.waba_id != waba.id or number.e164 != phone.e164:
        raise DomainError(Reason.INVALID_PHONE_NUMBER, "invalid phone number", field="phone_number")
    await rt.upstream.confirm(number, code)
    return number


@dataclass(frozen=True, slots=True)
class NumberChanges:
    """Fields to overwrite; ``None`` leaves a field as it is, ``""`` clears it."""

    profile: BusinessProfile
    routing: Routing
    profile_fields: frozenset[str]
    routing_fields: frozenset[str]


async def update(rt: Runtime, account: Account, waba_id: int, e164: str, changes: NumberChanges) -> None:
    # Resolve before taking the write lock (DNS can be slow), report in the usual order below.
    unsafe_url = await _unsafe_url(rt, changes)
    async with rt.uow(write=True) as uow:
        waba = await owned_waba(uow, account, waba_id)
        number, _ = await owned_number(uow, account, e164=e164, for_update=True)
        if number.waba_id != waba.id:
            raise DomainError(Reason.NUMBER_NOT_FOUND, "invalid Phone Number or Phone Number Not Found")
        if "incoming_url" in changes.routing_fields and waba.api_version != "v1":
            raise DomainError(
                Reason.VERSION_MISMATCH,
                "incoming_url is only applicable for V1 version phone numbers",
                field="incoming_url",
            )
        if unsafe_url is not None:
            raise unsafe_url
        await _check_profiles(uow, account, changes)
        _apply(number.profile, changes.profile, changes.profile_fields)
        _apply(number.routing, changes.routing, changes.routing_fields)
        await uow.numbers.save(number)
        await uow.commit()


PROFILE_FIELDS = ("callback_profile_id", "outgoing_callback_profile_id")


async def _check_profiles(uow: UnitOfWork, account: Account, changes: NumberChanges) -> None:
    """A profile id set on a number must name one of the account's callback profiles (``""`` clears)."""
    for name in PROFILE_FIELDS:
        profile_id = getattr(changes.routing, name) if name in changes.routing_fields else None
        if profile_id and await uow.callback_profiles.owned(profile_id, account.id) is None:
            raise DomainError(
                Reason.INVALID_PARAMETER,
                f"{name} does not match any callback profile of this account",
                field=name,
            )


async def _unsafe_url(rt: Runtime, changes: NumberChanges) -> DomainError | None:
    """Why the new ``incoming_url`` may not be called (SSRF guard), or ``None``."""
    url = changes.routing.incoming_url if "incoming_url" in changes.routing_fields else None
    if not url:
        return None
    try:
        await urls.check_callable(url, "incoming_url", allow_private=rt.allow_private_urls)
    except DomainError as error:
        return error
    return None


async def view(
    rt: Runtime, account: Account, *, e164: str | None = None, number_id: int | None = None
) -> NumberView:
    async with rt.uow() as uow:
        number, waba = await owned_number(uow, account, e164=e164, number_id=number_id)
    return NumberView(number=await rt.upstream.refresh(number), waba=waba, account=account)


async def owned_waba(uow: UnitOfWork, account: Account, waba_id: int) -> Waba:
    return owned(await uow.wabas.owned(waba_id, account.id))


def owned(waba: Waba | None) -> Waba:
    """``waba``, found as an account's; ``None`` (missing, or another account's: the caller cannot tell)
    raises ``WABA_NOT_FOUND``."""
    if waba is None:
        raise DomainError(Reason.WABA_NOT_FOUND, "Waba_id is not present or does not belong to the account.")
    return waba


async def owned_number(
    uow: UnitOfWork,
    account: Account,
    *,
    e164: str | None = None,
    number_id: int | None = None,
    for_update: bool = False,
) -> tuple[PhoneNumber, Waba]:
    found = await uow.numbers.owned_by(account.id, e164=e164, number_id=number_id, for_update=for_update)
    if found is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND, NUMBER_NOT_OWNED)
    return found


def _apply(target: object, source: object, names: frozenset[str]) -> None:
    for item in fields(target):  # type: ignore[arg-type]
        if item.name in names:
            value = getattr(source, item.name)
            setattr(target, item.name, value if value != "" else None)
