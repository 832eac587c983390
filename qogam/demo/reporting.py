"""Five years of annual reports (DOMAIN §3, issue 3), from which the sign of activeness is derived.

The reported years are the last five whose deadline has passed (2021–2025 on 23 November 2026);
later years get early filings (when the year is over but not yet due) and drafts. Every
organisation in the register reports for each year it existed in, up to its liquidation year.

Calibration (figures.csv, DOMAIN §2): about 75% of registered NGOs are active (book 2021: 73.5%;
2023: about 18,000 of 23,335). An active organisation files a report that shows employees,
volunteers, services or spending; an inactive one files a zero report or nothing at all. In the
last closed year the activity the register generator meant (`ctx.objects["activity_intent"]`)
decides, so the derived share stays at 75%; earlier years drift from it a little, as organisations start and stop.
Most NGOs are small: 0–10 employees paid 150–350 thousand tenge a month, a few volunteers, incomes
of a few million tenge. Some file late, some are returned and corrected, a few in liquidation file
an exemption declaration instead, and a few percent receive foreign funding.

Written in bulk: reports, versions (flat columns copied from the content, hashed with
`rules.content_hash`), reviews, foreign-funding rows, signs of activeness (`rules.activity_signs`)
and one audit entry per report, with its versions and reviews, through `audit.record_many`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from qogam.core import audit
from qogam.core.calendar import ALMATY, WorkingCalendar
from qogam.core.models import LegalForm
from qogam.core.sql import prepared
from qogam.demo.context import DemoContext
from qogam.demo.registry import ACTIVE_SHARE
from qogam.registry.models import Founder, Organisation
from qogam.reporting import rules, schema
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ForeignFundingUse,
    ReminderSent,
    ReportReview,
    ReportVersion,
)

BATCH = 4000
YEARS = 5
REPORT_TYPE = "reporting.annualreport"

# Year-to-year drift of activity in the years before the last closed one.
STOP_RATE = 0.06  # an active organisation inactive in an earlier year (it started later, or paused)
START_RATE = 0.15  # an organisation inactive now that was active in an earlier year
NON_NGO_ACTIVE = 0.85  # cooperatives, unions, religious associations and parties with members and spending
# Who files: every active organisation in the last closed year (so the derived share is the register's),
# nearly all in earlier years; inactive ones file a zero report or nothing.
ACTIVE_FILES_EARLIER = 0.97
INACTIVE_FILES = 0.45
LATE_SHARE = 0.12
RETURNED_SHARE = 0.05  # of filings: returned for correction (most then corrected)
CORRECTED_SHARE = 0.85  # of returned filings of closed years
PENDING_LAST_YEAR = 0.35  # filings of the last closed year still awaiting review
PENDING_EARLIER = 0.03
EXEMPTION_SHARE = 0.3  # of organisations in liquidation: an exemption instead of a zero report or nothing
FOREIGN_FUNDED_SHARE = 0.07  # of active NGOs; more in Almaty and Astana
EARLY_FILERS = 0.3  # of organisations, for a year that is over but not yet due
DRAFT_SHARE = 0.1  # of active organisations: a draft for a year not yet due

COUNTRIES = {"US": 24, "DE": 14, "GB": 10, "JP": 8, "KR": 7, "CH": 7, "NL": 6, "TR": 5, "RU": 5, "CN": 4, "FR": 4,
             "SE": 3, "NO": 3, "CA": 2, "IT": 2, "AE": 2}
SOURCE_TYPES = {"international_organisation": 35, "foreign_organisation": 40, "foreign_state": 15,
                "foreign_citizen": 9, "stateless_person": 1}
PURPOSES = (
    "Проект «Инклюзивное образование в сельских школах»",
    "Обучение молодых лидеров гражданского общества",
    "Программа поддержки женского предпринимательства",
    "Мониторинг качества государственных услуг",
    "Экологический проект «Чистый Балхаш»",
    "Правовая помощь мигрантам и лицам без гражданства",
    "Реабилитация детей с инвалидностью",
    "«Ашық деректер» жобасы: бюджеттің ашықтығы",
    "Жастарға арналған медиа-сауаттылық курстары",
    "Ауыл әйелдеріне заң көмегі",
    "Institutional support grant",
    "Community health awareness programme",
)
RETURN_REASONS = (
    "Численность работников по возрастным группам не подтверждена штатным расписанием; уточните данные.",
    "Сумма расходов не соответствует данным налоговой отчётности; представьте исправленный отчёт.",
    "Не указаны поступления иностранного финансирования, отражённые в банковской выписке.",
    "Количество благополучателей не подтверждено; уточните методику подсчёта.",
    "Жұмыскерлер саны салық есептілігімен сәйкес келмейді; түзетілген есепті ұсыныңыз.",
)
EXEMPTION_NOTES = (
    "Организация находится в процессе ликвидации, деятельность не осуществлялась.",
    "Ұйым таратылу үдерісінде, қызмет жүргізілген жоқ.",
)


@dataclass
class Org:
    id: int
    bin: str
    form: str
    is_ngo: bool
    status: str
    registered_on: dt.date
    liquidated_on: dt.date | None
    region: str
    active_now: bool
    directions: list[str]
    founders_individuals: int
    founders_legal: list[str]
    foreign_funded: bool = False
    size: float = 1.0  # a lasting scale of the organisation's activity
    members: int = 0


@dataclass
class Version:
    kind: str
    content: dict
    submitted_at: dt.datetime
    late: bool
    review: tuple[str, str, dt.datetime] | None = None  # (decision, reasons, at)


@dataclass
class Plan:
    org: Org
    year: int
    due_on: dt.date
    versions: list[Version] = field(default_factory=list)
    draft: dict | None = None  # a draft with no version yet

    @property
    def status(self) -> str:
        if not self.versions:
            return rules.DRAFT
        review = self.versions[-1].review
        return review[0] if review else rules.SUBMITTED


# --- Reading the register -----------------------------------------------------------------------------


def _organisations(ctx: DemoContext) -> list[Org]:
    organisations = ctx.objects.get("organisations") or list(Organisation.objects.order_by("id"))
    ngo_forms = set(LegalForm.objects.filter(is_ngo=True).values_list("code", flat=True))
    directions: dict[int, list[str]] = {}
    for org_id, code in Organisation.directions.through.objects.values_list("organisation_id", "direction_id"):
        directions.setdefault(org_id, []).append(code)
    individuals: dict[int, int] = {}
    legal: dict[int, list[str]] = {}
    for org_id, kind, bin_ in Founder.objects.values_list("organisation_id", "kind", "bin"):
        if kind == Founder.Kind.LEGAL_ENTITY:
            legal.setdefault(org_id, []).append(bin_)
        else:
            individuals[org_id] = individuals.get(org_id, 0) + 1
    # What the register generator meant; a database generated earlier: 75% of NGOs, by the seed.
    intent = ctx.objects.get("activity_intent")
    if intent is None:
        rng = ctx.rng("reporting-intent")
        intent = {o.pk: rng.random() < ACTIVE_SHARE for o in sorted(organisations, key=lambda o: o.pk)
                  if o.legal_form_id in ngo_forms and o.status == Organisation.Status.REGISTERED}
    orgs = []
    for o in sorted(organisations, key=lambda o: o.pk):
        is_ngo = o.legal_form_id in ngo_forms
        orgs.append(Org(
            id=o.pk, bin=o.bin, form=o.legal_form_id, is_ngo=is_ngo, status=o.status,
            registered_on=o.registered_on, liquidated_on=o.liquidated_on, region=o.region_id,
            active_now=bool(intent.get(o.pk)), directions=sorted(directions.get(o.pk, [])) or ["social_protection"],
            founders_individuals=individuals.get(o.pk, 0), founders_legal=sorted(set(legal.get(o.pk, []))),
        ))
    return orgs


# --- Content ------------------------------------------------------------------------------------------


def _round(value: float, step: int = 1000) -> int:
    return max(0, int(round(value / step)) * step)


def _lognormal(rng: random.Random, median: float, sigma: float = 0.8) -> float:
    return median * math.exp(rng.gauss(0, sigma))


def _split(rng: random.Random, total: int, keys: list[str], step: int = 1000) -> dict[str, int]:
    """`total` split over `keys` in whole multiples of `step` (the last part takes the remainder)."""
    keys = [k for k in keys if k]
    if not keys or total <= 0:
        return {}
    weights = [rng.random() + 0.2 for _ in keys]
    parts, left = {}, total
    for key, weight in zip(keys[:-1], weights[:-1], strict=True):
        part = min(left, _round(total * weight / sum(weights), step))
        if part:
            parts[key] = part
        left -= part
    if left:
        parts[keys[-1]] = parts.get(keys[-1], 0) + left
    return {k: v for k, v in parts.items() if v}


def _employees(rng: random.Random, org: Org) -> int:
    roll = rng.random()
    if roll < 0.25:
        return 0
    if roll < 0.95:
        return max(1, min(10, int(rng.expovariate(1 / (3 * org.size))) + 1))
    return rng.randint(11, 60)


def _active_content(rng: random.Random, org: Org, year: int) -> dict:
    c = schema.empty_content()
    size = org.size
    c["founders_individuals"] = org.founders_individuals
    c["founders_legal_entities"] = list(org.founders_legal)
    c["members"] = org.members

    employees = _employees(rng, org)
    if employees:
        under = rng.randint(0, employees)
        old = rng.randint(0, max(0, (employees - under) // 3))
        c.update(employees=employees, employees_age_under_30=under, employees_age_60_plus=old,
                 employees_age_30_59=employees - under - old,
                 employees_women=min(employees, round(employees * rng.uniform(0.45, 0.85))),
                 employees_with_disability=min(employees, int(rng.random() < 0.12) + int(rng.random() < 0.03)),
                 employees_higher_education=min(employees, round(employees * rng.uniform(0.5, 0.95))))
        if rng.random() < 0.5:
            managers = max(1, round(employees * 0.2))
            support = rng.randint(0, employees - managers)
            c.update(employees_managers=managers, employees_support_staff=support,
                     employees_specialists=employees - managers - support)
        c["payroll_kzt"] = _round(employees * 12 * rng.uniform(150_000, 350_000))

    if rng.random() < 0.5:
        volunteers = max(1, min(300, int(rng.expovariate(1 / (8 * size))) + 1))
        c["volunteers"] = volunteers
        c["volunteer_hours"] = int(volunteers * rng.uniform(10, 120))

    income = {}
    if rng.random() < 0.15:
        income["income_state_social_order_kzt"] = _round(_lognormal(rng, 6_000_000 * size))
    if rng.random() < 0.07:
        income["income_state_grants_kzt"] = _round(_lognormal(rng, 8_000_000 * size, 0.6))
    if rng.random() < 0.01:
        income["income_awards_kzt"] = _round(rng.uniform(2_000_000, 10_000_000))
    if rng.random() < 0.4:
        income["income_charity_sponsorship_kzt"] = _round(_lognormal(rng, 1_200_000 * size, 1.0))
    if org.form == "public_association" and rng.random() < 0.6:
        income["income_membership_fees_kzt"] = _round(max(org.members, 10) * rng.uniform(2_000, 24_000))
    if rng.random() < 0.1:
        income["income_commercial_kzt"] = _round(_lognormal(rng, 3_000_000 * size, 0.9))
    if rng.random() < 0.1:
        income["income_deposit_interest_kzt"] = _round(rng.uniform(10_000, 500_000))
    if rng.random() < 0.1:
        income["income_other_kzt"] = _round(_lognormal(rng, 400_000, 0.8))
    wages = c["payroll_kzt"] * 1.2
    if sum(income.values()) < wages:
        key = "income_charity_sponsorship_kzt" if rng.random() < 0.5 else "income_state_social_order_kzt"
        income[key] = income.get(key, 0) + _round(wages - sum(income.values()) + rng.uniform(100_000, 2_000_000))

    if org.foreign_funded and rng.random() < 0.85:
        receipts = _receipts(rng, org, year)
        c["foreign_receipts"] = receipts
        income["income_foreign_kzt"] = sum(r["amount_kzt"] for r in receipts)
        c["foreign_uses"] = _uses(rng, org, year, income["income_foreign_kzt"])
    c.update(income)
    total_income = sum(income.values())

    c["expenses_kzt"] = _round(total_income * rng.uniform(0.82, 1.04)) or _round(rng.uniform(50_000, 400_000))
    if rng.random() < 0.4:
        c["spending_by_direction"] = _split(rng, c["expenses_kzt"], org.directions)
    if rng.random() < 0.6 or income.get("income_state_social_order_kzt"):
        c["services_volume_kzt"] = _round(max(income.get("income_state_social_order_kzt", 0),
                                              _lognormal(rng, 2_500_000 * size)))
        if rng.random() < 0.3:
            c["services_by_activity"] = _split(rng, c["services_volume_kzt"], org.directions)
    if c["services_volume_kzt"] or rng.random() < 0.6:
        c["beneficiaries"] = max(1, int(_lognormal(rng, 150 * size, 1.1)))

    c["property_cash_kzt"] = _round(_lognormal(rng, 800_000 * size, 1.0))
    if rng.random() < 0.35:
        c["property_equipment_kzt"] = _round(_lognormal(rng, 1_500_000, 0.9))
    if rng.random() < 0.08:
        c["property_vehicles_kzt"] = _round(rng.uniform(3_000_000, 15_000_000))
    if rng.random() < 0.08:
        c["property_real_estate_kzt"] = _round(_lognormal(rng, 40_000_000, 0.8))
        c["tax_property_kzt"] = _round(c["property_real_estate_kzt"] * 0.015)
    if rng.random() < 0.05:
        c["property_financial_assets_kzt"] = _round(_lognormal(rng, 5_000_000, 0.8))

    if c["payroll_kzt"]:
        c["tax_social_kzt"] = _round(c["payroll_kzt"] * 0.085)
        c["tax_iit_withheld_kzt"] = _round(c["payroll_kzt"] * 0.09)
    if c["income_commercial_kzt"]:
        c["tax_cit_kzt"] = _round(c["income_commercial_kzt"] * rng.uniform(0.01, 0.05))
        if c["income_commercial_kzt"] > 20_000_000:
            c["tax_vat_kzt"] = _round(c["income_commercial_kzt"] * 0.12 * rng.uniform(0.2, 0.5))
    if rng.random() < 0.2:
        c["tax_other_kzt"] = _round(rng.uniform(5_000, 150_000))

    if not any(rules.activity_signs(c).values()):  # an active organisation shows at least spending
        c["expenses_kzt"] = _round(rng.uniform(100_000, 600_000))
    return c


def _zero_content(rng: random.Random, org: Org) -> dict:
    """The report of an organisation with no activity: founders and what property is left, nothing else."""
    c = schema.empty_content()
    c["founders_individuals"] = org.founders_individuals
    c["founders_legal_entities"] = list(org.founders_legal)
    c["members"] = org.members if rng.random() < 0.5 else 0
    if rng.random() < 0.4:
        c["property_cash_kzt"] = _round(rng.uniform(0, 150_000))
    if rng.random() < 0.1:
        c["income_deposit_interest_kzt"] = _round(rng.uniform(1_000, 20_000))
    return c


def _exemption(rng: random.Random) -> dict:
    return {"exemption": dict.fromkeys(rules.EXEMPTION_CONDITIONS, True), "note": rng.choice(EXEMPTION_NOTES)}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _receipts(rng: random.Random, org: Org, year: int) -> list[dict]:
    receipts = []
    for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]):
        source = rng.choices(list(SOURCE_TYPES), weights=list(SOURCE_TYPES.values()))[0]
        amount = _lognormal(rng, 600_000 if source in ("foreign_citizen", "stateless_person") else 6_000_000, 0.9)
        receipts.append({
            "source_type": source,
            "country": rng.choices(list(COUNTRIES), weights=list(COUNTRIES.values()))[0],
            "amount_kzt": max(50_000, _round(amount)),
            "received_on": _day(rng, dt.date(year, 1, 10), dt.date(year, 12, 20)).isoformat(),
            "purpose": rng.choice(PURPOSES),
        })
    receipts.sort(key=lambda r: r["received_on"])
    return receipts


def _uses(rng: random.Random, org: Org, year: int, received: int) -> list[dict]:
    uses, left = [], _round(received * rng.uniform(0.6, 1.0))
    parts = rng.randint(1, 3)
    for i in range(parts):
        amount = left if i == parts - 1 else _round(left * rng.uniform(0.3, 0.6))
        if amount <= 0:
            break
        start = _day(rng, dt.date(year, 1, 15), dt.date(year, 9, 30))
        uses.append({"period_start": start.isoformat(), "period_end": _day(rng, start, dt.date(year, 12, 31)).isoformat(),
                     "amount_kzt": amount, "direction": rng.choice(org.directions)})
        left -= amount
    return uses


def _partial(rng: random.Random, content: dict) -> dict:
    """A draft in progress: the first tables filled in, the rest still blank."""
    draft = schema.empty_content()
    tables = [t.code for t in schema.TABLES]
    filled = set(tables[: rng.randint(2, len(tables) - 2)])
    for f in schema.FIELDS:
        if f.table in filled:
            draft[f.key] = content[f.key]
    return draft


# --- Filing dates ------------------------------------------------------------------------------------


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59),
                       tzinfo=ALMATY)


def _filed_at(rng: random.Random, year: int, due: dt.date, today: dt.date, *, late: bool) -> dt.datetime:
    """When the report for `year` was filed: mostly in the last weeks before the deadline; late ones after."""
    if late and due < today - dt.timedelta(days=2):
        last = min(today - dt.timedelta(days=1), due + dt.timedelta(days=150))
        day = due + dt.timedelta(days=1 + int(rng.expovariate(1 / 25)) % max(1, (last - due).days))
        return _moment(rng, min(day, last))
    first = dt.date(year + 1, 1, 12)
    last = min(due, today - dt.timedelta(days=1))
    day = last - dt.timedelta(days=int(rng.expovariate(1 / 18)) % max(1, (last - first).days + 1))
    moment = _moment(rng, max(first, day))
    return moment if moment.date() <= due else _moment(rng, due)


def _review_at(rng: random.Random, after: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    at = _moment(rng, (after + dt.timedelta(days=rng.randint(4, 45))).date())
    if at <= after:
        at = after + dt.timedelta(hours=rng.randint(2, 48))
    return at if at < now else None


# --- Planning ------------------------------------------------------------------------------------------


def _years(ctx: DemoContext) -> tuple[list[int], list[int], dict[int, dt.date]]:
    """(closed years, later years up to this one, due date of each)."""
    calendar = WorkingCalendar.load()
    from qogam.reporting.selectors import due_on

    due = {}
    last_closed = ctx.today.year - 1
    while due_on(last_closed, calendar=calendar) >= ctx.today:
        last_closed -= 1
    closed = list(range(last_closed - YEARS + 1, last_closed + 1))
    later = list(range(last_closed + 1, ctx.today.year + 1))
    for year in closed + later:
        due[year] = due_on(year, calendar=calendar)
    return closed, later, due


def _exists_in(org: Org, year: int) -> bool:
    return org.registered_on.year <= year and (org.liquidated_on is None or org.liquidated_on.year >= year)


def _active_in(rng: random.Random, org: Org, year: int, last_closed: int) -> bool:
    """Whether the organisation was active in `year`: as now in the last closed year, drifting before it,
    and fading out in the years before a liquidation."""
    if org.liquidated_on is not None:
        # Activity stops a year or two before the liquidation.
        return org.active_now and year < org.liquidated_on.year - rng.randint(1, 2)
    if year >= last_closed:
        return org.active_now
    return rng.random() >= STOP_RATE if org.active_now else rng.random() < START_RATE


def _file(rng: random.Random, plan: Plan, content: dict, kind: str, *, today: dt.date, now: dt.datetime,
          last_closed: int, late: bool | None = None) -> None:
    late = (rng.random() < LATE_SHARE) if late is None else late
    filed = _filed_at(rng, plan.year, plan.due_on, today, late=late)
    version = Version(kind, content, filed, filed.date() > plan.due_on)
    plan.versions.append(version)
    pending = PENDING_LAST_YEAR if plan.year == last_closed else PENDING_EARLIER
    if rng.random() < pending:
        return
    at = _review_at(rng, filed, now)
    if at is None:
        return
    if kind == ReportVersion.Kind.REPORT and rng.random() < RETURNED_SHARE:
        version.review = (ReportReview.Decision.RETURNED, rng.choice(RETURN_REASONS), at)
        # In the last closed year a returned report that shows activity is corrected, so the derived
        # share of active organisations stays the register's.
        shows_activity = any(rules.activity_signs(content).values())
        corrected_share = CORRECTED_SHARE if plan.year < last_closed else (1.0 if shows_activity else 0.5)
        if rng.random() >= corrected_share:
            return
        corrected = dict(content)
        corrected["beneficiaries"] = max(0, content["beneficiaries"] + rng.choice((-1, 1)) * rng.randint(1, 20)) \
            if content["beneficiaries"] else 0
        corrected["property_cash_kzt"] = content["property_cash_kzt"] + _round(rng.uniform(1_000, 50_000))
        refiled = _moment(rng, (at + dt.timedelta(days=rng.randint(2, 25))).date())
        if refiled <= at:
            refiled = at + dt.timedelta(hours=rng.randint(2, 30))
        if refiled >= now:
            return
        second = Version(kind, corrected, refiled, refiled.date() > plan.due_on)
        plan.versions.append(second)
        again = _review_at(rng, refiled, now)
        if again is not None and rng.random() > pending:
            second.review = (ReportReview.Decision.ACCEPTED, "", again)
        return
    version.review = (ReportReview.Decision.ACCEPTED, "", at)


def _plans(ctx: DemoContext, orgs: list[Org]) -> list[Plan]:
    rng = ctx.rng("reporting")
    closed, later, due = _years(ctx)
    last_closed = closed[-1]
    now = dt.datetime.combine(ctx.today, dt.time(9, 0), tzinfo=ALMATY)
    for org in orgs:
        org.size = rng.lognormvariate(0, 0.6)
        # The register's generated flag for registered NGOs (75% of them); a suspended NGO or one in
        # liquidation is not active; an organisation liquidated since was active for most of its life.
        if org.status == "liquidated":
            org.active_now = rng.random() < 0.6
        elif not org.is_ngo:
            org.active_now = org.status == "registered" and rng.random() < NON_NGO_ACTIVE
        elif org.status != "registered":
            org.active_now = False
        org.members = rng.randint(10, 400) if org.form == "public_association" else (
            rng.randint(20, 3000) if org.form in ("trade_union", "political_party", "consumer_cooperative",
                                                  "apartment_owners_cooperative", "religious_association") else 0)
        big_city = org.region in ("750000000", "710000000")
        org.foreign_funded = org.is_ngo and rng.random() < FOREIGN_FUNDED_SHARE * (1.8 if big_city else 0.6)
    plans: list[Plan] = []
    for org in orgs:
        for year in closed:
            if not _exists_in(org, year):
                continue
            plan = Plan(org, year, due[year])
            active = _active_in(rng, org, year, last_closed)
            # Under liquidation in the last two closed years, or in the year of the liquidation.
            in_liquidation = (org.status == "in_liquidation" and year >= last_closed - 1) or (
                org.status == "liquidated" and org.liquidated_on.year == year)
            if active:
                if year == last_closed or rng.random() < ACTIVE_FILES_EARLIER:
                    _file(rng, plan, _active_content(rng, org, year), ReportVersion.Kind.REPORT, today=ctx.today,
                          now=now, last_closed=last_closed)
            elif in_liquidation and rng.random() < EXEMPTION_SHARE:
                _file(rng, plan, _exemption(rng), ReportVersion.Kind.EXEMPTION, today=ctx.today, now=now,
                      last_closed=last_closed)
            elif rng.random() < INACTIVE_FILES:
                _file(rng, plan, _zero_content(rng, org), ReportVersion.Kind.REPORT, today=ctx.today, now=now,
                      last_closed=last_closed)
            if plan.versions:
                plans.append(plan)
        for year in later:
            if not _exists_in(org, year) or org.status == "liquidated":
                continue
            active = _active_in(rng, org, last_closed, last_closed)
            plan = Plan(org, year, due[year])
            year_over = year < ctx.today.year
            if year_over and rng.random() < EARLY_FILERS * (1.0 if active else 0.3):
                content = _active_content(rng, org, year) if active else _zero_content(rng, org)
                _file(rng, plan, content, ReportVersion.Kind.REPORT, today=ctx.today, now=now,
                      last_closed=last_closed, late=False)
            elif active and rng.random() < DRAFT_SHARE:
                plan.draft = _partial(rng, _active_content(rng, org, year))
            if plan.versions or plan.draft is not None:
                plans.append(plan)
    _showcase(ctx, rng, orgs, plans, closed, later, due, now)
    return plans


def _showcase(ctx, rng, orgs, plans, closed, later, due, now) -> None:
    """The demo NGO user's organisation gets an interesting history, and every kind of filing exists."""
    last_closed = closed[-1]
    chosen = ctx.objects.get("ngo_user_organisation")
    if chosen is not None:
        org = next((o for o in orgs if o.id == chosen.pk), None)
        if org is not None:
            plans[:] = [p for p in plans if p.org is not org]
            org.foreign_funded = True
            for year in closed:
                if not _exists_in(org, year):
                    continue
                plan = Plan(org, year, due[year])
                content = _active_content(rng, org, year)
                plan.versions.append(Version(ReportVersion.Kind.REPORT, content,
                                             _filed_at(rng, year, due[year], ctx.today, late=year == closed[1]),
                                             year == closed[1]))
                first = plan.versions[0]
                first.late = first.submitted_at.date() > due[year]
                reviewed = _review_at(rng, first.submitted_at, now)
                if year == closed[-2] and reviewed:
                    first.review = (ReportReview.Decision.RETURNED, RETURN_REASONS[0], reviewed)
                    corrected = dict(content, beneficiaries=content["beneficiaries"] + 12)
                    refiled = reviewed + dt.timedelta(days=6)
                    second = Version(ReportVersion.Kind.REPORT, corrected, refiled, refiled.date() > due[year])
                    again = _review_at(rng, refiled, now)
                    second.review = (ReportReview.Decision.ACCEPTED, "", again) if again else None
                    plan.versions.append(second)
                elif year != last_closed and reviewed:
                    first.review = (ReportReview.Decision.ACCEPTED, "", reviewed)
                plans.append(plan)
            for year in later:
                plan = Plan(org, year, due[year])
                plan.draft = _partial(rng, _active_content(rng, org, year))
                plans.append(plan)

    def has(test) -> bool:
        return any(test(p) for p in plans)

    candidates = [p for p in plans if p.versions and p.org.is_ngo and p.org.id != getattr(chosen, "pk", None)]
    if not has(lambda p: p.status == rules.RETURNED) and candidates:
        plan = candidates[len(candidates) // 3]
        plan.versions = plan.versions[:1]
        at = _review_at(rng, plan.versions[0].submitted_at, now) or now - dt.timedelta(hours=1)
        plan.versions[0].review = (ReportReview.Decision.RETURNED, RETURN_REASONS[1], at)
    if not has(lambda p: p.status == rules.SUBMITTED) and candidates:
        plan = candidates[len(candidates) // 2]
        plan.versions = plan.versions[:1]
        plan.versions[0].review = None
    if not has(lambda p: p.status == rules.ACCEPTED) and candidates:
        plan = candidates[-1]
        plan.versions = plan.versions[:1]
        plan.versions[0].review = (ReportReview.Decision.ACCEPTED, "", now - dt.timedelta(hours=2))
    if not has(lambda p: any(v.late for v in p.versions)) and candidates:
        plan = candidates[0]
        filed = _filed_at(rng, plan.year, plan.due_on, ctx.today, late=True)
        plan.versions = [Version(plan.versions[0].kind, plan.versions[0].content, filed, filed.date() > plan.due_on)]
    if not has(lambda p: p.status == rules.DRAFT):
        org = next(o for o in orgs if o.is_ngo and o.status == "registered")
        plans.append(Plan(org, later[-1], due[later[-1]], draft=_partial(rng, _active_content(rng, org, later[-1]))))
    if not has(lambda p: any(v.kind == ReportVersion.Kind.EXEMPTION for v in p.versions)):
        org = next((o for o in orgs if o.status == "in_liquidation"), None) or next(
            o for o in orgs if o.status == "liquidated")
        year = last_closed if org.status == "in_liquidation" else org.liquidated_on.year
        plans[:] = [p for p in plans if not (p.org is org and p.year == year)]
        plan = Plan(org, year, due.get(year) or rules.due_date(year))
        _file(rng, plan, _exemption(rng), ReportVersion.Kind.EXEMPTION, today=ctx.today, now=now,
              last_closed=last_closed, late=False)
        plans.append(plan)
    if not has(lambda p: any(v.content.get("foreign_receipts") for v in p.versions)):
        plan = next(p for p in plans if p.versions and p.versions[-1].kind == ReportVersion.Kind.REPORT
                    and p.org.is_ngo)
        plan.org.foreign_funded = True
        for version in plan.versions:
            receipts = _receipts(rng, plan.org, plan.year)
            version.content = dict(version.content, foreign_receipts=receipts,
                                   income_foreign_kzt=sum(r["amount_kzt"] for r in receipts),
                                   foreign_uses=_uses(rng, plan.org, plan.year, sum(r["amount_kzt"] for r in receipts)))


# --- Writing -------------------------------------------------------------------------------------------


def _standing(plan: Plan) -> Version | None:
    """The version that stands: the latest one not returned for correction (services.effective_version)."""
    for version in reversed(plan.versions):
        if not (version.review and version.review[0] == ReportReview.Decision.RETURNED):
            return version
    return None


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert `rows` (values by attribute name) in as few statements as the database allows; return the
    new ids in the order of `rows`, read back as the ids above the largest one before.

    The ORM's bulk_create sends at most 999 parameters per statement on SQLite (24 versions of 40
    columns) and builds a model instance per row; a demo of 100,000 versions spent most of its time
    there. Only JSON, date and time values need converting for the database.
    """
    if not rows:
        return []
    meta = model._meta
    fields, values = prepared(model, rows)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    before = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite runs executemany in C against one prepared statement: no round trips to save.
            cursor.executemany(sql, values)
        else:
            # PostgreSQL: COPY streams the rows in one command.
            columns = ", ".join(quote(f.column) for f in fields)
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for line in values:
                    copy.write_row(line)
    ids = list(model.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows)} rows inserted but {len(ids)} found")
    return ids


def _write(plans: list[Plan], *, analyst_id, receiving_body_id) -> None:
    from qogam.reporting.services import store_signs

    now = dt.datetime.now(dt.UTC)
    for start in range(0, len(plans), BATCH):
        chunk = plans[start:start + BATCH]
        report_ids = _insert(AnnualReport, [
            {"organisation_id": p.org.id, "year": p.year, "status": p.status, "due_on": p.due_on,
             "draft": p.draft if p.draft is not None else p.versions[-1].content,
             "version": 1 + (1 if p.draft is not None else 0) + 2 * len(p.versions),
             "latest_id": None, "created_at": now, "updated_at": now}
            for p in chunk
        ])
        rows, owners = [], []
        for plan, report_id in zip(chunk, report_ids, strict=True):
            for number, v in enumerate(plan.versions, start=1):
                flat = rules.flat_values(v.content) if v.kind == ReportVersion.Kind.REPORT else {}
                rows.append({
                    "report_id": report_id, "number": number, "kind": v.kind, "content": v.content,
                    "content_hash": rules.content_hash(v.content), "submitted_at": v.submitted_at,
                    "submitted_by_id": None, "source": ReportVersion.Source.WEB, "late": v.late,
                    "receipt_number": rules.receipt_number(plan.year, report_id, number),
                    "receiving_body_id": receiving_body_id, **flat,
                })
                owners.append((plan, v))
        version_ids = _insert(ReportVersion, rows)
        row_of = {}
        for version_id, row, (_plan, v) in zip(version_ids, rows, owners, strict=True):
            row["id"] = version_id
            row_of[id(v)] = row

        reviews, receipts, uses = [], [], []
        for row, (plan, v) in zip(rows, owners, strict=True):
            if v.review:
                decision, reasons, at = v.review
                reviews.append({"version_id": row["id"], "decision": decision, "reasons": reasons,
                                "reviewed_by_id": analyst_id, "reviewed_at": at})
            if v.kind != ReportVersion.Kind.REPORT:
                continue
            for r in v.content["foreign_receipts"]:
                receipts.append({
                    "version_id": row["id"], "organisation_id": plan.org.id, "year": plan.year,
                    "source_type": r["source_type"], "country": r["country"], "amount_kzt": r["amount_kzt"],
                    "received_on": dt.date.fromisoformat(r["received_on"]), "purpose": r["purpose"]})
            for u in v.content["foreign_uses"]:
                uses.append({
                    "version_id": row["id"], "organisation_id": plan.org.id, "year": plan.year,
                    "period_start": dt.date.fromisoformat(u["period_start"]),
                    "period_end": dt.date.fromisoformat(u["period_end"]), "amount_kzt": u["amount_kzt"],
                    "direction_id": u["direction"]})
        _insert(ReportReview, reviews)
        _insert(ForeignFundingReceipt, receipts)
        _insert(ForeignFundingUse, uses)

        latest = ReportVersion.objects.filter(report=OuterRef("pk")).order_by("-number").values("pk")[:1]
        AnnualReport.objects.filter(pk__gte=report_ids[0], pk__lte=report_ids[-1]).update(latest=Subquery(latest))

        signs = []
        for plan in chunk:
            if not plan.versions:
                continue
            standing = _standing(plan)
            signs.append((plan.org.id, plan.year, standing.kind if standing else None,
                          standing.content if standing else None, row_of[id(standing)]["id"] if standing else None))
        store_signs(signs)

        audit.record_many([
            audit.Change("report_generate", REPORT_TYPE, str(report_id), None, {
                "organisation": plan.org.bin, "year": plan.year, "status": plan.status, "due_on": plan.due_on,
                "versions": [{"receipt_number": row_of[id(v)]["receipt_number"], "kind": v.kind,
                              "content_hash": row_of[id(v)]["content_hash"], "submitted_at": v.submitted_at,
                              "late": v.late} for v in plan.versions],
                "reviews": [{"receipt_number": row_of[id(v)]["receipt_number"], "decision": v.review[0],
                             "reviewed_at": v.review[2]} for v in plan.versions if v.review],
                "source": "demo",
            })
            for plan, report_id in zip(chunk, report_ids, strict=True)
        ])


def generate(ctx: DemoContext) -> None:
    from qogam.reporting.services import receiving_body

    orgs = _organisations(ctx)
    plans = _plans(ctx, orgs)
    closed, _later, _due = _years(ctx)
    analyst = (ctx.objects.get("users") or {}).get("demo-analyst")
    body = receiving_body()
    with transaction.atomic():
        _write(plans, analyst_id=analyst.pk if analyst else None, receiving_body_id=body.pk if body else None)
    versions = sum(len(p.versions) for p in plans)
    ctx.count("annual reports", len(plans))
    ctx.count("report versions", versions)
    registered_ngos = [o for o in orgs if o.is_ngo and o.status == "registered"]
    active = ActivitySign.objects.filter(year=closed[-1], active=True,
                                         organisation_id__in=[o.id for o in registered_ngos]).count()
    share = active / len(registered_ngos) if registered_ngos else 0
    ctx.log(f"  {len(plans)} annual reports for {closed[0]}–{closed[-1]} and later drafts, {versions} versions; "
            f"{share:.1%} of registered NGOs active in {closed[-1]}")


def wipe() -> int:
    """Remove every report with its versions, reviews, foreign-funding rows, signs and reminders.

    Filed versions refuse deletion through the ORM (they are immutable for everyone else); the demo's
    reset removes its own data with plain DELETE statements, children first.
    """
    count = AnnualReport.objects.count()
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(AnnualReport._meta.db_table)} SET {quote('latest_id')} = NULL")
        for model in (ActivitySign, ReminderSent, ForeignFundingUse, ForeignFundingReceipt, ReportReview,
                      ReportVersion, AnnualReport):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
    return count
