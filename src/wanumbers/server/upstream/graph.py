"""Live mode: Meta is a real Graph API, reached with the SDK's ``CloudAPI``.

Our store still owns accounts, keys, WABA ownership and routing, and keeps a row per number (under
the id Graph gave it) so ownership checks and the Kaleyra projections work as in emulator mode. The
WABA id in our store is the Graph WABA id (``wanumbers wabas create --waba-id``). Codes are sent and
checked by Graph: live mode never sees an OTP except in flight, and never stores or logs one.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from wanumbers.client import AsyncCloudAPI, WanumbersError
from wanumbers.client import PhoneNumber as GraphNumber
from wanumbers.server import metrics
from wanumbers.server.domain import lifecycle
from wanumbers.server.domain.clock import Clock
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.lifecycle import (
    AccountMode,
    Event,
    MessagingTier,
    NameStatus,
    NumberState,
    Quality,
    Throughput,
)
from wanumbers.server.domain.number_update import NodeUpdate
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import PhoneNumber, Waba
from wanumbers.server.settings import Settings
from wanumbers.server.storage.store import Store
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.graph_errors import to_domain, translated

# One Graph call may take this long (connect included); the request's own deadline caps the sum.
TIMEOUT_SECONDS = 4.0
# No retries here: the request is answered "try again later" within its bound, and the caller retries.
MAX_RETRIES = 0
REFRESH_FIELDS = (
    "id",
    "verified_name",
    "code_verification_status",
    "status",
    "name_status",
    "quality_rating",
    "throughput",
    "messaging_limit_tier",
    "whatsapp_business_manager_messaging_limit",
    "account_mode",
    "is_official_business_account",
    "last_onboarded_time",
)
# A wrong or expired code is counted against the number (recorded first), then reported.
WRONG_CODE = frozenset({Reason.OTP_WRONG, Reason.OTP_EXPIRED})
_STATES: dict[str, NumberState] = {
    state.value: state for state in NumberState if state is not NumberState.UNVERIFIED
}
_PORTFOLIO_TIERS = {limit: tier for tier, limit in lifecycle.PORTFOLIO_LIMIT.items()}


class GraphUpstream:
    """Each operation calls Graph first, with no transaction open, then records the outcome."""

    name = "graph"

    def __init__(self, settings: Settings, store: Store, *, clock: Clock, **client_options: Any) -> None:
        assert settings.graph_base_url and settings.graph_token  # Settings.validate guarantees both
        self._store = store
        self._clock = clock
        self._pin_key = settings.graph_token.encode()
        self._graph = AsyncCloudAPI(
            settings.graph_token,
            base_url=settings.graph_base_url,
            timeout=TIMEOUT_SECONDS,
            max_retries=MAX_RETRIES,
            **client_options,
        )

    async def close(self) -> None:
        await self._graph.close()

    async def onboard(
        self, waba: Waba, phone: ParsedPhone, verified_name: str, channel: str, language: str
    ) -> PhoneNumber:
        number = await self.create_number(waba, phone, verified_name)
        await self.request_code(number, channel, language)
        return number

    async def create_number(self, waba: Waba, phone: ParsedPhone, verified_name: str) -> PhoneNumber:
        """Create the number on Graph and record it. A number a failed earlier attempt left behind (on
        Graph, or in our store, unverified, in this WABA) is adopted rather than refused as a duplicate,
        so a retried add converges instead of answering "already exists" for ever."""
        async with UnitOfWork(self._store) as uow:
            ours = await uow.numbers.locate(e164=phone.e164)
        if ours is not None:
            number, _ = ours
            if number.waba_id == waba.id and not lifecycle.is_code_verified(number.state):
                return number
            raise DomainError(Reason.NUMBER_EXISTS, "phone number already exists")
        national = phone.digits[len(phone.dial_code) :]
        try:
            with translated("create_number", missing=Reason.WABA_NOT_FOUND):
                number_id = await self._graph.create_phone_number(
                    phone.dial_code, national, verified_name, waba_id=str(waba.id)
                )
        except DomainError as error:
            found = await self._find_on_graph(waba, phone) if error.reason is Reason.NUMBER_EXISTS else None
            if found is None:
                raise
            number_id = found
        number = PhoneNumber(
            id=int(number_id),
            waba_id=waba.id,
            e164=phone.e164,
            country_code=phone.country_code,
            dial_code=phone.dial_code,
            verified_name=verified_name,
            display=phone.display,
        )
        async with UnitOfWork(self._store, write=True) as uow:
            await uow.numbers.add(number, self._clock.now())
            await uow.commit()
        return number

    async def _find_on_graph(self, waba: Waba, phone: ParsedPhone) -> str | None:
        """The id Graph gave ``phone`` in ``waba``, if it holds it (an earlier create we did not record)."""
        with translated("create_number", missing=Reason.WABA_NOT_FOUND):
            async for node in self._graph.iter_phone_numbers(
                fields=["id", "display_phone_number"], waba_id=str(waba.id)
            ):
                digits = "".join(ch for ch in node.display_phone_number or "" if ch.isdigit())
                if digits == phone.digits:
                    return node.id
        return None

    async def request_code(self, number: PhoneNumber, channel: str, language: str) -> None:
        with translated("request_code"):
            await self._graph.request_verification_code(channel, language, phone_number_id=str(number.id))
        metrics.otp_sent(channel, "graph")

    async def verify_code(self, number: PhoneNumber, code: str) -> None:
        try:
            await self._graph.verify_code(code, phone_number_id=str(number.id))
        except WanumbersError as error:
            failure = to_domain(error, "verify_code")
            if failure.reason in WRONG_CODE:
                await self._record(number, _count_failure)
            raise failure from None
        await self._record(number, _mark_verified)

    async def confirm(self, number: PhoneNumber, code: str) -> None:
        await self.verify_code(number, code)
        await self.register(number, None)

    async def register(self, number: PhoneNumber, pin: str | None, region: str | None = None) -> None:
        with translated("register"):
            await self._graph.register(
                pin or self._pin_for(number), data_localization_region=region, phone_number_id=str(number.id)
            )
        now = self._clock.now()

        def registered(current: PhoneNumber) -> None:
            if not lifecycle.is_registered(current.state):
                current.state = lifecycle.transition(current.state, Event.REGISTER)
            current.last_onboarded_at = current.last_onboarded_at or now
            if region:
                current.graph.data_localization_region = region

        await self._record(number, registered)

    async def deregister(self, number: PhoneNumber) -> None:
        with translated("deregister"):
            await self._graph.deregister(phone_number_id=str(number.id))
        await self._record(number, _mark_deregistered)

    async def update_node(self, number: PhoneNumber, update: NodeUpdate) -> None:
        """Not forwarded to a live Graph yet: refused rather than kept only here, where Meta would
        never see the PIN or the name request."""
        raise DomainError(Reason.UPSTREAM, "POST /{phone-number-id} is not forwarded in live mode yet")

    async def refresh(self, number: PhoneNumber) -> PhoneNumber:
        """The number as Graph reports it now, laid over our row (routing and profile stay ours)."""
        with translated("refresh"):
            node = await self._graph.get_phone_number_by_id(REFRESH_FIELDS, str(number.id))
        return merged(number, node)

    async def _record(self, number: PhoneNumber, change: Callable[[PhoneNumber], None]) -> None:
        """Apply what Graph just did to our row, in one short transaction."""
        async with UnitOfWork(self._store, write=True) as uow:
            current = await uow.numbers.get(number.id, for_update=True)
            if current is None:
                return
            change(current)
            await uow.numbers.save(current)
            await uow.commit()

    def _pin_for(self, number: PhoneNumber) -> str:
        """Kaleyra's verify has no PIN, yet Graph's register needs one: derive a stable 6-digit PIN
        per number from our token, so a later re-register sends the same one. Never stored."""
        digest = hmac.new(self._pin_key, f"pin:{number.id}".encode(), hashlib.sha256).digest()
        return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _count_failure(number: PhoneNumber) -> None:
    number.verification_failures += 1


def _mark_verified(number: PhoneNumber) -> None:
    if not lifecycle.is_code_verified(number.state):
        number.state = lifecycle.transition(number.state, Event.VERIFY_CODE)


def _mark_deregistered(number: PhoneNumber) -> None:
    if lifecycle.is_registered(number.state):
        number.state = lifecycle.transition(number.state, Event.DEREGISTER)


def merged(number: PhoneNumber, node: GraphNumber) -> PhoneNumber:
    """``number`` with what Graph says about it; fields Graph left out (or we do not model) stay."""
    verified = node.code_verification_status == "VERIFIED"
    state = _STATES.get(str(node.status))
    if state is None:  # PENDING and friends: not on the platform yet
        state = NumberState.VERIFIED if verified else number.state
    return replace(
        number,
        state=state,
        verified_name=node.verified_name or number.verified_name,
        name_status=_member(NameStatus, node.name_status, number.name_status),
        quality=_member(Quality, node.quality_rating, number.quality),
        throughput=_member(Throughput, node.throughput and node.throughput.level, number.throughput),
        tier=_tier(node, number.tier),
        account_mode=_member(AccountMode, node.account_mode, number.account_mode),
        is_official_business_account=(
            number.is_official_business_account
            if node.is_official_business_account is None
            else node.is_official_business_account
        ),
        last_onboarded_at=_timestamp(node.last_onboarded_time) or number.last_onboarded_at,
    )


def _member(kind: Any, value: object, default: Any) -> Any:
    try:
        return kind(str(value)) if value is not None else default
    except ValueError:
        return default


def _tier(node: GraphNumber, default: MessagingTier) -> MessagingTier:
    if node.messaging_limit_tier is not None:
        tier: MessagingTier = _member(MessagingTier, node.messaging_limit_tier, default)
        return tier
    limit = node.whatsapp_business_manager_messaging_limit
    return _PORTFOLIO_TIERS.get(str(limit), default) if limit is not None else default


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("+0000", "+00:00"))
    except ValueError:
        return None
