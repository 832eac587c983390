"""The annual report as an Excel workbook: a template to download and fill in, and the reading of a
filled-in workbook with the same validation as the form (issue 3, "Files: XLSX template").

The workbook has one sheet per kind of table, in this order:

1. the report: every number of the report, table by table, with its label and guidance;
2. founders: the BINs of legal-entity founders, one per row;
3. by direction: spending and volume of services split by charter direction;
4. foreign receipts and 5. foreign uses: one row each;

plus two hidden sheets: lists for the drop-downs, and the template's identity (format, BIN, year).
Labels are in the language of the user who downloads it; each sheet carries the field keys in a
hidden column or row, so a workbook is read the same way in any language. Labels and keys are
protected (no password: the protection only prevents accidental edits); the yellow cells are open,
with data validation (whole numbers of 0 or more, dates within the year, lists).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qogam.core.tabular import XLSX_MAGIC
from qogam.reporting import rules, schema
from qogam.reporting.schema import AMOUNT, BINS, BY_DIRECTION, COUNT, FIELDS, RECEIPTS, TABLES, USES

FORMAT = "qogam-annual-report"
FORMAT_VERSION = "1"
FILE = "file"  # the problems key of what concerns the workbook as a whole

SCALAR_KEYS = [f.key for f in FIELDS if f.kind in (COUNT, AMOUNT)]
BINS_KEY = next(f.key for f in FIELDS if f.kind == BINS)
BY_DIRECTION_KEYS = [f.key for f in FIELDS if f.kind == BY_DIRECTION]
RECEIPTS_KEY = next(f.key for f in FIELDS if f.kind == RECEIPTS)
USES_KEY = next(f.key for f in FIELDS if f.kind == USES)
RECEIPT_PARTS = rules.RECEIPT_KEYS
USE_PARTS = rules.USE_KEYS

# Sheets in order, by their role; titles are translated, so a workbook is recognised by the keys.
REPORT, FOUNDERS, DIRECTIONS, RECEIPTS_SHEET, USES_SHEET, LISTS, META = range(7)
SHEET_COUNT = 7
LISTS_TITLE, META_TITLE = "lists", "qogam"

KEY_HEADER_ROW = 1  # hidden row of keys on the list sheets
HEADING_ROW = 2
FIRST_LIST_ROW = 3
MIN_BLANK_ROWS = 100
FIRST_REPORT_ROW = 6  # main sheet: rows 1–4 describe the report, row 5 heads the columns

# Zip bombs: a workbook this much larger than its upload is refused before it is opened.
MAX_UNPACKED_RATIO = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format

_INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet_titles() -> list[str]:
    titles = [_("Report"), _("Founders"), _("By direction"), _("Foreign receipts"), _("Foreign uses")]
    return [_INVALID_TITLE.sub(" ", str(t))[:31] for t in titles] + [LISTS_TITLE, META_TITLE]


def _directions() -> list:
    from qogam.core.models import Direction

    return list(Direction.objects.order_by("code"))


def _source_type_labels() -> list[tuple[str, str]]:
    from qogam.reporting.models import ForeignFundingReceipt

    return [(code, str(label)) for code, label in ForeignFundingReceipt.SourceType.choices]


def _part_labels() -> dict[str, str]:
    from qogam.reporting.forms import PART_LABELS

    return {key: str(label) for key, label in PART_LABELS.items()}


# --- The template -----------------------------------------------------------------------------------


def _current_content(organisation, year: int) -> dict:
    """The draft of the report, else its latest filed version, else a blank report."""
    from qogam.reporting.models import AnnualReport

    report = AnnualReport.objects.filter(organisation=organisation, year=year).select_related("latest").first()
    if report is not None:
        if report.draft:
            return report.draft
        if report.latest is not None and report.latest.kind == "report":
            return report.latest.content
    return schema.empty_content()


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="BFBFBF")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(bold=True, size=14)
        self.bold = Font(bold=True)
        self.muted = Font(italic=True, color="595959")
        self.section_fill = PatternFill("solid", fgColor="DCE6F1")
        self.heading_fill = PatternFill("solid", fgColor="F2F2F2")
        self.input_fill = PatternFill("solid", fgColor="FFF2CC")
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.open = Protection(locked=False)


def _protect(sheet) -> None:
    sheet.protection.sheet = True
    # Let people widen columns and rows; everything else outside the yellow cells stays locked.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _whole_validation(*, positive: bool = False):
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="whole", operator="greaterThan" if positive else "greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle=str(_("Whole number"))[:32],
        error=str(_("Enter a whole number of 1 or more, without decimals.") if positive
                  else _("Enter a whole number of 0 or more, without decimals."))[:225],
    )
    return validation


def _date_validation(year: int):
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="date", operator="between", formula1=f"DATE({year},1,1)", formula2=f"DATE({year},12,31)",
        allow_blank=True, showErrorMessage=True, errorTitle=str(_("Date"))[:32],
        error=str(_("Enter a date within %(year)s, the reporting year.") % {"year": year})[:225],
    )


def _list_validation(reference: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(type="list", formula1=reference, allow_blank=True, showErrorMessage=True,
                          errorTitle=str(_("Choose from the list"))[:32],
                          error=str(_("Choose a value from the drop-down list."))[:225])


def _comment(text: str):
    from openpyxl.comments import Comment

    comment = Comment(text, "Qogam")
    comment.width, comment.height = 320, 160
    return comment


def _report_sheet(sheet, organisation, year, content, styles, titles) -> None:
    sheet.title = titles[REPORT]
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 90
    sheet["B1"] = _("Annual report of a non-profit organisation for %(year)s") % {"year": year}
    sheet["B1"].font = styles.title
    sheet["B2"] = _("%(name)s, BIN %(bin)s") % {"name": organisation.name, "bin": organisation.bin}
    sheet["B2"].font = styles.bold
    sheet["B3"] = _(
        "Fill in the yellow cells: whole numbers of 0 or more, amounts in whole tenge. Lists (founders' BINs, "
        "splits by direction, foreign funding) are on the next sheets. Then upload this file on the report's "
        "page in Qogam: it is checked like the form, and nothing is filed until you submit."
    )
    sheet["B3"].alignment = styles.wrap
    sheet.merge_cells("B3:D3")
    sheet.row_dimensions[3].height = 45
    sheet["B4"] = _("No names or IINs of employees or individuals are collected: aggregates only.")
    sheet["B4"].font = styles.muted
    for column, text in zip("BCD", (_("Field"), _("Value"), _("Guidance")), strict=True):
        cell = sheet[f"{column}5"]
        cell.value, cell.font, cell.fill, cell.border = text, styles.bold, styles.heading_fill, styles.border
    counts, amounts = _whole_validation(), _whole_validation()
    sheet.add_data_validation(counts)
    sheet.add_data_validation(amounts)
    others = {
        BINS: titles[FOUNDERS], BY_DIRECTION: titles[DIRECTIONS], RECEIPTS: titles[RECEIPTS_SHEET],
        USES: titles[USES_SHEET],
    }
    row = FIRST_REPORT_ROW
    for table in TABLES:
        fields = [f for f in FIELDS if f.table == table.code]
        listed = sorted({others[f.kind] for f in fields if f.kind in others})
        sheet.cell(row, 2, str(table.title)).font = styles.bold
        guidance = str(table.guidance)
        if listed:
            guidance += " " + _("See also the sheet(s): %(sheets)s.") % {"sheets": ", ".join(f"“{t}”" for t in listed)}
        sheet.cell(row, 4, guidance).alignment = styles.wrap
        for column in range(2, 5):
            sheet.cell(row, column).fill = styles.section_fill
        row += 1
        for f in fields:
            if f.kind not in (COUNT, AMOUNT):
                continue
            sheet.cell(row, 1, f.key)
            label = sheet.cell(row, 2, str(f.label))
            label.alignment, label.border = styles.wrap, styles.border
            value = sheet.cell(row, 3, content.get(f.key) or 0)
            value.fill, value.protection, value.border = styles.input_fill, styles.open, styles.border
            value.number_format = "#,##0" if f.kind == AMOUNT else "0"
            (amounts if f.kind == AMOUNT else counts).add(value.coordinate)
            note = sheet.cell(row, 4, str(f.guidance))
            note.alignment = styles.wrap
            if f.guidance:
                label.comment = _comment(str(f.guidance))
            row += 1
    sheet.freeze_panes = f"A{FIRST_REPORT_ROW}"
    _protect(sheet)


def _list_sheet(sheet, title, keys, headings, widths, styles, *, guidance="", notes=None) -> None:
    """A sheet of rows: hidden row 1 holds the keys, row 2 the headings, data from row 3."""
    from openpyxl.utils import get_column_letter

    sheet.title = title
    notes = notes or {}
    for i, (key, heading, width) in enumerate(zip(keys, headings, widths, strict=True), start=1):
        sheet.cell(KEY_HEADER_ROW, i, key)
        cell = sheet.cell(HEADING_ROW, i, heading)
        cell.font, cell.fill, cell.border, cell.alignment = styles.bold, styles.heading_fill, styles.border, styles.wrap
        if notes.get(key):
            cell.comment = _comment(notes[key])
        sheet.column_dimensions[get_column_letter(i)].width = width
    if guidance:
        sheet.cell(HEADING_ROW, 1).comment = _comment(guidance)
    sheet.row_dimensions[KEY_HEADER_ROW].hidden = True
    sheet.freeze_panes = f"A{FIRST_LIST_ROW}"


def _open_cells(sheet, row: int, columns: range, styles) -> None:
    for column in columns:
        cell = sheet.cell(row, column)
        cell.fill, cell.protection, cell.border = styles.input_fill, styles.open, styles.border


def _founders_sheet(sheet, content, styles, titles) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    field = schema.FIELDS_BY_KEY[BINS_KEY]
    _list_sheet(sheet, titles[FOUNDERS], [BINS_KEY], [str(field.label)], [40], styles,
                guidance=f"{field.guidance} {schema.TABLES[0].guidance}")
    bins = [str(b) for b in content.get(BINS_KEY) or []]
    validation = DataValidation(type="textLength", operator="equal", formula1="12", allow_blank=True,
                                showErrorMessage=True, errorTitle=str(_("BIN"))[:32],
                                error=str(_("A BIN has 12 digits."))[:225])
    sheet.add_data_validation(validation)
    last = FIRST_LIST_ROW + max(len(bins) + MIN_BLANK_ROWS // 2, MIN_BLANK_ROWS // 2)
    for row in range(FIRST_LIST_ROW, last):
        cell = sheet.cell(row, 1, bins[row - FIRST_LIST_ROW] if row - FIRST_LIST_ROW < len(bins) else None)
        cell.number_format = "@"
        _open_cells(sheet, row, range(1, 2), styles)
    validation.add(f"A{FIRST_LIST_ROW}:A{last - 1}")
    _protect(sheet)


def _directions_sheet(sheet, content, directions, styles, titles) -> None:
    labels = [str(schema.FIELDS_BY_KEY[k].label) for k in BY_DIRECTION_KEYS]
    notes = {k: str(schema.FIELDS_BY_KEY[k].guidance) for k in BY_DIRECTION_KEYS}
    _list_sheet(sheet, titles[DIRECTIONS], ["direction", "", *BY_DIRECTION_KEYS],
                [_("Code"), _("Charter direction"), *labels], [4, 60, 26, 26], styles, notes=notes)
    sheet.column_dimensions["A"].hidden = True
    amounts = _whole_validation()
    sheet.add_data_validation(amounts)
    row = FIRST_LIST_ROW
    for direction in directions:
        sheet.cell(row, 1, direction.code)
        sheet.cell(row, 2, direction.name).border = styles.border
        for offset, key in enumerate(BY_DIRECTION_KEYS, start=3):
            amount = (content.get(key) or {}).get(direction.code)
            cell = sheet.cell(row, offset, amount or None)
            cell.number_format = "#,##0"
        _open_cells(sheet, row, range(3, 3 + len(BY_DIRECTION_KEYS)), styles)
        row += 1
    if directions:
        amounts.add(f"C{FIRST_LIST_ROW}:{chr(ord('C') + len(BY_DIRECTION_KEYS) - 1)}{row - 1}")
    total = sheet.cell(row, 2, _("Total (must equal the total on the first sheet)"))
    total.font = styles.bold
    for offset in range(3, 3 + len(BY_DIRECTION_KEYS)):
        letter = chr(ord("A") + offset - 1)
        cell = sheet.cell(row, offset, f"=SUM({letter}{FIRST_LIST_ROW}:{letter}{row - 1})")
        cell.font, cell.number_format = styles.bold, "#,##0"
    _protect(sheet)


def _receipts_sheet(sheet, year, content, source_types, styles, titles, parts) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    field = schema.FIELDS_BY_KEY[RECEIPTS_KEY]
    _list_sheet(sheet, titles[RECEIPTS_SHEET], list(RECEIPT_PARTS), [parts[p] for p in RECEIPT_PARTS],
                [30, 14, 18, 16, 60], styles, guidance=f"{field.guidance} {schema.TABLES[-1].guidance}")
    labels = dict(source_types)
    rows = content.get(RECEIPTS_KEY) or []
    last = FIRST_LIST_ROW + len(rows) + MIN_BLANK_ROWS
    kinds = _list_validation(f"'{LISTS_TITLE}'!$A$1:$A${len(source_types)}")
    country = DataValidation(type="textLength", operator="equal", formula1="2", allow_blank=True,
                             showErrorMessage=True, errorTitle=str(_("Country"))[:32],
                             error=str(_("Enter the two-letter ISO code of the country, for example DE."))[:225])
    amounts, dates = _whole_validation(positive=True), _date_validation(year)
    purpose = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(rules.PURPOSE_MAX),
                             allow_blank=True, showErrorMessage=True, errorTitle=str(_("Purpose"))[:32],
                             error=str(_("Shorten the purpose to %(max)s characters.")
                                       % {"max": rules.PURPOSE_MAX})[:225])
    for validation in (kinds, country, amounts, dates, purpose):
        sheet.add_data_validation(validation)
    for i, row in enumerate(range(FIRST_LIST_ROW, last)):
        item = rows[i] if i < len(rows) else {}
        sheet.cell(row, 1, labels.get(item.get("source_type"), item.get("source_type")) or None)
        sheet.cell(row, 2, item.get("country") or None)
        sheet.cell(row, 3, item.get("amount_kzt") or None).number_format = "#,##0"
        sheet.cell(row, 4, rules.parse_date(item.get("received_on")) or item.get("received_on") or None)
        sheet.cell(row, 4).number_format = "yyyy-mm-dd"
        sheet.cell(row, 5, item.get("purpose") or None).alignment = styles.wrap
        _open_cells(sheet, row, range(1, 6), styles)
    end = last - 1
    kinds.add(f"A{FIRST_LIST_ROW}:A{end}")
    country.add(f"B{FIRST_LIST_ROW}:B{end}")
    amounts.add(f"C{FIRST_LIST_ROW}:C{end}")
    dates.add(f"D{FIRST_LIST_ROW}:D{end}")
    purpose.add(f"E{FIRST_LIST_ROW}:E{end}")
    _protect(sheet)


def _uses_sheet(sheet, year, content, directions, styles, titles, parts) -> None:
    field = schema.FIELDS_BY_KEY[USES_KEY]
    _list_sheet(sheet, titles[USES_SHEET], list(USE_PARTS), [parts[p] for p in USE_PARTS], [16, 16, 18, 60],
                styles, guidance=str(field.guidance))
    names = {d.code: d.name for d in directions}
    rows = content.get(USES_KEY) or []
    last = FIRST_LIST_ROW + len(rows) + MIN_BLANK_ROWS
    dates, amounts = _date_validation(year), _whole_validation(positive=True)
    direction = _list_validation(f"'{LISTS_TITLE}'!$B$1:$B${max(1, len(directions))}")
    for validation in (dates, amounts, direction):
        sheet.add_data_validation(validation)
    for i, row in enumerate(range(FIRST_LIST_ROW, last)):
        item = rows[i] if i < len(rows) else {}
        for column, key in ((1, "period_start"), (2, "period_end")):
            cell = sheet.cell(row, column, rules.parse_date(item.get(key)) or item.get(key) or None)
            cell.number_format = "yyyy-mm-dd"
        sheet.cell(row, 3, item.get("amount_kzt") or None).number_format = "#,##0"
        sheet.cell(row, 4, names.get(item.get("direction"), item.get("direction")) or None)
        _open_cells(sheet, row, range(1, 5), styles)
    end = last - 1
    dates.add(f"A{FIRST_LIST_ROW}:B{end}")
    amounts.add(f"C{FIRST_LIST_ROW}:C{end}")
    direction.add(f"D{FIRST_LIST_ROW}:D{end}")
    _protect(sheet)


def template_workbook(organisation, year: int, content: dict | None = None) -> bytes:
    """The report of `organisation` for `year` as an XLSX template, prefilled with `content` (by
    default the current draft, else the latest filed version), labelled in the active language."""
    from openpyxl import Workbook

    content = content if content is not None else _current_content(organisation, year)
    content = {**schema.empty_content(), **(content or {})}
    styles = _Styles()
    titles = _sheet_titles()
    directions = _directions()
    source_types = _source_type_labels()
    parts = _part_labels()

    workbook = Workbook()
    _report_sheet(workbook.active, organisation, year, content, styles, titles)
    _founders_sheet(workbook.create_sheet(), content, styles, titles)
    _directions_sheet(workbook.create_sheet(), content, directions, styles, titles)
    _receipts_sheet(workbook.create_sheet(), year, content, source_types, styles, titles, parts)
    _uses_sheet(workbook.create_sheet(), year, content, directions, styles, titles, parts)

    lists = workbook.create_sheet(LISTS_TITLE)
    for row, (code, label) in enumerate(source_types, start=1):
        lists.cell(row, 1, label)
        lists.cell(row, 3, code)
    for row, direction in enumerate(directions, start=1):
        lists.cell(row, 2, direction.name)
        lists.cell(row, 4, direction.code)
    lists.sheet_state = "hidden"
    _protect(lists)

    meta = workbook.create_sheet(META_TITLE)
    for row, (key, value) in enumerate((
        ("format", FORMAT), ("format_version", FORMAT_VERSION), ("bin", organisation.bin), ("year", year),
        ("language", translation.get_language() or settings.LANGUAGE_CODE),
        ("generated_at", timezone.now().isoformat(timespec="seconds")),
    ), start=1):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value).number_format = "@"
    meta.sheet_state = "veryHidden"
    _protect(meta)

    workbook.active = 0
    workbook.properties.title = str(_("Annual report for %(year)s") % {"year": year})
    workbook.properties.creator = "Qogam"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading a filled-in workbook -------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class _Located:
    """Where each key's value came from, to name the cell in a message."""

    sheet_titles: list[str]
    cells: dict[str, str]  # key -> "C12"
    rows: dict[str, dict[int, int]]  # list key -> {index in the list: sheet row}
    direction_rows: dict[str, int]  # direction code -> sheet row

    def where(self, key: str) -> str:
        top, _dot, rest = key.partition(".")
        if top in self.cells:
            return _("sheet “%(sheet)s”, cell %(cell)s") % {"sheet": self.sheet_titles[REPORT],
                                                            "cell": self.cells[top]}
        if top in BY_DIRECTION_KEYS:
            sheet = self.sheet_titles[DIRECTIONS]
            if rest in self.direction_rows:
                return _("sheet “%(sheet)s”, row %(row)d") % {"sheet": sheet, "row": self.direction_rows[rest]}
            return _("sheet “%(sheet)s”") % {"sheet": sheet}
        index_sheet = {BINS_KEY: FOUNDERS, RECEIPTS_KEY: RECEIPTS_SHEET, USES_KEY: USES_SHEET}
        if top in index_sheet:
            sheet = self.sheet_titles[index_sheet[top]]
            index = rest.split(".", 1)[0]
            if index.isdigit() and int(index) in self.rows.get(top, {}):
                return _("sheet “%(sheet)s”, row %(row)d") % {"sheet": sheet, "row": self.rows[top][int(index)]}
            return _("sheet “%(sheet)s”") % {"sheet": sheet}
        return ""


