"""The ``calling`` settings section: every field as it is kept (enums upper-cased, unknown keys
dropped), the boundaries of call hours, holidays, ports and host names, and every refusal with its
exact message (all name ``calling``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.calling import (
    DAYS,
    DEFAULT_SIP_PORT,
    ICON_VISIBILITY,
    MAX_HOLIDAYS,
    MAX_SLOTS_PER_DAY,
    SRTP_PROTOCOLS,
    STATUSES,
    CallingChange,
    SipServer,
    check_call_hours,
    enum,
    parse_calling,
)

HOURS = "calling.call_hours"
WEEKLY = f"{HOURS}.weekly_operating_hours"
HOLIDAYS = f"{HOURS}.holiday_schedule"


def slot(day: str = "MONDAY", opens: str = "0900", closes: str = "1700") -> dict[str, str]:
    return {"day_of_week": day, "open_time": opens, "close_time": closes}


def holiday(date: str = "2026-12-25", start: str = "0000", end: str = "2359") -> dict[str, str]:
    return {"date": date, "start_time": start, "end_time": end}


def test_the_constants() -> None:
    assert STATUSES == ("ENABLED", "DISABLED")
    assert ICON_VISIBILITY == ("DEFAULT", "DISABLE_ALL")
    assert SRTP_PROTOCOLS == ("DTLS", "SDES")
    assert DAYS == ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
    assert (MAX_SLOTS_PER_DAY, MAX_HOLIDAYS, DEFAULT_SIP_PORT) == (2, 20, 5061)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ENABLED", "ENABLED"), ("enabled", "ENABLED"), (" Disabled ", "DISABLED")],
)
def test_enums_in_any_case(value: str, expected: str) -> None:
    assert enum(value, STATUSES, "x") == expected


@pytest.mark.parametrize("value", ["ENABLE", "", None, 1, True])
def test_an_enum_outside_the_list(value: Any) -> None:
    with invalid("Param x.status must be one of {ENABLED, DISABLED}", "calling"):
        enum(value, STATUSES, "x.status")


@pytest.mark.parametrize(
    ("raw", "change"),
    [
        ({}, CallingChange()),
        ({"status": "enabled"}, CallingChange(status="ENABLED")),
        ({"status": "DISABLED"}, CallingChange(status="DISABLED", sip_enabled=False)),
        (
            {"status": "DISABLED", "sip": {"status": "ENABLED"}},
            CallingChange(status="DISABLED", sip_enabled=False),
        ),
        ({"sip": {"status": "enabled"}}, CallingChange(sip_enabled=True)),
        ({"sip": {"status": "disabled"}}, CallingChange(sip_enabled=False)),
        ({"sip": {}}, CallingChange()),
        ({"sip": None}, CallingChange()),
        ({"sip": {"servers": []}}, CallingChange(sip_servers=())),
        (
            {"sip": {"servers": [{"hostname": "sip.example"}]}},
            CallingChange(sip_servers=(SipServer("sip.example", 5061),)),
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": "1"}, {"hostname": "b.c", "port": 65535}]}},
            CallingChange(sip_servers=(SipServer("a", 1), SipServer("b.c", 65535))),
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "request_uri_user_params": {"k": "v"}}]}},
            CallingChange(sip_servers=(SipServer("a", 5061, {"k": "v"}),)),
        ),
        ({"call_icon_visibility": "disable_all"}, CallingChange(call_icon_visibility="DISABLE_ALL")),
        ({"callback_permission_status": "Enabled"}, CallingChange(callback_permission_status="ENABLED")),
        ({"srtp_key_exchange_protocol": "sdes"}, CallingChange(srtp_key_exchange_protocol="SDES")),
        ({"audio": {"status": "ENABLED"}}, CallingChange(audio={"status": "ENABLED"})),
        ({"call_icons": {}}, CallingChange(call_icons={})),
        (
            {"call_icons": {"restrict_to_user_countries": ["IN", "US"]}},
            CallingChange(call_icons={"restrict_to_user_countries": ["IN", "US"]}),
        ),
        ({"call_hours": {"status": "disabled"}}, CallingChange(call_hours={"status": "DISABLED"})),
    ],
)
def test_what_a_valid_section_asks_for(raw: dict[str, Any], change: CallingChange) -> None:
    assert parse_calling(raw) == change


def test_call_hours_are_kept_normalised() -> None:
    raw = {
        "status": "enabled",
        "timezone_id": "Asia/Kolkata",
        "weekly_operating_hours": [
            {**slot("monday", "0000", "1200"), "extra": 1},
            slot("MONDAY", "1200", "2359"),
            slot("sunday", "0800", "0801"),
        ],
        "holiday_schedule": [holiday(), {**holiday("2026-01-01", "0000", "0001"), "extra": 1}],
        "unknown": True,
    }
    assert check_call_hours(raw) == {
        "status": "ENABLED",
        "timezone_id": "Asia/Kolkata",
        "weekly_operating_hours": [
            slot("MONDAY", "0000", "1200"),
            slot("MONDAY", "1200", "2359"),
            slot("SUNDAY", "0800", "0801"),
        ],
        "holiday_schedule": [holiday(), holiday("2026-01-01", "0000", "0001")],
    }


def test_disabled_call_hours_keep_what_was_sent() -> None:
    raw = {"status": "DISABLED", "timezone_id": "UTC", "weekly_operating_hours": [slot()]}
    assert check_call_hours(raw) == {
        "status": "DISABLED",
        "timezone_id": "UTC",
        "weekly_operating_hours": [slot()],
    }


def test_the_holiday_limit_is_inclusive() -> None:
    raw = {"status": "DISABLED", "holiday_schedule": [holiday()] * MAX_HOLIDAYS}
    assert len(check_call_hours(raw)["holiday_schedule"]) == MAX_HOLIDAYS


def _hours(**changes: Any) -> dict[str, Any]:
    return {
        "call_hours": {
            "status": "ENABLED",
            "timezone_id": "UTC",
            "weekly_operating_hours": [slot()],
            **changes,
        }
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("x", "Param calling must be an object"),
        ({"status": "ON"}, "Param calling.status must be one of {ENABLED, DISABLED}"),
        (
            {"call_icon_visibility": "HIDDEN"},
            "Param calling.call_icon_visibility must be one of {DEFAULT, DISABLE_ALL}",
        ),
        (
            {"callback_permission_status": "x"},
            "Param calling.callback_permission_status must be one of {ENABLED, DISABLED}",
        ),
        (
            {"srtp_key_exchange_protocol": "DTLS-SRTP"},
            "Param calling.srtp_key_exchange_protocol must be one of {DTLS, SDES}",
        ),
        ({"audio": "on"}, "Param calling.audio must be an object"),
        ({"call_icons": []}, "Param calling.call_icons must be an object"),
        (
            {"call_icons": {"restrict_to_user_countries": "IN"}},
            "Param calling.call_icons.restrict_to_user_countries must be an array",
        ),
        (
            {"call_icons": {"restrict_to_user_countries": ["in"]}},
            "Param calling.call_icons.restrict_to_user_countries must list ISO 3166 alpha-2 country codes",
        ),
        (
            {"call_icons": {"restrict_to_user_countries": ["IND"]}},
            "Param calling.call_icons.restrict_to_user_countries must list ISO 3166 alpha-2 country codes",
        ),
        (
            {"call_icons": {"restrict_to_user_countries": [1]}},
            "Param calling.call_icons.restrict_to_user_countries must list ISO 3166 alpha-2 country codes",
        ),
        ({"call_hours": []}, "Param calling.call_hours must be an object"),
        ({"call_hours": {}}, "The parameter calling.call_hours.status is required"),
        ({"call_hours": {"status": ""}}, "The parameter calling.call_hours.status is required"),
        (
            {"call_hours": {"status": "ON"}},
            "Param calling.call_hours.status must be one of {ENABLED, DISABLED}",
        ),
        ({"call_hours": {"status": "ENABLED"}}, "The parameter calling.call_hours.timezone_id is required"),
        (
            {"call_hours": {"status": "DISABLED", "timezone_id": " "}},
            "Param calling.call_hours.timezone_id must be a timezone id",
        ),
        (
            {"call_hours": {"status": "DISABLED", "timezone_id": 5}},
            "Param calling.call_hours.timezone_id must be a timezone id",
        ),
        (
            {"call_hours": {"status": "ENABLED", "timezone_id": "UTC"}},
            "The parameter calling.call_hours.weekly_operating_hours is required",
        ),
        (_hours(weekly_operating_hours={}), f"Param {WEEKLY} must be an array"),
        (_hours(weekly_operating_hours=["x"]), f"Param {WEEKLY}[0] must be an object"),
        (_hours(weekly_operating_hours=[{}]), f"The parameter {WEEKLY}[0].day_of_week is required"),
        (
            _hours(weekly_operating_hours=[slot("FUNDAY")]),
            f"Param {WEEKLY}[0].day_of_week must be one of {{{', '.join(DAYS)}}}",
        ),
        (
            _hours(weekly_operating_hours=[{"day_of_week": "MONDAY"}]),
            f"The parameter {WEEKLY}[0].open_time is required",
        ),
        (
            _hours(weekly_operating_hours=[{"day_of_week": "MONDAY", "open_time": "0900"}]),
            f"The parameter {WEEKLY}[0].close_time is required",
        ),
        (
            _hours(weekly_operating_hours=[slot(opens="2400")]),
            f"Param {WEEKLY}[0].open_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(weekly_operating_hours=[slot(opens="0960")]),
            f"Param {WEEKLY}[0].open_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(weekly_operating_hours=[slot(opens=900)]),
            f"Param {WEEKLY}[0].open_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(weekly_operating_hours=[slot(closes="9:00")]),
            f"Param {WEEKLY}[0].close_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(weekly_operating_hours=[slot(opens="1700", closes="1700")]),
            f"Param {WEEKLY}[0]: open_time must be before close_time",
        ),
        (
            _hours(weekly_operating_hours=[slot(opens="1800", closes="1700")]),
            f"Param {WEEKLY}[0]: open_time must be before close_time",
        ),
        (
            _hours(weekly_operating_hours=[slot(), slot("monday", "1600", "1800")]),
            f"Param {WEEKLY}: entries of MONDAY overlap",
        ),
        (
            _hours(
                weekly_operating_hours=[slot(opens="0900", closes="1000"), slot(opens="0000", closes="0901")]
            ),
            f"Param {WEEKLY}: entries of MONDAY overlap",
        ),
        (
            _hours(
                weekly_operating_hours=[
                    slot(opens="0000", closes="0100"),
                    slot(opens="0100", closes="0200"),
                    slot(opens="0200", closes="0300"),
                ]
            ),
            f"Param {WEEKLY}: at most 2 entries per day (MONDAY)",
        ),
        (_hours(holiday_schedule="x"), f"Param {HOLIDAYS} must be an array"),
        (_hours(holiday_schedule=[holiday()] * (MAX_HOLIDAYS + 1)), f"Param {HOLIDAYS}: at most 20 entries"),
        (_hours(holiday_schedule=[1]), f"Param {HOLIDAYS}[0] must be an object"),
        (_hours(holiday_schedule=[{}]), f"The parameter {HOLIDAYS}[0].date is required"),
        (
            _hours(holiday_schedule=[holiday("2026-13-01")]),
            f"Param {HOLIDAYS}[0].date must be a date in YYYY-MM-DD format",
        ),
        (
            _hours(holiday_schedule=[holiday("2026-12-32")]),
            f"Param {HOLIDAYS}[0].date must be a date in YYYY-MM-DD format",
        ),
        (
            _hours(holiday_schedule=[holiday("2026-02-31")]),  # well formed, no such day
            f"Param {HOLIDAYS}[0].date must be a date in YYYY-MM-DD format",
        ),
        (
            _hours(holiday_schedule=[holiday(20261225)]),
            f"Param {HOLIDAYS}[0].date must be a date in YYYY-MM-DD format",
        ),
        (
            _hours(holiday_schedule=[{"date": "2026-12-25"}]),
            f"The parameter {HOLIDAYS}[0].start_time is required",
        ),
        (
            _hours(holiday_schedule=[{"date": "2026-12-25", "start_time": "0000"}]),
            f"The parameter {HOLIDAYS}[0].end_time is required",
        ),
        (
            _hours(holiday_schedule=[holiday(start="2400")]),
            f"Param {HOLIDAYS}[0].start_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(holiday_schedule=[holiday(end="10:00")]),
            f"Param {HOLIDAYS}[0].end_time must be a time in 24-hour HHMM format",
        ),
        (
            _hours(holiday_schedule=[holiday(start="1000", end="1000")]),
            f"Param {HOLIDAYS}[0]: start_time must be before end_time",
        ),
        ({"sip": "on"}, "Param calling.sip must be an object"),
        ({"sip": {"status": "ON"}}, "Param calling.sip.status must be one of {ENABLED, DISABLED}"),
        ({"sip": {"servers": {}}}, "Param calling.sip.servers must be an array"),
        ({"sip": {"servers": ["x"]}}, "Param calling.sip.servers[0] must be an object"),
        ({"sip": {"servers": [{}]}}, "The parameter calling.sip.servers[0].hostname is required"),
        (
            {"sip": {"servers": [{"hostname": ""}]}},
            "The parameter calling.sip.servers[0].hostname is required",
        ),
        (
            {"sip": {"servers": [{"hostname": "-bad"}]}},
            "Param calling.sip.servers[0].hostname must be a host name",
        ),
        (
            {"sip": {"servers": [{"hostname": 5}]}},
            "Param calling.sip.servers[0].hostname must be a host name",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": 0}]}},
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": 65536}]}},
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": True}]}},
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": "５０６１"}]}},
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "port": "x"}]}},
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        (
            {"sip": {"servers": [{"hostname": "a"}, {"hostname": "b", "request_uri_user_params": {"k": 1}}]}},
            "Param calling.sip.servers[1].request_uri_user_params must be an object of strings",
        ),
        (
            {"sip": {"servers": [{"hostname": "a", "request_uri_user_params": ["k"]}]}},
            "Param calling.sip.servers[0].request_uri_user_params must be an object of strings",
        ),
    ],
)
def test_refusals(raw: Any, message: str) -> None:
    with invalid(message, "calling"):
        parse_calling(raw)
