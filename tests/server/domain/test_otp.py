from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wanumbers.server.domain import otp
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import digest_code
from wanumbers.server.domain.records import OtpCode

NOW = datetime(2026, 1, 1, tzinfo=UTC)
KEY = b"k" * 32


def code_record(code: str = "123456", **changes: object) -> OtpCode:
    record = OtpCode(
        id=1,
        phone_number_id=1,
        digest=digest_code(code, KEY, "+919876543210"),
        channel="SMS",
        language="en_US",
        issued_at=NOW,
        expires_at=NOW + otp.CODE_TTL,
    )
    for name, value in changes.items():
        setattr(record, name, value)
    return record


def check(record: OtpCode | None, code: str, now: datetime = NOW) -> bool:
    return otp.check_code(record, code, key=KEY, subject="+919876543210", now=now)


def test_codes_are_six_random_digits() -> None:
    codes = {otp.new_code() for _ in range(200)}
    assert all(otp.is_well_formed(code) for code in codes)
    assert len(codes) > 190


def test_right_code_matches_and_wrong_code_does_not() -> None:
    assert check(code_record(), "123456")
    assert not check(code_record(), "654321")


def test_code_is_bound_to_its_number() -> None:
    record = code_record()
    assert not otp.check_code(record, "123456", key=KEY, subject="+14155550100", now=NOW)


def test_expired_code_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        check(code_record(), "123456", now=NOW + otp.CODE_TTL)
    assert raised.value.reason is Reason.OTP_EXPIRED


def test_spent_or_missing_code_is_refused() -> None:
    for record in (None, code_record(spent=True)):
        with pytest.raises(DomainError) as raised:
            check(record, "123456")
        assert raised.value.reason is Reason.OTP_NOT_REQUESTED


def test_code_is_burnt_after_five_checks() -> None:
    with pytest.raises(DomainError) as raised:
        check(code_record(attempts=otp.MAX_CHECKS_PER_CODE), "123456")
    assert raised.value.reason is Reason.OTP_ATTEMPTS_EXHAUSTED


def test_sixth_send_in_ten_minutes_is_refused_with_retry_after() -> None:
    sends = [NOW - timedelta(minutes=9), *[NOW - timedelta(minutes=1)] * 4]
    with pytest.raises(DomainError) as raised:
        otp.check_send_allowed(sends, NOW)
    assert raised.value.reason is Reason.OTP_SEND_LIMIT
    assert raised.value.retry_after == 60


def test_sends_outside_the_window_do_not_count() -> None:
    otp.check_send_allowed([NOW - timedelta(minutes=11)] * 10, NOW)


def test_twenty_failures_lock_verification() -> None:
    otp.check_not_locked(otp.MAX_FAILURES_PER_NUMBER - 1)
    with pytest.raises(DomainError) as raised:
        otp.check_not_locked(otp.MAX_FAILURES_PER_NUMBER)
    assert raised.value.reason is Reason.VERIFICATION_LOCKED
