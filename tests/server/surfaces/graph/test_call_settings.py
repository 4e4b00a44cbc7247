"""POST /{id}/settings as Meta's call-settings and SIP pages write it (upper-case enums, call hours,
SIP servers by hostname), and the other sections: user identity change, storage, encryption."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error

SERVER = {"hostname": "sip.acme.example", "port": 5061, "request_uri_user_params": {"tgrp": "wa"}}
# The request body of Meta's call-settings page, with a real host for its placeholders.
META_EXAMPLE = {
    "calling": {
        "status": "ENABLED",
        "call_icon_visibility": "DEFAULT",
        "call_icons": {"restrict_to_user_countries": ["US", "BR"]},
        "call_hours": {
            "status": "ENABLED",
            "timezone_id": "America/Manaus",
            "weekly_operating_hours": [
                {"day_of_week": "MONDAY", "open_time": "0400", "close_time": "1020"},
                {"day_of_week": "TUESDAY", "open_time": "0108", "close_time": "1020"},
            ],
            "holiday_schedule": [{"date": "2026-01-01", "start_time": "0000", "end_time": "2359"}],
        },
        "callback_permission_status": "ENABLED",
        "sip": {"status": "ENABLED", "servers": [SERVER]},
        "audio": {"additional_codecs": ["PCMA", "PCMU"]},
    }
}


def _settings(graph: Graph, number_id: str) -> Any:
    response = graph.get(f"/{number_id}/settings")
    assert response.status_code == 200, response.text
    return response.json()


def test_meta_example_with_upper_case_statuses_is_accepted(graph: Graph) -> None:
    number_id = graph.onboard()
    assert graph.post(f"/{number_id}/settings", META_EXAMPLE).json() == {"success": True}
    calling = _settings(graph, number_id)["calling"]
    assert calling["status"] == "ENABLED" and calling["sip"]["status"] == "ENABLED"
    assert len(calling["sip"]["servers"]) == 1


def test_lower_case_statuses_of_the_openapi_file_still_work(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {"calling": {"status": "enabled", "sip": {"status": "enabled", "servers": [SERVER]}}}
    assert graph.post(f"/{number_id}/settings", body).json() == {"success": True}
    assert _settings(graph, number_id)["calling"]["sip"]["status"] == "ENABLED"


def test_a_sip_server_without_hostname_is_refused_and_changes_nothing(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {"calling": {"status": "ENABLED", "sip": {"status": "ENABLED", "servers": [{"port": 5061}]}}}
    error = assert_graph_error(graph.post(f"/{number_id}/settings", body), 400, 100)
    assert error["message"] == "(#100) The parameter calling.sip.servers[0].hostname is required"
    assert _settings(graph, number_id)["calling"]["sip"] == {"status": "DISABLED", "servers": []}


def _calling(**fields: Any) -> dict[str, Any]:
    return {"calling": fields}


def _hours(*slots: tuple[str, str, str], **extra: Any) -> dict[str, Any]:
    weekly = [{"day_of_week": day, "open_time": o, "close_time": c} for day, o, c in slots]
    return {"status": "ENABLED", "timezone_id": "Asia/Kolkata", "weekly_operating_hours": weekly, **extra}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_calling(status="ON"), "Param calling.status must be one of {ENABLED, DISABLED}"),
        (
            _calling(call_icon_visibility="visible"),
            "Param calling.call_icon_visibility must be one of {DEFAULT, DISABLE_ALL}",
        ),
        (
            _calling(callback_permission_status="yes"),
            "Param calling.callback_permission_status must be one of {ENABLED, DISABLED}",
        ),
        (
            _calling(call_hours={"status": "ENABLED", "weekly_operating_hours": []}),
            "The parameter calling.call_hours.timezone_id is required",
        ),
        (
            _calling(call_hours=_hours(("MONDAY", "1000", "0900"))),
            "Param calling.call_hours.weekly_operating_hours[0]: open_time must be before close_time",
        ),
        (
            _calling(call_hours=_hours(("MONDAY", "0900", "1200"), ("MONDAY", "1100", "1300"))),
            "Param calling.call_hours.weekly_operating_hours: entries of MONDAY overlap",
        ),
        (
            _calling(
                call_hours=_hours(
                    ("FRIDAY", "0100", "0200"), ("FRIDAY", "0300", "0400"), ("FRIDAY", "0500", "0600")
                )
            ),
            "Param calling.call_hours.weekly_operating_hours: at most 2 entries per day (FRIDAY)",
        ),
        (
            _calling(call_hours=_hours(("FUNDAY", "0900", "1000"))),
            "Param calling.call_hours.weekly_operating_hours[0].day_of_week must be one of "
            "{MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY}",
        ),
        (
            _calling(call_hours=_hours(("MONDAY", "9:00", "1000"))),
            "Param calling.call_hours.weekly_operating_hours[0].open_time must be a time in 24-hour "
            "HHMM format",
        ),
        (
            _calling(
                call_hours=_hours(
                    ("MONDAY", "0900", "1000"),
                    holiday_schedule=[{"date": "2026-01-01", "start_time": "0000", "end_time": "2359"}] * 21,
                )
            ),
            "Param calling.call_hours.holiday_schedule: at most 20 entries",
        ),
        (
            _calling(call_icons={"restrict_to_user_countries": ["usa"]}),
            "Param calling.call_icons.restrict_to_user_countries must list ISO 3166 alpha-2 country codes",
        ),
        (
            _calling(sip={"status": "ENABLED", "servers": [{"hostname": "sip.acme.example", "port": 70000}]}),
            "Param calling.sip.servers[0].port must be a port number (1-65535)",
        ),
        ({"user_identity_change": {"enable_identity_key_check": "yes"}}, None),
        ({"storage_configuration": {"status": "IN_COUNTRY_STORAGE_ENABLED"}}, None),
        ({}, "One feature setting must be specified"),
    ],
)
def test_invalid_settings_are_refused_with_what_is_wrong(
    graph: Graph, body: dict[str, Any], message: str | None
) -> None:
    number_id = graph.onboard()
    before = _settings(graph, number_id)
    error = assert_graph_error(graph.post(f"/{number_id}/settings", body), 400, 100)
    if message is not None:
        assert error["message"] == f"(#100) {message}"
    assert _settings(graph, number_id) == before


@pytest.mark.parametrize(
    "body",
    [
        {"user_identity_change": {"enable_identity_key_check": True}},
        {"storage_configuration": {"status": "IN_COUNTRY_STORAGE_ENABLED", "data_localization_region": "IN"}},
        {"calling": {"call_icon_visibility": "DISABLE_ALL", "callback_permission_status": "ENABLED"}},
    ],
)
def test_sections_meta_documents_answer_success(graph: Graph, body: dict[str, Any]) -> None:
    number_id = graph.create()
    assert graph.post(f"/{number_id}/settings", body).json() == {"success": True}


def test_an_unknown_section_is_refused_without_naming_our_product(graph: Graph) -> None:
    number_id = graph.onboard()
    error = assert_graph_error(graph.post(f"/{number_id}/settings", {"fallback_language": "en_US"}), 400, 100)
    assert "wanumbers" not in error["message"].lower()
    assert "fallback_language" in error["message"]


def test_call_settings_round_trip(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", META_EXAMPLE)
    calling = _settings(graph, number_id)["calling"]
    assert calling["call_hours"]["timezone_id"] == "America/Manaus"
    assert calling["callback_permission_status"] == "ENABLED"


def test_sip_servers_are_listed_with_hostname_and_port(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", META_EXAMPLE)
    server = _settings(graph, number_id)["calling"]["sip"]["servers"][0]
    assert server["hostname"] == "sip.acme.example" and server["port"] == 5061
    assert server["app_id"].isdigit()


def test_user_identity_change_round_trips(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", {"user_identity_change": {"enable_identity_key_check": True}})
    assert _settings(graph, number_id)["user_identity_change"] == {"enable_identity_key_check": True}


def test_storage_configuration_follows_register_with_a_region(graph: Graph) -> None:
    number_id = graph.create()
    graph.verify(number_id, "+919876543210")
    body = {"messaging_product": "whatsapp", "pin": "123456", "data_localization_region": "IN"}
    assert graph.post(f"/{number_id}/register", body).json() == {"success": True}
    assert _settings(graph, number_id)["storage_configuration"] == {
        "status": "in_country_storage_enabled",
        "data_localization_region": "IN",
    }


def test_the_meta_example_reads_back_whole(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", META_EXAMPLE)
    calling = _settings(graph, number_id)["calling"]
    sent = META_EXAMPLE["calling"]
    for name in ("call_icon_visibility", "call_icons", "call_hours", "callback_permission_status", "audio"):
        assert calling[name] == sent[name], name
    assert calling["sip"]["servers"][0] == {**SERVER, "app_id": calling["sip"]["servers"][0]["app_id"]}


def test_a_later_write_keeps_the_settings_it_leaves_out(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", META_EXAMPLE)
    body = {"calling": {"call_icon_visibility": "disable_all"}, "user_identity_change": {"enabled": False}}
    assert graph.post(f"/{number_id}/settings", body).json() == {"success": True}
    settings = _settings(graph, number_id)
    assert settings["calling"]["call_icon_visibility"] == "DISABLE_ALL"
    assert settings["calling"]["call_hours"]["timezone_id"] == "America/Manaus"
    assert settings["calling"]["sip"]["servers"][0]["hostname"] == "sip.acme.example"
    assert settings["user_identity_change"] == {"enable_identity_key_check": False}


def test_an_empty_server_list_clears_the_servers(graph: Graph) -> None:
    number_id = graph.onboard()
    graph.post(f"/{number_id}/settings", META_EXAMPLE)
    graph.post(f"/{number_id}/settings", {"calling": {"sip": {"servers": []}}})
    assert _settings(graph, number_id)["calling"]["sip"]["servers"] == []


def test_a_refused_section_stores_none_of_the_request(graph: Graph) -> None:
    number_id = graph.onboard()
    before = _settings(graph, number_id)
    body = {"calling": {"call_icon_visibility": "DISABLE_ALL"}, "storage_configuration": {"status": "NOPE"}}
    assert_graph_error(graph.post(f"/{number_id}/settings", body), 400, 100)
    assert _settings(graph, number_id) == before


@pytest.mark.parametrize(
    ("section", "read"),
    [
        (
            {"status": "IN_COUNTRY_STORAGE_ENABLED", "data_localization_region": "DE"},
            {"status": "in_country_storage_enabled", "data_localization_region": "DE"},
        ),
        (
            {"status": "no_storage_enabled", "retention_minutes": 60},
            {"status": "no_storage_enabled", "retention_minutes": 60},
        ),
        ({"status": "DEFAULT"}, {"status": "default"}),
    ],
)
def test_storage_configuration_is_kept(graph: Graph, section: dict[str, Any], read: dict[str, Any]) -> None:
    number_id = graph.onboard()
    assert graph.post(f"/{number_id}/settings", {"storage_configuration": section}).json() == {
        "success": True
    }
    assert _settings(graph, number_id)["storage_configuration"] == read


def test_payload_encryption_is_kept(graph: Graph) -> None:
    number_id = graph.onboard()
    body = {"payload_encryption": {"status": "ENABLED", "client_encryption_key": "bWVzc2FnZQ=="}}
    assert graph.post(f"/{number_id}/settings", body).json() == {"success": True}
    assert _settings(graph, number_id)["payload_encryption"] == {"status": "enabled"}
