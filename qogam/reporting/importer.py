"""Migration import of annual reports from UTF-8 CSV or XLSX (issue 3, "Files: Migration import").

Columns, exactly: `bin,year,` followed by `schema.IMPORT_COLUMNS`. A row is rejected only for the
rules the issue lists:

- a value that is not a whole number of 0 or more (amounts are whole tenge);
- the three age bands not adding up to `employees`;
- women, employees with disability or with higher education above `employees`;
- volunteer hours when there are no volunteers;
- a BIN that is not in the register;
- a year before the registration year, in the future, or after the year of liquidation (any
  organisation in the register may report, NGO or not, up to and including that year);
- a (bin, year) that an earlier row of the file already has (reported on the later row).

Every other check of the report form is printed as a warning and never changes the outcome.
All-or-nothing: when any row is rejected nothing is written, and every problem is reported as
`row N: column: reason` (N as a spreadsheet shows it; the header is row 1). Accepted rows become
submitted report versions (source "import") in one transaction, written in bulk exactly as
`services.report_submit_content` files one report (a version per report through that service costs
about 30 ms, which makes a national migration of 25,000 rows take a quarter of an hour). A (bin,
year) whose latest version already holds the same content gets no new version, so running the same
file twice changes nothing.

The parts of a report the file has no columns for (founders, property, splits by direction,
foreign-funding receipts and uses, the qualification split) are carried over from the latest
filed version when the totals they must match are unchanged, so an import never erases them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.core.errors import Conflict
from qogam.core.rules import identifier_problem
from qogam.core.tabular import (
    ImportFileError,
    ImportOutcome,
    Problem,
    cell_text,
    chunks,
    header_of,
    read_rows,
)
from qogam.core.validators import bin_error_message
from qogam.registry.models import Organisation
from qogam.reporting import rules, schema
from qogam.reporting.models import (
    AnnualReport,
    ReportVersion,
)

COLUMNS = ("bin", "year", *schema.IMPORT_COLUMNS)
AGE_BANDS = ("employees_age_under_30", "employees_age_30_59", "employees_age_60_plus")
AT_MOST_EMPLOYEES = ("employees_women", "employees_with_disability", "employees_higher_education")

# Fields the file has no column for, and the imported totals they must agree with. A field is carried
# over from the latest version only while those totals are unchanged (rules.validate_content).
CARRIED_OVER = {
    f.key: () for f in schema.FIELDS if not f.flat
}
CARRIED_OVER.update({
    "spending_by_direction": ("expenses_kzt",),
    "services_by_activity": ("services_volume_kzt",),
    "foreign_receipts": ("income_foreign_kzt",),
    "foreign_uses": ("income_foreign_kzt",),
    "employees_managers": ("employees",),
    "employees_specialists": ("employees",),
    "employees_support_staff": ("employees",),
})

BATCH = 1000

# Rules the import itself enforces (above); validate_content's messages at these keys repeat them.
_OWN_RULE_KEYS = frozenset({"year", "employees", *AGE_BANDS, *AT_MOST_EMPLOYEES, "volunteer_hours"})


@dataclass
class ImportResult(ImportOutcome):
    columns = COLUMNS
    created: int = 0  # new versions (first filings and corrections)
    seconds: float = 0.0

    def summary(self) -> str:
        counts = {"rows": self.rows, "created": self.created, "unchanged": self.unchanged,
                  "warnings": len(self.warnings), "seconds": self.seconds}
        if not self.ok:
            return self.rejected_summary()
        if self.dry_run:
            return _(
                "Dry run, nothing was written: %(rows)d rows are valid; %(created)d would be filed as new report "
                "versions, %(unchanged)d are unchanged; %(warnings)d warnings."
            ) % counts
        return _(
            "Imported %(rows)d rows in %(seconds).1f s: %(created)d filed as new report versions, %(unchanged)d "
            "unchanged; %(warnings)d warnings."
        ) % counts


# --- Reading and checking each row --------------------------------------------------------------


@dataclass
class _Row:
    number: int
    bin: str
    year: int
    values: dict[str, int]


def _check_header(cells) -> None:
    header = header_of(cells)
    if tuple(header) == COLUMNS:
        return
    message = _("The first row must be the header, exactly: %(header)s. Found: %(found)s.") % {
        "header": ",".join(COLUMNS), "found": ",".join(header) or _("an empty row")}
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if len(header) == 1 and ";" in header[0]:
        message += " " + _("The columns seem to be separated by “;”. Separate columns with commas.")
    elif unknown:
        message += " " + _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}
    elif missing:
        message += " " + _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
    else:
        message += " " + _("Put the columns in the order shown.")
    raise ImportFileError(message)


def _whole(text: str) -> int | None:
    """A whole number of 0 or more written as plain digits (a spreadsheet's 12.0 arrives as "12")."""
    return int(text) if text.isascii() and text.isdigit() else None


def _not_whole_message(text: str) -> str:
    if not text:
        return _("empty; enter a whole number of 0 or more (0 when there is none)")
    if text.startswith("-") and text[1:].isdigit():
        return _("“%(value)s” is negative; enter a whole number of 0 or more") % {"value": text}
    return _("“%(value)s” is not a whole number; enter digits only, without decimals, spaces or letters "
             "(amounts are whole tenge)") % {"value": text}


def _check_row(number: int, cells, result: ImportResult) -> _Row | None:
    """The row's values, or None when it has errors (added to `result`)."""
    width = len(COLUMNS)
    texts = [cell_text(c) for c in cells]
    errors: list[Problem] = []
    if len(texts) > width and any(text for text, _number in texts[width:]):
        errors.append(Problem(number, COLUMNS[-1], _(
            "this row has %(found)d values but the header has %(width)d columns. Remove the extra values."
        ) % {"found": len(texts), "width": width}))
    texts += [("", False)] * (width - len(texts))

    bin_, bin_is_number = texts[0]
    if bin_is_number and bin_.isdigit() and len(bin_) < 12:
        bin_ = bin_.zfill(12)
        result.warnings.append(Problem(number, "bin", _(
            "the BIN was stored as a number, which drops leading zeros; read as %(bin)s. Format the column as text."
        ) % {"bin": bin_}, warning=True))
    if not bin_:
        errors.append(Problem(number, "bin", _("empty; enter the organisation's 12-digit BIN")))
    elif identifier_problem(bin_):
        errors.append(Problem(number, "bin", str(bin_error_message(bin_))))

    year_text = texts[1][0]
    year = _whole(year_text)
    if not year_text:
        errors.append(Problem(number, "year", _("empty; enter the reporting year, for example 2024")))
    elif year is None or not 1000 <= year <= 9999:
        errors.append(Problem(number, "year", _("“%(value)s” is not a year; enter four digits, for example 2024")
                              % {"value": year_text}))
    values: dict[str, int] = {}
    for i, column in enumerate(schema.IMPORT_COLUMNS, start=2):
        text = texts[i][0]
        value = _whole(text)
        if value is None:
            errors.append(Problem(number, column, _not_whole_message(text)))
        else:
            values[column] = value

    if len(values) == len(schema.IMPORT_COLUMNS):
        employees = values["employees"]
        bands = sum(values[b] for b in AGE_BANDS)
        if bands != employees:
            errors.append(Problem(number, "employees", _(
                "the age bands (under 30: %(under_30)d, 30–59: %(middle)d, 60 and over: %(over_60)d) add up to "
                "%(sum)d, not to employees (%(employees)d); every employee belongs to exactly one age band"
            ) % {"under_30": values[AGE_BANDS[0]], "middle": values[AGE_BANDS[1]], "over_60": values[AGE_BANDS[2]],
                 "sum": bands, "employees": employees}))
        for column in AT_MOST_EMPLOYEES:
            if values[column] > employees:
                errors.append(Problem(number, column, _(
                    "%(value)d is more than employees (%(employees)d); it cannot exceed the total"
                ) % {"value": values[column], "employees": employees}))
        if values["volunteers"] == 0 and values["volunteer_hours"] > 0:
            errors.append(Problem(number, "volunteer_hours", _(
                "%(hours)d hours but volunteers is 0; the hours must be 0 when there are no volunteers"
            ) % {"hours": values["volunteer_hours"]}))
    result.errors.extend(errors)
    if errors:
        return None
    return _Row(number, bin_, year, values)


def _read(content: bytes, result: ImportResult) -> list[_Row]:
    rows = read_rows(content, header=COLUMNS)
    try:
        first = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty. Its first row must be the header: %(header)s.")
                              % {"header": ",".join(COLUMNS)}) from None
    _check_header(first)
    parsed: list[_Row] = []
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c)[0] for c in cells):
            continue
        result.rows += 1
        row = _check_row(number, cells, result)
        if row is not None:
            parsed.append(row)
    return parsed


