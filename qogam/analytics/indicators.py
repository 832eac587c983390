"""The 11 contribution indicators (DOMAIN §7, issue 7) for a year and a region, computed synchronously
from the register, the annual reports and the funding engine: never from precomputed results.

- An NGO is an organisation whose legal form is an NGO form (`LegalForm.is_ngo`).
- On the register in Y: registered on or before 31 December Y and not liquidated on or before it.
- Active in Y: on the register in Y, and its standing report version for Y (the latest version not
  returned for correction) shows employees, volunteers, services or expenses above 0, or it held a
  state funding agreement in force in Y (the NGO Database's sign of activeness, issue 3).
- Figures from reports are summed over the standing reports of the active NGOs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from qogam.analytics import rules

REPORT_SUMS = (
    "employees", "employees_women", "employees_with_disability", "employees_higher_education",
    "employees_age_under_30", "employees_age_30_59", "employees_age_60_plus", "payroll_kzt", "volunteers",
    "volunteer_hours", "services_volume_kzt", "expenses_kzt", "income_foreign_kzt", "income_charity_sponsorship_kzt",
    "tax_cit_kzt", "tax_vat_kzt", "tax_social_kzt", "tax_iit_withheld_kzt", "tax_property_kzt", "tax_other_kzt",
)


def registered_queryset(year: int, region: str | None):
    """Every NGO on the register in `year` (in `region`)."""
    from django.db.models import Q

    from qogam.registry.models import Organisation

    end = dt.date(year, 12, 31)
    queryset = Organisation.objects.filter(legal_form__is_ngo=True, registered_on__lte=end).filter(
        Q(liquidated_on__isnull=True) | Q(liquidated_on__gt=end))
    if region:
        queryset = queryset.filter(region_id=region)
    return queryset


def registered(year: int, region: str | None):
    """(id, legal form code, registration year, leader gender) of every NGO on the register in `year`."""
    return list(registered_queryset(year, region).values_list("pk", "legal_form_id", "registered_on__year",
                                                               "leader_gender"))


def raw_rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset as the database driver returns them, without Django's
    per-value converters (on SQLite every decimal would become a quantised Decimal: most of the time of
    reading 100,000 reports). Money comes back as int or float on SQLite and Decimal on PostgreSQL."""
    from django.db import connections

    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def returned_versions(year: int) -> set[int]:
    """The versions of `year`'s reports whose latest review returned them for correction (they do not
    stand), found by the database: only their ids travel."""
    from django.db.models import Exists, OuterRef, Q

    from qogam.reporting.models import ReportReview

    later = ReportReview.objects.filter(version=OuterRef("version")).filter(
        Q(reviewed_at__gt=OuterRef("reviewed_at")) | Q(reviewed_at=OuterRef("reviewed_at"), pk__gt=OuterRef("pk")))
    return set(ReportReview.objects.filter(version__report__year=year, decision=ReportReview.Decision.RETURNED)
               .filter(~Exists(later)).values_list("version_id", flat=True))


def standing_versions(organisations, year: int, fields: tuple[str, ...] = REPORT_SUMS) -> dict[int, tuple]:
    """The standing report version for `year` of each of `organisations` (a queryset): its `fields` as
    whole numbers (all 0 for an exemption). The money figures are whole tenge (no decimal places), read
    as 64-bit integers: far cheaper to decode than numerics."""
    from django.db.models import BigIntegerField, DecimalField
    from django.db.models.functions import Cast

    from qogam.reporting.models import ReportVersion

    columns = {name: Cast(name, BigIntegerField()) for name in fields
               if isinstance(ReportVersion._meta.get_field(name), DecimalField)}
    versions = raw_rows(ReportVersion.objects.filter(report__year=year,
                                                     report__organisation__in=organisations.values("pk"))
                        .annotate(**{f"int_{name}": column for name, column in columns.items()})
                        .values_list("pk", "report__organisation_id", "number", "kind",
                                     *[f"int_{name}" if name in columns else name for name in fields]))
    returned = returned_versions(year)
    standing: dict[int, tuple] = {}
    numbers: dict[int, int] = {}
    zero = (0,) * len(fields)
    for version_id, org_id, number, kind, *values in versions:
        if version_id in returned or number <= numbers.get(org_id, 0):
            continue
        numbers[org_id] = number
        standing[org_id] = tuple(values) if kind == ReportVersion.Kind.REPORT else zero
    return standing


def _directions(organisations) -> dict[int, list[str]]:
    from qogam.registry.models import Organisation

    out: dict[int, list[str]] = defaultdict(list)
    through = Organisation.directions.through
    for org_id, code in through.objects.filter(organisation__in=organisations.values("pk")).values_list(
            "organisation_id", "direction_id"):
        out[org_id].append(code)
    return out


def _int(value) -> int:
    return int(value or 0)


@dataclass
class YearData:
    """What the indicators of a year are counted from, read once: every NGO on the register in the
    year (id, legal form, registration year, leader's gender, region), its charter directions, its
    standing report's figures and whether it held a funding agreement in force."""

    year: int
    ngos: list[tuple]
    directions: dict[int, list[str]]
    reports: dict[int, tuple]  # organisation id: its standing report's figures, in the order of `fields`
    agreements: set[int]
    fields: tuple[str, ...] = REPORT_SUMS

    def active(self, ngos: list[tuple]):
        """(row, figures or None, signs shown) of each active NGO among `ngos`."""
        employees, volunteers = self.fields.index("employees"), self.fields.index("volunteers")
        services, expenses = self.fields.index("services_volume_kzt"), self.fields.index("expenses_kzt")
        for row in ngos:
            figures = self.reports.get(row[0])
            shown = (figures is not None and figures[employees] > 0, figures is not None and figures[volunteers] > 0,
                     figures is not None and figures[services] > 0, figures is not None and figures[expenses] > 0,
                     row[0] in self.agreements)
            if any(shown):
                yield row, figures, shown

    def within(self, region: str | None) -> list[tuple]:
        return self.ngos if not region else [row for row in self.ngos if row[4] == region]

    def reports_within(self, region: str | None) -> int:
        """How many NGOs on the register in `region` have a standing report (or exemption) for the year."""
        return sum(1 for row in self.within(region) if row[0] in self.reports)


