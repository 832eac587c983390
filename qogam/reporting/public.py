"""Reads for the reporting pages and API that the core selectors (selectors.py) do not cover: the
organisation profile's reports section, the public receipt check, the review queue, the overdue
list by region, the sign of activeness for the register's filter, and the rows of the exports.

Public reads here return only public parts: no drafts, no founders, no property, no personal data
(individual donors are never collected; the register shows organisations, totals and countries).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from qogam.accounts.permissions import has_full_session, is_authorised_body
from qogam.accounts.selectors import represented_organisation_ids
from qogam.core.calendar import ALMATY
from qogam.core.errors import NotFound
from qogam.registry.models import Organisation
from qogam.reporting import rules, schema, selectors
from qogam.reporting.models import ActivitySign, AnnualReport, ReportVersion

# How many past years an organisation may open from its cabinet (older years go through the import).
OPEN_YEARS_BACK = 10


# --- Sign of activeness (the register's filter and the profile) -----------------------------------


def activity_exists(year: int):
    """An `Exists` over organisations: active in `year` by the derived sign (never self-declared)."""
    return Exists(ActivitySign.objects.filter(organisation=OuterRef("pk"), year=year, active=True))


def filter_active(queryset: QuerySet, *, year: int, active: bool) -> QuerySet:
    """Organisations active in `year`, or (active=False) those with no sign of activeness for it:
    a year without a filed report that shows activity is a year without activity."""
    condition = activity_exists(year)
    return queryset.filter(condition) if active else queryset.filter(~condition)


def with_activity(queryset: QuerySet, *, year: int) -> QuerySet:
    """Annotate `is_active` (bool) for `year`."""
    return queryset.annotate(is_active=activity_exists(year))


def existed_in(organisation: Organisation, year: int) -> bool:
    """Whether the organisation was in the register during `year` (so could report on it)."""
    if organisation.registered_on.year > year:
        return False
    return organisation.liquidated_on is None or organisation.liquidated_on.year >= year


def activity_badge(organisation: Organisation, *, year: int) -> dict | None:
    """{"year", "active"} for the profile's header, or None when the organisation did not exist in `year`."""
    if not existed_in(organisation, year):
        return None
    active = ActivitySign.objects.filter(organisation=organisation, year=year, active=True).exists()
    return {"year": year, "active": active}


def profile_context(organisation: Organisation, *, today: dt.date) -> dict:
    """What the register's profile page adds: the sign of activeness of the latest closed year, and
    the "Reports" section with labelled rows ready to show."""
    from qogam.registry.selectors import directions

    names = {d.code: d.name for d in directions()}
    income_labels = [(f.key, f.label) for f in schema.FIELDS if f.table == "income"]
    years = []
    for entry in profile_reports(organisation):
        if entry.get("filed") and entry.get("kind") == "report":
            entry = {
                **entry,
                "income_rows": [(label, entry["income"].get(key, 0)) for key, label in income_labels],
                "spending_rows": [(names.get(code, code), amount) for code, amount in entry["spending_by_direction"].items()],
                "services_rows": [(names.get(code, code), amount) for code, amount in entry["services_by_activity"].items()],
            }
        years.append(entry)
    return {"activity": activity_badge(organisation, year=selectors.last_closed_year(today)), "report_years": years}


def profile_reports(organisation: Organisation) -> list[dict]:
    """The profile's "Reports" section: year by year (newest first) the public parts of the standing
    submitted or accepted version, and the sign of activeness. Years with a sign but no standing
    version (e.g. a report returned for correction) show the sign alone."""
    years = {entry["year"]: {**entry, "filed": True} for entry in selectors.public_report_years(organisation)}
    for sign in ActivitySign.objects.filter(organisation=organisation).order_by("year"):
        if sign.year not in years:
            years[sign.year] = {"year": sign.year, "filed": False, "active": sign.active}
    return [years[year] for year in sorted(years, reverse=True)]


