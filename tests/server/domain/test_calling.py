"""The ``calling`` settings section: every rule of Meta's call-settings and SIP pages at its boundary, with
the exact text of each refusal (all name the ``calling`` field, which the surfaces echo), and what a valid
section asks the store to change."""

from __future__ import annotations

from contextlib import AbstractContextManager
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

WEEKLY = "calling.call_hours.weekly_operating_hours"
HOLIDAYS = "calling.call_hours.holiday_schedule"
DAY_LIST = "MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY"


def refused(detail: str) -> AbstractContextManager[None]:
    return invalid(detail, "calling")


def slot(day: Any = "MONDAY", opens: Any = "0900", closes: Any = "1700") -> dict[str, Any]:
    return {"day_of_week": day, "open_time": opens, "close_time": closes}


def holiday(date: Any = "2026-12-25", start: Any = "0000", end: Any = "2359") -> dict[str, Any]:
    return {"date": date, "start_time": start, "end_time": end}


def hours(**given: Any) -> dict[str, Any]:
    """Enabled ``call_hours`` that pass, with ``given`` replacing (or, as None, removing) keys."""
    section: dict[str, Any] = {
        "status": "ENABLED",
        "timezone_id": "Asia/Kolkata",
        "weekly_operating_hours": [slot()],
    }
    section.update(given)
    return {key: value for key, value in section.items() if value is not None}


def server(**given: Any) -> dict[str, Any]:
    return {"hostname": "sip.example.com", **given}


def test_the_tables_are_metas() -> None:
    assert STATUSES == ("ENABLED", "DISABLED")
    assert ICON_VISIBILITY == ("DEFAULT", "DISABLE_ALL")
    assert SRTP_PROTOCOLS == ("DTLS", "SDES")
    assert DAYS == ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
    assert (MAX_SLOTS_PER_DAY, MAX_HOLIDAYS, DEFAULT_SIP_PORT) == (2, 20, 5061)
    assert SipServer("h") == SipServer("h", 5061)
    assert CallingChange() == CallingChange(None, None, None, None, None)


# --- enum: any case, surrounding space ignored, answered in Meta's upper case


@pytest.mark.parametrize("value", ["ENABLED", "enabled", "Enabled", " enabled", "enabled\t", "  eNaBlEd  "])
def test_enum_takes_any_case_and_answers_upper_case(value: str) -> None:
    assert enum(value, STATUSES, "x") == "ENABLED"


@pytest.mark.parametrize("value", ["", " ", "ENABLE", "ENABLED!", "on", 1, True, None, ["ENABLED"]])
def test_enum_refuses_other_values_listing_the_allowed_ones(value: Any) -> None:
    with refused("Param a.b must be one of {ENABLED, DISABLED}"):
        enum(value, STATUSES, "a.b")


def test_enum_lists_every_allowed_value_in_order() -> None:
    with refused("Param x must be one of {DTLS, SDES}"):
        enum("SRTP", SRTP_PROTOCOLS, "x")
    with refused("Param x must be one of {ONLY}"):
        enum("other", ("ONLY",), "x")


# --- parse_calling: the section as a whole


def test_an_empty_section_changes_nothing() -> None:
    assert parse_calling({}) == CallingChange()


@pytest.mark.parametrize("raw", [None, [], "calling", 1, True, [{"status": "ENABLED"}]])
def test_the_section_must_be_an_object(raw: Any) -> None:
    with refused("Param calling must be an object"):
        parse_calling(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"status": "enabled"}, CallingChange(status="ENABLED")),
        ({"status": " Disabled "}, CallingChange(status="DISABLED", sip_enabled=False)),
        ({"call_icon_visibility": "disable_all"}, CallingChange(call_icon_visibility="DISABLE_ALL")),
        ({"call_icon_visibility": "DEFAULT"}, CallingChange(call_icon_visibility="DEFAULT")),
        ({"callback_permission_status": "Enabled"}, CallingChange(callback_permission_status="ENABLED")),
        ({"callback_permission_status": "disabled"}, CallingChange(callback_permission_status="DISABLED")),
        (
            {"status": None, "call_hours": None, "call_icons": None, "audio": None, "sip": None},
            CallingChange(),
        ),
        ({"srtp_key_exchange_protocol": "sdes"}, CallingChange()),
        ({"srtp_key_exchange_protocol": "DTLS"}, CallingChange()),
        ({"audio": {}}, CallingChange()),
        ({"audio": {"anything": 1}}, CallingChange()),
        ({"call_icons": {}}, CallingChange()),
        ({"call_hours": {"status": "DISABLED"}}, CallingChange()),
    ],
)
def test_each_setting_is_read_in_upper_case(raw: dict[str, Any], expected: CallingChange) -> None:
    assert parse_calling(raw) == expected


