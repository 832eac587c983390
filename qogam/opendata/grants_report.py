"""The grant operator's annual public report (issue 4; DOMAIN §4 "State grants through the operator").

For one year of grant programmes: applications, the share of them in Kazakh, the share filed by organisations
of Astana and Almaty, grants and amounts by kind of funder (ministry, akimats, non-state funders), by funder,
by region and by direction, the same share of the wins, the state support, terminated agreements and the
beneficiaries reached: the kinds of figures the published statistics give (reference/figures.csv).

Definitions, also stated on the page:
- the year is the year of the grant programme;
- an application is one filed to a call of the year and not withdrawn (drafts are not applications);
- a grant is an agreement past the draft (signed, active, completed, terminated or closed), with its amount;
- the region is the one the applicant organisation is registered in (DOMAIN §4: grants concentrate in
  Astana and Almaty, and the share of applications "filed" from there is the published figure);
- beneficiaries are those of each project's latest accepted monitoring report.

`summarise` and the share helpers are pure; the selectors below read only public fields (no persons).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from qogam.core.models import Direction, Region
from qogam.funding import rules
from qogam.funding.models import Agreement, Application, MonitoringReport, Programme
from qogam.opendata.giving360 import org_id, unregistered_funder_id
from qogam.registry.models import StateBody

MECHANISM = "grant"
ASTANA, ALMATY = "710000000", "750000000"  # KATO codes, reference/regions.csv
CAPITAL_KATOS = (ASTANA, ALMATY)
FUNDER_KINDS = ("ministry", "akimat", "non_state")
STATE_FUNDER_KINDS = ("ministry", "akimat")
NOT_APPLICATIONS = (rules.ApplicationStatus.DRAFT, rules.ApplicationStatus.WITHDRAWN)


# --- arithmetic -------------------------------------------------------------------------------------------


def share(part, whole) -> Decimal | None:
    """part / whole as an exact Decimal; None when the whole is zero (a share of nothing is undefined)."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def percent(part, whole, places: int = 1) -> Decimal | None:
    """part / whole in percent, rounded half up to `places` decimals; None when the whole is zero."""
    value = share(part, whole)
    if value is None:
        return None
    return (value * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def millions(amount, places: int = 1) -> Decimal:
    """An amount in KZT as millions, rounded half up (6,683,800,000 → 6683.8)."""
    return (Decimal(amount) / Decimal(1_000_000)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- facts and the pure summary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationFact:
    year: int
    language: str
    region: str
    direction: str


@dataclass(frozen=True)
class GrantFact:
    year: int
    amount: Decimal
    funder_kind: str
    funder: str
    funder_name: str
    region: str
    direction: str
    terminated: bool = False
    beneficiaries: int = 0


@dataclass
class Line:
    code: str
    name: str = ""
    group: str = ""
    applications: int = 0
    grants: int = 0
    amount: Decimal = Decimal(0)
    amount_percent: Decimal | None = None


@dataclass
class YearFigures:
    year: int
    applications: int = 0
    applications_kk: int = 0
    applications_capital: int = 0
    grants: int = 0
    amount: Decimal = Decimal(0)
    grants_capital: int = 0
    amount_capital: Decimal = Decimal(0)
    state_amount: Decimal = Decimal(0)
    terminated: int = 0
    beneficiaries: int = 0
    by_funder_kind: list[Line] = field(default_factory=list)
    by_funder: list[Line] = field(default_factory=list)
    by_region: list[Line] = field(default_factory=list)
    by_direction: list[Line] = field(default_factory=list)

    @property
    def kk_percent(self) -> Decimal | None:
        return percent(self.applications_kk, self.applications)

    @property
    def capital_applications_percent(self) -> Decimal | None:
        return percent(self.applications_capital, self.applications)

    @property
    def capital_grants_percent(self) -> Decimal | None:
        return percent(self.grants_capital, self.grants)

    @property
    def capital_amount_percent(self) -> Decimal | None:
        return percent(self.amount_capital, self.amount)

    @property
    def amount_millions(self) -> Decimal:
        return millions(self.amount)

    @property
    def state_amount_millions(self) -> Decimal:
        return millions(self.state_amount)

    @property
    def has_data(self) -> bool:
        return bool(self.applications or self.grants)


def _ordered(lines: dict[str, Line], total: Decimal) -> list[Line]:
    for line in lines.values():
        line.amount_percent = percent(line.amount, total)
    return sorted(lines.values(), key=lambda line: (-line.amount, -line.grants, -line.applications, line.code))


def summarise(year: int, applications: Iterable[ApplicationFact], grants: Iterable[GrantFact],
              capital: Iterable[str] = CAPITAL_KATOS) -> YearFigures:
    """The year's figures from its applications and grants (facts of other years are ignored)."""
    capital = frozenset(capital)
    figures = YearFigures(year=year)
    kinds = {kind: Line(code=kind) for kind in FUNDER_KINDS}
    funders: dict[str, Line] = {}
    regions: dict[str, Line] = {}
    directions: dict[str, Line] = {}
    for fact in applications:
        if fact.year != year:
            continue
        figures.applications += 1
        figures.applications_kk += fact.language == "kk"
        figures.applications_capital += fact.region in capital
        regions.setdefault(fact.region, Line(code=fact.region)).applications += 1
        directions.setdefault(fact.direction, Line(code=fact.direction)).applications += 1
    for fact in grants:
        if fact.year != year:
            continue
        amount = Decimal(fact.amount)
        figures.grants += 1
        figures.amount += amount
        if fact.region in capital:
            figures.grants_capital += 1
            figures.amount_capital += amount
        if fact.funder_kind in STATE_FUNDER_KINDS:
            figures.state_amount += amount
        figures.terminated += fact.terminated
        figures.beneficiaries += fact.beneficiaries
        lines = (
            kinds.setdefault(fact.funder_kind, Line(code=fact.funder_kind)),
            funders.setdefault(fact.funder, Line(code=fact.funder, name=fact.funder_name, group=fact.funder_kind)),
            regions.setdefault(fact.region, Line(code=fact.region)),
            directions.setdefault(fact.direction, Line(code=fact.direction)),
        )
        for line in lines:
            line.grants += 1
            line.amount += amount
    for line in kinds.values():
        line.amount_percent = percent(line.amount, figures.amount)
    figures.by_funder_kind = list(kinds.values())
    figures.by_funder = _ordered(funders, figures.amount)
    figures.by_region = _ordered(regions, figures.amount)
    figures.by_direction = _ordered(directions, figures.amount)
    return figures


# --- selectors (public fields only) -----------------------------------------------------------------------


def _applications(years=None):
    qs = (Application.objects.filter(call__mechanism=MECHANISM).exclude(status__in=NOT_APPLICATIONS))
    if years is not None:
        qs = qs.filter(call__programme__year__in=list(years))
    return qs


def _agreements(years=None):
    qs = (Agreement.objects.filter(application__call__mechanism=MECHANISM)
          .exclude(status=rules.AgreementStatus.DRAFT))
    if years is not None:
        qs = qs.filter(application__call__programme__year__in=list(years))
    return qs


def report_years() -> list[int]:
    """Years of grant programmes with at least one application or grant, latest first."""
    years = set(_applications().values_list("call__programme__year", flat=True))
    years |= set(_agreements().values_list("application__call__programme__year", flat=True))
    return sorted(years, reverse=True)


def application_facts(years=None) -> list[ApplicationFact]:
    rows = (_applications(years).order_by("pk")
            .values_list("call__programme__year", "language", "organisation__region_id", "direction_id"))
    return [ApplicationFact(year, language, region, direction) for year, language, region, direction in rows]


def _beneficiaries(agreement_ids) -> dict[int, int]:
    """Beneficiaries of each project's latest accepted monitoring report."""
    found: dict[int, int] = {}
    rows = (MonitoringReport.objects.filter(status=MonitoringReport.Status.ACCEPTED,
                                            due__agreement_id__in=agreement_ids)
            .order_by("due__agreement_id", "due__due_on", "number", "pk")
            .values_list("due__agreement_id", "content"))
    for agreement_id, content in rows:
        try:
            found[agreement_id] = max(int((content or {}).get("beneficiaries") or 0), 0)
        except (TypeError, ValueError, AttributeError):
            continue
    return found


def grant_facts(years=None) -> list[GrantFact]:
    """Published grants as facts; funder names in the current language (state bodies are trilingual)."""
    p = "application__call__programme__"
    rows = list(_agreements(years).order_by("pk").values_list(
        "pk", "amount", "terminated_on", "application__organisation__region_id", "application__direction_id",
        f"{p}year", f"{p}funder_kind", f"{p}funder_name", f"{p}funder_bin", f"{p}funder_body_id"))
    bodies = {body.pk: body for body in StateBody.objects.filter(pk__in={row[-1] for row in rows if row[-1]})}
    beneficiaries = _beneficiaries([row[0] for row in rows])
    facts = []
    for pk, amount, terminated_on, region, direction, year, kind, funder_name, funder_bin, body_id in rows:
        if body_id:
            funder, funder_name = org_id(bodies[body_id].bin), bodies[body_id].name
        else:
            funder = org_id(funder_bin) if funder_bin else unregistered_funder_id(funder_name)
        facts.append(GrantFact(
            year=year, amount=amount, funder_kind=kind, funder=funder, funder_name=funder_name, region=region,
            direction=direction, terminated=terminated_on is not None,
            beneficiaries=beneficiaries.get(pk, 0),
        ))
    return facts


def _name(lines: list[Line], names: dict[str, str]) -> None:
    for line in lines:
        line.name = names.get(line.code, line.code)


def _with_names(figures: YearFigures) -> YearFigures:
    kinds = dict(Programme.FunderKind.choices)
    _name(figures.by_funder_kind, {code: str(label) for code, label in kinds.items()})
    _name(figures.by_region, {region.kato: region.name for region in Region.objects.all()})
    _name(figures.by_direction, {direction.code: direction.name for direction in Direction.objects.all()})
    for line in figures.by_funder:
        line.group = str(kinds.get(line.group, line.group))
    return figures


def annual_report(year: int) -> YearFigures:
    """The operator's public report of one year, with names in the current language."""
    return _with_names(summarise(year, application_facts([year]), grant_facts([year])))


def trend(years: Iterable[int] | None = None) -> list[YearFigures]:
    """The headline figures of every year with data, earliest first."""
    years = sorted(years if years is not None else report_years())
    applications, grants = application_facts(years), grant_facts(years)
    return [summarise(year, applications, grants) for year in years]


# --- the table behind the CSV and XLSX downloads ----------------------------------------------------------

TABLE_COLUMNS = ("year", "section", "code", "name", "applications", "grants", "amount_kzt", "value")


def table(figures: YearFigures, labels: dict[str, str]) -> list[list]:
    """The report as one table: indicator rows (their value in the last column), then breakdowns.

    `labels` gives the translated names of the indicators, by code.
    """
    y = figures.year
    indicators = [
        ("applications", figures.applications),
        ("applications_kk", figures.applications_kk),
        ("applications_kk_percent", figures.kk_percent),
        ("applications_astana_almaty", figures.applications_capital),
        ("applications_astana_almaty_percent", figures.capital_applications_percent),
        ("grants", figures.grants),
        ("amount_kzt", figures.amount),
        ("grants_astana_almaty", figures.grants_capital),
        ("grants_astana_almaty_percent", figures.capital_grants_percent),
        ("amount_astana_almaty_percent", figures.capital_amount_percent),
        ("state_amount_kzt", figures.state_amount),
        ("terminated", figures.terminated),
        ("beneficiaries", figures.beneficiaries),
    ]
    rows: list[list] = [[y, "indicator", code, labels.get(code, code), None, None, None, value]
                        for code, value in indicators]
    for section, lines in (("funder_kind", figures.by_funder_kind), ("funder", figures.by_funder),
                           ("region", figures.by_region), ("direction", figures.by_direction)):
        for line in lines:
            rows.append([y, section, line.code, line.name, line.applications, line.grants, line.amount,
                         line.amount_percent])
    return rows
