"""Conversational components: welcome message, ice breakers (prompts) and commands.

Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/phone-numbers/conversational-components
"""

from __future__ import annotations

from pydantic import Field

from ._base import WanumbersModel

__all__ = ["Command", "ConversationalAutomation"]


class Command(WanumbersModel):
    """A ``/command`` shown to users; Meta allows up to 30 per number."""

    command_name: str
    command_description: str


class ConversationalAutomation(WanumbersModel):
    enable_welcome_message: bool = False
    prompts: list[str] = Field(default_factory=list)
    commands: list[Command] = Field(default_factory=list)
