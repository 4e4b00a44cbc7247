"""The embedded, stateful stand-in for Meta: numbers live in our store, OTPs land in the outbox.

Every change is one write transaction that re-reads the number it changes (locked where the database
can), applies Meta's rules and commits, so concurrent requests on one number queue instead of racing.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from wanumbers.server import metrics
from wanumbers.server.domain import claims, lifecycle, number_update, otp, webhooks
from wanumbers.server.domain.clock import SystemClock
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import IdGenerator, digest_code
from wanumbers.server.domain.lifecycle import Event, Quality
from wanumbers.server.domain.number_update import NodeUpdate
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Delivery, OtpCode, PhoneNumber, Waba
from wanumbers.server.storage.store import Store
from wanumbers.server.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from wanumbers.server.services.events import EventSink as Events

REGISTRATION_WINDOW = timedelta(days=7)
MAX_REGISTRATIONS_PER_WINDOW = 10  # Meta: 10 register and 10 deregister calls per number per week
CLOCK_OFFSET = "clock_offset_seconds"  # sim setting: the control plane's fast-forward, shared by workers


async def sync_clock(clock: SystemClock, uow: UnitOfWork) -> None:
    """Pick up the control plane's clock offset; stored in the database so every worker agrees."""
    offset = await uow.sim.setting(CLOCK_OFFSET)
    clock.offset = timedelta(seconds=float(offset or 0))


