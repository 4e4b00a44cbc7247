from __future__ import annotations

import pytest

from wanumbers.server.domain.automation import AutomationChange, apply
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Automation, Command
from wanumbers.server.domain.text_rules import has_emoji


def test_none_keeps_and_values_replace() -> None:
    current = Automation(True, ["a"], [Command("x", "y")])
    assert apply(current, AutomationChange()) == current
    changed = apply(current, AutomationChange(enable_welcome_message=False, prompts=[]))
    assert changed == Automation(False, [], [Command("x", "y")])


@pytest.mark.parametrize(
    "change",
    [
        AutomationChange(prompts=["a"] * 2),
        AutomationChange(prompts=["1", "2", "3", "4", "5"]),
        AutomationChange(commands=[Command("a-b", "c")]),
        AutomationChange(commands=[Command("A", "x"), Command("a", "y")]),
    ],
)
def test_rule_violations(change: AutomationChange) -> None:
    with pytest.raises(DomainError) as raised:
        apply(Automation(), change)
    assert raised.value.reason is Reason.INVALID_PARAMETER


@pytest.mark.parametrize(
    ("text", "emoji"),
    [("plain text", False), ("naïve café", False), ("hi 👋", True), ("1️⃣", True), ("★ star", True)],
)
def test_has_emoji(text: str, emoji: bool) -> None:
    assert has_emoji(text) is emoji