def test_every_setting_at_once() -> None:
    raw = {
        "status": "ENABLED",
        "call_icon_visibility": "default",
        "callback_permission_status": "DISABLED",
        "srtp_key_exchange_protocol": "DTLS",
        "audio": {},
        "call_icons": {"restrict_to_user_countries": ["US"]},
        "call_hours": hours(holiday_schedule=[holiday()]),
        "sip": {"status": "ENABLED", "servers": [server(port=5060)]},
    }
    assert parse_calling(raw) == CallingChange(
        sip_enabled=True,
        sip_servers=(SipServer("sip.example.com", 5060),),
        status="ENABLED",
        call_icon_visibility="DEFAULT",
        callback_permission_status="DISABLED",
    )


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ({"status": "ON"}, "Param calling.status must be one of {ENABLED, DISABLED}"),
        ({"status": ""}, "Param calling.status must be one of {ENABLED, DISABLED}"),
        ({"status": False}, "Param calling.status must be one of {ENABLED, DISABLED}"),
        (
            {"call_icon_visibility": "HIDDEN"},
            "Param calling.call_icon_visibility must be one of {DEFAULT, DISABLE_ALL}",
        ),
        (
            {"callback_permission_status": "yes"},
            "Param calling.callback_permission_status must be one of {ENABLED, DISABLED}",
        ),
        (
            {"srtp_key_exchange_protocol": "ZRTP"},
            "Param calling.srtp_key_exchange_protocol must be one of {DTLS, SDES}",
        ),
        ({"audio": []}, "Param calling.audio must be an object"),
        ({"audio": "opus"}, "Param calling.audio must be an object"),
        ({"call_hours": []}, "Param calling.call_hours must be an object"),
        ({"call_icons": "DEFAULT"}, "Param calling.call_icons must be an object"),
        ({"sip": "ENABLED"}, "Param calling.sip must be an object"),
    ],
)
def test_a_bad_setting_is_refused_by_its_full_name(raw: dict[str, Any], detail: str) -> None:
    with refused(detail):
        parse_calling(raw)


def test_the_section_is_validated_whole_even_when_status_is_fine() -> None:
    with refused("Param calling.callback_permission_status must be one of {ENABLED, DISABLED}"):
        parse_calling(
            {"status": "ENABLED", "call_icon_visibility": "DEFAULT", "callback_permission_status": 1}
        )


# --- SIP and the calling status


@pytest.mark.parametrize(
    ("calling", "sip", "enabled"),
    [
        (None, "ENABLED", True),
        (None, "disabled", False),
        ("ENABLED", "ENABLED", True),
        ("ENABLED", "DISABLED", False),
        ("DISABLED", "ENABLED", False),  # turning calling off turns SIP off with it
        ("disabled", "DISABLED", False),
        ("ENABLED", None, None),
        ("DISABLED", None, False),
    ],
)
def test_sip_follows_its_status_and_calling_off_turns_it_off(
    calling: str | None, sip: str | None, enabled: bool | None
) -> None:
    raw: dict[str, Any] = {"sip": {} if sip is None else {"status": sip}}
    if calling is not None:
        raw["status"] = calling
    change = parse_calling(raw)
    assert change.sip_enabled is enabled
    assert change.sip_servers is None
    assert change.status == (None if calling is None else calling.upper())


def test_sip_without_status_or_servers_changes_nothing() -> None:
    assert parse_calling({"sip": {}}) == CallingChange()
    assert parse_calling({"sip": {"status": None, "servers": None}}) == CallingChange()


@pytest.mark.parametrize("status", ["ON", "", 1])
def test_a_bad_sip_status_is_refused(status: Any) -> None:
    with refused("Param calling.sip.status must be one of {ENABLED, DISABLED}"):
        parse_calling({"sip": {"status": status}})


def test_sip_servers_are_kept_in_order_with_the_default_port() -> None:
    raw = {"sip": {"servers": [server(), {"hostname": "b.example.org", "port": 5060}, {"hostname": "c"}]}}
    assert parse_calling(raw) == CallingChange(
        sip_servers=(
            SipServer("sip.example.com", 5061),
            SipServer("b.example.org", 5060),
            SipServer("c", 5061),
        )
    )


