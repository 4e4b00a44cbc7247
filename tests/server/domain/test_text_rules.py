"""The emoji check Meta applies to prompts and command descriptions, at the edges of each block."""

from __future__ import annotations

import pytest

from wanumbers.server.domain.text_rules import has_emoji


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("plain text", False),
        ("naïve café", False),
        ("hi 👋", True),
        ("1️⃣", True),
        ("★ star", True),
        ("⭐", True),
        ("\u200d", True),
        ("\u20e3", True),
        ("🀄", True),
        ("\U0001faff", True),
        ("\U0001fb00", False),
        ("\u25ff", False),
        ("\u2c00", False),
    ],
)
def test_has_emoji(text: str, emoji: bool) -> None:
    assert has_emoji(text) is emoji
