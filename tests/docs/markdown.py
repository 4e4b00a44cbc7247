"""Reading the docs: every fenced block with its language, line and annotation, and every inline code
span that names a ``wanumbers`` command. Parsed with markdown-it (CommonMark + tables), so a fence
inside a list or a code span inside a table is found where a reader sees it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[2]

#: ``<!-- docs-test: skip REASON -->`` on the line(s) right above a fence.
ANNOTATION = re.compile(r"<!--\s*docs-test:\s*(?P<directive>\S+)\s*(?P<argument>.*?)\s*-->", re.DOTALL)


class DocsError(AssertionError):
    """A doc the collector cannot treat: say what to change, and where."""


@dataclass(frozen=True, slots=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    source: str
    skip_reason: str | None = None  # from a docs-test: skip annotation

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True, slots=True)
class Span:
    path: Path
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    """Every document a reader follows: the README and docs/*.md (a new page is picked up by itself)."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def blocks(path: Path, text: str | None = None) -> list[Block]:
    text = path.read_text(encoding="utf-8") if text is None else text
    found: list[Block] = []
    pending: tuple[str, str, int] | None = None  # an annotation waiting for its fence
    for token in _parser().parse(text):
        line = (token.map or (0, 0))[0] + 1
        if token.type == "html_block" and (match := ANNOTATION.search(token.content)):
            pending = (match["directive"], match["argument"], line)
            continue
        if token.type in ("fence", "code_block"):
            found.append(_block(path, token.info.strip(), token.content, line, token.type, pending))
        elif pending is not None:
            raise DocsError(f"{path.name}:{pending[2]}: a docs-test annotation must sit right above a fence")
        pending = None
    return found


def _block(
    path: Path, info: str, source: str, line: int, kind: str, annotation: tuple[str, str, int] | None
) -> Block:
    where = f"{path.relative_to(ROOT)}:{line}"
    if kind == "code_block":
        raise DocsError(f"{where}: an indented code block; use a fence with a language (```bash, ```text)")
    language = info.split()[0] if info else ""
    skip_reason = None
    if annotation is not None:
        directive, argument, _ = annotation
        if directive != "skip":
            raise DocsError(f"{where}: unknown docs-test directive {directive!r} (known: skip)")
        if not argument:
            raise DocsError(
                f"{where}: docs-test: skip needs a reason, e.g. <!-- docs-test: skip needs Meta -->"
            )
        skip_reason = argument
    return Block(path, line, language, source, skip_reason)


def spans(path: Path, text: str | None = None) -> list[Span]:
    """Inline code spans (prose and tables), with the line they start on."""
    text = path.read_text(encoding="utf-8") if text is None else text
    found = []
    for token in _parser().parse(text):
        if token.type != "inline":
            continue
        line = (token.map or (0, 0))[0] + 1
        found += [
            Span(path, line, child.content) for child in token.children or [] if child.type == "code_inline"
        ]
    return found