def test_an_empty_server_list_clears_the_servers() -> None:
    assert parse_calling({"sip": {"servers": []}}) == CallingChange(sip_servers=())
    assert parse_calling({"sip": {"status": "ENABLED", "servers": []}}) == CallingChange(
        sip_enabled=True, sip_servers=()
    )


@pytest.mark.parametrize("servers", [{}, "sip.example.com", server()])
def test_the_servers_must_be_an_array(servers: Any) -> None:
    with refused("Param calling.sip.servers must be an array"):
        parse_calling({"sip": {"servers": servers}})


@pytest.mark.parametrize(
    ("port", "expected"),
    [(1, 1), (65535, 65535), (5060, 5060), ("5060", 5060), ("1", 1), ("65535", 65535), ("0065535", 65535)],
)
def test_ports_from_1_to_65535_are_taken_as_numbers_or_digit_strings(port: Any, expected: int) -> None:
    change = parse_calling({"sip": {"servers": [server(port=port)]}})
    assert change.sip_servers == (SipServer("sip.example.com", expected),)


@pytest.mark.parametrize(
    "port",
    [
        0,
        -1,
        65536,
        "0",
        "65536",
        "",
        "abc",
        "50 60",
        "-5060",
        "+5060",
        "５０６０",
        "5060.0",
        5060.0,
        True,
        False,
        None,
        [5060],
    ],
)
def test_other_ports_are_refused(port: Any) -> None:
    with refused("Param calling.sip.servers[0].port must be a port number (1-65535)"):
        parse_calling({"sip": {"servers": [server(port=port)]}})


@pytest.mark.parametrize(
    "hostname",
    [
        "a",
        "sip.example.com",
        "SIP-1.Example.COM",
        "10.0.0.1",
        "a" * 63,
        "a" * 63 + "." + "b" * 63,
        ".".join(["a" * 63] * 3) + "." + "b" * 61,  # 253 characters
    ],
)
def test_host_names_pass(hostname: str) -> None:
    assert parse_calling({"sip": {"servers": [{"hostname": hostname}]}}).sip_servers == (SipServer(hostname),)


@pytest.mark.parametrize(
    "hostname",
    [
        "-sip.example.com",
        "sip-",
        "sip example.com",
        "sip.example.com:5060",
        "sip_1.example.com",
        "a" * 64,
        ".".join(["a" * 63] * 3) + "." + "b" * 62,  # 254 characters
        "sip.example.com.",
        "sïp.example.com",
        5060,
        ["sip.example.com"],
    ],
)
def test_other_host_names_are_refused(hostname: Any) -> None:
    with refused("Param calling.sip.servers[0].hostname must be a host name"):
        parse_calling({"sip": {"servers": [{"hostname": hostname}]}})


@pytest.mark.parametrize("entry", [{}, {"hostname": None}, {"hostname": ""}, {"port": 5060}])
def test_a_server_needs_a_hostname(entry: dict[str, Any]) -> None:
    with refused("The parameter calling.sip.servers[0].hostname is required"):
        parse_calling({"sip": {"servers": [entry]}})


@pytest.mark.parametrize("entry", ["sip.example.com", ["sip.example.com"], None, 1])
def test_a_server_must_be_an_object(entry: Any) -> None:
    with refused("Param calling.sip.servers[0] must be an object"):
        parse_calling({"sip": {"servers": [entry]}})


def test_a_refusal_names_the_server_by_its_index() -> None:
    with refused("Param calling.sip.servers[1].port must be a port number (1-65535)"):
        parse_calling({"sip": {"servers": [server(), server(port=0)]}})
    with refused("The parameter calling.sip.servers[2].hostname is required"):
        parse_calling({"sip": {"servers": [server(), server(), {}]}})


@pytest.mark.parametrize("params", [None, {}, {"user": "alice"}, {"a": "1", "b": ""}])
def test_request_uri_user_params_are_an_object_of_strings(params: Any) -> None:
    raw = {"sip": {"servers": [server(port="5060", request_uri_user_params=params)]}}
    assert parse_calling(raw).sip_servers == (SipServer("sip.example.com", 5060),)


@pytest.mark.parametrize(
    "params", [[], ["a"], "user=alice", 1, {"user": 1}, {"a": "b", "user": None}, {1: "a"}, {"a": {"b": "c"}}]
)
def test_other_request_uri_user_params_are_refused(params: Any) -> None:
    with refused("Param calling.sip.servers[0].request_uri_user_params must be an object of strings"):
        parse_calling({"sip": {"servers": [server(request_uri_user_params=params)]}})


