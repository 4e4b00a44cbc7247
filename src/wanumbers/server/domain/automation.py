"""Conversational automation rules (welcome message, ice breakers, commands), with Meta's limits.

Sources disagree (docs/graph.md): Meta's docs allow 4 prompts and 32-character command names; the
OpenAPI file says 3 and 30 but adds the ``[A-Za-z0-9_]`` charset. We take the docs' counts and the
OpenAPI charset. Messages use the wording of the OpenAPI file's error examples (code 100, the only
code Meta documents for these); where it has no example, the same pattern.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Automation, Command
from wanumbers.server.domain.text_rules import has_emoji

MAX_PROMPTS = 4
MAX_PROMPT_CHARS = 80
MAX_COMMANDS = 30
MAX_COMMAND_NAME = 32
MAX_COMMAND_DESCRIPTION = 256
_COMMAND_NAME = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class AutomationChange:
    """What a request sets; ``None`` leaves that part as it is (clients send only what they change)."""

    enable_welcome_message: bool | None = None
    prompts: Sequence[str] | None = None
    commands: Sequence[Command] | None = None


def _invalid(detail: str, field: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=field)


def check_prompts(prompts: Sequence[str]) -> None:
    if len(prompts) > MAX_PROMPTS:
        raise _invalid(f"Too many prompts provided. Maximum allowed is {MAX_PROMPTS}", "prompts")
    for prompt in prompts:
        if not prompt.strip():
            raise _invalid("Prompt text cannot be empty", "prompts")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise _invalid(f"Prompt text exceeds maximum length of {MAX_PROMPT_CHARS} characters", "prompts")
        if has_emoji(prompt):
            raise _invalid("Prompt text cannot contain emoji", "prompts")
    if len({prompt.strip().casefold() for prompt in prompts}) != len(prompts):
        raise _invalid("Prompts must be unique", "prompts")


def check_commands(commands: Sequence[Command]) -> None:
    if len(commands) > MAX_COMMANDS:
        raise _invalid(f"Too many commands provided. Maximum allowed is {MAX_COMMANDS}", "commands")
    for command in commands:
        name, description = command.command_name, command.command_description
        if not name or not _COMMAND_NAME.fullmatch(name):
            raise _invalid(
                "Invalid command name format. Command names must contain only alphanumeric characters "
                "and underscores",
                "commands",
            )
        if len(name) > MAX_COMMAND_NAME:
            raise _invalid(
                f"Command name exceeds maximum length of {MAX_COMMAND_NAME} characters", "commands"
            )
        if not description.strip():
            raise _invalid("Command description cannot be empty", "commands")
        if len(description) > MAX_COMMAND_DESCRIPTION:
            raise _invalid(
                f"Command description exceeds maximum length of {MAX_COMMAND_DESCRIPTION} characters",
                "commands",
            )
        if has_emoji(description):
            raise _invalid("Command description cannot contain emoji", "commands")
    seen: set[str] = set()
    for command in commands:
        key = command.command_name.casefold()
        if key in seen:
            raise _invalid(
                f"Command names must be unique. Duplicate command name found: {command.command_name}",
                "commands",
            )
        seen.add(key)


def apply(current: Automation, change: AutomationChange) -> Automation:
    """The automation after ``change``, validated as a whole."""
    prompts = list(current.prompts if change.prompts is None else change.prompts)
    commands = list(current.commands if change.commands is None else change.commands)
    check_prompts(prompts)
    check_commands(commands)
    enabled = current.enable_welcome_message
    if change.enable_welcome_message is not None:
        enabled = change.enable_welcome_message
    return Automation(enable_welcome_message=enabled, prompts=prompts, commands=commands)
