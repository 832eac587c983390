"""Rules of the annual report (DOMAIN §3, issue 3) as pure functions: no ORM, no I/O.

Content is one dict keyed by `schema.FIELDS` keys (see `schema.py`). Validation returns `Issues`:
`errors` block submission, `warnings` never do. Both map a field key to messages in the user's
language, each saying what is wrong and how to fix it. Problems inside a list are keyed by a dotted
path: `foreign_receipts.0.amount_kzt` is the amount of the first receipt, `foreign_uses.2.direction`
the direction of the third use. The reporting year's problems are keyed `year`; an exemption
declaration's `exemption.<condition>` and `note`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qogam.core.rules import identifier_problem, next_working_day
from qogam.reporting import schema
from qogam.reporting.schema import AMOUNT, BINS, BY_DIRECTION, COUNT, FIELDS, FIELDS_BY_KEY, RECEIPTS, USES


@dataclass
class Issues:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No errors (warnings never block)."""
        return not self.errors

    def error(self, key: str, message) -> None:
        self.errors.setdefault(key, []).append(str(message))

    def warn(self, key: str, message) -> None:
        self.warnings.setdefault(key, []).append(str(message))

    def merge(self, other: Issues) -> Issues:
        for key, messages in other.errors.items():
            for m in messages:
                if m not in self.errors.get(key, []):
                    self.error(key, m)
        for key, messages in other.warnings.items():
            for m in messages:
                if m not in self.warnings.get(key, []):
                    self.warn(key, m)
        return self


# --- Statuses and their transitions ---------------------------------------------------------------

DRAFT, SUBMITTED, ACCEPTED, RETURNED = "draft", "submitted", "accepted", "returned"

# The workflow of issue 3: from each status, the statuses a report may move to.
# - draft → submitted: the first filing.
# - submitted → accepted | returned: the authorised body's review.
# - submitted → submitted: a correction filed before the review (a new version; the review then
#   concerns the latest version). The migration import relies on it: a changed row is a new version.
# - returned → submitted: the corrected report.
# - accepted → submitted: a correction after acceptance is a new version too, reviewed again.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SUBMITTED}),
    SUBMITTED: frozenset({ACCEPTED, RETURNED, SUBMITTED}),
    RETURNED: frozenset({SUBMITTED}),
    ACCEPTED: frozenset({SUBMITTED}),
}

REVIEW_DECISIONS = frozenset({ACCEPTED, RETURNED})


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


# --- Deadline, fines, receipt numbers --------------------------------------------------------------


def due_date(
    year: int, *, month: int = 3, day: int = 31, is_working: Callable[[dt.date], bool] | None = None
) -> dt.date:
    """The due date of the report for `year`: 31 March of year + 1 (Law on NPOs art. 41 p.5; configurable).

    The law names a calendar date. When that date is not a working day, the deadline is the next
    working day (Civil Code art. 173: a term ending on a day off ends on the next working day), so
    31 March 2024, a Sunday, gives 1 April 2024. Pass `is_working` (the working-day calendar) to apply
    the shift; without it the calendar date itself is returned.
    """
    # A day beyond the month's end (a misconfigured 30 February) means the month's last day.
    due = dt.date(year + 1, month, min(day, calendar.monthrange(year + 1, month)[1]))
    return next_working_day(due, is_working) if is_working is not None else due


def is_late(submitted_on: dt.date, due_on: dt.date) -> bool:
    """A filing is late when made (in Asia/Almaty) after the due date; on the due date it is on time."""
    return submitted_on > due_on


FINE_MCI_DEFAULTS = {"late": 100, "error": 200}


def fine_mci(kind: str, *, late: int = FINE_MCI_DEFAULTS["late"], error: int = FINE_MCI_DEFAULTS["error"]) -> int:
    """The fine in MCI (Administrative Offences Code art. 489-1): 100 for a late report, 200 for an error.

    The amounts are configurable (`reporting.fine_late_mci`, `reporting.fine_error_mci`); callers pass them.
    """
    amounts = {"late": late, "error": error}
    if kind not in amounts:
        raise ValueError(f"unknown fine kind {kind!r}; expected 'late' or 'error'")
    return amounts[kind]


