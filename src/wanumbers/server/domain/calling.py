"""The ``calling`` section of ``POST /{PHONE_NUMBER_ID}/settings``, checked as Meta's call-settings
and SIP pages describe it.

Meta's pages (and pywa, which sends what they say) write the enums in upper case (``"ENABLED"``,
``"DEFAULT"``); Meta's OpenAPI file writes ``"enabled"``. Both are taken: enum values are matched
without regard to case. What the store keeps today is the SIP state (on/off, a server configured or
not); the other fields are checked and then dropped until the store has columns for them (issue 14).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date as calendar_date
from itertools import pairwise
from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason

STATUSES = ("ENABLED", "DISABLED")
ICON_VISIBILITY = ("DEFAULT", "DISABLE_ALL")
SRTP_PROTOCOLS = ("DTLS", "SDES")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MAX_SLOTS_PER_DAY = 2
MAX_HOLIDAYS = 20
DEFAULT_SIP_PORT = 5061
_HHMM = re.compile(r"([01][0-9]|2[0-3])[0-5][0-9]")
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])")
_COUNTRY = re.compile(r"[A-Z]{2}")
_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9-]{1,63})*")


@dataclass(frozen=True, slots=True)
class SipServer:
    hostname: str
    port: int = DEFAULT_SIP_PORT


@dataclass(frozen=True, slots=True)
class CallingChange:
    """What a valid ``calling`` section asks for; ``None`` leaves a setting as it is."""

    sip_enabled: bool | None = None
    sip_servers: tuple[SipServer, ...] | None = None
    status: str | None = None
    call_icon_visibility: str | None = None
    callback_permission_status: str | None = None


def _invalid(detail: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field="calling")


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _invalid(f"Param {name} must be an object")
    return value


def _list(value: Any, name: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _invalid(f"Param {name} must be an array")
    return value


def _required(section: Mapping[str, Any], key: str, name: str) -> Any:
    value = section.get(key)
    if value is None or value == "":
        raise _invalid(f"The parameter {name}.{key} is required")
    return value


def enum(value: Any, allowed: Sequence[str], name: str) -> str:
    """``value`` as Meta's upper-case spelling, whatever its case."""
    if isinstance(value, str) and value.strip().upper() in allowed:
        return value.strip().upper()
    raise _invalid(f"Param {name} must be one of {{{', '.join(allowed)}}}")


def _optional_enum(section: Mapping[str, Any], key: str, allowed: Sequence[str], name: str) -> str | None:
    value = section.get(key)
    return None if value is None else enum(value, allowed, f"{name}.{key}")


