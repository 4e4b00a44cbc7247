"""Commands named in prose and tables (``wanumbers sim outbox [--phone E164]``, or the control-plane
tables' short ``sim quality NUMBER RATING``), and shown commands that are not run: each command path
and every ``--flag`` must exist in the CLI. Values and placeholders are not checked."""

from __future__ import annotations

import re

import click

from wanumbers.cli import COMMANDS, main

PLACEHOLDER_WORD = re.compile(r"[a-z][a-z0-9-]*")


def words_of(text: str) -> list[str]:
    """``[--mode error|delay]`` and ``--enabled\\|--disabled`` (a table's escape) read as plain words."""
    for mark in ("\\|", "|", "[", "]", "=", "(", ")"):
        text = text.replace(mark, " ")
    return text.split()


def problems(text: str) -> list[str]:
    """What in one command reference does not exist; ``[]`` when it is not a reference at all."""
    words = words_of(text)
    if words[:1] == ["wanumbers"]:
        words = words[1:]
    elif not (len(words) > 1 and words[0] in COMMANDS):
        return []
    command: click.Command = main
    path = ["wanumbers"]
    context = click.Context(main)
    while isinstance(command, click.Group) and words:
        found = command.get_command(context, words[0])
        if found is None:
            if PLACEHOLDER_WORD.fullmatch(words[0]):
                return [f"`{text}`: `{' '.join(path)}` has no command {words[0]!r}"]
            return []  # `wanumbers sim … --json`: a family of commands, its flags vary
        command, path, words = found, [*path, words[0]], words[1:]
    options = {"--help", *(opt for param in command.params for opt in (*param.opts, *param.secondary_opts))}
    return [
        f"`{text}`: `{' '.join(path)}` has no option {word}"
        for word in words
        if word.startswith("--") and word not in options
    ]