class Emulator:
    name = "emulator"

    def __init__(
        self,
        store: Store,
        clock: SystemClock,
        ids: IdGenerator,
        otp_key: bytes,
        previous_keys: tuple[bytes, ...] = (),
        claim_cap: int = claims.PENDING_CAP,
        events: Events | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids
        self._otp_key = otp_key
        self._check_keys = (otp_key, *previous_keys)  # codes and PINs made before a rotation still match
        self._claim_cap = claim_cap
        self._events = events

    @asynccontextmanager
    async def _change(self) -> AsyncIterator[UnitOfWork]:
        """A write transaction on Meta's (our) state, committed when the block ends without error."""
        async with UnitOfWork(self._store, write=True) as uow:
            await sync_clock(self._clock, uow)
            yield uow
            await uow.commit()

    async def _locked(self, uow: UnitOfWork, number: PhoneNumber) -> PhoneNumber:
        current = await uow.numbers.get(number.id, for_update=True)
        if current is None:  # deleted (a control-plane reset) since the caller read it
            raise DomainError(
                Reason.NUMBER_NOT_FOUND, "Phone number is not present or does not belong to the account."
            )
        return current

    async def onboard(
        self, waba: Waba, phone: ParsedPhone, verified_name: str, channel: str, language: str
    ) -> PhoneNumber:
        async with self._change() as uow:
            number = await self._create(uow, waba, phone, verified_name)
            await self._send_code(uow, number, channel, language, first=True)
        metrics.otp_sent(channel, "emulator")  # once committed: a rolled-back add sent nothing
        return number

    async def create_number(self, waba: Waba, phone: ParsedPhone, verified_name: str) -> PhoneNumber:
        async with self._change() as uow:
            return await self._create(uow, waba, phone, verified_name)

    async def _create(
        self, uow: UnitOfWork, waba: Waba, phone: ParsedPhone, verified_name: str
    ) -> PhoneNumber:
        now = self._clock.now()
        await self._take_over_a_lapsed_claim(uow, waba, phone.e164, now)
        claims.check_cap(
            await uow.numbers.claims_held(waba.account_id, claims.holding_since(now)), self._claim_cap
        )
        number = PhoneNumber(
            id=self._ids.numeric(15),
            waba_id=waba.id,
            e164=phone.e164,
            country_code=phone.country_code,
            dial_code=phone.dial_code,
            verified_name=verified_name,
            display=phone.display,
        )
        return await uow.numbers.add(number, now)

    async def _take_over_a_lapsed_claim(self, uow: UnitOfWork, waba: Waba, e164: str, now: datetime) -> None:
        """Another account's unverified claim past its hold gives way to this add (domain/claims.py);
        anything else stays, and the insert then answers "already exists"."""
        held = await uow.numbers.locate(e164=e164, for_update=True)
        if held is None:
            return
        number, holder = held
        created = number.created_at or now
        if claims.yields_to(number.state, created, holder.account_id, waba.account_id, now):
            await uow.numbers.delete(number.id)

    async def request_code(self, number: PhoneNumber, channel: str, language: str) -> None:
        async with self._change() as uow:
            await self._send_code(uow, await self._locked(uow, number), channel, language)
        metrics.otp_sent(channel, "emulator")

    async def _send_code(
        self, uow: UnitOfWork, number: PhoneNumber, channel: str, language: str, *, first: bool = False
    ) -> None:
        """``first``: the number was created in this transaction, so it has no codes to count or retire
        (two statements fewer for every add)."""
        if lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.ALREADY_VERIFIED, "phone number is already verified")
        now = self._clock.now()
        otp.check_not_locked(number.verification_failures)
        sent = [] if first else await uow.otps.issued_since(number.id, now - otp.SEND_WINDOW)
        otp.check_send_allowed(sent, now)
        code = otp.new_code()
        await uow.otps.issue(
            OtpCode(
                id=0,
                phone_number_id=number.id,
                digest=digest_code(code, self._otp_key, number.e164),
                channel=channel,
                language=language,
                issued_at=now,
                expires_at=now + otp.CODE_TTL,
            ),
            retire=not first,
        )
        delivery = Delivery(to=number.e164, channel=channel, code=code, language=language, sent_at=now)
        await uow.outbox.deliver(number.id, delivery)

    async def verify_code(self, number: PhoneNumber, code: str) -> None:
        async with self._change() as uow:
            failure = await self._check_code(uow, await self._locked(uow, number), code)
        if failure is not None:
            raise failure

    async def confirm(self, number: PhoneNumber, code: str) -> None:
        async with self._change() as uow:
            current = await self._locked(uow, number)
            # Verified and registered in one write of the number (a failed registration rolls both back).
            failure = await self._check_code(uow, current, code, save=False)
            if failure is None:
                await self._register(uow, current, None)
        if failure is not None:
            raise failure

    async def _check_code(
        self, uow: UnitOfWork, number: PhoneNumber, code: str, *, save: bool = True
    ) -> DomainError | None:
        """A wrong code is *returned*, so the failed attempt commits before it is reported. ``save=False``:
        a right code's state change is left for the caller to save with its own."""
        if lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.ALREADY_VERIFIED, "wa phone number already approved")
        otp.check_not_locked(number.verification_failures)
        current = await uow.otps.current(number.id)
        now = self._clock.now()
        matched = any(
            otp.check_code(current, code, key=key, subject=number.e164, now=now) for key in self._check_keys
        )
        assert current is not None  # check_code raised otherwise
        if not matched or not await uow.otps.spend(current):
            await uow.otps.record_attempt(current)
            number.verification_failures += 1
            await uow.numbers.save(number)
            return DomainError(Reason.OTP_WRONG, "the verification code is incorrect", field="otp")
        number.state = lifecycle.transition(number.state, Event.VERIFY_CODE)
        if save:
            await uow.numbers.save(number)
        return None

    def _pin_matches(self, number: PhoneNumber, pin: str) -> bool:
        stored = number.pin_digest or ""
        subject = f"pin:{number.e164}"
        return any(hmac.compare_digest(stored, digest_code(pin, key, subject)) for key in self._check_keys)

    async def register(self, number: PhoneNumber, pin: str | None, region: str | None = None) -> None:
        async with self._change() as uow:
            await self._register(uow, await self._locked(uow, number), pin, region)

    async def _register(
        self, uow: UnitOfWork, number: PhoneNumber, pin: str | None, region: str | None = None
    ) -> None:
        now = self._clock.now()
        await self._check_weekly_limit(uow, number, "register", now)
        if not lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.NOT_VERIFIED, "the phone number must be verified before registering")
        pin_digest = self._pin_digest(number, pin) if pin else None
        if pin and number.pin_digest and not self._pin_matches(number, pin):
            raise DomainError(Reason.PIN_MISMATCH, "Two-step verification PIN mismatch")
        # Meta accepts register on a number that is already registered (it re-applies the settings),
        # so only a number that is off the platform changes state.
        before = webhooks.facts_of(number)
        if not lifecycle.is_registered(number.state):
            number.state = lifecycle.transition(number.state, Event.REGISTER)
        number.pin_digest = pin_digest or number.pin_digest
        if region:  # Meta keeps the region of the registration that asked for local storage
            number.graph.data_localization_region = region
        if number.quality is Quality.NA:
            number.quality = Quality.GREEN
        number.last_onboarded_at = number.last_onboarded_at or now
        await uow.registrations.record(number.id, "register", now)
        await uow.numbers.save(number)
        await self._emit(uow, before, number, now)

    async def _emit(
        self, uow: UnitOfWork, before: webhooks.NumberFacts, number: PhoneNumber, now: datetime
    ) -> None:
        """Meta's webhooks for the change, in this change's transaction (docs/events.md)."""
        if self._events is not None:
            await self._events.emit(uow, webhooks.changes_of(before, number, now), now)

    async def deregister(self, number: PhoneNumber) -> None:
        async with self._change() as uow:
            current = await self._locked(uow, number)
            now = self._clock.now()
            if not lifecycle.is_registered(current.state):
                raise DomainError(Reason.NOT_REGISTERED, "the phone number is not registered")
            await self._check_weekly_limit(uow, current, "deregister", now)
            current.state = lifecycle.transition(current.state, Event.DEREGISTER)
            await uow.registrations.record(current.id, "deregister", now)
            await uow.numbers.save(current)

    async def _check_weekly_limit(
        self, uow: UnitOfWork, number: PhoneNumber, kind: str, now: datetime
    ) -> None:
        recent = await uow.registrations.count_since(number.id, kind, now - REGISTRATION_WINDOW)
        if recent >= MAX_REGISTRATIONS_PER_WINDOW:
            raise DomainError(
                Reason.REGISTRATION_LIMIT,
                f"Rate limit hit: too many {kind} requests for this number",
                retry_after=int(REGISTRATION_WINDOW.total_seconds()),
            )

    def _pin_digest(self, number: PhoneNumber, pin: str) -> str:
        """PINs are kept as an HMAC under the OTP key, bound to the number, like OTP digests."""
        return digest_code(pin, self._otp_key, f"pin:{number.e164}")

    async def update_node(self, number: PhoneNumber, update: NodeUpdate) -> None:
        async with self._change() as uow:
            current = await self._locked(uow, number)
            if update.pin is not None:  # a PIN set or changed: register checks it from now on
                current.pin_digest = self._pin_digest(current, update.pin)
            number_update.apply(current.graph, update)
            await uow.numbers.save(current)

    async def refresh(self, number: PhoneNumber) -> PhoneNumber:
        return number

    async def close(self) -> None:
        return None
