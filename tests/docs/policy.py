"""How the collector treats each kind of block, and the few commands it never runs. Every entry says
why; docs/testing.md ("Docs that cannot rot") explains the rules to writers. A block or command that no
rule covers fails the test: the collector never guesses."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Fence language -> treatment. ``python`` blocks with ``def test_…`` run under pytest, other python
#: blocks run as a script; ``bash``/``sh`` blocks run as one script; ``console`` blocks run each ``$ ``
#: command and compare what it prints with the lines shown under it; the rest are shown, not run.
RUN_PYTHON = {"python"}
RUN_SHELL = {"bash", "sh"}
RUN_CONSOLE = {"console"}
NOT_CODE = {
    "json": "a request or response body: the commands around it produce and check it",
    "text": "a listing or a picture (directory tree, table), not a command",
}
LANGUAGES = RUN_PYTHON | RUN_SHELL | RUN_CONSOLE | set(NOT_CODE)


@dataclass(frozen=True, slots=True)
class NotRun:
    """A command the docs show but a test cannot run, matched on the start of a logical line."""

    pattern: re.Pattern[str]
    reason: str


NOT_RUN = [
    NotRun(
        re.compile(r"pip install\b"), "installs packages; the suite runs in the environment scripts/test made"
    ),
    NotRun(re.compile(r"(sudo )?apt-get\b"), "installs system packages (root, network)"),
    NotRun(re.compile(r"\. \.venv/bin/activate\b"), "the suite already runs inside the project's .venv"),
    NotRun(re.compile(r"scripts/test\b"), "the test suite itself (it is what runs this check)"),
    NotRun(
        re.compile(r"scripts/mutation\b"),
        "mutation testing reruns the domain tests ~1,150 times (80 CPU-seconds); CI runs it (.ci/run)",
    ),
    NotRun(
        re.compile(r"python -m bench\b"),
        "benchmark runs take 15 s to 5 min and pin both cores; CI runs `python -m bench --quick` (.ci/run)",
    ),
    NotRun(
        re.compile(r"docker\b"),
        "no Docker engine in CI: the Dockerfile and compose file are checked as files",
    ),
    NotRun(
        re.compile(r"wanumbers serve\b.*--upstream graph"),
        "live mode needs a real Graph API and token (its flags are still checked against the CLI)",
    ),
    NotRun(
        re.compile(r"wanumbers serve\b"),
        "a foreground server: the collector's own `wanumbers serve --demo` on a free port stands in "
        "(its flags are still checked against the CLI)",
    ),
]

#: Applied to every shell and python block before it runs: the docs say port 8080, the test's server
#: listens on a free port.
DOCUMENTED_HOSTS = ("127.0.0.1:8080", "localhost:8080")

#: Shell prologue. ``set -a`` exports every variable a block sets, so later blocks (and python blocks)
#: see ``$ID``, ``$OTP``, ``$TOKEN``… as a reader's shell would. ``curl`` fails on an HTTP error
#: (exit 22, body still printed): an example that answers 4xx is a broken example.
SHELL_PROLOGUE = """\
set -euo pipefail -a
curl() { command curl --fail-with-body --silent --show-error "$@"; }
"""

#: Tools the shell examples use besides the package's own.
REQUIRED_TOOLS = ("bash", "curl", "jq")


def not_run_reason(command: str) -> str | None:
    for rule in NOT_RUN:
        if rule.pattern.match(command):
            return rule.reason
    return None
