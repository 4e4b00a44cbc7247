"""Docs that cannot rot: every example in README.md and docs/*.md runs, in order, as a reader would run
it (docs/testing.md, "Docs that cannot rot"). One test per document, because its examples build on
each other; one skipped test per example that is deliberately not run, so each reason shows in every
test report (``-ra``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs import cli_refs
from tests.docs.markdown import ROOT, Block, DocsError, blocks, documents, spans
from tests.docs.policy import LANGUAGES, RUN_CONSOLE, RUN_SHELL
from tests.docs.session import DocSession
from tests.docs.shell import Command, console_steps, script, split_comment

DOCUMENTS = documents()


def name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def shown_not_run(block: Block) -> list[tuple[Command, str]]:
    """The commands of a block that the collector replaces by a note, with the reason."""
    if block.language in RUN_SHELL:
        return script(block.source).not_run
    if block.language in RUN_CONSOLE:
        return [pair for step in console_steps(block.source) for pair in script(step.command.text).not_run]
    return []


def not_run(path: Path) -> list[tuple[str, str, str]]:
    """(where, what, why) of each example of a document that is shown but not run."""
    try:
        found = blocks(path)
    except DocsError:
        return []  # test_every_example_runs reports it
    items = []
    for block in found:
        if block.skip_reason is not None:
            items.append((block.where, f"the ```{block.language} block", block.skip_reason))
            continue
        for command, reason in shown_not_run(block):
            shown = split_comment(command.text.split("\n")[0])[0].strip()
            items.append((f"{name(path)}:{block.line + command.line}", shown, reason))
    return items


NOT_RUN = [item for path in DOCUMENTS for item in not_run(path)]


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCUMENTS, ids=name)
def test_every_example_runs(path: Path, tmp_path: Path) -> None:
    found = blocks(path)
    unknown = [block for block in found if block.language not in LANGUAGES and block.skip_reason is None]
    if unknown:
        where = ", ".join(f"{block.where} (```{block.language or 'no language'})" for block in unknown)
        raise DocsError(
            f"blocks the collector does not know how to treat: {where}. Give the fence a language it "
            "runs (python, bash, sh, console) or shows (json, text), or annotate it: "
            "<!-- docs-test: skip REASON -->"
        )
    with DocSession(tmp_path) as session:
        for block in found:
            session.run(block)


@pytest.mark.parametrize(("where", "command", "reason"), NOT_RUN, ids=[item[0] for item in NOT_RUN])
def test_not_run(where: str, command: str, reason: str) -> None:
    pytest.skip(f"{where}: `{command}` not run: {reason}")


@pytest.mark.parametrize("path", DOCUMENTS, ids=name)
def test_every_command_the_doc_names_exists(path: Path) -> None:
    """Inline references and shown-but-not-run commands name real commands and flags."""
    references = [(span.where, span.text) for span in spans(path)]
    for block in blocks(path):
        references += [(block.where, command.text) for command, _ in shown_not_run(block)]
    wrong = [f"{where}: {problem}" for where, text in references for problem in cli_refs.problems(text)]
    assert not wrong, "\n".join(wrong)
