"""POST /{id}/conversational_automation and its read through fields=conversational_automation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.server.surfaces.graph.conftest import Graph, assert_graph_error

COMMANDS = [
    {"command_name": "order_food", "command_description": "Browse menu and place an order"},
    {"command_name": "help", "command_description": "Get help from our support team"},
]


def _read(graph: Graph, number_id: str) -> Any:
    return graph.get(f"/{number_id}", fields="conversational_automation").json()


def test_write_then_read_nested(graph: Graph) -> None:
    number_id = graph.create()
    body = {"enable_welcome_message": True, "prompts": ["Order food", "Check delivery"], "commands": COMMANDS}
    assert graph.post(f"/{number_id}/conversational_automation", body).json() == {"success": True}
    assert _read(graph, number_id) == {
        "conversational_automation": {
            "enable_welcome_message": True,
            "prompts": ["Order food", "Check delivery"],
            "commands": COMMANDS,
            "id": number_id,
        },
        "id": number_id,
    }


def test_the_nested_object_carries_the_number_id_as_graph_does(graph: Graph) -> None:
    # pywa's ConversationalAutomation.from_dict reads data["id"]: without it get_business_phone_number
    # raised KeyError on every number.
    number_id = graph.create()
    assert _read(graph, number_id)["conversational_automation"]["id"] == number_id


def test_partial_update_keeps_the_rest(graph: Graph) -> None:
    number_id = graph.create()
    graph.post(f"/{number_id}/conversational_automation", {"prompts": ["Hi"], "commands": COMMANDS})
    graph.post(f"/{number_id}/conversational_automation", {"enable_welcome_message": False})
    automation = _read(graph, number_id)["conversational_automation"]
    assert automation["prompts"] == ["Hi"] and automation["commands"] == COMMANDS
    graph.post(f"/{number_id}/conversational_automation", {"prompts": []})
    assert _read(graph, number_id)["conversational_automation"]["prompts"] == []


def test_commands_as_json_string_in_query_and_form(graph: Graph) -> None:
    number_id = graph.create()
    path = f"/v23.0/{number_id}/conversational_automation"
    query = {"enable_welcome_message": "true", "commands": json.dumps(COMMANDS[:1])}
    assert graph.client.post(path, params=query, headers=graph.headers).json() == {"success": True}
    assert _read(graph, number_id)["conversational_automation"]["commands"] == COMMANDS[:1]
    form = {"prompts": json.dumps(["One", "Two"]), "commands": json.dumps(COMMANDS)}
    assert graph.client.post(path, data=form, headers=graph.headers).json() == {"success": True}
    automation = _read(graph, number_id)["conversational_automation"]
    assert automation == {
        "enable_welcome_message": True,
        "prompts": ["One", "Two"],
        "commands": COMMANDS,
        "id": number_id,
    }


def test_limits_at_the_edge_are_accepted(graph: Graph) -> None:
    number_id = graph.create()
    body = {
        "prompts": ["p" * 80, "q" * 80, "r", "s"],
        "commands": [
            {"command_name": f"c{i:02d}" + "x" * 29, "command_description": "d" * 256} for i in range(30)
        ],
    }
    response = graph.post(f"/{number_id}/conversational_automation", body)
    assert response.json() == {"success": True}, response.text


def _command(name: str = "help", description: str = "Get help") -> dict[str, str]:
    return {"command_name": name, "command_description": description}


@pytest.mark.parametrize(
    "body",
    [
        {"prompts": ["a", "b", "c", "d", "e"]},
        {"prompts": ["x" * 81]},
        {"prompts": ["Order 🍕"]},
        {"prompts": ["Same", "same"]},
        {"prompts": [""]},
        {"prompts": "not a list ["},
        {"prompts": [1, 2]},
        {"commands": [_command(f"c{i}") for i in range(31)]},
        {"commands": [_command("x" * 33)]},
        {"commands": [_command("has space")]},
        {"commands": [_command("émoji")]},
        {"commands": [_command("")]},
        {"commands": [_command(description="d" * 257)]},
        {"commands": [_command(description="")]},
        {"commands": [_command(description="Help ❤️")]},
        {"commands": [_command("help"), _command("help", "Other")]},
        {"commands": [{"command_name": "help"}]},
        {"commands": ["help"]},
        {"commands": {"command_name": "help"}},
        {"enable_welcome_message": "maybe"},
    ],
)
def test_violations_are_100(graph: Graph, body: dict[str, Any]) -> None:
    number_id = graph.create()
    response = graph.post(f"/{number_id}/conversational_automation", body)
    assert_graph_error(response, 400, 100)
    assert _read(graph, number_id)["conversational_automation"]["prompts"] == []


def test_foreign_number_is_100_33(graph: Graph, rival: Graph) -> None:
    number_id = rival.create()
    response = graph.post(f"/{number_id}/conversational_automation", {"prompts": ["Hi"]})
    assert_graph_error(response, 400, 100, 33)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # The wording of the examples in Meta's OpenAPI file (with the docs' counts: 4 prompts, 32).
        ({"prompts": ["a", "b", "c", "d", "e"]}, "Too many prompts provided. Maximum allowed is 4"),
        ({"prompts": ["x" * 81]}, "Prompt text exceeds maximum length of 80 characters"),
        (
            {"commands": [_command("has space")]},
            "Invalid command name format. Command names must contain only alphanumeric characters and "
            "underscores",
        ),
        (
            {"commands": [_command("help"), _command("Help", "Other")]},
            "Command names must be unique. Duplicate command name found: Help",
        ),
        (
            {"commands": [_command(f"c{i}") for i in range(31)]},
            "Too many commands provided. Maximum allowed is 30",
        ),
    ],
)
def test_limit_errors_use_metas_wording(graph: Graph, body: dict[str, Any], message: str) -> None:
    number_id = graph.create()
    error = assert_graph_error(graph.post(f"/{number_id}/conversational_automation", body), 400, 100)
    assert error["message"] == f"(#100) {message}"
