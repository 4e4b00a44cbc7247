from __future__ import annotations

import pytest

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.phone import TOO_SHORT, parse_phone


def test_national_number_with_dial_code_becomes_e164() -> None:
    phone = parse_phone("9876543210", "+91")
    assert (phone.e164, phone.country_code, phone.dial_code) == ("+919876543210", "IN", "91")
    assert phone.display == "+91 98765 43210"


@pytest.mark.parametrize("raw", ["+919876543210", "919876543210", " 919876543210 "])
def test_full_number_with_or_without_plus(raw: str) -> None:
    assert parse_phone(raw).e164 == "+919876543210"


def test_us_number_display_uses_libphonenumber_international_format() -> None:
    assert parse_phone("+14155552671").display == "+1 415-555-2671"


def test_too_short_uses_the_go_port_wording() -> None:
    with pytest.raises(DomainError) as raised:
        parse_phone("9", "+91")
    assert raised.value.reason is Reason.PHONE_NUMBER_TOO_SHORT
    assert raised.value.detail == TOO_SHORT == "the string supplied is too short to be a phone number"


@pytest.mark.parametrize("raw", ["abc", "+91123456789012", "+999123456"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_phone(raw)
    assert raised.value.reason is Reason.INVALID_PHONE_NUMBER