# --- Checks against the register and the file -----------------------------------------------------


@dataclass
class _Org:
    id: int
    registered_year: int
    liquidated_year: int | None


def _organisations(bins: list[str]) -> dict[str, _Org]:
    found = {}
    for chunk in chunks(sorted(set(bins))):
        for pk, bin_, registered, liquidated in Organisation.objects.filter(bin__in=chunk).values_list(
            "pk", "bin", "registered_on", "liquidated_on"
        ):
            found[bin_] = _Org(pk, registered.year, liquidated.year if liquidated else None)
    return found


def _check_against_register(rows: list[_Row], orgs: dict[str, _Org], result: ImportResult, today) -> list[_Row]:
    first_row: dict[tuple[str, int], int] = {}
    accepted = []
    for row in rows:
        errors = []
        org = orgs.get(row.bin)
        if org is None:
            errors.append(Problem(row.number, "bin", _(
                "%(bin)s is not in the register; add the organisation to the register first (qogam "
                "import-registry), then import its reports") % {"bin": row.bin}))
        else:
            if row.year < org.registered_year:
                errors.append(Problem(row.number, "year", _(
                    "%(year)d is before the organisation was registered (%(registered)d); a report covers "
                    "%(registered)d or a later year") % {"year": row.year, "registered": org.registered_year}))
            if row.year > today.year:
                errors.append(Problem(row.number, "year", _(
                    "%(year)d is in the future; a report covers %(current)d or an earlier year")
                    % {"year": row.year, "current": today.year}))
            if org.liquidated_year is not None and row.year > org.liquidated_year:
                errors.append(Problem(row.number, "year", _(
                    "%(year)d is after the organisation was liquidated (%(liquidated)d); reports are accepted up to "
                    "and including %(liquidated)d") % {"year": row.year, "liquidated": org.liquidated_year}))
        key = (row.bin, row.year)
        if key in first_row:
            errors.append(Problem(row.number, "bin", _("duplicate of row %(row)d") % {"row": first_row[key]}))
        else:
            first_row[key] = row.number
        result.errors.extend(errors)
        if not errors:
            accepted.append(row)
    return accepted