# --- call icons


@pytest.mark.parametrize("countries", [None, [], ["US"], ["US", "IN", "BR"]])
def test_icons_may_be_restricted_to_alpha_2_countries(countries: Any) -> None:
    assert parse_calling({"call_icons": {"restrict_to_user_countries": countries}}) == CallingChange()


@pytest.mark.parametrize(
    "countries", [["us"], ["USA"], ["U"], ["US", "I N"], ["US", 1], [None], ["U1"], [""]]
)
def test_other_countries_are_refused(countries: list[Any]) -> None:
    with refused(
        "Param calling.call_icons.restrict_to_user_countries must list ISO 3166 alpha-2 country codes"
    ):
        parse_calling({"call_icons": {"restrict_to_user_countries": countries}})


@pytest.mark.parametrize("countries", ["US", {"US": True}, 1])
def test_the_countries_must_be_an_array(countries: Any) -> None:
    with refused("Param calling.call_icons.restrict_to_user_countries must be an array"):
        parse_calling({"call_icons": {"restrict_to_user_countries": countries}})


# --- call hours


def test_enabled_call_hours_pass_through_parse_calling() -> None:
    assert parse_calling({"call_hours": hours()}) == CallingChange()
    with refused("The parameter calling.call_hours.timezone_id is required"):
        parse_calling({"call_hours": hours(timezone_id=None)})


@pytest.mark.parametrize(
    "section",
    [
        hours(),
        hours(status="enabled"),
        hours(weekly_operating_hours=[slot(day) for day in DAYS]),
        hours(holiday_schedule=[]),
        hours(holiday_schedule=[holiday()]),
        {"status": "DISABLED"},
        {"status": "disabled", "timezone_id": "UTC"},
        {"status": "DISABLED", "weekly_operating_hours": []},
        {"status": "DISABLED", "weekly_operating_hours": [slot()], "holiday_schedule": [holiday()]},
        {"status": "DISABLED", "timezone_id": None, "weekly_operating_hours": None, "holiday_schedule": None},
        hours(weekly_operating_hours=[]),
    ],
)
def test_call_hours_that_pass(section: dict[str, Any]) -> None:
    check_call_hours(section)


@pytest.mark.parametrize(
    ("section", "detail"),
    [
        ([], "Param calling.call_hours must be an object"),
        ("ENABLED", "Param calling.call_hours must be an object"),
        ({}, "The parameter calling.call_hours.status is required"),
        ({"status": ""}, "The parameter calling.call_hours.status is required"),
        ({"status": None}, "The parameter calling.call_hours.status is required"),
        ({"status": "OPEN"}, "Param calling.call_hours.status must be one of {ENABLED, DISABLED}"),
        (hours(timezone_id=None), "The parameter calling.call_hours.timezone_id is required"),
        (hours(timezone_id=""), "Param calling.call_hours.timezone_id must be a timezone id"),
        (hours(timezone_id="  "), "Param calling.call_hours.timezone_id must be a timezone id"),
        (hours(timezone_id=330), "Param calling.call_hours.timezone_id must be a timezone id"),
        (
            {"status": "DISABLED", "timezone_id": " "},
            "Param calling.call_hours.timezone_id must be a timezone id",
        ),
        (
            {"status": "DISABLED", "timezone_id": 0},
            "Param calling.call_hours.timezone_id must be a timezone id",
        ),
        (hours(weekly_operating_hours=None), f"The parameter {WEEKLY} is required"),
        (hours(weekly_operating_hours=""), f"The parameter {WEEKLY} is required"),
        (hours(weekly_operating_hours={}), f"Param {WEEKLY} must be an array"),
        ({"status": "DISABLED", "weekly_operating_hours": {}}, f"Param {WEEKLY} must be an array"),
        ({"status": "DISABLED", "weekly_operating_hours": [1]}, f"Param {WEEKLY}[0] must be an object"),
        (hours(holiday_schedule={}), f"Param {HOLIDAYS} must be an array"),
        ({"status": "DISABLED", "holiday_schedule": "2026-12-25"}, f"Param {HOLIDAYS} must be an array"),
    ],
)
def test_call_hours_refused(section: Any, detail: str) -> None:
    with refused(detail):
        check_call_hours(section)
    with refused(detail):
        parse_calling({"call_hours": section})


