"""Conversational automation rules (welcome message, ice breakers, commands), with Meta's limits.

Sources disagree (docs/graph.md): Meta's docs allow 4 prompts and 32-character command names; the
OpenAPI file says 3 and 30 but adds the ``[A-Za-z0-9_]`` charset. We take the docs' counts and the
OpenAPI charset.
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
        raise _invalid(f"prompts: maximum allowed is {MAX_PROMPTS}", "prompts")
    for prompt in prompts:
        if not prompt.strip():
            raise _invalid("prompts: a prompt cannot be empty", "prompts")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise _invalid(f"prompts: each prompt is at most {MAX_PROMPT_CHARS} characters", "prompts")
        if has_emoji(prompt):
            raise _invalid("prompts: emoji are not allowed", "prompts")
    if len({prompt.strip().casefold() for prompt in prompts}) != len(prompts):
        raise _invalid("prompts: duplicate prompts are not allowed", "prompts")


def check_commands(commands: Sequence[Command]) -> None:
    if len(commands) > MAX_COMMANDS:
        raise _invalid(f"commands: maximum allowed is {MAX_COMMANDS}", "commands")
    for command in commands:
        name, description = command.command_name, command.command_description
        if not name or len(name) > MAX_COMMAND_NAME or not _COMMAND_NAME.fullmatch(name):
            raise _invalid(
                f"commands: command_name must be 1-{MAX_COMMAND_NAME} characters of A-Z, a-z, 0-9 or _",
                "commands",
            )
        if not description.strip() or len(description) > MAX_COMMAND_DESCRIPTION:
            raise _invalid(
                f"commands: command_description must be 1-{MAX_COMMAND_DESCRIPTION} characters",
                "commands",
            )
        if has_emoji(description):
            raise _invalid("commands: emoji are not allowed", "commands")
    if len({command.command_name.casefold() for command in commands}) != len(commands):
        raise _invalid("commands: duplicate command names are not allowed", "commands")


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