# --- The content of each report ----------------------------------------------------------------------


def _latest_versions(keys: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[str, dict, int]]:
    """(kind, content, id) of the latest version of each (organisation id, year) that has one."""
    by_org: dict[int, set[int]] = {}
    for org_id, year in keys:
        by_org.setdefault(org_id, set()).add(year)
    latest_ids = {}
    for chunk in chunks(sorted(by_org)):
        for org_id, year, latest_id in AnnualReport.objects.filter(
            organisation_id__in=chunk, latest__isnull=False
        ).values_list("organisation_id", "year", "latest_id"):
            if year in by_org[org_id]:
                latest_ids[latest_id] = (org_id, year)
    found = {}
    for chunk in chunks(sorted(latest_ids)):
        for pk, kind, content in ReportVersion.objects.filter(pk__in=chunk).values_list("pk", "kind", "content"):
            found[latest_ids[pk]] = (kind, content, pk)
    return found


def _validate(content: dict, row: _Row, org: _Org, today, direction_codes: set[str]) -> rules.Issues:
    return rules.validate_content(
        content, year=row.year, registered_year=org.registered_year, liquidated_year=org.liquidated_year,
        today=today, direction_codes=direction_codes,
    )


def _column_of(key: str) -> str:
    """The file's column a validation message belongs to: its own, or the total its table adds up to."""
    top = key.split(".", 1)[0]
    if top in COLUMNS:
        return top
    for carried, totals in CARRIED_OVER.items():
        if carried == top and totals:
            return totals[0]
    return "bin"


def _content(row: _Row, org: _Org, latest, today, direction_codes, result: ImportResult) -> dict:
    """The report to file for `row`: its values, plus what the file does not hold carried over from the
    latest filed version where it still agrees with them. Other checks of the form become warnings."""
    content = schema.empty_content()
    content.update(row.values)
    previous = latest[1] if latest and latest[0] == ReportVersion.Kind.REPORT else None
    dropped = []
    if previous:
        for key, totals in CARRIED_OVER.items():
            if key not in previous:
                continue
            if all(previous.get(total) == row.values[total] for total in totals):
                content[key] = previous[key]
            elif previous[key] not in ({}, [], 0, None):
                dropped.append(key)
    content, unreadable = rules.normalise_content(content)
    issues = _validate(content, row, org, today, direction_codes)
    foreign_errors = {k for k in issues.errors if k.split(".", 1)[0] not in _OWN_RULE_KEYS}
    if unreadable or foreign_errors:
        # The carried-over parts no longer pass today's rules: file the row's own values only.
        dropped = sorted({*dropped, *(k for k in CARRIED_OVER if content.get(k) not in ({}, [], 0, None))})
        content, _unreadable = rules.normalise_content({**schema.empty_content(), **row.values})
        issues = _validate(content, row, org, today, direction_codes)
    for key in dropped:
        result.warnings.append(Problem(row.number, _column_of(key), _(
            "the latest filed version's “%(field)s” no longer matches this row and is not carried over; file a "
            "correction in Qogam to add it again") % {"field": schema.FIELDS_BY_KEY[key].label}, warning=True))
    for messages, own in ((issues.errors, True), (issues.warnings, False)):
        for key, texts in messages.items():
            if own and key.split(".", 1)[0] in _OWN_RULE_KEYS:
                continue  # the import reported these itself, as errors
            for text in texts:
                result.warnings.append(Problem(row.number, _column_of(key), text, warning=True))
    return content


