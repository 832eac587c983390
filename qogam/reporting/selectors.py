"""Reads of the NGO Database. Permission filtering is applied here, once; public reads return only
submitted or accepted versions (never drafts) and only their public parts (no founders, no property,
no personal data)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from qogam.accounts.models import Representation
from qogam.accounts.permissions import has_full_session, is_authorised_body, represents
from qogam.core import config
from qogam.core.calendar import ALMATY, WorkingCalendar
from qogam.core.errors import NotFound, PermissionDeniedError
from qogam.core.models import MonthlyCalculationIndex
from qogam.registry.models import Organisation
from qogam.reporting import rules, schema
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ReportReview,
    ReportVersion,
)

# --- Deadlines --------------------------------------------------------------------------------------


def due_on(year: int, *, calendar: WorkingCalendar | None = None) -> dt.date:
    """The due date of the report for `year`: config `reporting.due_month`/`due_day` of year + 1, moved
    to the next working day when it falls on a weekend or holiday (rules.due_date)."""
    calendar = calendar or WorkingCalendar.load()
    return rules.due_date(
        year, month=config.get("reporting.due_month"), day=config.get("reporting.due_day"),
        is_working=calendar.is_working_day,
    )


def last_closed_year(today: dt.date) -> int:
    """The latest year whose report deadline has passed: the default year for "active"."""
    calendar = WorkingCalendar.load()
    year = today.year - 1
    while due_on(year, calendar=calendar) >= today:
        year -= 1
    return year


def fine_mci(kind: str) -> int:
    return rules.fine_mci(kind, late=config.get("reporting.fine_late_mci"), error=config.get("reporting.fine_error_mci"))


def mci_for(year: int) -> dict:
    """The MCI value of `year`: {"year", "value_kzt", "assumed", "note"}. When `year` has none, the
    latest known value is used and the note says so; with none at all, value_kzt is None."""
    row = MonthlyCalculationIndex.objects.filter(year=year).first()
    if row is not None:
        return {"year": year, "value_kzt": row.value_kzt, "assumed": False, "note": ""}
    latest = MonthlyCalculationIndex.objects.order_by("-year").first()
    if latest is None:
        return {"year": None, "value_kzt": None, "assumed": True, "note": _(
            "No MCI value is entered. An administrator enters it per year under monthly calculation indices.")}
    return {"year": latest.year, "value_kzt": latest.value_kzt, "assumed": True, "note": _(
        "The MCI for %(year)s is not entered; the value of %(known)s is used. An administrator enters it "
        "under monthly calculation indices.") % {"year": year, "known": latest.year}}


# --- Which version stands ----------------------------------------------------------------------------


def _last_decision():
    """The decision of a version's latest review, or "" when it has none (never NULL: `exclude` must see it)."""
    return Coalesce(
        Subquery(
            ReportReview.objects.filter(version=OuterRef("pk")).order_by("-reviewed_at", "-id").values("decision")[:1]
        ),
        Value(""),
    )


def standing_versions() -> QuerySet[ReportVersion]:
    """For each report, the version that stands: the latest one not returned for correction.

    A report returned for correction is represented by its previous standing version, if any, until
    the corrected one is filed. Drafts are not versions and never appear.
    """
    later_standing = (
        ReportVersion.objects.filter(report=OuterRef("report"), number__gt=OuterRef("number"))
        .annotate(last_decision=_last_decision())
        .exclude(last_decision=ReportReview.Decision.RETURNED)
    )
    return (
        ReportVersion.objects.annotate(last_decision=_last_decision())
        .exclude(last_decision=ReportReview.Decision.RETURNED)
        .exclude(Exists(later_standing))
    )


