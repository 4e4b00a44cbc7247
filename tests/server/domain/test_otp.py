"""OTP policy at its boundaries: the 10-minute life and send window at exactly 10 minutes, the fifth
check and send, the twentieth failure, and each refusal's exact message and wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain import otp
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.identifiers import digest_code
from wanumbers.server.domain.records import OtpCode

NOW = datetime(2026, 1, 1, tzinfo=UTC)
KEY = b"k" * 32
SEND_LIMIT = "too many codes requested for this number, try again later"


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


def test_the_policy_figures() -> None:
    assert (timedelta(minutes=10), timedelta(minutes=10)) == (otp.CODE_TTL, otp.SEND_WINDOW)
    assert (otp.MAX_CHECKS_PER_CODE, otp.MAX_SENDS_PER_WINDOW, otp.MAX_FAILURES_PER_NUMBER) == (5, 5, 20)
    assert otp.CHANNELS == ("SMS", "VOICE")


def test_codes_are_six_random_digits() -> None:
    codes = {otp.new_code() for _ in range(300)}
    assert all(otp.is_well_formed(code) for code in codes)
    assert len(codes) > 290
    assert any(code.startswith("0") for code in codes), "zero-padded, not drawn from 100000-999999"


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("123456", True),
        ("000000", True),
        ("12345", False),
        ("1234567", False),
        ("12345a", False),
        ("١٢٣٤٥٦", False),
        ("", False),
    ],
)
def test_well_formed_codes_are_six_digits(code: str, ok: bool) -> None:
    assert otp.is_well_formed(code) is ok


def test_right_code_matches_and_wrong_code_does_not() -> None:
    assert check(code_record(), "123456") is True
    assert check(code_record(), "654321") is False


def test_code_is_bound_to_its_number() -> None:
    record = code_record()
    assert not otp.check_code(record, "123456", key=KEY, subject="+14155550100", now=NOW)


def test_a_code_is_good_until_the_last_instant_of_its_ten_minutes() -> None:
    assert check(code_record(), "123456", now=NOW + otp.CODE_TTL - timedelta(microseconds=1))
    with refused(Reason.OTP_EXPIRED, "the verification code has expired"):
        check(code_record(), "123456", now=NOW + otp.CODE_TTL)


@pytest.mark.parametrize("record", [None, code_record(spent=True)])
def test_spent_or_missing_code_is_refused(record: OtpCode | None) -> None:
    with refused(Reason.OTP_NOT_REQUESTED, "no verification code has been requested"):
        check(record, "123456")


def test_a_code_takes_five_checks_and_refuses_the_sixth() -> None:
    assert check(code_record(attempts=otp.MAX_CHECKS_PER_CODE - 1), "123456")
    with refused(Reason.OTP_ATTEMPTS_EXHAUSTED, "too many attempts, request a new code"):
        check(code_record(attempts=otp.MAX_CHECKS_PER_CODE), "123456")


def test_a_spent_code_is_reported_before_exhaustion_and_expiry() -> None:
    worn = code_record(spent=True, attempts=9)
    with refused(Reason.OTP_NOT_REQUESTED, "no verification code has been requested"):
        check(worn, "123456", now=NOW + timedelta(hours=1))
    with refused(Reason.OTP_ATTEMPTS_EXHAUSTED, "too many attempts, request a new code"):
        check(code_record(attempts=9), "123456", now=NOW + timedelta(hours=1))


def test_four_sends_leave_room_for_a_fifth() -> None:
    otp.check_send_allowed([NOW - timedelta(minutes=1)] * 4, NOW)
    otp.check_send_allowed([], NOW)


def test_sixth_send_in_ten_minutes_is_refused_with_retry_after() -> None:
    sends = [NOW - timedelta(minutes=9), *[NOW - timedelta(minutes=1)] * 4]
    with refused(Reason.OTP_SEND_LIMIT, SEND_LIMIT, retry_after=60):
        otp.check_send_allowed(sends, NOW)


def test_a_send_exactly_ten_minutes_old_has_left_the_window() -> None:
    otp.check_send_allowed([NOW - otp.SEND_WINDOW, *[NOW - timedelta(minutes=1)] * 4], NOW)
    almost = NOW - otp.SEND_WINDOW + timedelta(microseconds=1)
    with refused(Reason.OTP_SEND_LIMIT, SEND_LIMIT, retry_after=1):
        otp.check_send_allowed([almost, *[NOW - timedelta(minutes=1)] * 4], NOW)


def test_the_wait_is_counted_from_the_oldest_send_in_the_window() -> None:
    sends = [NOW - timedelta(minutes=12), NOW - timedelta(minutes=7), *[NOW - timedelta(minutes=2)] * 4]
    with refused(Reason.OTP_SEND_LIMIT, SEND_LIMIT, retry_after=180):
        otp.check_send_allowed(sends, NOW)


def test_the_wait_is_whole_seconds_rounded_down_but_at_least_one() -> None:
    sends = [NOW - timedelta(minutes=8, seconds=30, milliseconds=500), *[NOW] * 4]
    with refused(Reason.OTP_SEND_LIMIT, SEND_LIMIT, retry_after=89):
        otp.check_send_allowed(sends, NOW)
    last_second = [NOW - otp.SEND_WINDOW + timedelta(seconds=1, milliseconds=900), *[NOW] * 4]
    with refused(Reason.OTP_SEND_LIMIT, SEND_LIMIT, retry_after=1):
        otp.check_send_allowed(last_second, NOW)


def test_sends_outside_the_window_do_not_count() -> None:
    otp.check_send_allowed([NOW - timedelta(minutes=11)] * 10, NOW)


def test_twenty_failures_lock_verification() -> None:
    otp.check_not_locked(0)
    otp.check_not_locked(otp.MAX_FAILURES_PER_NUMBER - 1)
    with refused(Reason.VERIFICATION_LOCKED, "verification is locked after too many failed attempts"):
        otp.check_not_locked(otp.MAX_FAILURES_PER_NUMBER)