# --- Receipts ------------------------------------------------------------------------------------


def public_receipt(number: str) -> dict | None:
    """What anyone may learn from a receipt number: whose filing, for which year, when, its hash and
    the receiving body. Never the content, never personal data."""
    version = selectors.receipt_by_number(number)
    if version is None:
        return None
    return receipt_payload(version)


def receipt_payload(version: ReportVersion) -> dict:
    """The public receipt of `version` (its report, organisation and receiving body loaded or cached)."""
    organisation = version.report.organisation
    body = version.receiving_body
    return {
        "receipt_number": version.receipt_number,
        "organisation": {"bin": organisation.bin, "name": organisation.name},
        "year": version.report.year,
        "kind": version.kind,
        "kind_label": version.get_kind_display(),
        "version": version.number,
        "submitted_at": version.submitted_at,
        "submitted_at_local": version.submitted_at.astimezone(ALMATY),
        "due_on": version.report.due_on,
        "late": version.late,
        "content_hash": version.content_hash,
        "receiving_body": {"bin": body.bin, "name": body.name} if body else None,
    }


# --- A representative's and the authorised body's reads ---------------------------------------------


def represented_organisations(user) -> QuerySet[Organisation]:
    """The organisations the user is an approved representative of, by name."""
    if not has_full_session(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(id__in=represented_organisation_ids(user)).order_by("name_ru", "name_kk", "id")


def years_to_open(organisation: Organisation, today: dt.date) -> list[int]:
    """Years an organisation can report on from its cabinet, newest first: past years since
    registration (at most OPEN_YEARS_BACK), none after liquidation."""
    last = today.year - 1
    if organisation.liquidated_on is not None:
        last = min(last, organisation.liquidated_on.year)
    first = max(organisation.registered_on.year, today.year - OPEN_YEARS_BACK)
    return list(range(last, first - 1, -1))


def version_for(user, pk: int) -> ReportVersion:
    """A filed version the user may open (its organisation's representatives, the authorised body)."""
    version = (
        ReportVersion.objects.select_related("report__organisation", "receiving_body", "submitted_by")
        .filter(pk=pk, report__in=selectors.reports_visible_to(user).values("pk"))
        .first()
    )
    if version is None:
        raise NotFound(_("No such filing, or you may not open it."))
    return version


def review_queue(*, year: int | None = None) -> QuerySet[AnnualReport]:
    """Reports whose latest version waits for the authorised body's decision, oldest filing first.

    Callers check `is_authorised_body`; this read holds drafts' owners' filings, never public."""
    reports = (
        AnnualReport.objects.filter(status=AnnualReport.Status.SUBMITTED, latest__isnull=False)
        .select_related("organisation", "organisation__region", "latest")
        .order_by("latest__submitted_at", "id")
    )
    if year is not None:
        reports = reports.filter(year=year)
    return reports


def can_review(user, version: ReportVersion) -> bool:
    report = version.report
    return (
        is_authorised_body(user)
        and report.latest_id == version.pk
        and rules.can_transition(report.status, rules.ACCEPTED)
    )


def overdue_rows(*, year: int, today: dt.date, region: str | None = None) -> list[dict]:
    """The overdue list of `year`, optionally for one region (KATO)."""
    rows = selectors.overdue_organisations(year=year, today=today)
    if region:
        rows = [row for row in rows if row["region"] == region]
    return rows


def overdue_totals(rows: list[dict]) -> dict:
    fines = [row["fine_kzt"] for row in rows if row["fine_kzt"] is not None]
    return {
        "count": len(rows),
        "not_filed": sum(1 for row in rows if row["status"] == "not_filed"),
        "filed_late": sum(1 for row in rows if row["status"] == "filed_late"),
        "fine_mci": sum(row["fine_mci"] for row in rows),
        "fine_kzt": sum(fines) if len(fines) == len(rows) else None,
    }
