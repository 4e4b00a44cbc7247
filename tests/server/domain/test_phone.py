"""Phone numbers: national digits with a dial code, full numbers with or without ``+``, the "too short"
boundary, and the Go port's exact wording for both refusals."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest

from tests.server.domain.refusals import refused
from wanumbers.server.domain.errors import Reason
from wanumbers.server.domain.phone import TOO_SHORT, ParsedPhone, parse_phone


def too_short() -> AbstractContextManager[None]:
    return refused(Reason.PHONE_NUMBER_TOO_SHORT, "the string supplied is too short to be a phone number")


def invalid_number() -> AbstractContextManager[None]:
    return refused(Reason.INVALID_PHONE_NUMBER, "invalid phone number")


def test_the_too_short_message_is_the_go_ports() -> None:
    assert TOO_SHORT == "the string supplied is too short to be a phone number"


@pytest.mark.parametrize("dial_code", ["91", "+91", " +91 ", "++91"])
def test_national_number_with_dial_code_becomes_e164(dial_code: str) -> None:
    phone = parse_phone("9876543210", dial_code)
    assert phone == ParsedPhone("+919876543210", "IN", "91")
    assert (phone.digits, phone.display) == ("919876543210", "+91 98765 43210")


@pytest.mark.parametrize(
    "national",
    ["09876543210", "009876543210", " 09876543210 ", "098765-43210", "98765 43210", "0" * 9 + "9876543210"],
)
def test_a_trunk_prefix_and_spacing_in_the_national_number_are_dropped(national: str) -> None:
    assert parse_phone(national, "91").e164 == "+919876543210"


@pytest.mark.parametrize(
    ("national", "e164"), [("0669820000", "+390669820000"), ("06 6982 0000", "+390669820000")]
)
def test_a_leading_zero_that_belongs_to_the_number_is_kept(national: str, e164: str) -> None:
    # Italian landlines keep their 0 after +39: dropping it would make a valid number invalid.
    assert parse_phone(national, "39").e164 == e164


@pytest.mark.parametrize("raw", ["+919876543210", "919876543210", " 919876543210 ", "+91 98765-43210"])
def test_full_number_with_or_without_plus(raw: str) -> None:
    assert parse_phone(raw) == ParsedPhone("+919876543210", "IN", "91")


def test_us_number_display_uses_libphonenumber_international_format() -> None:
    phone = parse_phone("+14155552671")
    assert (phone.country_code, phone.dial_code, phone.display) == ("US", "1", "+1 415-555-2671")


def test_a_non_geographic_number_has_the_world_region() -> None:
    assert parse_phone("+800 1234 5678") == ParsedPhone("+80012345678", "001", "800")


def test_a_valid_four_digit_national_number_is_not_too_short() -> None:
    assert parse_phone("+6834002") == ParsedPhone("+6834002", "NU", "683")  # Niue


@pytest.mark.parametrize(
    ("raw", "dial_code"), [("9", "+91"), ("+91123", None), ("+1234", None), ("123", "91")]
)
def test_fewer_than_four_national_digits_are_too_short(raw: str, dial_code: str | None) -> None:
    with too_short():
        parse_phone(raw, dial_code)


def test_four_national_digits_are_judged_on_validity_not_length() -> None:
    with invalid_number():
        parse_phone("+91 1234")


@pytest.mark.parametrize(
    ("raw", "dial_code"),
    [
        ("abc", None),
        ("+91123456789012", None),
        ("+999123456", None),
        ("+9", None),
        ("00919876543210", None),
        ("0000000000", "91"),
        ("9876543210", "91+"),
        ("+919876543210", "91"),
    ],
)
def test_invalid_numbers_are_refused(raw: str, dial_code: str | None) -> None:
    with invalid_number():
        parse_phone(raw, dial_code)