def _refuse_upload(data: bytes) -> None:
    limit = settings.QOGAM_MAX_UPLOAD_BYTES
    if not data:
        raise _Refused(_("The file is empty. Download the template of the report, fill it in and upload it."))
    if len(data) > limit:
        raise _Refused(_("The file is %(size)s MB; the limit is %(limit)s MB. Upload the filled-in template itself, "
                         "without pictures or extra sheets.") % {"size": f"{len(data) / 1048576:.1f}",
                                                                 "limit": f"{limit / 1048576:.0f}"})
    if data.startswith(OLE_MAGIC):
        raise _Refused(_("This is an old-format Excel file (.xls). Open it in Excel and save it as an Excel "
                         "workbook (.xlsx), then upload it again."))
    if not data.startswith(XLSX_MAGIC):
        raise _Refused(_("This is not an Excel workbook (.xlsx). Download the template of the report, fill it in "
                         "and upload it as .xlsx."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _Refused(_("The workbook is damaged and cannot be opened. Save it again as .xlsx and upload it.")) \
            from None
    if unpacked > max(limit, len(data)) * MAX_UNPACKED_RATIO:
        raise _Refused(_("The workbook is too large once unpacked. Upload the filled-in template itself."))


def _load(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged or foreign files
        raise _Refused(_("The workbook cannot be read. Download the template of the report again, copy your "
                         "numbers into it and upload it as .xlsx.")) from None


def _wrong_layout():
    return _Refused(_("This workbook is not the Qogam template of the annual report, or its sheets, rows or "
                      "columns were changed. Download the template of the report, fill in the yellow cells "
                      "only, and upload it."))


def _meta(workbook) -> dict:
    try:
        sheet = workbook[META_TITLE]
    except KeyError:
        raise _wrong_layout() from None
    values = {str(sheet.cell(row, 1).value or ""): sheet.cell(row, 2).value for row in range(1, 10)}
    if values.get("format") != FORMAT or str(values.get("format_version")) != FORMAT_VERSION:
        raise _wrong_layout()
    try:
        values["year"] = int(values.get("year"))
    except (TypeError, ValueError):
        raise _wrong_layout() from None
    values["bin"] = str(values.get("bin") or "")
    return values


def _keys_in_row(sheet, row: int, width: int) -> list:
    return [sheet.cell(row, column).value or "" for column in range(1, width + 1)]


def _check_layout(workbook) -> list[str]:
    """The sheet titles of the workbook when its layout is the template's; else refuse it."""
    sheets = workbook.worksheets
    if len(sheets) != SHEET_COUNT or sheets[LISTS].title != LISTS_TITLE or sheets[META].title != META_TITLE:
        raise _wrong_layout()
    report_keys = [sheets[REPORT].cell(row, 1).value for row in range(FIRST_REPORT_ROW, sheets[REPORT].max_row + 1)]
    if [k for k in report_keys if k] != SCALAR_KEYS:
        raise _wrong_layout()
    expected = {
        FOUNDERS: [BINS_KEY],
        DIRECTIONS: ["direction", "", *BY_DIRECTION_KEYS],
        RECEIPTS_SHEET: list(RECEIPT_PARTS),
        USES_SHEET: list(USE_PARTS),
    }
    for index, keys in expected.items():
        if _keys_in_row(sheets[index], KEY_HEADER_ROW, len(keys) + 1) != [*keys, ""]:
            raise _wrong_layout()
    return [sheet.title for sheet in sheets]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice_lookup(pairs_by_language) -> dict[str, str]:
    lookup = {}
    for code, labels in pairs_by_language.items():
        lookup[code.casefold()] = code
        for label in labels:
            if label:
                lookup[label.strip().casefold()] = code
    return lookup


def _source_type_lookup() -> dict[str, str]:
    labels: dict[str, list[str]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in _source_type_labels():
                labels.setdefault(code, []).append(label)
    return _choice_lookup(labels)


def _direction_lookup(directions) -> dict[str, str]:
    return _choice_lookup({d.code: [d.name_kk, d.name_ru, d.name_en] for d in directions})


def _read_raw(workbook, titles: list[str]) -> tuple[dict, _Located]:
    sheets = workbook.worksheets
    directions = _directions()
    located = _Located(titles, {}, {}, {})
    raw: dict = {}

    report = sheets[REPORT]
    for row in range(FIRST_REPORT_ROW, report.max_row + 1):
        key = report.cell(row, 1).value
        if key in SCALAR_KEYS:
            raw[key] = report.cell(row, 3).value
            located.cells[key] = f"C{row}"

    founders = sheets[FOUNDERS]
    bins, located.rows[BINS_KEY] = [], {}
    for row in range(FIRST_LIST_ROW, founders.max_row + 1):
        value = founders.cell(row, 1).value
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
            value = str(int(value)).zfill(12)  # a BIN typed as a number loses its leading zeros
        text = _text(value)
        if text:
            located.rows[BINS_KEY][len(bins)] = row
            bins.append(text)
    raw[BINS_KEY] = bins

    by_direction = sheets[DIRECTIONS]
    known = {d.code for d in directions}
    for key in BY_DIRECTION_KEYS:
        raw[key] = {}
    for row in range(FIRST_LIST_ROW, by_direction.max_row + 1):
        code = _text(by_direction.cell(row, 1).value)
        if not code:
            continue
        if code not in known:
            raise _wrong_layout()
        located.direction_rows[code] = row
        for offset, key in enumerate(BY_DIRECTION_KEYS, start=3):
            value = by_direction.cell(row, offset).value
            if value not in (None, ""):
                raw[key][code] = value

    source_types = _source_type_lookup()
    direction_codes = _direction_lookup(directions)
    for key, index, parts in ((RECEIPTS_KEY, RECEIPTS_SHEET, RECEIPT_PARTS), (USES_KEY, USES_SHEET, USE_PARTS)):
        sheet = sheets[index]
        items, located.rows[key] = [], {}
        for row in range(FIRST_LIST_ROW, sheet.max_row + 1):
            values = {part: sheet.cell(row, column).value for column, part in enumerate(parts, start=1)}
            if all(_text(v) == "" for v in values.values()):
                continue
            if "source_type" in values:
                text = _text(values["source_type"])
                values["source_type"] = source_types.get(text.casefold(), text)
            if "direction" in values:
                text = _text(values["direction"])
                values["direction"] = direction_codes.get(text.casefold(), text)
            for part in ("country", "purpose"):
                if part in values:
                    values[part] = _text(values[part])
            located.rows[key][len(items)] = row
            items.append(values)
        raw[key] = items
    return raw, located


def _add(problems: dict[str, list[str]], key: str, message: str, located: _Located | None = None) -> None:
    where = located.where(key) if located else ""
    text = f"{where}: {message}" if where else str(message)
    if text not in problems.get(key, []):
        problems.setdefault(key, []).append(text)


def read_workbook(data: bytes, *, organisation=None, year: int | None = None) -> tuple[dict, dict[str, list[str]]]:
    """The report content of a filled-in template, and its problems by field key.

    The upload is refused as a whole (problems under "file", content blank) when it is too large
    (settings.QOGAM_MAX_UPLOAD_BYTES), not an .xlsx, unreadable, not the template's layout, or the
    template of another report than (`organisation`, `year`) when these are given. Otherwise the
    values are read, normalised and validated exactly as the form's (rules.normalise_content and
    rules.validate_content); each error message names the sheet and cell or row it comes from.
    Warnings are not returned: they never block (services validate again when filing).
    """
    problems: dict[str, list[str]] = {}
    try:
        _refuse_upload(data)
        workbook = _load(data)
        try:
            titles = _check_layout(workbook)
            meta = _meta(workbook)
            if organisation is not None and year is not None and (meta["bin"], meta["year"]) != (organisation.bin,
                                                                                                   year):
                raise _Refused(_(
                    "This workbook is the template of the report of BIN %(bin)s for %(year)s, not of this report "
                    "(BIN %(this_bin)s, %(this_year)s). Download the template of this report and fill it in."
                ) % {"bin": meta["bin"], "year": meta["year"], "this_bin": organisation.bin, "this_year": year})
            raw, located = _read_raw(workbook, titles)
        finally:
            workbook.close()
    except _Refused as refused:
        return schema.empty_content(), {FILE: [refused.message]}

    content, errors = rules.normalise_content(raw)
    for key, messages in errors.items():
        for message in messages:
            _add(problems, key, message, located)
    organisation = organisation or _organisation_of(meta["bin"])
    if organisation is not None:
        from qogam.reporting.services import direction_codes

        issues = rules.validate_content(
            content, year=year or meta["year"], registered_year=organisation.registered_on.year,
            liquidated_year=organisation.liquidated_on.year if organisation.liquidated_on else None,
            today=timezone.localdate(), direction_codes=direction_codes(),
        )
        for key, messages in issues.errors.items():
            for message in messages:
                _add(problems, key, message, located)
    return content, problems


def _organisation_of(bin_: str):
    from qogam.registry.models import Organisation

    return Organisation.objects.filter(bin=bin_).first()


def filename(organisation, year: int) -> str:
    """The download's file name: report-<BIN>-<year>.xlsx."""
    return f"report-{organisation.bin}-{year}.xlsx"


__all__ = ["FILE", "filename", "read_workbook", "template_workbook"]