@pytest.mark.parametrize(
    ("entry", "detail"),
    [
        ("MONDAY", f"Param {WEEKLY}[1] must be an object"),
        (None, f"Param {WEEKLY}[1] must be an object"),
        ({"open_time": "0900", "close_time": "1700"}, f"The parameter {WEEKLY}[1].day_of_week is required"),
        (slot(day=""), f"The parameter {WEEKLY}[1].day_of_week is required"),
        (slot(day="MON"), f"Param {WEEKLY}[1].day_of_week must be one of {{{DAY_LIST}}}"),
        (slot(day=1), f"Param {WEEKLY}[1].day_of_week must be one of {{{DAY_LIST}}}"),
        ({"day_of_week": "MONDAY", "close_time": "1700"}, f"The parameter {WEEKLY}[1].open_time is required"),
        (slot(opens=""), f"The parameter {WEEKLY}[1].open_time is required"),
        ({"day_of_week": "MONDAY", "open_time": "0900"}, f"The parameter {WEEKLY}[1].close_time is required"),
        (slot(closes=""), f"The parameter {WEEKLY}[1].close_time is required"),
        (slot(opens="9:00"), f"Param {WEEKLY}[1].open_time must be a time in 24-hour HHMM format"),
        (slot(opens=900), f"Param {WEEKLY}[1].open_time must be a time in 24-hour HHMM format"),
        (slot(closes="2400"), f"Param {WEEKLY}[1].close_time must be a time in 24-hour HHMM format"),
        (slot(closes=1700), f"Param {WEEKLY}[1].close_time must be a time in 24-hour HHMM format"),
        (slot(opens="1700", closes="1700"), f"Param {WEEKLY}[1]: open_time must be before close_time"),
        (slot(opens="1701", closes="1700"), f"Param {WEEKLY}[1]: open_time must be before close_time"),
    ],
)
def test_a_weekly_entry_refused_by_its_index(entry: Any, detail: str) -> None:
    with refused(detail):
        check_call_hours(hours(weekly_operating_hours=[slot("SUNDAY"), entry]))