ACTIVITY_FIELDS = ("employees", "volunteers", "services_volume_kzt", "expenses_kzt")


def year_data(year: int, region: str | None = None, *, fields: tuple[str, ...] = REPORT_SUMS,
              directions: bool = True) -> YearData:
    from qogam.reporting.services import funding_agreements_active

    queryset = registered_queryset(year, region)
    ngos = list(queryset.values_list("pk", "legal_form_id", "registered_on__year", "leader_gender", "region_id"))
    agreements = {org for org, _year in funding_agreements_active({(row[0], year) for row in ngos})}
    return YearData(year, ngos, _directions(queryset) if directions else {}, standing_versions(queryset, year, fields),
                    agreements, fields)


def services_total(year: int, region: str | None) -> int:
    """`services_volume_kzt.total` of `indicators(year, region)`, reading only what it needs."""
    data = year_data(year, region, fields=ACTIVITY_FIELDS, directions=False)
    services = ACTIVITY_FIELDS.index("services_volume_kzt")
    return sum(figures[services] for _row, figures, _shown in data.active(data.ngos) if figures is not None)


def price_index(year: int):
    from qogam.core.models import PriceIndex

    return PriceIndex.objects.filter(year=year).values_list("value", flat=True).first()


def indicators(year: int, region: str | None = None, *, with_index: bool = True) -> dict:
    """The JSON object of `qogam indicators --year Y [--region KATO]`."""
    data = year_data(year, region)
    result = figures(data, region)
    if with_index:
        result["physical_volume_index"] = rules.physical_volume_index(
            result["services_volume_kzt"]["total"], price_index(year), services_total(year - 1, region))
    return result


def figures(data: YearData, region: str | None) -> dict:
    """The indicators of `data`'s year within `region` (all of Kazakhstan for None), without the
    physical volume index (it needs the previous year: `physical_volume_index` is None here)."""
    year, directions = data.year, data.directions
    ngos = data.within(region)
    registered_by_form = Counter(row[1] for row in ngos)
    registered_by_direction = Counter(code for row in ngos for code in directions.get(row[0], ()))
    active, signs = [], [0] * 5
    totals = [0] * len(data.fields)
    employees_by_form: Counter = Counter()
    services_by_form: Counter = Counter()
    employees_at, services_at = data.fields.index("employees"), data.fields.index("services_volume_kzt")
    for row, figures, shown in data.active(ngos):
        active.append(row)
        for i, value in enumerate(shown):
            signs[i] += value
        employees_by_form[row[1]] += figures[employees_at] if figures else 0
        services_by_form[row[1]] += figures[services_at] if figures else 0
        if figures:
            for i, value in enumerate(figures):
                totals[i] += value
    sums = dict(zip(data.fields, totals, strict=True))
    signs = dict(zip(("employees", "volunteers", "services", "expenses", "funding_agreement"), signs, strict=True))

    ages: Counter = Counter()
    for registered, n in Counter(row[2] for row in active).items():
        ages[rules.age_band(year - registered)] += n
    taxes = {name: sums[f"tax_{name}_kzt"] for name in ("cit", "vat", "social", "iit_withheld", "property", "other")}
    return {
        "year": year,
        "region": region,
        "registered_ngos": {"total": len(ngos), "by_legal_form": dict(sorted(registered_by_form.items())),
                            "by_direction": dict(sorted(registered_by_direction.items()))},
        "active_ngos": {
            "total": len(active),
            "by_legal_form": dict(sorted(Counter(row[1] for row in active).items())),
            "by_direction": dict(sorted(Counter(code for row in active for code in directions.get(row[0], ())).items())),
            "by_age": {band: ages[band] for band in rules.AGE_BANDS},
        },
        "activity_signs": {key: signs[key] for key in ("employees", "volunteers", "services", "expenses",
                                                       "funding_agreement")},
        "employees": {
            "total": sums["employees"], "women": sums["employees_women"],
            "with_disability": sums["employees_with_disability"],
            "higher_education": sums["employees_higher_education"],
            "by_age": {"under_30": sums["employees_age_under_30"], "30_59": sums["employees_age_30_59"],
                       "60_plus": sums["employees_age_60_plus"]},
            "by_legal_form": dict(sorted(employees_by_form.items())),
            "payroll_kzt": sums["payroll_kzt"],
        },
        "services_volume_kzt": {"total": sums["services_volume_kzt"], "by_legal_form": dict(sorted(services_by_form.items()))},
        "physical_volume_index": None,
        "charity_sponsorship_kzt": sums["income_charity_sponsorship_kzt"],
        "foreign_funds_kzt": sums["income_foreign_kzt"],
        "taxes_kzt": {**taxes, "total": sum(taxes.values())},
        "volunteer_services": {"volunteers": sums["volunteers"], "hours": sums["volunteer_hours"]},
        "women_led_ngos": {"registered": sum(1 for row in ngos if row[3] == "f"),
                           "active": sum(1 for row in active if row[3] == "f")},
    }
