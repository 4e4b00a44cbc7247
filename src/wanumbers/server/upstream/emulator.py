"""The embedded, stateful stand-in for Meta: numbers live in our store, OTPs land in the outbox."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from wanumbers.server.domain import lifecycle, otp
from wanumbers.server.domain.clock import Clock
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import IdGenerator, digest_code
from wanumbers.server.domain.lifecycle import Event, Quality
from wanumbers.server.domain.phone import ParsedPhone
from wanumbers.server.domain.records import Delivery, OtpCode, PhoneNumber, Waba
from wanumbers.server.storage.uow import UnitOfWork

REGISTRATION_WINDOW = timedelta(days=7)
MAX_REGISTRATIONS_PER_WINDOW = 10  # Meta: 10 register and 10 deregister calls per number per week


class Emulator:
    name = "emulator"

    def __init__(self, clock: Clock, ids: IdGenerator, otp_key: bytes) -> None:
        self._clock = clock
        self._ids = ids
        self._otp_key = otp_key

    def create_number(
        self, uow: UnitOfWork, waba: Waba, phone: ParsedPhone, verified_name: str
    ) -> PhoneNumber:
        number = PhoneNumber(
            id=self._ids.numeric(15),
            waba_id=waba.id,
            e164=phone.e164,
            country_code=phone.country_code,
            dial_code=phone.dial_code,
            verified_name=verified_name,
            display=phone.display,
        )
        return uow.numbers.add(number, self._clock.now())

    def request_code(self, uow: UnitOfWork, number: PhoneNumber, channel: str, language: str) -> None:
        if lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.ALREADY_VERIFIED, "phone number is already verified")
        now = self._clock.now()
        otp.check_not_locked(number.verification_failures)
        otp.check_send_allowed(uow.otps.issued_since(number.id, now - otp.SEND_WINDOW), now)
        code = otp.new_code()
        uow.otps.issue(
            OtpCode(
                id=0,
                phone_number_id=number.id,
                digest=digest_code(code, self._otp_key, number.e164),
                channel=channel,
                language=language,
                issued_at=now,
                expires_at=now + otp.CODE_TTL,
            )
        )
        uow.outbox.deliver(
            number.id,
            Delivery(
                to=number.e164,
                channel=channel,
                code=code,
                language=language,
                sent_at=now,
            ),
        )

    def verify_code(self, uow: UnitOfWork, number: PhoneNumber, code: str) -> DomainError | None:
        if lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.ALREADY_VERIFIED, "wa phone number already approved")
        otp.check_not_locked(number.verification_failures)
        current = uow.otps.current(number.id)
        matched = otp.check_code(current, code, key=self._otp_key, subject=number.e164, now=self._clock.now())
        assert current is not None  # check_code raised otherwise
        if not matched or not uow.otps.spend(current):
            uow.otps.record_attempt(current)
            number.verification_failures += 1
            uow.numbers.save(number)
            return DomainError(Reason.OTP_WRONG, "the verification code is incorrect", field="otp")
        number.state = lifecycle.transition(number.state, Event.VERIFY_CODE)
        uow.numbers.save(number)
        return None

    def register(self, uow: UnitOfWork, number: PhoneNumber, pin: str | None) -> None:
        now = self._clock.now()
        self._check_weekly_limit(uow, number, "register", now)
        if not lifecycle.is_code_verified(number.state):
            raise DomainError(Reason.NOT_VERIFIED, "the phone number must be verified before registering")
        pin_digest = digest_code(pin, self._otp_key, f"pin:{number.e164}") if pin else None
        if pin_digest and number.pin_digest and not hmac.compare_digest(number.pin_digest, pin_digest):
            raise DomainError(Reason.PIN_MISMATCH, "Two-step verification PIN mismatch")
        # Meta accepts register on a number that is already registered (it re-applies the settings),
        # so only a number that is off the platform changes state.
        if not lifecycle.is_registered(number.state):
            number.state = lifecycle.transition(number.state, Event.REGISTER)
        number.pin_digest = pin_digest or number.pin_digest
        if number.quality is Quality.NA:
            number.quality = Quality.GREEN
        number.last_onboarded_at = number.last_onboarded_at or now
        uow.registrations.record(number.id, "register", now)
        uow.numbers.save(number)

    def deregister(self, uow: UnitOfWork, number: PhoneNumber) -> None:
        now = self._clock.now()
        if not lifecycle.is_registered(number.state):
            raise DomainError(Reason.NOT_REGISTERED, "the phone number is not registered")
        self._check_weekly_limit(uow, number, "deregister", now)
        number.state = lifecycle.transition(number.state, Event.DEREGISTER)
        uow.registrations.record(number.id, "deregister", now)
        uow.numbers.save(number)

    def _check_weekly_limit(self, uow: UnitOfWork, number: PhoneNumber, kind: str, now: datetime) -> None:
        recent = uow.registrations.count_since(number.id, kind, now - REGISTRATION_WINDOW)
        if recent >= MAX_REGISTRATIONS_PER_WINDOW:
            raise DomainError(
                Reason.REGISTRATION_LIMIT,
                f"Rate limit hit: too many {kind} requests for this number",
                retry_after=int(REGISTRATION_WINDOW.total_seconds()),
            )

    def refresh(self, uow: UnitOfWork, number: PhoneNumber) -> PhoneNumber:
        return number