@pytest.mark.parametrize(
    ("entry", "detail"),
    [
        ([], f"Param {HOLIDAYS}[1] must be an object"),
        ({"start_time": "0000", "end_time": "2359"}, f"The parameter {HOLIDAYS}[1].date is required"),
        (holiday(date=""), f"The parameter {HOLIDAYS}[1].date is required"),
        (holiday(date="2026-13-01"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-12-32"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-00-10"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-12-00"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="26-12-25"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-02-31"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-02-29"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026/12/25"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date="2026-12-25T00:00"), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        (holiday(date=20261225), f"Param {HOLIDAYS}[1].date must be a date in YYYY-MM-DD format"),
        ({"date": "2026-12-25", "end_time": "2359"}, f"The parameter {HOLIDAYS}[1].start_time is required"),
        ({"date": "2026-12-25", "start_time": "0000"}, f"The parameter {HOLIDAYS}[1].end_time is required"),
        (holiday(start="0060"), f"Param {HOLIDAYS}[1].start_time must be a time in 24-hour HHMM format"),
        (holiday(start=0), f"Param {HOLIDAYS}[1].start_time must be a time in 24-hour HHMM format"),
        (holiday(end="23:59"), f"Param {HOLIDAYS}[1].end_time must be a time in 24-hour HHMM format"),
        (holiday(end=2359), f"Param {HOLIDAYS}[1].end_time must be a time in 24-hour HHMM format"),
        (holiday(start="1200", end="1200"), f"Param {HOLIDAYS}[1]: start_time must be before end_time"),
        (holiday(start="1201", end="1200"), f"Param {HOLIDAYS}[1]: start_time must be before end_time"),
    ],
)
def test_a_holiday_refused_by_its_index(entry: Any, detail: str) -> None:
    with refused(detail):
        check_call_hours(hours(holiday_schedule=[holiday(), entry]))
    with refused(detail):  # also when call hours are off
        check_call_hours({"status": "DISABLED", "holiday_schedule": [holiday(), entry]})


@pytest.mark.parametrize(
    ("opens", "closes"),
    [("0000", "0001"), ("0959", "1000"), ("1959", "2000"), ("2358", "2359"), ("0000", "2359")],
)
def test_times_are_24_hour_hhmm(opens: str, closes: str) -> None:
    check_call_hours(hours(weekly_operating_hours=[slot(opens=opens, closes=closes)]))
    check_call_hours(hours(holiday_schedule=[holiday(start=opens, end=closes)]))


@pytest.mark.parametrize(
    "time", ["2400", "2360", "0960", "3000", "900", "09000", "09:00", " 0900", "0900 ", "٠٩٠٠", ""]
)
def test_other_times_are_refused(time: str) -> None:
    detail = f"Param {WEEKLY}[0].open_time must be a time in 24-hour HHMM format"
    if time == "":
        detail = f"The parameter {WEEKLY}[0].open_time is required"
    with refused(detail):
        check_call_hours(hours(weekly_operating_hours=[slot(opens=time, closes="2359")]))


@pytest.mark.parametrize(
    "date",
    [
        "2026-01-01",
        "2026-01-09",
        "2026-09-10",
        "2026-10-19",
        "2026-11-20",
        "2026-12-29",
        "2026-12-30",
        "2026-12-31",
    ],
)
def test_holiday_dates_are_yyyy_mm_dd(date: str) -> None:
    check_call_hours(hours(holiday_schedule=[holiday(date=date)]))


def test_two_entries_a_day_are_allowed_and_a_third_is_refused() -> None:
    two = [slot(opens="0800", closes="1200"), slot(opens="1300", closes="1700")]
    check_call_hours(hours(weekly_operating_hours=[*two, slot("TUESDAY"), slot("TUESDAY", "1800", "2000")]))
    with refused(f"Param {WEEKLY}: at most 2 entries per day (MONDAY)"):
        check_call_hours(hours(weekly_operating_hours=[*two, slot(opens="1800", closes="2000")]))
    with refused(f"Param {WEEKLY}: at most 2 entries per day (FRIDAY)"):
        check_call_hours(
            {"status": "DISABLED", "weekly_operating_hours": [slot("FRIDAY", "0100", "0200")] * 3}
        )


def test_a_day_is_named_however_it_was_spelled() -> None:
    with refused(f"Param {WEEKLY}: at most 2 entries per day (WEDNESDAY)"):
        check_call_hours(
            hours(
                weekly_operating_hours=[
                    slot("wednesday", "0100", "0200"),
                    slot(" Wednesday", "0300", "0400"),
                    slot("WEDNESDAY", "0500", "0600"),
                ]
            )
        )


@pytest.mark.parametrize(
    "entries",
    [
        [slot(opens="0900", closes="1200"), slot(opens="1200", closes="1500")],  # touching is not overlapping
        [slot(opens="1300", closes="1500"), slot(opens="0900", closes="1000")],  # any order
        [slot(opens="1200", closes="1500"), slot(opens="0900", closes="1200")],
        [slot("MONDAY", "0900", "1700"), slot("TUESDAY", "0900", "1700")],  # the same hours on two days
        [slot("MONDAY", "0900", "1700"), slot("TUESDAY", "1000", "1100"), slot("TUESDAY", "1200", "1300")],
    ],
)
def test_entries_of_a_day_that_do_not_overlap_pass(entries: list[dict[str, Any]]) -> None:
    check_call_hours(hours(weekly_operating_hours=entries))


@pytest.mark.parametrize(
    "entries",
    [
        [slot(opens="0900", closes="1200"), slot(opens="1100", closes="1500")],
        [slot(opens="1100", closes="1500"), slot(opens="0900", closes="1200")],
        [slot(opens="0900", closes="1700"), slot(opens="1000", closes="1100")],
        [slot(opens="0900", closes="1200"), slot(opens="0900", closes="1200")],
        [slot(opens="0900", closes="1200"), slot(opens="1159", closes="1300")],
    ],
)
def test_entries_of_a_day_that_overlap_are_refused(entries: list[dict[str, Any]]) -> None:
    with refused(f"Param {WEEKLY}: entries of MONDAY overlap"):
        check_call_hours(hours(weekly_operating_hours=[slot("SUNDAY"), *entries]))


def test_twenty_holidays_are_allowed_and_a_21st_is_refused() -> None:
    twenty = [holiday(f"2026-12-{day:02d}") for day in range(1, 21)]
    check_call_hours(hours(holiday_schedule=twenty))
    with refused(f"Param {HOLIDAYS}: at most 20 entries"):
        check_call_hours(hours(holiday_schedule=[*twenty, holiday("2026-12-21")]))
    with refused(f"Param {HOLIDAYS}: at most 20 entries"):  # counted before any entry is looked at
        check_call_hours(hours(holiday_schedule=[None] * 21))


def test_the_count_of_entries_comes_before_their_order() -> None:
    with refused(f"Param {WEEKLY}: at most 2 entries per day (MONDAY)"):
        check_call_hours(hours(weekly_operating_hours=[slot(opens="0900", closes="1200")] * 3))