def _time(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        raise _invalid(f"Param {name} must be a time in 24-hour HHMM format")
    return value


def _weekly_hours(raw: Any) -> None:
    name = "calling.call_hours.weekly_operating_hours"
    slots: dict[str, list[tuple[str, str]]] = {}
    for index, item in enumerate(_list(raw, name)):
        slot = _object(item, f"{name}[{index}]")
        day = enum(_required(slot, "day_of_week", f"{name}[{index}]"), DAYS, f"{name}[{index}].day_of_week")
        opens = _time(_required(slot, "open_time", f"{name}[{index}]"), f"{name}[{index}].open_time")
        closes = _time(_required(slot, "close_time", f"{name}[{index}]"), f"{name}[{index}].close_time")
        if opens >= closes:
            raise _invalid(f"Param {name}[{index}]: open_time must be before close_time")
        slots.setdefault(day, []).append((opens, closes))
    for day, day_slots in slots.items():
        if len(day_slots) > MAX_SLOTS_PER_DAY:
            raise _invalid(f"Param {name}: at most {MAX_SLOTS_PER_DAY} entries per day ({day})")
        ordered = sorted(day_slots)
        if any(later[0] < earlier[1] for earlier, later in pairwise(ordered)):
            raise _invalid(f"Param {name}: entries of {day} overlap")


def _on_calendar(text: str) -> bool:
    """Whether a well-formed ``YYYY-MM-DD`` names a real day (not 2026-02-31)."""
    try:
        calendar_date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _holidays(raw: Any) -> None:
    name = "calling.call_hours.holiday_schedule"
    holidays = _list(raw, name)
    if len(holidays) > MAX_HOLIDAYS:
        raise _invalid(f"Param {name}: at most {MAX_HOLIDAYS} entries")
    for index, item in enumerate(holidays):
        holiday = _object(item, f"{name}[{index}]")
        date = _required(holiday, "date", f"{name}[{index}]")
        if not isinstance(date, str) or not _DATE.fullmatch(date) or not _on_calendar(date):
            raise _invalid(f"Param {name}[{index}].date must be a date in YYYY-MM-DD format")
        start = _time(_required(holiday, "start_time", f"{name}[{index}]"), f"{name}[{index}].start_time")
        end = _time(_required(holiday, "end_time", f"{name}[{index}]"), f"{name}[{index}].end_time")
        if start >= end:
            raise _invalid(f"Param {name}[{index}]: start_time must be before end_time")


def check_call_hours(raw: Any) -> None:
    hours = _object(raw, "calling.call_hours")
    status = enum(_required(hours, "status", "calling.call_hours"), STATUSES, "calling.call_hours.status")
    timezone = hours.get("timezone_id")
    if timezone is not None and (not isinstance(timezone, str) or not timezone.strip()):
        raise _invalid("Param calling.call_hours.timezone_id must be a timezone id")
    if status == "ENABLED":
        _required(hours, "timezone_id", "calling.call_hours")
        _weekly_hours(_required(hours, "weekly_operating_hours", "calling.call_hours"))
    elif hours.get("weekly_operating_hours") is not None:
        _weekly_hours(hours["weekly_operating_hours"])
    if hours.get("holiday_schedule") is not None:
        _holidays(hours["holiday_schedule"])


def _call_icons(raw: Any) -> None:
    icons = _object(raw, "calling.call_icons")
    countries = icons.get("restrict_to_user_countries")
    if countries is None:
        return
    name = "calling.call_icons.restrict_to_user_countries"
    for country in _list(countries, name):
        if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
            raise _invalid(f"Param {name} must list ISO 3166 alpha-2 country codes")


def _sip_server(raw: Any, index: int) -> SipServer:
    name = f"calling.sip.servers[{index}]"
    server = _object(raw, name)
    hostname = _required(server, "hostname", name)
    if not isinstance(hostname, str) or not _HOSTNAME.fullmatch(hostname):
        raise _invalid(f"Param {name}.hostname must be a host name")
    port = server.get("port", DEFAULT_SIP_PORT)
    if isinstance(port, str) and port.isascii() and port.isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise _invalid(f"Param {name}.port must be a port number (1-65535)")
    params = server.get("request_uri_user_params")
    if params is not None and (
        not isinstance(params, Mapping)
        or not all(isinstance(key, str) and isinstance(value, str) for key, value in params.items())
    ):
        raise _invalid(f"Param {name}.request_uri_user_params must be an object of strings")
    return SipServer(hostname, port)


def _sip(raw: Any) -> tuple[bool | None, tuple[SipServer, ...] | None]:
    if raw is None:
        return None, None
    sip = _object(raw, "calling.sip")
    status = _optional_enum(sip, "status", STATUSES, "calling.sip")
    servers = sip.get("servers")
    parsed = None
    if servers is not None:
        parsed = tuple(
            _sip_server(item, index) for index, item in enumerate(_list(servers, "calling.sip.servers"))
        )
    return (None if status is None else status == "ENABLED"), parsed


def parse_calling(raw: Any) -> CallingChange:
    """A ``calling`` section, validated whole; raises ``DomainError`` (``INVALID_PARAMETER``)."""
    calling = _object(raw, "calling")
    status = _optional_enum(calling, "status", STATUSES, "calling")
    if calling.get("call_hours") is not None:
        check_call_hours(calling["call_hours"])
    if calling.get("call_icons") is not None:
        _call_icons(calling["call_icons"])
    _optional_enum(calling, "srtp_key_exchange_protocol", SRTP_PROTOCOLS, "calling")
    if calling.get("audio") is not None:
        _object(calling["audio"], "calling.audio")
    sip_enabled, servers = _sip(calling.get("sip"))
    if status == "DISABLED":  # turning calling off turns SIP off with it
        sip_enabled = False
    return CallingChange(
        sip_enabled=sip_enabled,
        sip_servers=servers,
        status=status,
        call_icon_visibility=_optional_enum(calling, "call_icon_visibility", ICON_VISIBILITY, "calling"),
        callback_permission_status=_optional_enum(calling, "callback_permission_status", STATUSES, "calling"),
    )