def version_status(version: ReportVersion) -> str:
    """submitted, accepted or returned: the latest review's decision, else submitted."""
    reviews = sorted(version.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
    return reviews[-1].decision if reviews else rules.SUBMITTED


# --- Reports by reader ------------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    """Reports with their drafts: the authorised body sees all; a representative those of the
    organisations they represent (approved); anyone else none."""
    qs = AnnualReport.objects.select_related("organisation", "latest").order_by("-year", "organisation_id")
    if is_authorised_body(user):
        return qs
    if not has_full_session(user):
        return qs.none()
    represented = Representation.objects.filter(user=user, status=Representation.Status.APPROVED).values(
        "organisation_id")
    return qs.filter(organisation_id__in=represented)


def report_for(user, pk: int) -> AnnualReport:
    """One report the user may open, or NotFound (never revealing another organisation's report)."""
    # One row with its organisation (the latest version, wide with every figure of the report, is
    # read only by those who show it), then the same rule as reports_visible_to.
    report = next(iter(AnnualReport.objects.select_related("organisation").filter(pk=pk)[:1]), None)
    if report is None or not (is_authorised_body(user) or represents(user, report.organisation)):
        raise NotFound(_("No such report, or you may not open it."))
    return report


def versions_of(user, report: AnnualReport) -> list[ReportVersion]:
    """The filing history, oldest first, for whoever may open the report."""
    if not (is_authorised_body(user) or represents(user, report.organisation)):
        raise PermissionDeniedError(_(
            "Only the organisation's approved representatives and the authorised body can see its filings."))
    return list(report.versions.select_related("receiving_body", "submitted_by")
                .prefetch_related("reviews").order_by("number"))


def report_issues(report: AnnualReport, content: dict | None = None, *, today: dt.date | None = None) -> rules.Issues:
    """Errors and warnings of `content` (by default the report's draft), for showing at the fields."""
    from qogam.core.calendar import today as almaty_today
    from qogam.reporting.services import direction_codes

    content, errors = rules.normalise_content(report.draft if content is None else content)
    org = report.organisation
    issues = rules.validate_content(
        content, year=report.year, registered_year=org.registered_on.year,
        liquidated_year=org.liquidated_on.year if org.liquidated_on else None,
        today=today or almaty_today(), direction_codes=direction_codes(),
    )
    return rules.Issues(errors=errors).merge(issues)


def report_state(report: AnnualReport, today: dt.date) -> dict:
    """Due date, whether and when the report was filed, and whether it is late or overdue."""
    first = report.versions.order_by("number").values_list("submitted_at", flat=True).first()
    filed_on = first.astimezone(ALMATY).date() if first else None
    latest = report.latest
    return {
        "due_on": report.due_on,
        "filed_on": filed_on,
        "late": bool(latest and latest.late) or (filed_on is not None and filed_on > report.due_on),
        "overdue": filed_on is None and today > report.due_on,
        "days_left": (report.due_on - today).days if filed_on is None else None,
    }


# --- Public -----------------------------------------------------------------------------------------


def public_parts(version: ReportVersion) -> dict:
    """The public parts of a filed version: income by source, spending, activity, beneficiaries and
    foreign funding totals. No founders, no property, no taxes, no personal data."""
    content = version.content if version.kind == ReportVersion.Kind.REPORT else {}
    income = {key: int(content.get(key, 0)) for key in schema.INCOME_FIELDS}
    receipts = content.get("foreign_receipts") or []
    return {
        "income": income,
        "income_total": sum(income.values()),
        "expenses_kzt": int(content.get("expenses_kzt", 0)),
        "spending_by_direction": dict(sorted((content.get("spending_by_direction") or {}).items())),
        "employees": int(content.get("employees", 0)),
        "volunteers": int(content.get("volunteers", 0)),
        "volunteer_hours": int(content.get("volunteer_hours", 0)),
        "beneficiaries": int(content.get("beneficiaries", 0)),
        "services_volume_kzt": int(content.get("services_volume_kzt", 0)),
        "services_by_activity": dict(sorted((content.get("services_by_activity") or {}).items())),
        "foreign_total_kzt": sum(int(r.get("amount_kzt", 0)) for r in receipts),
        "foreign_countries": sorted({r.get("country") for r in receipts if r.get("country")}),
    }


def public_report_years(organisation: Organisation) -> list[dict]:
    """Year by year (newest first), the standing filed version's public parts and the sign of activeness."""
    versions = (standing_versions().filter(report__organisation=organisation)
                .select_related("report", "receiving_body").order_by("-report__year"))
    signs = {s.year: s for s in ActivitySign.objects.filter(organisation=organisation)}
    years = []
    for version in versions:
        sign = signs.get(version.report.year)
        years.append({
            "year": version.report.year,
            "kind": version.kind,
            "status": version.last_decision or rules.SUBMITTED,
            "receipt_number": version.receipt_number,
            "submitted_at": version.submitted_at,
            "late": version.late,
            "active": bool(sign and sign.active),
            **public_parts(version),
        })
    return years


def active_in(year: int) -> QuerySet[ActivitySign]:
    return ActivitySign.objects.filter(year=year, active=True)


def receipt_by_number(number) -> ReportVersion | None:
    """A filed version by its receipt number, for anyone to verify. Never a draft; None when unknown."""
    if rules.parse_receipt_number(str(number or "")) is None:
        return None
    return (ReportVersion.objects.select_related("report__organisation", "receiving_body")
            .filter(receipt_number=str(number).strip().upper()).first())


def foreign_funding_register(*, year: int | None = None, region: str | None = None) -> list[dict]:
    """The open register of recipients of foreign funding: organisation, year, period, total and source
    countries, from the standing version of each report. No donors' names (none are collected)."""
    standing = standing_versions().filter(kind=ReportVersion.Kind.REPORT).values("pk")
    receipts = ForeignFundingReceipt.objects.filter(version__in=standing)
    if year is not None:
        receipts = receipts.filter(year=year)
    if region:
        receipts = receipts.filter(organisation__region_id=region)
    rows: dict[tuple[int, int], dict] = {}
    countries: dict[tuple[int, int], set] = defaultdict(set)
    for r in receipts.select_related("organisation", "organisation__region").order_by("year", "organisation_id", "id"):
        key = (r.organisation_id, r.year)
        entry = rows.get(key)
        if entry is None:
            entry = rows[key] = {
                "organisation_id": r.organisation_id,
                "bin": r.organisation.bin,
                "name": r.organisation.name,
                "region": r.organisation.region_id,
                "region_name": r.organisation.region.name,
                "year": r.year,
                "period_start": r.received_on,
                "period_end": r.received_on,
                "total_kzt": 0,
                "receipts": 0,
            }
        entry["period_start"] = min(entry["period_start"], r.received_on)
        entry["period_end"] = max(entry["period_end"], r.received_on)
        entry["total_kzt"] += int(r.amount_kzt)
        entry["receipts"] += 1
        countries[key].add(r.country)
    out = []
    for key, entry in rows.items():
        entry["countries"] = sorted(countries[key])
        out.append(entry)
    out.sort(key=lambda e: (-e["year"], e["name"], e["organisation_id"]))
    return out


# --- Overdue ----------------------------------------------------------------------------------------


def _almaty_midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ALMATY)


def overdue_organisations(*, year: int, today: dt.date) -> list[dict]:
    """Organisations that did not file for `year` by the due date, with the fine each risks.

    Every legal form in the register files (NGO or not, branches of foreign NPOs included). Obliged:
    registered on or before 31 December of `year`, and not liquidated before the due date. Overdue:
    no version (report or exemption declaration) filed by the end of the due date in Asia/Almaty;
    `filed_on` is the date of a later filing, if any. Empty until the due date has passed. The fine is
    `reporting.fine_late_mci` MCI at the MCI of the deadline's year (the latest known one if that
    year's is not entered, with a note).
    """
    due = due_on(year)
    if today <= due:
        return []
    cutoff = _almaty_midnight_after(due)
    filed_in_time = ReportVersion.objects.filter(
        report__organisation=OuterRef("pk"), report__year=year, submitted_at__lt=cutoff)
    first_filed = (ReportVersion.objects.filter(report__organisation=OuterRef("pk"), report__year=year)
                   .values("report__organisation").annotate(first=Min("submitted_at")).values("first")[:1])
    orgs = (
        Organisation.objects.filter(registered_on__lte=dt.date(year, 12, 31))
        .exclude(liquidated_on__lt=due)
        .exclude(Exists(filed_in_time))
        .annotate(first_filed=Subquery(first_filed))
        .select_related("region", "legal_form")
        .order_by("name_ru", "name_kk", "id")
    )
    mci = fine_mci("late")
    index = mci_for(due.year)
    out = []
    for org in orgs:
        filed_on = org.first_filed.astimezone(ALMATY).date() if org.first_filed else None
        out.append({
            "organisation": org,
            "organisation_id": org.pk,
            "bin": org.bin,
            "name": org.name,
            "region": org.region_id,
            "legal_form": org.legal_form_id,
            "year": year,
            "due_on": due,
            "filed_on": filed_on,
            "status": "filed_late" if filed_on else "not_filed",
            "days_overdue": ((filed_on or today) - due).days,
            "fine_mci": mci,
            "mci_year": index["year"],
            "mci_value_kzt": index["value_kzt"],
            "fine_kzt": rules.fine_kzt(mci, index["value_kzt"]) if index["value_kzt"] is not None else None,
            "mci_note": index["note"],
        })
    return out


def not_filed(*, year: int) -> QuerySet[Organisation]:
    """Organisations obliged to file for `year` with no version for it yet (reminders go to these)."""
    due = due_on(year)
    filed = ReportVersion.objects.filter(report__organisation=OuterRef("pk"), report__year=year)
    return (Organisation.objects.filter(registered_on__lte=dt.date(year, 12, 31))
            .exclude(liquidated_on__lt=due).exclude(Exists(filed)).order_by("id"))
