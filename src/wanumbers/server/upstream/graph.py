"""Live mode: Meta is a real Graph API, reached with the SDK's ``CloudAPI``.

Our store still owns accounts, keys, WABA ownership and routing, and keeps a row per number (under
the id Graph gave it) so ownership checks and the Kaleyra projections work as in emulator mode. The
WABA id in our store is the Graph WABA id (``wanumbers wabas create --waba-id``). Codes are sent and
checked by Graph: live mode never sees an OTP except in flight, and never stores or logs one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import datetime
from typing import Any

from wanumbers.client import CloudAPI, WanumbersError
from wanumbers.client import PhoneNumber as GraphNumber
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
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import PhoneNumber, Waba
from wanumbers.server.settings import Settings
from wanumbers.server.storage.uow import UnitOfWork
from wanumbers.server.upstream.graph_errors import to_domain, translated

TIMEOUT_SECONDS = 15.0
# Requests hold our write transaction open, so retry once, briefly, then answer "try again later".
MAX_RETRIES = 1
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
# A wrong or expired code is *returned* (the failed attempt is committed first); the rest is raised.
WRONG_CODE = frozenset({Reason.OTP_WRONG, Reason.OTP_EXPIRED})
_STATES: dict[str, NumberState] = {
    state.value: state for state in NumberState if state is not NumberState.UNVERIFIED
}
_PORTFOLIO_TIERS = {limit: tier for tier, limit in lifecycle.PORTFOLIO_LIMIT.items()}


class GraphUpstream:
    name = "graph"

    def __init__(self, settings: Settings, *, clock: Clock, **client_options: Any) -> None:
        assert settings.graph_base_url and settings.graph_token  # Settings.validate guarantees both
        self._clock = clock
        self._pin_key = settings.graph_token.encode()
        self._graph = CloudAPI(
            settings.graph_token,
            base_url=settings.graph_base_url,
            timeout=TIMEOUT_SECONDS,
            max_retries=MAX_RETRIES,
            **client_options,
        )

    def close(self) -> None:
        self._graph.close()

    def create_number(
        self, uow: UnitOfWork, waba: Waba, phone: ParsedPhone, verified_name: str
    ) -> PhoneNumber:
        national = phone.digits[len(phone.dial_code) :]
        with translated("create_number", missing=Reason.WABA_NOT_FOUND):
            number_id = self._graph.create_phone_number(
                phone.dial_code, national, verified_name, waba_id=str(waba.id)
            )
        number = PhoneNumber(
            id=int(number_id),
            waba_id=waba.id,
            e164=phone.e164,
            country_code=phone.country_code,
            dial_code=phone.dial_code,
            verified_name=verified_name,
        )
        return uow.numbers.add(number, self._clock.now())

    def request_code(self, uow: UnitOfWork, number: PhoneNumber, channel: str, language: str) -> None:
        with translated("request_code"):
            self._graph.request_verification_code(channel, language, phone_number_id=str(number.id))

    def verify_code(self, uow: UnitOfWork, number: PhoneNumber, code: str) -> DomainError | None:
        try:
            self._graph.verify_code(code, phone_number_id=str(number.id))
        except WanumbersError as error:
            failure = to_domain(error, "verify_code")
            if failure.reason not in WRONG_CODE:
                raise failure from None
            number.verification_failures += 1  # committed by the caller, then reported
            uow.numbers.save(number)
            return failure
        if not lifecycle.is_code_verified(number.state):
            number.state = lifecycle.transition(number.state, Event.VERIFY_CODE)
        uow.numbers.save(number)
        return None

    def register(self, uow: UnitOfWork, number: PhoneNumber, pin: str | None) -> None:
        with translated("register"):
            self._graph.register(pin or self._pin_for(number), phone_number_id=str(number.id))
        if not lifecycle.is_registered(number.state):
            number.state = lifecycle.transition(number.state, Event.REGISTER)
        number.last_onboarded_at = number.last_onboarded_at or self._clock.now()
        uow.numbers.save(number)

    def deregister(self, uow: UnitOfWork, number: PhoneNumber) -> None:
        with translated("deregister"):
            self._graph.deregister(phone_number_id=str(number.id))
        if lifecycle.is_registered(number.state):
            number.state = lifecycle.transition(number.state, Event.DEREGISTER)
        uow.numbers.save(number)

    def refresh(self, uow: UnitOfWork, number: PhoneNumber) -> PhoneNumber:
        """The number as Graph reports it now, laid over our row (routing and profile stay ours)."""
        with translated("refresh"):
            node = self._graph.get_phone_number_by_id(REFRESH_FIELDS, str(number.id))
        return merged(number, node)

    def _pin_for(self, number: PhoneNumber) -> str:
        """Kaleyra's verify has no PIN, yet Graph's register needs one: derive a stable 6-digit PIN
        per number from our token, so a later re-register sends the same one. Never stored."""
        digest = hmac.new(self._pin_key, f"pin:{number.id}".encode(), hashlib.sha256).digest()
        return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


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
