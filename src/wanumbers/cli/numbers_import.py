"""``wanumbers numbers import``: add numbers from a CSV, one API call per row.

Nothing half-done is lost: each row is added (and its code sent) in one request, and a number that
already exists is *skipped*, so re-running an interrupted import picks up where it stopped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from wanumbers.cli.numbers_view import error_line, failures_table
from wanumbers.client import Kaleyra, KaleyraValidationError, WanumbersError

REQUIRED = ("phone_number", "country_code", "name")
ALREADY_EXISTS = "phone number already exists"


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # in the file, counting the header as line 1
    phone_number: str
    country_code: str
    name: str
    verification_type: str

    @property
    def label(self) -> str:
        return f"{self.country_code}{self.phone_number}"


@dataclass
class ImportReport:
    added: list[tuple[int, str, str]] = field(default_factory=list)  # (line, phone, id)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, phone, reason)
    interrupted: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [{"line": line, "phone_number": phone, "id": id_} for line, phone, id_ in self.added],
            "skipped": [{"line": line, "phone_number": phone} for line, phone in self.skipped],
            "failed": [
                {"line": line, "phone_number": phone, "error": reason} for line, phone, reason in self.failed
            ],
            "interrupted": self.interrupted,
        }

    def print_summary(self, console: Console) -> None:
        console.print(
            f"[green]{len(self.added)} added[/], {len(self.skipped)} skipped (already exist), "
            f"[{'red' if self.failed else 'green'}]{len(self.failed)} failed[/]"
        )
        if self.failed:
            console.print(failures_table(self.failed))
        if self.interrupted:
            console.print("[yellow]Interrupted.[/] Re-run the same command to add the rest.")


def read_rows(source: IO[str]) -> tuple[list[Row], list[tuple[int, str, str]]]:
    """The rows to add, and the lines that cannot be (missing columns or values)."""
    reader = csv.DictReader(source)
    header = {name.strip() for name in reader.fieldnames or ()}
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        needs = listing(REQUIRED, "and")
        raise ValueError(f"the CSV has no {listing(missing, 'or')} column (it needs {needs})")
    rows, invalid = [], []
    for record in reader:
        values = {(key or "").strip(): (value or "").strip() for key, value in record.items()}
        line = reader.line_num
        empty = [name for name in REQUIRED if not values.get(name)]
        if empty:
            invalid.append((line, values.get("phone_number", ""), f"empty {listing(empty, 'and')}"))
            continue
        method = (values.get("verification_type") or "SMS").upper()
        rows.append(Row(line, values["phone_number"], values["country_code"], values["name"], method))
    return rows, invalid


def listing(words: Sequence[str], conjunction: str) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def import_csv(kaleyra: Kaleyra, waba_id: str, source: IO[str], *, show_progress: bool) -> ImportReport:
    rows, invalid = read_rows(source)
    report = ImportReport(failed=list(invalid))
    progress = _progress(show_progress)
    with progress:
        task = progress.add_task("Adding numbers", total=len(rows))
        try:
            for row in _tracked(rows, progress, task):
                _add(kaleyra, waba_id, row, report)
        except KeyboardInterrupt:
            report.interrupted = True
    report.failed.sort()
    return report


def _add(kaleyra: Kaleyra, waba_id: str, row: Row, report: ImportReport) -> None:
    try:
        number_id = kaleyra.add_number(
            waba_id, row.phone_number, row.name, row.verification_type, row.country_code
        )
    except KaleyraValidationError as error:
        if error.error.get("phone_number") == ALREADY_EXISTS:
            report.skipped.append((row.line, row.label))
        else:
            report.failed.append((row.line, row.label, error_line(error)))
    except WanumbersError as error:
        report.failed.append((row.line, row.label, error_line(error)))
    else:
        report.added.append((row.line, row.label, number_id))


def _progress(visible: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not visible,
        transient=True,
    )


def _tracked(rows: list[Row], progress: Progress, task: Any) -> Iterable[Row]:
    for row in rows:
        yield row
        progress.advance(task)
