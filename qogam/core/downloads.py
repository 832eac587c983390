"""Table downloads for public pages: CSV (UTF-8 with a byte-order mark, so spreadsheets read Cyrillic)
and XLSX, with text cells a spreadsheet will not run as formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def safe_cell(value):
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ gets a leading quote."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """The table as CSV text with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for line in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in line])
    return "\ufeff" + buffer.getvalue()


def xlsx_bytes(title: str, header: Sequence, rows: Iterable[Sequence], widths: Sequence[int] = ()) -> bytes:
    """One sheet named `title` (31 characters at most): a bold, frozen header row and the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in rows:
        sheet.append([safe_cell(value) for value in line])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    return _attachment(HttpResponse(csv_text(header, rows), content_type=CSV_CONTENT_TYPE), filename)


def xlsx_response(filename: str, title: str, header: Sequence, rows: Iterable[Sequence],
                  widths: Sequence[int] = ()) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(title, header, rows, widths), content_type=XLSX_CONTENT_TYPE),
                       filename)
