"""`qogam import-reports`: every rejection reason the issue lists, warnings that never change the exit
code, all-or-nothing with spreadsheet row numbers, duplicates, idempotency per (bin, year), the
liquidation-year rule, CSV with and without BOM, XLSX, and the same result as the filing service."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone

from qogam.core import audit
from qogam.core.models import AuditEntry, LegalForm
from qogam.reporting import rules, schema, services
from qogam.reporting.importer import COLUMNS, import_reports
from qogam.reporting.models import ActivitySign, AnnualReport, ForeignFundingReceipt, ReportVersion
from tests.factories import OrganisationFactory
from tests.registry import csv_bytes, xlsx_bytes
from tests.reporting.factories import submitted

pytestmark = pytest.mark.django_db

YEAR = 2023


def row(organisation, year=YEAR, **overrides) -> dict:
    """A valid import row (cells as text): a small active NGO."""
    values = {
        "bin": organisation.bin, "year": str(year), "employees": "4", "employees_women": "3",
        "employees_with_disability": "0", "employees_age_under_30": "1", "employees_age_30_59": "2",
        "employees_age_60_plus": "1", "employees_higher_education": "4", "payroll_kzt": "9600000",
        "volunteers": "6", "volunteer_hours": "240", "beneficiaries": "300", "services_volume_kzt": "5000000",
        "income_state_social_order_kzt": "0", "income_state_grants_kzt": "8000000", "income_awards_kzt": "0",
        "income_foreign_kzt": "0", "income_charity_sponsorship_kzt": "2000000", "income_membership_fees_kzt": "50000",
        "income_commercial_kzt": "0", "income_deposit_interest_kzt": "12000", "income_other_kzt": "0",
        "expenses_kzt": "9800000", "tax_cit_kzt": "0", "tax_vat_kzt": "0", "tax_social_kzt": "450000",
        "tax_iit_withheld_kzt": "860000", "tax_property_kzt": "0", "tax_other_kzt": "15000",
    }
    values.update({k: str(v) for k, v in overrides.items()})
    return values


def as_csv(rows, **kwargs) -> bytes:
    return csv_bytes(rows, header=COLUMNS, **kwargs)


def run(tmp_path, content: bytes, *args, name="reports.csv"):
    """Run the command: (exit code, stdout, stderr lines)."""
    path = tmp_path / name
    path.write_bytes(content)
    out, err = StringIO(), StringIO()
    try:
        call_command("import-reports", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue().splitlines()


@pytest.fixture
def ngo(committee):
    return OrganisationFactory(registered_on=dt.date(2015, 6, 1))


def test_valid_rows_become_submitted_versions(tmp_path, ngo, committee):
    other = OrganisationFactory(registered_on=dt.date(2019, 2, 1))
    code, out, err = run(tmp_path, as_csv([row(ngo), row(ngo, year=2022), row(other, year=2021)]))
    assert code == 0, err
    assert "3 filed as new report versions, 0 unchanged" in out
    report = AnnualReport.objects.get(organisation=ngo, year=YEAR)
    version = report.latest
    assert report.status == "submitted" and report.version == 2 and report.draft == version.content
    assert version.number == 1 and version.source == "import" and version.kind == "report"
    assert version.submitted_by is None and version.late is False and version.receiving_body == committee
    assert version.employees == 4 and version.payroll_kzt == 9_600_000 and version.tax_other_kzt == 15_000
    assert version.content["members"] == 0 and version.content["foreign_receipts"] == []
    assert version.content_hash == rules.content_hash(version.content)
    assert rules.parse_receipt_number(version.receipt_number) == (YEAR, report.pk, 1)
    sign = ActivitySign.objects.get(organisation=ngo, year=YEAR)
    assert sign.active and sign.employees and sign.volunteers and sign.services and sign.expenses
    assert sign.version == version
    entries = AuditEntry.objects.filter(object_type="reporting.reportversion", object_id=str(version.pk))
    assert [(e.action, e.actor) for e in entries] == [("report_submit", "system")]
    assert audit.verify().ok


def test_a_zero_report_is_accepted_and_shows_no_activity(tmp_path, ngo):
    zeros = row(ngo, **{c: "0" for c in schema.IMPORT_COLUMNS})
    code, _out, err = run(tmp_path, as_csv([zeros]))
    assert code == 0, err
    assert ActivitySign.objects.get(organisation=ngo, year=YEAR).active is False


REJECTIONS = [
    # (overrides, column) — one per reason the issue lists
    ({"employees": "-1"}, "employees"),
    ({"payroll_kzt": "1500.50"}, "payroll_kzt"),
    ({"payroll_kzt": "1 500"}, "payroll_kzt"),
    ({"income_other_kzt": "abc"}, "income_other_kzt"),
    ({"tax_vat_kzt": ""}, "tax_vat_kzt"),
    ({"volunteers": "2.5"}, "volunteers"),
    ({"employees_age_under_30": "2"}, "employees"),
    ({"employees_women": "5"}, "employees_women"),
    ({"employees_with_disability": "5"}, "employees_with_disability"),
    ({"employees_higher_education": "5"}, "employees_higher_education"),
    ({"volunteers": "0", "volunteer_hours": "10"}, "volunteer_hours"),
    ({"bin": "150640000101"}, "bin"),  # check digit wrong
    ({"bin": "12345"}, "bin"),
    ({"bin": ""}, "bin"),
    ({"year": "2014"}, "year"),  # before registration (2015)
    ({"year": "twenty"}, "year"),
    ({"year": ""}, "year"),
]


@pytest.mark.parametrize(("overrides", "column"), REJECTIONS)
def test_each_rejection_reason(tmp_path, ngo, overrides, column):
    rows = [row(ngo, year=2022), row(ngo, **overrides)]
    code, _out, err = run(tmp_path, as_csv(rows))
    assert code != 0
    problems = [line for line in err if line.startswith("row ") and ": warning: " not in line]
    assert problems and all(line.startswith(f"row 3: {column}: ") for line in problems), err
    assert "1 row was rejected; nothing was written" in err[-1]
    assert not ReportVersion.objects.exists() and not AnnualReport.objects.exists()


def test_a_bin_not_in_the_register_is_rejected(tmp_path, ngo):
    from tests.factories import next_bin

    stranger = next_bin(dt.date(2016, 1, 1))
    code, _out, err = run(tmp_path, as_csv([{**row(ngo), "bin": stranger}]))
    assert code != 0
    assert err[0].startswith(f"row 2: bin: {stranger} is not in the register")


def test_a_year_in_the_future_is_rejected_but_the_current_year_is_not(tmp_path, ngo):
    this_year = timezone.localdate().year
    code, _out, err = run(tmp_path, as_csv([row(ngo, year=this_year + 1)]))
    assert code != 0 and err[0].startswith("row 2: year: ") and "future" in err[0]
    code, _out, err = run(tmp_path, as_csv([row(ngo, year=this_year)]))
    assert code == 0, err
    assert any(line.startswith("row 2: year: warning: ") for line in err)


def test_reports_up_to_and_including_the_liquidation_year_of_any_organisation(tmp_path, committee):
    liquidated = OrganisationFactory(registered_on=dt.date(2012, 4, 1), status="liquidated",
                                     liquidated_on=dt.date(2022, 8, 15))
    religious = OrganisationFactory(legal_form=LegalForm.objects.get(code="religious_association"))
    assert not religious.legal_form.is_ngo
    code, _out, err = run(tmp_path, as_csv([row(liquidated, year=2022), row(religious, year=2022)]))
    assert code == 0, err
    assert ReportVersion.objects.count() == 2
    code, _out, err = run(tmp_path, as_csv([row(liquidated, year=2023)]))
    assert code != 0
    assert err[0].startswith("row 2: year: 2023 is after the organisation was liquidated (2022)")


def test_a_repeated_bin_and_year_is_reported_on_the_later_row(tmp_path, ngo):
    rows = [row(ngo), row(ngo, year=2022), row(ngo, employees_women="1")]
    code, _out, err = run(tmp_path, as_csv(rows))
    assert code != 0
    assert "row 4: bin: duplicate of row 2" in err
    assert not ReportVersion.objects.exists()


def test_all_or_nothing_with_every_problem_and_spreadsheet_row_numbers(tmp_path, ngo):
    other = OrganisationFactory()
    rows = [row(ngo), row(other, employees="x"), {}, row(ngo, year=2022, volunteers="0")]
    code, _out, err = run(tmp_path, as_csv(rows))
    assert code != 0
    errors = [line for line in err if line.startswith("row ") and ": warning: " not in line]
    assert errors == [
        "row 3: employees: “x” is not a whole number; enter digits only, without decimals, spaces or letters "
        "(amounts are whole tenge)",
        "row 5: volunteer_hours: 240 hours but volunteers is 0; the hours must be 0 when there are no volunteers",
    ]
    assert "2 rows were rejected; nothing was written" in err[-1]
    assert not AnnualReport.objects.exists() and not AuditEntry.objects.filter(action="report_submit").exists()


def test_other_checks_are_warnings_and_do_not_change_the_exit_code(tmp_path, ngo):
    rows = [row(ngo, expenses_kzt="99000000"),  # spending above income
            row(ngo, year=2022, employees="0", employees_women="0", employees_age_under_30="0",
                employees_age_30_59="0", employees_age_60_plus="0", employees_higher_education="0",
                payroll_kzt="0", tax_iit_withheld_kzt="0", tax_social_kzt="300000"),  # social tax, nobody employed
            row(ngo, year=2021, income_foreign_kzt="500000")]  # foreign income without receipts
    code, out, err = run(tmp_path, as_csv(rows))
    assert code == 0, err
    assert any(line.startswith("row 2: expenses_kzt: warning: Spending") for line in err)
    assert any(line.startswith("row 3: tax_social_kzt: warning: Social tax") for line in err)
    assert any(line.startswith("row 4: income_foreign_kzt: warning: ") for line in err)
    assert "3 filed as new report versions" in out
    assert ReportVersion.objects.count() == 3


def test_idempotent_per_bin_and_year(tmp_path, ngo):
    content = as_csv([row(ngo), row(ngo, year=2022)])
    assert run(tmp_path, content)[0] == 0
    entries = AuditEntry.objects.count()
    code, out, _err = run(tmp_path, content)
    assert code == 0 and "0 filed as new report versions, 2 unchanged" in out
    assert ReportVersion.objects.count() == 2 and AuditEntry.objects.count() == entries

    code, out, _err = run(tmp_path, as_csv([row(ngo, beneficiaries="301"), row(ngo, year=2022)]))
    assert code == 0 and "1 filed as new report versions, 1 unchanged" in out
    report = AnnualReport.objects.get(organisation=ngo, year=YEAR)
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]
    assert report.latest.number == 2 and report.latest.beneficiaries == 301 and report.version == 3
    assert audit.verify().ok


def test_dry_run_writes_nothing(tmp_path, ngo):
    code, out, _err = run(tmp_path, as_csv([row(ngo)]), "--dry-run")
    assert code == 0 and "Dry run, nothing was written" in out and "1 would be filed" in out
    assert not AnnualReport.objects.exists() and not AuditEntry.objects.exists()


def test_csv_with_bom_and_xlsx_with_numbers(tmp_path, ngo):
    assert run(tmp_path, as_csv([row(ngo)], bom=True))[0] == 0
    numbers = {k: (int(v) if k != "bin" else v) for k, v in row(ngo, year=2022).items()}
    code, out, err = run(tmp_path, xlsx_bytes([numbers], header=COLUMNS), name="reports.xlsx")
    assert code == 0, err
    assert AnnualReport.objects.get(organisation=ngo, year=2022).latest.payroll_kzt == 9_600_000


def test_a_bin_stored_as_a_number_is_read_with_its_leading_zero(tmp_path, committee):
    early = OrganisationFactory(registered_on=dt.date(2005, 3, 1))
    assert early.bin.startswith("0")
    cells = {k: int(v) for k, v in row(early, year=2022).items()}
    code, _out, err = run(tmp_path, xlsx_bytes([cells], header=COLUMNS), name="reports.xlsx")
    assert code == 0, err
    assert any(line.startswith("row 2: bin: warning: the BIN was stored as a number") for line in err)
    assert AnnualReport.objects.filter(organisation=early, year=2022).exists()


def test_a_wrong_header_refuses_the_whole_file(tmp_path, ngo):
    code, _out, err = run(tmp_path, csv_bytes([row(ngo)], header=COLUMNS[:-1]))
    assert code != 0 and "The first row must be the header, exactly" in err[-1] and "tax_other_kzt" in err[-1]
    code, _out, err = run(tmp_path, b"")
    assert code != 0 and "The file is empty" in err[-1]


def test_the_same_result_as_the_filing_service(tmp_path, ngo, committee):
    """The bulk import writes what services.report_submit_content writes for one report."""
    twin = OrganisationFactory(registered_on=dt.date(2015, 6, 1))
    assert run(tmp_path, as_csv([row(ngo)]))[0] == 0
    imported = AnnualReport.objects.get(organisation=ngo).latest
    services.report_submit_content(actor=None, organisation=twin, year=YEAR, content=imported.content,
                                   source="import")
    filed = AnnualReport.objects.get(organisation=twin).latest

    def shape(version):
        report = version.report
        sign = ActivitySign.objects.get(organisation=report.organisation, year=YEAR)
        entries = AuditEntry.objects.filter(
            Q(object_type=services.VERSION_TYPE, object_id=str(version.pk))
            | Q(object_type=services.REPORT_TYPE, object_id=str(report.pk))
        ).order_by("seq")
        return {
            "version": {f: getattr(version, f) for f in (
                "number", "kind", "content", "content_hash", "submitted_by_id", "source", "late",
                "receiving_body_id", *schema.IMPORT_COLUMNS)},
            "report": (report.status, report.version, report.draft == version.content, report.due_on),
            "sign": (sign.active, sign.employees, sign.volunteers, sign.services, sign.expenses,
                     sign.funding_agreement, sign.version_id == version.pk),
            "audit": [(e.action, e.object_type, e.actor, sorted((e.after or {}).keys()),
                       sorted((e.before or {}).keys())) for e in entries],
        }

    assert shape(imported) == shape(filed)


def test_parts_without_columns_are_carried_over_while_their_totals_match(tmp_path, ngo):
    report, first = submitted(ngo, YEAR)
    flat = {k: str(getattr(first, k)) for k in schema.IMPORT_COLUMNS}
    # The same numbers: nothing new to file, receipts and splits are kept.
    code, out, _err = run(tmp_path, as_csv([row(ngo, **flat)]))
    assert code == 0 and "1 unchanged" in out
    assert report.versions.count() == 1

    # More beneficiaries: a correction that keeps the receipts, splits and founders of version 1.
    code, out, err = run(tmp_path, as_csv([row(ngo, **{**flat, "beneficiaries": "999"})]))
    assert code == 0, err
    second = AnnualReport.objects.get(pk=report.pk).latest
    assert second.number == 2 and second.beneficiaries == 999
    for key in ("foreign_receipts", "foreign_uses", "spending_by_direction", "members", "employees_managers"):
        assert second.content[key] == first.content[key]
    assert ForeignFundingReceipt.objects.filter(version=second).count() == len(first.content["foreign_receipts"])

    # A different headcount: the qualification split no longer adds up and is not carried over.
    changed = {**flat, "employees": "6", "employees_age_30_59": "3", "beneficiaries": "999"}
    code, _out, err = run(tmp_path, as_csv([row(ngo, **changed)]))
    assert code == 0, err
    assert any(line.startswith("row 2: employees: warning: ") and "not carried over" in line for line in err)
    third = AnnualReport.objects.get(pk=report.pk).latest
    assert third.number == 3 and third.employees == 6
    assert (third.content["employees_managers"], third.content["employees_specialists"]) == (0, 0)
    assert third.content["foreign_receipts"] == first.content["foreign_receipts"]
    assert audit.verify().ok


def test_the_import_function_reports_counts_without_the_command(ngo):
    result = import_reports(as_csv([row(ngo)]), dry_run=True)
    assert result.ok and result.rows == 1 and result.created == 1 and not ReportVersion.objects.exists()
