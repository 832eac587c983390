"""Reading the tabular files of the migration imports: UTF-8 CSV (with or without BOM) or XLSX.

Shared by every `qogam import-…` command. Rows come out as lists of raw cells; `cell_text` turns
a cell into text the same way for both formats. Problems are reported as `row N: column: reason`,
where N is the row number a spreadsheet shows (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

XLSX_MAGIC = b"PK\x03\x04"
FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet shows it


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header); no row was looked at."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        if self.warning:
            return f"row {self.row}: {self.column}: warning: {self.message}"
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass
class ImportOutcome:
    """What an all-or-nothing import found and did. Each importer adds its own counts and summary."""

    columns: ClassVar[Sequence[str]] = ()
    rows: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({p.row for p in self.errors})

    def problems(self) -> list[Problem]:
        """Errors and warnings together, in the order of the file and of its columns."""
        order = {c: i for i, c in enumerate(self.columns)}
        return sorted(self.errors + self.warnings, key=lambda p: (p.row, order.get(p.column, -1), p.warning))

    def rejected_summary(self) -> str:
        return ngettext(
            "%(rejected)d row was rejected; nothing was written. Correct the file and import it again.",
            "%(rejected)d rows were rejected; nothing was written. Correct the file and import it again.",
            self.rejected_rows,
        ) % {"rejected": self.rejected_rows}


def cell_text(value) -> tuple[str, bool]:
    """The text of a cell, and whether the spreadsheet stored it as a number."""
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, int):
        return str(value), True
    if isinstance(value, float):
        return (str(int(value)), True) if value.is_integer() else (repr(value), True)
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    return str(value).strip(), False


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_(
            "The file is not UTF-8 text (a byte at position %(position)d cannot be read). Save it as “CSV UTF-8” "
            "or as an Excel workbook (.xlsx) and try again."
        ) % {"position": exc.start}) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise ImportFileError(_("Row %(row)d cannot be read as CSV (%(reason)s). Check its quotes and separators.")
                              % {"row": reader.line_num, "reason": exc}) from None


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(_("The file is not a readable Excel workbook (.xlsx): %(reason)s. Save it again as "
                                ".xlsx or as CSV UTF-8.") % {"reason": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def read_rows(content: bytes, *, header: Sequence[str]) -> Iterator:
    """Rows of cells of a CSV (UTF-8, with or without BOM) or XLSX file, told apart by their content.

    `header` is the expected first row, named in the message about an empty file.
    """
    if not content:
        raise ImportFileError(_("The file is empty. Its first row must be the header: %(header)s.")
                              % {"header": ",".join(header)})
    if content.startswith(XLSX_MAGIC):
        return _xlsx_rows(content)
    return _csv_rows(content)


def header_of(cells) -> list[str]:
    """The header row's names, without the empty cells a spreadsheet leaves at its end."""
    names = [cell_text(c)[0] for c in cells]
    while names and not names[-1]:
        names.pop()
    return names


def chunks(items: Sequence, size: int = 500):
    """`items` in slices of `size`, for queries with a bounded number of parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportCommand:
    """The shape of every migration-import command (`qogam import-registry`, `qogam import-reports`):
    read FILE (or standard input), run `run_import(content, dry_run)`, print each problem as
    `row N: column: reason` on stderr and the summary on stdout; exit non-zero when nothing was written.

    Mixed into a BaseCommand by each command, which sets `help` and `run_import`.
    """

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file; - reads standard input")
        parser.add_argument("--dry-run", action="store_true", help="only validate; write nothing")

    def run_import(self, content: bytes, dry_run: bool) -> ImportOutcome:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, **options):
        import sys
        from pathlib import Path

        from django.core.management.base import CommandError

        from qogam.core.errors import QogamError

        try:
            content = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from None
        try:
            result = self.run_import(content, dry_run)
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        except QogamError as exc:
            raise CommandError(str(exc.message)) from None
        for problem in result.problems():
            self.stderr.write(str(problem))
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