# --- The import ---------------------------------------------------------------------------------------


def import_reports(content: bytes, *, dry_run: bool = False, today=None) -> ImportResult:
    """Validate every row of `content` and, when none is rejected and not `dry_run`, file them all.

    Runs as the system (the command line): the versions have no submitting user. Raises ImportFileError
    when the file as a whole cannot be read.
    """
    from qogam.reporting import services

    started = time.monotonic()
    today = today or timezone.localdate()
    result = ImportResult(dry_run=dry_run)
    rows = _read(content, result)
    orgs = _organisations([row.bin for row in rows])
    rows = _check_against_register(rows, orgs, result, today)
    if not result.ok:
        result.seconds = time.monotonic() - started
        return result

    latest = _latest_versions([(orgs[row.bin].id, row.year) for row in rows])
    direction_codes = services.direction_codes()
    to_file: list[tuple[_Row, dict]] = []
    for row in rows:
        org = orgs[row.bin]
        previous = latest.get((org.id, row.year))
        report = _content(row, org, previous, today, direction_codes, result)
        if previous and previous[0] == ReportVersion.Kind.REPORT and \
                rules.content_hash(previous[1]) == rules.content_hash(report):
            result.unchanged += 1
        else:
            to_file.append((row, report))
    result.created = len(to_file)
    if not dry_run and to_file:
        _file(to_file, orgs, {key: version[2] for key, version in latest.items()})
    result.seconds = time.monotonic() - started
    return result


_CHANGED_DURING_IMPORT = gettext_lazy(
    "Reports changed while the file was being imported. Nothing was written; run the import again."
)


def _file(to_file: list[tuple[_Row, dict]], orgs: dict[str, _Org], latest_ids: dict) -> None:
    """File every report in one transaction through the one write path, `services.file_all`: reports
    opened where needed, then for each a new immutable version, the report moved to submitted with the
    content as its draft, the sign of activeness and the audit entries, in bulk.

    A migration import is never late (the date of the original filing is unknown) and sends no notices.
    """
    from qogam.reporting import services

    keys = [(orgs[row.bin].id, row.year) for row, _report in to_file]
    bin_of = {orgs[row.bin].id: row.bin for row, _report in to_file}
    now = timezone.now()
    with transaction.atomic():
        reports = _reports(keys)
        if any(reports[key].latest_id != latest_ids.get(key) for key in keys if key in reports):
            raise Conflict(_CHANGED_DURING_IMPORT)
        missing = [key for key in keys if key not in reports]
        if missing:
            services.reports_open_all([(org_id, bin_of[org_id], year) for org_id, year in missing])
            reports.update(_reports(missing))
            if any(key not in reports for key in missing):
                raise Conflict(_CHANGED_DURING_IMPORT)
        latest = services.latest_versions([reports[key].pk for key in keys])
        filings = [
            services.prepare(report=reports[key], organisation_bin=row.bin, kind=ReportVersion.Kind.REPORT,
                             content=content, source=ReportVersion.Source.IMPORT, draft=content, submitted_at=now,
                             late=False, latest=latest.get(reports[key].pk, {}))
            for (row, content), key in zip(to_file, keys, strict=True)
        ]
        try:
            services.file_all(filings, actor=None)
        except Conflict as exc:
            raise Conflict(_CHANGED_DURING_IMPORT) from exc


def _reports(keys: list[tuple[int, int]]) -> dict[tuple[int, int], AnnualReport]:
    """The reports of (organisation id, year) `keys` that exist, as read (the filing claims them)."""
    wanted = set(keys)
    by_org = sorted({org_id for org_id, _year in keys})
    found = {}
    for chunk in chunks(by_org):
        for report in AnnualReport.objects.filter(organisation_id__in=chunk).only(
                "id", "organisation_id", "year", "status", "version", "due_on", "latest_id"):
            key = (report.organisation_id, report.year)
            if key in wanted:
                found[key] = report
    return found
