"""Conversational automation: Meta's limits at their boundaries, with the exact message and field each
refusal carries (the surfaces echo both)."""

from __future__ import annotations

import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.automation import (
    MAX_COMMAND_DESCRIPTION,
    MAX_COMMAND_NAME,
    MAX_COMMANDS,
    MAX_PROMPT_CHARS,
    MAX_PROMPTS,
    AutomationChange,
    apply,
    check_commands,
    check_prompts,
)
from wanumbers.server.domain.records import Automation, Command

# The wording of the error examples in Meta's OpenAPI file (docs/graph.md).
NAME_FORMAT = (
    "Invalid command name format. Command names must contain only alphanumeric characters and underscores"
)
NAME_TOO_LONG = "Command name exceeds maximum length of 32 characters"
DESCRIPTION_EMPTY = "Command description cannot be empty"
DESCRIPTION_TOO_LONG = "Command description exceeds maximum length of 256 characters"


def test_limits_are_meta_documented_counts() -> None:
    assert (MAX_PROMPTS, MAX_PROMPT_CHARS) == (4, 80)
    assert (MAX_COMMANDS, MAX_COMMAND_NAME, MAX_COMMAND_DESCRIPTION) == (30, 32, 256)


def test_none_keeps_and_values_replace() -> None:
    current = Automation(True, ["a"], [Command("x", "y")])
    assert apply(current, AutomationChange()) == current
    changed = apply(current, AutomationChange(enable_welcome_message=False, prompts=[]))
    assert changed == Automation(False, [], [Command("x", "y")])
    assert apply(Automation(), AutomationChange(enable_welcome_message=True)).enable_welcome_message is True


def test_apply_replaces_commands_and_returns_fresh_lists() -> None:
    current = Automation(False, ["keep"], [Command("old", "gone")])
    changed = apply(current, AutomationChange(commands=(Command("new", "here"),)))
    assert changed == Automation(False, ["keep"], [Command("new", "here")])
    assert isinstance(changed.prompts, list) and isinstance(changed.commands, list)
    assert changed.prompts is not current.prompts


def test_apply_validates_the_result_as_a_whole() -> None:
    stored = Automation(False, ["Hi", "hi"], [])  # invalid state left by an older rule
    with invalid("Prompts must be unique", "prompts"):
        apply(stored, AutomationChange(enable_welcome_message=True))
    with invalid("Command names must be unique. Duplicate command name found: A", "commands"):
        apply(Automation(), AutomationChange(commands=[Command("a", "x"), Command("A", "y")]))


def test_four_prompts_are_allowed_and_a_fifth_is_refused() -> None:
    check_prompts(["1", "2", "3", "4"])
    with invalid("Too many prompts provided. Maximum allowed is 4", "prompts"):
        check_prompts(["1", "2", "3", "4", "5"])


@pytest.mark.parametrize("prompt", ["", "   ", "\t\n"])
def test_an_empty_prompt_is_refused(prompt: str) -> None:
    with invalid("Prompt text cannot be empty", "prompts"):
        check_prompts(["fine", prompt])


def test_a_prompt_is_at_most_80_characters() -> None:
    check_prompts(["p" * 80])
    with invalid("Prompt text exceeds maximum length of 80 characters", "prompts"):
        check_prompts(["p" * 81])


def test_emoji_in_a_prompt_is_refused() -> None:
    with invalid("Prompt text cannot contain emoji", "prompts"):
        check_prompts(["hello 👋"])


@pytest.mark.parametrize("pair", [["Hi", "hi"], ["Hi", " Hi "], ["STRASSE", "straße"]])
def test_duplicate_prompts_ignore_case_and_surrounding_space(pair: list[str]) -> None:
    with invalid("Prompts must be unique", "prompts"):
        check_prompts(pair)


def test_distinct_prompts_pass() -> None:
    check_prompts(["Hi", "Ho"])
    check_prompts([])


def test_thirty_commands_are_allowed_and_a_31st_is_refused() -> None:
    commands = [Command(f"c{i}", "d") for i in range(30)]
    check_commands(commands)
    with invalid("Too many commands provided. Maximum allowed is 30", "commands"):
        check_commands([*commands, Command("c30", "d")])


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", NAME_FORMAT),
        ("n" * 33, NAME_TOO_LONG),
        ("a-b", NAME_FORMAT),
        ("with space", NAME_FORMAT),
        ("ünï", NAME_FORMAT),
        ("👋", NAME_FORMAT),
    ],
)
def test_command_names_outside_the_rule_are_refused(name: str, why: str) -> None:
    with invalid(why, "commands"):
        check_commands([Command(name, "does a thing")])


@pytest.mark.parametrize("name", ["a", "n" * 32, "Order_Status_2"])
def test_command_names_inside_the_rule_pass(name: str) -> None:
    check_commands([Command(name, "does a thing")])


@pytest.mark.parametrize(
    ("description", "why"),
    [("", DESCRIPTION_EMPTY), ("   ", DESCRIPTION_EMPTY), ("d" * 257, DESCRIPTION_TOO_LONG)],
)
def test_command_descriptions_outside_1_to_256_are_refused(description: str, why: str) -> None:
    with invalid(why, "commands"):
        check_commands([Command("ok", description)])


def test_a_256_character_description_passes() -> None:
    check_commands([Command("ok", "d" * 256), Command("one", "x")])


def test_emoji_in_a_command_description_is_refused() -> None:
    with invalid("Command description cannot contain emoji", "commands"):
        check_commands([Command("ok", "track ⭐")])


def test_duplicate_command_names_ignore_case() -> None:
    with invalid("Command names must be unique. Duplicate command name found: hELP", "commands"):
        check_commands([Command("Help", "x"), Command("hELP", "y")])
    check_commands([Command("help", "x"), Command("helps", "x")])
