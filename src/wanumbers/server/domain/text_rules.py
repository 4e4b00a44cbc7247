"""Text checks Meta applies to user-visible strings (ice breakers, command hints, profile fields)."""

from __future__ import annotations

import re

# Emoji blocks plus the joiners and variation selectors that build emoji sequences. Meta rejects emoji in
# prompts and commands; a character-class test is enough to catch what clients actually send.
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols, flags
    "\u2600-\u27bf"  # misc symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars (⭐)
    "\u200d\ufe0f\u20e3"  # zero-width joiner, variation selector 16, keycap
    "]"
)


def has_emoji(text: str) -> bool:
    return bool(_EMOJI.search(text))
