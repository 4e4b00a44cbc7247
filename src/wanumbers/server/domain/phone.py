"""Phone numbers are parsed with libphonenumber and stored in E.164; messages mirror the Go port's
wording because Kaleyra's API echoes them verbatim (lowercase, no period)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import is_digits

TOO_SHORT = "the string supplied is too short to be a phone number"


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    e164: str
    country_code: str  # ISO alpha-2, e.g. "IN"
    dial_code: str  # e.g. "91"

    @property
    def digits(self) -> str:
        return self.e164[1:]

    @property
    def display(self) -> str:
        number = phonenumbers.parse(self.e164)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _with_dial_code(national: str, dial_code: str) -> str:
    """Leading zeros typed as a trunk prefix are dropped, unless they belong to the number (Italy's
    landlines keep their 0 after +39), which is when the number as typed is already valid."""
    prefix = f"+{dial_code.strip().lstrip('+')}"
    if is_digits(national) and not _is_valid(prefix + national):
        return prefix + national.lstrip("0")
    return prefix + national


def _is_valid(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, None))
    except NumberParseException:
        return False


def parse_phone(raw: str, dial_code: str | None = None) -> ParsedPhone:
    """Parse ``raw`` (national digits when ``dial_code`` is given, else with country code, ``+`` optional).

    Raises ``PHONE_NUMBER_TOO_SHORT`` or ``INVALID_PHONE_NUMBER``.
    """
    text = raw.strip()
    if dial_code is not None:
        text = _with_dial_code(text, dial_code)
    elif not text.startswith("+"):
        text = f"+{text}"
    try:
        number = phonenumbers.parse(text, None)
    except NumberParseException as exc:
        if exc.error_type in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            raise DomainError(Reason.PHONE_NUMBER_TOO_SHORT, TOO_SHORT) from exc
        raise DomainError(Reason.INVALID_PHONE_NUMBER, "invalid phone number") from exc
    if len(str(number.national_number)) < 4:
        raise DomainError(Reason.PHONE_NUMBER_TOO_SHORT, TOO_SHORT)
    if not phonenumbers.is_valid_number(number):
        raise DomainError(Reason.INVALID_PHONE_NUMBER, "invalid phone number")
    region = phonenumbers.region_code_for_number(number) or "ZZ"
    return ParsedPhone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        country_code=region,
        dial_code=str(number.country_code),
    )
