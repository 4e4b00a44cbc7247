"""``POST /{phone-number-id}`` rules: each parameter's accepted values and boundaries, every refusal
with its exact message and field, and the display-name review."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.lifecycle import NameStatus
from wanumbers.server.domain.number_update import (
    MAX_NAME,
    MAX_VERIFY_TOKEN,
    MIN_NAME,
    PARAMETERS,
    VISIBILITY,
    NodeUpdate,
    WebhookOverride,
    apply,
    check_pin,
    decide_rename,
    parse_update,
    pending_rename,
    request_rename,
)
from wanumbers.server.domain.records import GraphSettings

HOOK = "https://hooks.example/wa"


def test_the_constants() -> None:
    assert (MIN_NAME, MAX_NAME, MAX_VERIFY_TOKEN) == (2, 75, 255)
    assert VISIBILITY == ("VISIBLE", "HIDDEN")
    assert PARAMETERS == (
        "pin",
        "new_display_name",
        "search_visibility",
        "webhook_configuration",
        "whatsapp_business_api_data",
        "username",
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"pin": "000000"}, NodeUpdate(pin="000000")),
        ({"pin": "987654"}, NodeUpdate(pin="987654")),
        ({"new_display_name": "Ab"}, NodeUpdate(new_display_name="Ab")),
        ({"new_display_name": "  Acme Fresh  "}, NodeUpdate(new_display_name="Acme Fresh")),
        ({"new_display_name": " " * 73 + "Ab"}, NodeUpdate(new_display_name="Ab")),
        ({"new_display_name": "x" * MAX_NAME}, NodeUpdate(new_display_name="x" * MAX_NAME)),
        ({"search_visibility": "VISIBLE"}, NodeUpdate(search_visibility="VISIBLE")),
        ({"search_visibility": " hidden "}, NodeUpdate(search_visibility="HIDDEN")),
        (
            {"webhook_configuration": {"override_callback_uri": HOOK, "verify_token": "t"}},
            NodeUpdate(webhook=WebhookOverride(HOOK, "t")),
        ),
        (
            {"webhook_configuration": {"override_callback_uri": f" {HOOK} ", "verify_token": "t" * 255}},
            NodeUpdate(webhook=WebhookOverride(HOOK, "t" * 255)),
        ),
        (
            {"webhook_configuration": {"override_callback_uri": "", "verify_token": "ignored"}},
            NodeUpdate(webhook=WebhookOverride("")),
        ),
        ({"webhook_configuration": {"override_callback_uri": "  "}}, NodeUpdate(webhook=WebhookOverride(""))),
        ({"username": "abc"}, NodeUpdate(username="abc")),
        ({"username": "acme.foods_1"}, NodeUpdate(username="acme.foods_1")),
        ({"username": "a" * 35}, NodeUpdate(username="a" * 35)),
        ({"whatsapp_business_api_data": {"pin": "111111"}}, NodeUpdate(pin="111111")),
        (
            {
                "whatsapp_business_api_data": {
                    "show_security_notifications": True,
                    "notify_user_change_number": False,
                }
            },
            NodeUpdate(),
        ),
        ({"pin": "111111", "whatsapp_business_api_data": {"pin": "111111"}}, NodeUpdate(pin="111111")),
        (
            {"pin": "123456", "search_visibility": "HIDDEN", "messaging_product": "whatsapp", "other": 1},
            NodeUpdate(pin="123456", search_visibility="HIDDEN"),
        ),
    ],
)
def test_what_a_valid_request_asks_for(given: dict[str, Any], expected: NodeUpdate) -> None:
    assert parse_update(given) == expected


ALL = "pin, new_display_name, search_visibility, webhook_configuration, whatsapp_business_api_data, username"


@pytest.mark.parametrize(
    ("given", "message", "field"),
    [
        ({}, f"One of the parameters {ALL} must be specified", "pin"),
        ({"pin": None, "other": "x"}, f"One of the parameters {ALL} must be specified", "pin"),
        ({"pin": "12345"}, "Param pin must be a 6-digit number", "pin"),
        ({"pin": "1234567"}, "Param pin must be a 6-digit number", "pin"),
        ({"pin": "12345a"}, "Param pin must be a 6-digit number", "pin"),
        ({"pin": "١٢٣٤٥٦"}, "Param pin must be a 6-digit number", "pin"),
        ({"pin": 123456}, "Param pin must be a 6-digit number", "pin"),
        ({"pin": "123456\n"}, "Param pin must be a 6-digit number", "pin"),
        ({"new_display_name": "A"}, "Param new_display_name must be 2 to 75 characters", "new_display_name"),
        (
            {"new_display_name": " A "},
            "Param new_display_name must be 2 to 75 characters",
            "new_display_name",
        ),
        (
            {"new_display_name": "x" * (MAX_NAME + 1)},
            "Param new_display_name must be 2 to 75 characters",
            "new_display_name",
        ),
        ({"new_display_name": 12}, "Param new_display_name must be a string", "new_display_name"),
        (
            {"new_display_name": "x" * MAX_NAME + " "},
            "Param new_display_name must be 2 to 75 characters",
            "new_display_name",
        ),
        (
            {"search_visibility": "SHOWN"},
            "Param search_visibility must be one of {VISIBLE, HIDDEN}",
            "search_visibility",
        ),
        ({"search_visibility": True}, "Param search_visibility must be a string", "search_visibility"),
        ({"username": 5}, "Param username must be a string", "username"),
        (
            {"webhook_configuration": HOOK},
            "Param webhook_configuration must be an object",
            "webhook_configuration",
        ),
        (
            {"webhook_configuration": {"verify_token": "t"}},
            "The parameter webhook_configuration.override_callback_uri is required",
            "webhook_configuration",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": 5}},
            "Param webhook_configuration.override_callback_uri must be a string",
            "webhook_configuration.override_callback_uri",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": HOOK}},
            "The parameter webhook_configuration.verify_token is required",
            "webhook_configuration",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": HOOK, "verify_token": ""}},
            "The parameter webhook_configuration.verify_token is required",
            "webhook_configuration",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": HOOK, "verify_token": 7}},
            "Param webhook_configuration.verify_token must be a string",
            "webhook_configuration.verify_token",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": "", "verify_token": 7}},
            "Param webhook_configuration.verify_token must be a string",
            "webhook_configuration.verify_token",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": "", "verify_token": "t" * 256}},
            "Param webhook_configuration.verify_token must be at most 255 characters",
            "webhook_configuration",
        ),
        (
            {"webhook_configuration": {"override_callback_uri": HOOK, "verify_token": "t" * 256}},
            "Param webhook_configuration.verify_token must be at most 255 characters",
            "webhook_configuration",
        ),
        (
            {"username": "ab"},
            "Param username must be 3 to 35 characters of a-z, 0-9, period and underscore",
            "username",
        ),
        (
            {"username": "a" * 36},
            "Param username must be 3 to 35 characters of a-z, 0-9, period and underscore",
            "username",
        ),
        (
            {"username": " abc"},
            "Param username must be 3 to 35 characters of a-z, 0-9, period and underscore",
            "username",
        ),
        (
            {"username": "Acme"},
            "Param username must be 3 to 35 characters of a-z, 0-9, period and underscore",
            "username",
        ),
        (
            {"whatsapp_business_api_data": "x"},
            "Param whatsapp_business_api_data must be an object",
            "whatsapp_business_api_data",
        ),
        (
            {"whatsapp_business_api_data": {"show_security_notifications": "yes"}},
            "Param whatsapp_business_api_data.show_security_notifications must be a boolean",
            "whatsapp_business_api_data",
        ),
        (
            {"whatsapp_business_api_data": {"notify_user_change_number": 1}},
            "Param whatsapp_business_api_data.notify_user_change_number must be a boolean",
            "whatsapp_business_api_data",
        ),
        (
            {"whatsapp_business_api_data": {"pin": "12"}},
            "Param whatsapp_business_api_data.pin must be a 6-digit number",
            "whatsapp_business_api_data.pin",
        ),
        (
            {"pin": "111111", "whatsapp_business_api_data": {"pin": "222222"}},
            "Param pin and whatsapp_business_api_data.pin differ",
            "pin",
        ),
    ],
)
def test_refusals(given: dict[str, Any], message: str, field: str) -> None:
    with invalid(message, field):
        parse_update(given)


def test_check_pin_names_the_parameter() -> None:
    assert check_pin("246810") == "246810"
    with invalid("Param nested.pin must be a 6-digit number", "nested.pin"):
        check_pin("x", "nested.pin")


def test_a_rename_request_goes_to_review_and_replaces_a_pending_one() -> None:
    graph = GraphSettings()
    assert not pending_rename(graph)
    request_rename(graph, "First")
    assert pending_rename(graph)
    request_rename(graph, "Second")
    assert (graph.new_verified_name, graph.new_name_status) == ("Second", NameStatus.PENDING_REVIEW)


@pytest.mark.parametrize(
    ("graph", "pending"),
    [
        (GraphSettings(), False),
        (GraphSettings(new_name_status=NameStatus.PENDING_REVIEW), False),
        (GraphSettings(new_verified_name="X"), False),
        (GraphSettings(new_verified_name="X", new_name_status=NameStatus.APPROVED), False),
        (GraphSettings(new_verified_name="X", new_name_status=NameStatus.PENDING_REVIEW), True),
    ],
)
def test_pending_rename(graph: GraphSettings, pending: bool) -> None:
    assert pending_rename(graph) is pending


@pytest.mark.parametrize(
    ("decision", "renamed"),
    [(NameStatus.APPROVED, "Acme Fresh"), (NameStatus.DECLINED, None)],
)
def test_the_review_decides_the_requested_name(decision: NameStatus, renamed: str | None) -> None:
    graph = GraphSettings(new_verified_name="Acme Fresh", new_name_status=NameStatus.PENDING_REVIEW)
    assert decide_rename(graph, decision) == renamed
    assert (graph.new_verified_name, graph.new_name_status) == (None, decision)
    assert not pending_rename(graph)


def test_apply_writes_what_was_asked_and_keeps_the_rest() -> None:
    graph = GraphSettings(search_visibility="VISIBLE", username="old", webhook_override_uri=HOOK)
    apply(graph, NodeUpdate(pin="123456"))
    assert graph == GraphSettings(search_visibility="VISIBLE", username="old", webhook_override_uri=HOOK)
    apply(
        graph,
        NodeUpdate(
            new_display_name="New",
            search_visibility="HIDDEN",
            webhook=WebhookOverride("https://other.example/", "tok"),
            username="new",
        ),
    )
    assert graph == GraphSettings(
        new_verified_name="New",
        new_name_status=NameStatus.PENDING_REVIEW,
        search_visibility="HIDDEN",
        webhook_override_uri="https://other.example/",
        webhook_verify_token="tok",
        username="new",
    )
    apply(graph, NodeUpdate(webhook=WebhookOverride("")))
    assert (graph.webhook_override_uri, graph.webhook_verify_token) == (None, None)