def fine_kzt(mci: int, mci_value_kzt: int) -> int:
    return mci * mci_value_kzt


RECEIPT_NUMBER_RE = re.compile(r"^QR-(\d{4})-(\d{6,})-(\d{2,})$")


def receipt_number(year: int, report_id: int, number: int) -> str:
    """The receipt number of version `number` of report `report_id`: QR-2025-000123-02."""
    return f"QR-{year:04d}-{report_id:06d}-{number:02d}"


def parse_receipt_number(value: str) -> tuple[int, int, int] | None:
    """(year, report id, version number) of a well-formed receipt number, else None."""
    match = RECEIPT_NUMBER_RE.match((value or "").strip().upper())
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


# --- Derived values --------------------------------------------------------------------------------

SIGN_FIELDS = {"employees": "employees", "volunteers": "volunteers", "services": "services_volume_kzt",
               "expenses": "expenses_kzt"}


def activity_signs(content: dict) -> dict[str, bool]:
    """The signs of activeness shown by a report: employees, volunteers, services or expenses above 0."""
    return {sign: _number(content.get(key)) > 0 for sign, key in SIGN_FIELDS.items()}


def is_active(signs: dict[str, bool]) -> bool:
    return any(signs.values())


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of `content` (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def flat_values(content: dict) -> dict[str, int]:
    """The numeric columns of ReportVersion (schema.FLAT_FIELDS), copied from the content."""
    return {f.key: _number(content.get(f.key)) for f in schema.FLAT_FIELDS}


def total_income(content: dict) -> int:
    return sum(_number(content.get(key)) for key in schema.INCOME_FIELDS)


def _number(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# --- Normalisation ----------------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _msg_whole_number():
    return _("Enter a whole number of 0 or more, without decimals or letters (for example 1500).")


def parse_whole(value) -> int | None:
    """An int from an int, a whole float, or text such as '1 500' or '1500.0'; None when not a whole number.

    Blank means 0. Negative numbers parse (validation then explains that they are not allowed).
    """
    if value is None:
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if hasattr(value, "as_integer_ratio") and not isinstance(value, str):  # Decimal
        try:
            return int(value) if value == int(value) else None
        except (ValueError, OverflowError):
            return None
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        if text == "":
            return 0
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if re.fullmatch(r"[+-]?\d+[.,]0+", text):
            return int(re.split(r"[.,]", text)[0])
        return None
    return None


def parse_date(value) -> dt.date | None:
    """A date from a date, 'YYYY-MM-DD' or 'DD.MM.YYYY'; None when not a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _norm_bins(value, key, errors) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        items = re.split(r"[\s,;]+", value)
    elif isinstance(value, list | tuple):
        items = value
    else:
        errors.setdefault(key, []).append(_("List the founders' BINs, one BIN per line."))
        return []
    out = []
    for item in items:
        text = _SPACES.sub("", str(item)) if item is not None else ""
        if text:
            out.append(text)
    return out


def _norm_by_direction(value, key, errors) -> dict[str, int]:
    if value in (None, ""):
        return {}
    if isinstance(value, list | tuple):  # [{"direction": code, "amount_kzt": n}, ...]
        pairs = []
        for item in value:
            if not isinstance(item, dict):
                errors.setdefault(key, []).append(
                    _("Give each part as a charter direction and an amount in tenge."))
                return {}
            pairs.append((item.get("direction"), item.get("amount_kzt")))
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        errors.setdefault(key, []).append(_("Give each part as a charter direction and an amount in tenge."))
        return {}
    out: dict[str, int] = {}
    for code, amount in pairs:
        code = str(code or "").strip()
        parsed = parse_whole(amount)
        if not code:
            errors.setdefault(key, []).append(_("Choose a charter direction for each amount."))
            continue
        if parsed is None:
            errors.setdefault(f"{key}.{code}", []).append(_msg_whole_number())
            continue
        if code in out:
            errors.setdefault(key, []).append(
                _("The direction %(code)s is listed twice. Give one amount per direction.") % {"code": code})
            continue
        if parsed != 0:
            out[code] = parsed
    return out


RECEIPT_KEYS = ("source_type", "country", "amount_kzt", "received_on", "purpose")
USE_KEYS = ("period_start", "period_end", "amount_kzt", "direction")


def _norm_rows(value, key, kind, errors) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        errors.setdefault(key, []).append(_("Give a list of rows."))
        return []
    rows = []
    for i, item in enumerate(value):
        path = f"{key}.{i}"
        if not isinstance(item, dict):
            errors.setdefault(path, []).append(_("This row is not filled in properly. Fill in every column."))
            continue
        if kind == RECEIPTS:
            row = {
                "source_type": str(item.get("source_type") or "").strip(),
                "country": str(item.get("country") or "").strip().upper(),
                "amount_kzt": item.get("amount_kzt"),
                "received_on": item.get("received_on"),
                "purpose": str(item.get("purpose") or "").strip(),
            }
            date_keys = ("received_on",)
        else:
            row = {
                "period_start": item.get("period_start"),
                "period_end": item.get("period_end"),
                "amount_kzt": item.get("amount_kzt"),
                "direction": str(item.get("direction") or "").strip(),
            }
            date_keys = ("period_start", "period_end")
        amount = parse_whole(row["amount_kzt"])
        if amount is None:
            errors.setdefault(f"{path}.amount_kzt", []).append(_msg_whole_number())
            amount = 0
        row["amount_kzt"] = amount
        for dk in date_keys:
            parsed = parse_date(row[dk])
            if parsed is None:
                if row[dk] in (None, ""):
                    errors.setdefault(f"{path}.{dk}", []).append(_("Enter the date."))
                else:
                    errors.setdefault(f"{path}.{dk}", []).append(
                        _("Enter a date as YYYY-MM-DD or DD.MM.YYYY (for example 2024-05-31)."))
                row[dk] = ""
            else:
                row[dk] = parsed.isoformat()
        rows.append(row)
    return rows


def normalise_content(raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """Parse and coerce a report's content: numbers to ints, dates to ISO text, codes trimmed.

    Missing fields become 0 or empty; a value that cannot be read becomes 0 or empty and yields an
    error at its key. Keys that are not report fields are errors too (nothing is dropped silently).
    Rows of foreign funding that are entirely blank are dropped.
    """
    errors: dict[str, list[str]] = {}
    raw = raw or {}
    if not isinstance(raw, dict):
        return schema.empty_content(), {"__all__": [_("The report content must be a set of fields.")]}
    content = schema.empty_content()
    for key in raw:
        if key not in FIELDS_BY_KEY:
            errors.setdefault(str(key), []).append(
                _("This is not a field of the annual report. Remove it."))
    for f in FIELDS:
        if f.key not in raw:
            continue
        value = raw[f.key]
        if f.kind in (COUNT, AMOUNT):
            parsed = parse_whole(value)
            if parsed is None:
                errors.setdefault(f.key, []).append(_msg_whole_number())
                parsed = 0
            content[f.key] = parsed
        elif f.kind == BINS:
            content[f.key] = _norm_bins(value, f.key, errors)
        elif f.kind == BY_DIRECTION:
            content[f.key] = _norm_by_direction(value, f.key, errors)
        elif f.kind in (RECEIPTS, USES):
            keys = RECEIPT_KEYS if f.kind == RECEIPTS else USE_KEYS
            if isinstance(value, list | tuple):
                value = [r for r in value if not (isinstance(r, dict) and all(r.get(k) in (None, "") for k in keys))]
            content[f.key] = _norm_rows(value, f.key, f.kind, errors)
    return content, errors


# --- Validation -------------------------------------------------------------------------------------

SOURCE_TYPES = ("foreign_state", "international_organisation", "foreign_organisation", "foreign_citizen",
                "stateless_person")
PURPOSE_MAX = 500
NOTE_MAX = 2000


def _fmt(n: int) -> str:
    """A number with thin-space thousands separators (1 500 000), as Kazakhstan writes them."""
    return f"{n:,}".replace(",", "\u00a0")


def _label(key: str) -> str:
    return str(FIELDS_BY_KEY[key].label)


def validate_year(
    year, *, registered_year: int, liquidated_year: int | None, today: dt.date
) -> Issues:
    """The reporting year: not before registration, not in the future, not after liquidation."""
    issues = Issues()
    if not isinstance(year, int) or isinstance(year, bool):
        issues.error("year", _("Enter the reporting year as four digits, for example 2024."))
        return issues
    if year < registered_year:
        issues.error("year", _(
            "The organisation was registered in %(registered)s, so it has no report for %(year)s. "
            "Choose %(registered)s or a later year.") % {"registered": registered_year, "year": year})
    if year > today.year:
        issues.error("year", _(
            "%(year)s has not begun yet. A report covers a past year: choose %(last)s or earlier.")
            % {"year": year, "last": today.year - 1})
    elif year == today.year:
        issues.warn("year", _(
            "%(year)s is not over yet. The report for %(year)s is normally filed after 31 December.")
            % {"year": year})
    if liquidated_year is not None and year > liquidated_year:
        issues.error("year", _(
            "The organisation was liquidated in %(liquidated)s and has no report for later years. "
            "Choose %(liquidated)s or an earlier year.") % {"liquidated": liquidated_year})
    return issues


def _check_numbers(content: dict, issues: Issues) -> dict[str, int]:
    """Type and sign of every COUNT/AMOUNT field; returns the usable values (bad ones as 0)."""
    values: dict[str, int] = {}
    for f in FIELDS:
        if f.kind not in (COUNT, AMOUNT):
            continue
        value = content.get(f.key, 0)
        if not isinstance(value, int) or isinstance(value, bool):
            issues.error(f.key, _msg_whole_number())
            values[f.key] = 0
        elif value < 0:
            issues.error(f.key, _("This cannot be negative. Enter 0 or more."))
            values[f.key] = 0
        else:
            values[f.key] = value
    return values


def _check_employees(v: dict[str, int], issues: Issues) -> None:
    total = v["employees"]
    bands = ("employees_age_under_30", "employees_age_30_59", "employees_age_60_plus")
    band_sum = sum(v[b] for b in bands)
    if band_sum != total:
        message = _(
            "The three age bands add up to %(sum)s, but the total number of employees is %(total)s. "
            "Every employee belongs to exactly one age band: correct the bands or the total.") % {
            "sum": _fmt(band_sum), "total": _fmt(total)}
        for b in bands:
            issues.error(b, message)
    for key in ("employees_women", "employees_with_disability", "employees_higher_education"):
        if v[key] > total:
            issues.error(key, _(
                "%(label)s (%(value)s) cannot exceed the total number of employees (%(total)s). "
                "Correct this number or the total.") % {
                "label": _label(key).capitalize(), "value": _fmt(v[key]), "total": _fmt(total)})
    quals = ("employees_managers", "employees_specialists", "employees_support_staff")
    qual_sum = sum(v[q] for q in quals)
    if qual_sum and qual_sum != total:
        message = _(
            "Managers, specialists and support staff add up to %(sum)s, but the total number of employees "
            "is %(total)s. When you give the split by qualification it must cover every employee; "
            "otherwise leave all three at 0.") % {"sum": _fmt(qual_sum), "total": _fmt(total)}
        for q in quals:
            issues.error(q, message)
    if total == 0:
        if v["payroll_kzt"] > 0:
            issues.warn("payroll_kzt", _(
                "Payroll is reported but there are no employees on 31 December. Check both numbers; if "
                "everyone left during the year, this is correct."))
        if v["tax_social_kzt"] > 0:
            issues.warn("tax_social_kzt", _(
                "Social tax is reported but there are no employees on 31 December. Check both numbers."))
    if v["tax_iit_withheld_kzt"] > 0 and v["payroll_kzt"] == 0:
        issues.warn("tax_iit_withheld_kzt", _(
            "Individual income tax was withheld but no payroll is reported. Check the payroll: income tax "
            "is withheld from wages (or from payments to individuals under contracts)."))


def _check_volunteers(v, issues: Issues) -> None:
    if v["volunteers"] == 0 and v["volunteer_hours"] > 0:
        issues.error("volunteer_hours", _(
            "Volunteer hours must be 0 when there are no volunteers. Enter the number of volunteers or set "
            "the hours to 0."))


def _check_by_direction(content, key, total_key, v, direction_codes, issues: Issues) -> None:
    parts = content.get(key) or {}
    if not isinstance(parts, dict):
        issues.error(key, _("Give each part as a charter direction and an amount in tenge."))
        return
    if not parts:
        return
    bad_amounts = False
    for code, amount in sorted(parts.items()):
        if not isinstance(amount, int) or isinstance(amount, bool):
            issues.error(f"{key}.{code}", _msg_whole_number())
            bad_amounts = True
        elif amount < 0:
            issues.error(f"{key}.{code}", _("This cannot be negative. Enter 0 or more."))
            bad_amounts = True
    unknown = sorted(c for c in parts if c not in direction_codes)
    if unknown:
        issues.error(key, ngettext(
            "%(codes)s is not a charter direction. Choose a direction from the list.",
            "%(codes)s are not charter directions. Choose directions from the list.",
            len(unknown)) % {"codes": ", ".join(unknown)})
    if bad_amounts:
        return
    part_sum = sum(parts.values())
    if part_sum != v[total_key]:
        issues.error(key, _(
            "The parts add up to %(sum)s tenge, but %(total_label)s is %(total)s tenge. Make the parts add "
            "up to the total, or leave the split empty.") % {
            "sum": _fmt(part_sum), "total_label": _label(total_key).lower(), "total": _fmt(v[total_key])})


def _check_bins(content, issues: Issues) -> None:
    from qogam.core.validators import bin_error_message

    key = "founders_legal_entities"
    bins = content.get(key) or []
    if not isinstance(bins, list):
        issues.error(key, _("List the founders' BINs, one BIN per line."))
        return
    seen = set()
    for value in bins:
        text = str(value)
        if identifier_problem(text):
            issues.error(key, _("%(bin)s: %(reason)s") % {"bin": text, "reason": bin_error_message(text)})
        elif text in seen:
            issues.error(key, _("The BIN %(bin)s is listed twice. List each founder once.") % {"bin": text})
        seen.add(text)


def _in_year(day: dt.date, year: int) -> bool:
    return day.year == year


def _check_receipts(content, year, v, issues: Issues) -> int:
    key = "foreign_receipts"
    rows = content.get(key) or []
    if not isinstance(rows, list):
        issues.error(key, _("Give a list of rows."))
        return 0
    total = 0
    for i, row in enumerate(rows):
        p = f"{key}.{i}"
        if not isinstance(row, dict):
            issues.error(p, _("This row is not filled in properly. Fill in every column."))
            continue
        if row.get("source_type") not in SOURCE_TYPES:
            issues.error(f"{p}.source_type", _(
                "Choose the type of source: foreign state, international organisation, foreign organisation, "
                "foreign citizen or stateless person."))
        country = row.get("country")
        if not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country)):
            issues.error(f"{p}.country", _(
                "Enter the source's country as its two-letter ISO code in Latin letters, for example DE or US."))
        elif country == "KZ":
            issues.error(f"{p}.country", _(
                "Money from Kazakhstan is not foreign funding. Enter the country of the foreign source, or "
                "report this money under another source of income."))
        amount = row.get("amount_kzt")
        if not isinstance(amount, int) or isinstance(amount, bool):
            issues.error(f"{p}.amount_kzt", _msg_whole_number())
        elif amount <= 0:
            issues.error(f"{p}.amount_kzt", _("Enter the amount received, in whole tenge: more than 0."))
        else:
            total += amount
        received = parse_date(row.get("received_on"))
        if received is None:
            issues.error(f"{p}.received_on", _("Enter the date as YYYY-MM-DD, for example 2024-05-31."))
        elif not _in_year(received, year):
            issues.error(f"{p}.received_on", _(
                "The date must be in %(year)s, the reporting year. Money received in another year belongs "
                "to that year's report.") % {"year": year})
        purpose = row.get("purpose")
        if not (isinstance(purpose, str) and purpose.strip()):
            issues.error(f"{p}.purpose", _("Say what the money was given for, for example the project's name."))
        elif len(purpose) > PURPOSE_MAX:
            issues.error(f"{p}.purpose", _("Shorten the purpose to %(max)s characters.") % {"max": PURPOSE_MAX})
    if rows:
        income = v["income_foreign_kzt"]
        if income == 0:
            issues.error("income_foreign_kzt", _(
                "You list receipts of foreign funding, so income from foreign sources cannot be 0. Enter "
                "their total, %(total)s tenge.") % {"total": _fmt(total)})
        elif income != total:
            issues.error("income_foreign_kzt", _(
                "Income from foreign sources is %(income)s tenge, but the receipts listed in the foreign "
                "funding table add up to %(total)s tenge. They must be equal: correct the income or the "
                "receipts.") % {"income": _fmt(income), "total": _fmt(total)})
    elif v["income_foreign_kzt"] > 0:
        issues.warn("foreign_receipts", _(
            "Income from foreign sources is reported, but no receipts are listed. List each receipt (source "
            "type, country, amount, date, purpose): the foreign-funding report and the open register are "
            "built from them."))
    return total


def _check_uses(content, year, receipts_total, direction_codes, issues: Issues) -> None:
    key = "foreign_uses"
    rows = content.get(key) or []
    if not isinstance(rows, list):
        issues.error(key, _("Give a list of rows."))
        return
    total = 0
    for i, row in enumerate(rows):
        p = f"{key}.{i}"
        if not isinstance(row, dict):
            issues.error(p, _("This row is not filled in properly. Fill in every column."))
            continue
        start = parse_date(row.get("period_start"))
        end = parse_date(row.get("period_end"))
        for dk, day in (("period_start", start), ("period_end", end)):
            if day is None:
                issues.error(f"{p}.{dk}", _("Enter the date as YYYY-MM-DD, for example 2024-05-31."))
            elif not _in_year(day, year):
                issues.error(f"{p}.{dk}", _(
                    "The period must lie within %(year)s, the reporting year. Report use in other years in "
                    "those years' reports.") % {"year": year})
        if start and end and start > end:
            issues.error(f"{p}.period_end", _("The period ends before it starts. Swap or correct the dates."))
        amount = row.get("amount_kzt")
        if not isinstance(amount, int) or isinstance(amount, bool):
            issues.error(f"{p}.amount_kzt", _msg_whole_number())
        elif amount <= 0:
            issues.error(f"{p}.amount_kzt", _("Enter the amount used, in whole tenge: more than 0."))
        else:
            total += amount
        if row.get("direction") not in direction_codes:
            issues.error(f"{p}.direction", _("Choose the charter direction the money was used for."))
    if total > receipts_total:
        issues.warn(key, _(
            "Uses of foreign funding (%(uses)s tenge) exceed the receipts of this year (%(receipts)s tenge). "
            "This is correct if money received in earlier years was used; otherwise check the amounts.")
            % {"uses": _fmt(total), "receipts": _fmt(receipts_total)})


def validate_content(
    content: dict,
    *,
    year: int,
    registered_year: int,
    liquidated_year: int | None,
    today: dt.date,
    direction_codes: set[str],
) -> Issues:
    """Every rule of the report, errors and warnings, each at its field. `content` is normalised content."""
    issues = validate_year(year, registered_year=registered_year, liquidated_year=liquidated_year, today=today)
    if not isinstance(content, dict):
        issues.error("__all__", _("The report content must be a set of fields."))
        return issues
    for key in content:
        if key not in FIELDS_BY_KEY:
            issues.error(str(key), _("This is not a field of the annual report. Remove it."))
    v = _check_numbers(content, issues)
    _check_employees(v, issues)
    _check_volunteers(v, issues)
    _check_by_direction(content, "spending_by_direction", "expenses_kzt", v, direction_codes, issues)
    _check_by_direction(content, "services_by_activity", "services_volume_kzt", v, direction_codes, issues)
    _check_bins(content, issues)
    receipts_total = _check_receipts(content, year, v, issues)
    _check_uses(content, year, receipts_total, direction_codes, issues)
    income = sum(v[k] for k in schema.INCOME_FIELDS)
    if v["expenses_kzt"] > income:
        issues.warn("expenses_kzt", _(
            "Spending (%(spent)s tenge) is above the total income of the year (%(income)s tenge). This is "
            "correct if money from earlier years was spent; otherwise check the amounts.") % {
            "spent": _fmt(v["expenses_kzt"]), "income": _fmt(income)})
    if v["beneficiaries"] == 0 and v["services_volume_kzt"] > 0:
        issues.warn("beneficiaries", _(
            "Services were provided but no beneficiaries are reported. Enter how many people received "
            "them."))
    return issues


# --- Exemption declaration (DOMAIN §3 "Exemption") -------------------------------------------------

EXEMPTION_CONDITIONS = ("under_reorganisation_or_liquidation", "tax_payment_suspended", "no_activity")


def _condition_messages():
    return {
        "under_reorganisation_or_liquidation": _(
            "An organisation is exempt only while under reorganisation or liquidation. If it is not, file "
            "the annual report instead."),
        "tax_payment_suspended": _(
            "An organisation is exempt only if its tax payments are suspended for that reason. If they are "
            "not, file the annual report instead."),
        "no_activity": _(
            "An organisation is exempt only if it had no activity in the year. If it had any (employees, "
            "volunteers, services or spending), file the annual report instead."),
    }


def normalise_exemption(raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """The declaration as `{"exemption": {condition: bool ×3}, "note": str}`; unreadable values are errors."""
    errors: dict[str, list[str]] = {}
    raw = raw if isinstance(raw, dict) else {}
    given = raw.get("exemption", {})
    if not isinstance(given, dict):
        errors.setdefault("exemption", []).append(_("Confirm each of the three conditions."))
        given = {}
    conditions = {}
    for cond in EXEMPTION_CONDITIONS:
        value = given.get(cond, False)
        if isinstance(value, str):
            text = value.strip().lower()
            if text in ("true", "1", "yes", "on"):
                value = True
            elif text in ("false", "0", "no", "off", ""):
                value = False
        if not isinstance(value, bool):
            errors.setdefault(f"exemption.{cond}", []).append(_("Answer yes or no."))
            value = False
        conditions[cond] = value
    for key in raw:
        if key not in ("exemption", "note"):
            errors.setdefault(str(key), []).append(_("This is not a field of the exemption declaration. Remove it."))
    for key in given:
        if key not in EXEMPTION_CONDITIONS:
            errors.setdefault(f"exemption.{key}", []).append(
                _("This is not a condition of the exemption. Remove it."))
    note = raw.get("note", "")
    note = "" if note is None else str(note).strip()
    return {"exemption": conditions, "note": note}, errors


def validate_exemption(
    declaration: dict, *, year: int, registered_year: int, liquidated_year: int | None, today: dt.date
) -> Issues:
    """All three conditions must hold (Law on NPOs art. 41 p.5); the year rules are those of a report."""
    issues = validate_year(year, registered_year=registered_year, liquidated_year=liquidated_year, today=today)
    conditions = declaration.get("exemption") if isinstance(declaration, dict) else None
    if not isinstance(conditions, dict):
        issues.error("exemption", _("Confirm each of the three conditions."))
        return issues
    messages = _condition_messages()
    for cond in EXEMPTION_CONDITIONS:
        if conditions.get(cond) is not True:
            issues.error(f"exemption.{cond}", messages[cond])
    note = declaration.get("note", "")
    if not isinstance(note, str):
        issues.error("note", _("Enter the note as text."))
    elif len(note) > NOTE_MAX:
        issues.error("note", _("Shorten the note to %(max)s characters.") % {"max": NOTE_MAX})
    return issues
