"""Settings kept and read back: what each section stores, what a later write keeps, the defaults,
the case each section is read in, SIP servers with their app, and storage after register."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.server.domain.calling import CallingChange, SipServer, parse_calling
from wanumbers.server.domain.number_settings import (
    CALLING_FIELDS,
    DEFAULTS,
    render,
    store_calling,
    store_section,
)
from wanumbers.server.domain.records import GraphSettings, PhoneNumber

APP = 44


def number(**graph: Any) -> PhoneNumber:
    return PhoneNumber(
        id=11,
        waba_id=22,
        e164="+919876543210",
        country_code="IN",
        dial_code="91",
        verified_name="Acme",
        graph=GraphSettings(**graph),
    )


def test_the_constants() -> None:
    assert CALLING_FIELDS == (
        "status",
        "call_icon_visibility",
        "callback_permission_status",
        "call_hours",
        "call_icons",
        "srtp_key_exchange_protocol",
        "audio",
    )
    assert DEFAULTS == {"call_icon_visibility": "DEFAULT", "callback_permission_status": "DISABLED"}


def test_a_fresh_number_reads_the_defaults() -> None:
    assert render(number(), APP) == {
        "calling": {
            "status": "DISABLED",
            "call_icon_visibility": "DEFAULT",
            "callback_permission_status": "DISABLED",
            "sip": {"status": "DISABLED", "servers": []},
        },
        "payload_encryption": {"status": "disabled"},
        "storage_configuration": {"status": "default"},
    }


@pytest.mark.parametrize(
    ("stored", "sip", "status"), [("ENABLED", False, "ENABLED"), ("DISABLED", True, "DISABLED")]
)
def test_a_stored_calling_status_wins_over_the_sip_state(stored: str, sip: bool, status: str) -> None:
    n = number(sections={"calling": {"status": stored}})
    n.sip_enabled = sip
    assert render(n, APP)["calling"]["status"] == status


def test_sip_on_reads_enabled_when_calling_status_was_never_set() -> None:
    n = number()
    n.sip_enabled = True
    calling = render(n, APP)["calling"]
    assert calling["status"] == "ENABLED" and calling["sip"]["status"] == "ENABLED"


def test_every_calling_field_is_kept_and_read_back_in_upper_case() -> None:
    sections: dict[str, Any] = {}
    change = parse_calling(
        {
            "status": "enabled",
            "call_icon_visibility": "disable_all",
            "callback_permission_status": "enabled",
            "call_hours": {
                "status": "enabled",
                "timezone_id": "Asia/Kolkata",
                "weekly_operating_hours": [
                    {"day_of_week": "monday", "open_time": "0900", "close_time": "1700"}
                ],
                "holiday_schedule": [{"date": "2026-12-25", "start_time": "0000", "end_time": "2359"}],
                "ignored": 1,
            },
            "call_icons": {"restrict_to_user_countries": ["IN"]},
            "srtp_key_exchange_protocol": "dtls",
            "audio": {"status": "ENABLED"},
            "sip": {
                "status": "enabled",
                "servers": [
                    {"hostname": "sip.example", "port": "5062", "request_uri_user_params": {"a": "b"}}
                ],
            },
        }
    )
    store_calling(sections, change)
    n = number(sections=sections)
    n.sip_enabled, n.sip_server_configured = True, True
    assert render(n, APP)["calling"] == {
        "status": "ENABLED",
        "call_icon_visibility": "DISABLE_ALL",
        "callback_permission_status": "ENABLED",
        "call_hours": {
            "status": "ENABLED",
            "timezone_id": "Asia/Kolkata",
            "weekly_operating_hours": [{"day_of_week": "MONDAY", "open_time": "0900", "close_time": "1700"}],
            "holiday_schedule": [{"date": "2026-12-25", "start_time": "0000", "end_time": "2359"}],
        },
        "call_icons": {"restrict_to_user_countries": ["IN"]},
        "srtp_key_exchange_protocol": "DTLS",
        "audio": {"status": "ENABLED"},
        "sip": {
            "status": "ENABLED",
            "servers": [
                {
                    "app_id": "44",
                    "hostname": "sip.example",
                    "port": 5062,
                    "request_uri_user_params": {"a": "b"},
                }
            ],
        },
    }


def test_a_later_write_keeps_what_it_leaves_out() -> None:
    sections: dict[str, Any] = {}
    store_calling(
        sections, CallingChange(call_icon_visibility="DISABLE_ALL", sip_servers=(SipServer("a.example"),))
    )
    store_calling(sections, CallingChange(callback_permission_status="ENABLED"))
    assert sections == {
        "calling": {"call_icon_visibility": "DISABLE_ALL", "callback_permission_status": "ENABLED"},
        "sip_servers": [{"hostname": "a.example", "port": 5061}],
    }
    store_calling(sections, CallingChange(sip_servers=()))
    assert sections["sip_servers"] == []


def test_an_empty_change_stores_no_calling_section() -> None:
    sections: dict[str, Any] = {}
    store_calling(sections, CallingChange(sip_enabled=True))
    assert sections == {}


@pytest.mark.parametrize(
    ("configured", "stored", "servers"),
    [
        (False, [{"hostname": "a.example", "port": 5061}], []),
        (True, [], [{"app_id": "44", "hostname": "", "port": 5061}]),
        (True, None, [{"app_id": "44", "hostname": "", "port": 5061}]),
        (
            True,
            [{"hostname": "a.example", "port": 1}],
            [{"app_id": "44", "hostname": "a.example", "port": 1}],
        ),
    ],
)
def test_sip_servers_are_listed_only_while_one_is_configured(
    configured: bool, stored: list[dict[str, Any]] | None, servers: list[dict[str, Any]]
) -> None:
    n = number(sections={} if stored is None else {"sip_servers": stored})
    n.sip_server_configured = configured
    assert render(n, APP)["calling"]["sip"]["servers"] == servers


@pytest.mark.parametrize(
    ("graph", "storage"),
    [
        ({}, {"status": "default"}),
        (
            {"data_localization_region": "IN"},
            {"status": "in_country_storage_enabled", "data_localization_region": "IN"},
        ),
        (
            {
                "data_localization_region": "IN",
                "sections": {
                    "storage_configuration": {"status": "NO_STORAGE_ENABLED", "retention_minutes": 5}
                },
            },
            {"status": "no_storage_enabled", "retention_minutes": 5},
        ),
        (
            {"sections": {"storage_configuration": {"status": "DEFAULT", "data_localization_region": None}}},
            {"status": "default"},
        ),
    ],
)
def test_storage_configuration(graph: dict[str, Any], storage: dict[str, Any]) -> None:
    assert render(number(**graph), APP)["storage_configuration"] == storage


def test_sections_are_kept_whole_and_read_back() -> None:
    sections: dict[str, Any] = {}
    source = {"enable_identity_key_check": True}
    store_section(sections, "user_identity_change", source)
    source["enable_identity_key_check"] = False  # a copy was kept
    store_section(sections, "payload_encryption", {"status": "ENABLED", "client_encryption_key": "k"})
    body = render(number(sections=sections), APP)
    assert body["user_identity_change"] == {"enable_identity_key_check": True}
    assert body["payload_encryption"] == {"status": "enabled"}
    store_section(sections, "payload_encryption", {"status": "DISABLED"})
    assert render(number(sections=sections), APP)["payload_encryption"] == {"status": "disabled"}


def test_user_identity_change_is_read_only_once_set() -> None:
    assert "user_identity_change" not in render(number(), APP)
