"""Turning a shell or console block into the script that runs: logical lines (continuations and
here-documents kept whole), the commands that are not run replaced by a note, and ``wanumbers … --json``
lines whose comment shows the JSON's keys checked against what the command printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.docs.policy import not_run_reason

HEREDOC = re.compile(r"<<-?\s*['\"]?(?P<word>[A-Za-z_][A-Za-z0-9_]*)['\"]?")
#: ``… --json   # {"sid": …, "api_key": …} what it is``: the keys the docs promise.
KEYS_COMMENT = re.compile(r"^\s*#\s*(?P<shape>\[?\{.*)$")

#: Reads the command's JSON from stdin, prints it on, and fails unless its keys (of the first item,
#: for a list) are exactly the documented ones.
KEYS_CHECK = r"""
__docs_keys() {
  python -c '
import json, sys
text = sys.stdin.read()
sys.stdout.write(text)
data = json.loads(text)
data = data[0] if isinstance(data, list) and data else data
want, got = sorted(sys.argv[1].split()), sorted(data)
if want != got:
    sys.exit(f"the docs show the keys {want}, the command printed {got}")
' "$1"
}
"""


@dataclass(frozen=True, slots=True)
class Command:
    line: int  # within the block, 1-based
    text: str  # the logical line, continuations included


@dataclass
class Script:
    body: str
    lines: list[str] = field(default_factory=list)  # the block's logical lines, as they will run
    not_run: list[tuple[Command, str]] = field(default_factory=list)


def logical_lines(source: str) -> list[Command]:
    lines = source.splitlines()
    found, index = [], 0
    while index < len(lines):
        start, text = index, lines[index]
        while text.endswith("\\") and index + 1 < len(lines):
            index += 1
            text += "\n" + lines[index]
        if heredoc := HEREDOC.search(text):
            while index + 1 < len(lines) and lines[index].strip() != heredoc["word"]:
                index += 1
                text += "\n" + lines[index]
        found.append(Command(start + 1, text))
        index += 1
    return found


def split_comment(line: str) -> tuple[str, str]:
    """``command``, ``# comment`` of one physical line: the first ``#`` after a space outside quotes."""
    quote = None
    for position, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position].rstrip(), line[position:]
    return line, ""


def documented_keys(comment: str) -> list[str] | None:
    """Top-level keys of the JSON shape a comment shows (``# {"sid": …, "api_key": …}``), if any."""
    match = KEYS_COMMENT.match(comment)
    if match is None:
        return None
    keys, depth = [], 0
    for token in re.finditer(r'"(?P<key>[^"]+)"\s*:|(?P<open>[\[{])|(?P<close>[\]}])', match["shape"]):
        if token["open"]:
            depth += 1
        elif token["close"]:
            depth -= 1
            if depth == 0:
                break
        elif depth == (2 if match["shape"].startswith("[") else 1):
            keys.append(token["key"])
    return keys or None


def script(source: str) -> Script:
    result = Script("")
    out = []
    for command in logical_lines(source):
        stripped = command.text.strip()
        reason = not_run_reason(stripped) if stripped and not stripped.startswith("#") else None
        if reason is not None:
            result.not_run.append((command, reason))
            out.append(f": not run: {_quote(reason)}")
            continue
        out.append(_with_keys_check(command.text))
    result.lines = out
    result.body = KEYS_CHECK + "\n".join(out) + "\n"
    return result


def _with_keys_check(text: str) -> str:
    if "\n" in text or not text.lstrip().startswith("wanumbers ") or "--json" not in text:
        return text
    command, comment = split_comment(text)
    keys = documented_keys(comment)
    return f"{command} | __docs_keys {_quote(' '.join(keys))}" if keys else text


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# --- console blocks -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    command: Command
    expected: list[str]  # the output lines shown under the command; empty: not checked


def console_steps(source: str) -> list[Step]:
    """``$ command`` lines (with their continuations) and the output shown under each. Lines starting
    with ``#`` under a command are remarks, not output."""
    steps: list[tuple[Command, list[str]]] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("$ "):
            start, text = index, line[2:]
            while text.endswith("\\") and index + 1 < len(lines):
                index += 1
                text += "\n" + lines[index]
            steps.append((Command(start + 1, text), []))
        elif not steps:
            raise ValueError(f"line {index + 1} of a console block comes before any `$ ` command: {line!r}")
        elif not line.lstrip().startswith("#"):
            steps[-1][1].append(line)
        index += 1
    return [Step(command, [line for line in expected if line.strip()]) for command, expected in steps]


def output_matches(expected: list[str], printed: str) -> bool:
    """The shown lines, with ``…`` standing for anything, are exactly what was printed. Any run of
    whitespace (alignment, line breaks) counts as one space, so a doc may trim a wide table."""
    shown = " ".join(" ".join(expected).split())
    pattern = ".*?".join(re.escape(part) for part in shown.split("…"))
    return re.fullmatch(pattern, " ".join(printed.split()), re.DOTALL) is not None
