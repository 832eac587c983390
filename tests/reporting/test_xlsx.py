"""The XLSX template of the annual report: download → fill in → upload gives the same content, in any
language; labels are protected and values validated; uploads are checked (size, type, layout, the
right report) and then validated like the form, with every message naming its cell or row."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from qogam.core.models import Direction
from qogam.reporting import rules, schema, services, xlsx
from tests.registry import xlsx_bytes
from tests.reporting.factories import valid_content

pytestmark = pytest.mark.django_db

YEAR = 2023


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def value_cell(sheet, key: str):
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == key:
            return sheet.cell(row, 3)
    raise KeyError(key)


def test_round_trip_of_a_complete_report(org):
    content = valid_content(YEAR, founders_legal_entities=["150640000100"])
    data = xlsx.template_workbook(org, YEAR, content)
    assert data.startswith(b"PK\x03\x04")
    read, problems = xlsx.read_workbook(data, organisation=org, year=YEAR)
    assert problems == {}
    assert read == rules.normalise_content(content)[0]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_download_fill_upload_gives_the_same_content_in_every_language(org, language):
    with translation.override(language):
        data = xlsx.template_workbook(org, YEAR, schema.empty_content())
    book = workbook(data)
    report, founders, directions, receipts, uses = book.worksheets[:5]
    expected = valid_content(YEAR)
    for key in xlsx.SCALAR_KEYS:
        value_cell(report, key).value = expected[key]
    founders["A3"] = "150640000100"
    expected["founders_legal_entities"] = ["150640000100"]
    rows = {directions.cell(r, 1).value: r for r in range(3, directions.max_row)}
    for code, amount in expected["spending_by_direction"].items():
        directions.cell(rows[code], 3).value = amount
    for code, amount in expected["services_by_activity"].items():
        directions.cell(rows[code], 4).value = amount
    # As a person fills it in: the drop-down labels of the template's language, dates typed as text.
    lists = book["lists"]
    source_labels = {lists.cell(r, 3).value: lists.cell(r, 1).value for r in range(1, 6)}
    direction_labels = {lists.cell(r, 4).value: lists.cell(r, 2).value for r in range(1, lists.max_row + 1)}
    for row, item in enumerate(expected["foreign_receipts"], start=3):
        receipts.cell(row, 1).value = source_labels[item["source_type"]]
        receipts.cell(row, 2).value = item["country"].lower()
        receipts.cell(row, 3).value = item["amount_kzt"]
        day = item["received_on"]
        receipts.cell(row, 4).value = f"{day[8:10]}.{day[5:7]}.{day[:4]}"
        receipts.cell(row, 5).value = item["purpose"]
    for row, item in enumerate(expected["foreign_uses"], start=3):
        uses.cell(row, 1).value = item["period_start"]
        uses.cell(row, 2).value = item["period_end"]
        uses.cell(row, 3).value = item["amount_kzt"]
        uses.cell(row, 4).value = direction_labels[item["direction"]]
    with translation.override("en"):
        read, problems = xlsx.read_workbook(saved(book), organisation=org, year=YEAR)
    assert problems == {}
    assert read == rules.normalise_content(expected)[0]


def test_the_template_is_prefilled_with_the_current_draft(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                               content={**schema.empty_content(), "members": 42, "beneficiaries": 7})
    book = workbook(xlsx.template_workbook(org, YEAR))
    assert value_cell(book.worksheets[0], "members").value == 42
    assert value_cell(book.worksheets[0], "beneficiaries").value == 7
    assert book.worksheets[0]["B2"].value.endswith(org.bin)


def test_labels_are_protected_values_open_and_validated(org):
    with translation.override("ru"):
        book = workbook(xlsx.template_workbook(org, YEAR, valid_content(YEAR)))
        label = str(schema.FIELDS_BY_KEY["employees"].label)
        guidance = str(schema.FIELDS_BY_KEY["income_foreign_kzt"].guidance)
        names = {d.name for d in Direction.objects.all()}
    report = book.worksheets[0]
    assert all(sheet.protection.sheet for sheet in book.worksheets)
    cell = value_cell(report, "employees")
    assert report.cell(cell.row, 2).value == label
    assert report.cell(cell.row, 2).protection.locked and not cell.protection.locked
    validations = report.data_validations.dataValidation
    covered = [v for v in validations if cell.coordinate in v.sqref]
    assert covered and covered[0].type == "whole" and covered[0].operator == "greaterThanOrEqual"
    assert covered[0].formula1 == "0"
    # Guidance: a column beside each field, and the table's guidance on its section row.
    income = value_cell(report, "income_foreign_kzt")
    assert report.cell(income.row, 4).value == guidance
    assert book["lists"].sheet_state == "hidden" and book["qogam"].sheet_state == "veryHidden"
    assert {c.value for c in book["lists"]["B"] if c.value} == names


def test_problems_name_the_cell_or_row(org):
    content = valid_content(YEAR)
    book = workbook(xlsx.template_workbook(org, YEAR, content))
    report, receipts = book.worksheets[0], book.worksheets[3]
    value_cell(report, "employees_age_under_30").value = 9
    value_cell(report, "payroll_kzt").value = "a lot"
    receipts["B4"] = "Germany"
    read, problems = xlsx.read_workbook(saved(book), organisation=org, year=YEAR)
    band = value_cell(report, "employees_age_under_30").coordinate
    assert any(f"cell {band}:" in m and "age bands" in m for m in problems["employees_age_under_30"])
    payroll = value_cell(report, "payroll_kzt").coordinate
    assert any(f"cell {payroll}:" in m and "whole number" in m for m in problems["payroll_kzt"])
    assert any("row 4:" in m and "two-letter" in m for m in problems["foreign_receipts.1.country"])
    assert "file" not in problems


def test_too_large_files_are_refused(org, settings):
    data = xlsx.template_workbook(org, YEAR)
    settings.QOGAM_MAX_UPLOAD_BYTES = len(data) - 1
    content, problems = xlsx.read_workbook(data, organisation=org, year=YEAR)
    assert list(problems) == ["file"] and "limit" in problems["file"][0]
    assert content == schema.empty_content()


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"bin,year\n150640000100,2023\n", "not an Excel workbook"),
    (b"%PDF-1.7 a scanned report", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old-format Excel file (.xls)"),
    (b"PK\x03\x04 broken", "damaged"),
])
def test_wrong_types_are_refused(org, data, words):
    _content, problems = xlsx.read_workbook(data, organisation=org, year=YEAR)
    assert list(problems) == ["file"] and words in problems["file"][0]


def test_a_zip_that_is_not_a_workbook_is_refused(org):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "employees=5")
    _content, problems = xlsx.read_workbook(buffer.getvalue(), organisation=org, year=YEAR)
    assert list(problems) == ["file"] and "cannot be read" in problems["file"][0]


def test_a_zip_bomb_is_refused_before_it_is_opened(org, settings):
    settings.QOGAM_MAX_UPLOAD_BYTES = 10_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)
    assert len(buffer.getvalue()) < 10_000
    _content, problems = xlsx.read_workbook(buffer.getvalue(), organisation=org, year=YEAR)
    assert "too large once unpacked" in problems["file"][0]


def test_another_workbook_or_a_changed_layout_is_refused(org):
    other = xlsx_bytes([["150640000100", 2023]], header=["bin", "year"])
    _content, problems = xlsx.read_workbook(other, organisation=org, year=YEAR)
    assert "not the Qogam template" in problems["file"][0]

    book = workbook(xlsx.template_workbook(org, YEAR))
    book.worksheets[0].insert_rows(10)
    book.worksheets[0]["A10"] = "my_own_field"
    _content, problems = xlsx.read_workbook(saved(book), organisation=org, year=YEAR)
    assert "not the Qogam template" in problems["file"][0]

    book = workbook(xlsx.template_workbook(org, YEAR))
    book.worksheets[3].delete_cols(2)
    _content, problems = xlsx.read_workbook(saved(book), organisation=org, year=YEAR)
    assert "not the Qogam template" in problems["file"][0]


def test_the_template_of_another_report_is_refused(org):
    data = xlsx.template_workbook(org, YEAR - 1)
    _content, problems = xlsx.read_workbook(data, organisation=org, year=YEAR)
    assert "template of the report of BIN" in problems["file"][0] and str(YEAR - 1) in problems["file"][0]
    # Without a report to compare with, the workbook's own BIN and year decide the validation.
    content, problems = xlsx.read_workbook(data)
    assert problems == {} and content == schema.empty_content()
