"""The register of organisations, calibrated to reference/figures.csv.

At scale 1: 23,335 NGOs that are not liquidated, by region exactly as published for 2023 (Almaty
5,017, Astana 3,554, Shymkent 1,512, Karaganda Region 1,237, Kyzylorda Region 1,217, the rest by
population); about 3,500 of them registered by the end of 2003 and about 23,300 by the end of
2023 once the NGOs liquidated since are counted back in; 2,800 more NGOs already liquidated;
about 3,100 NPOs that are not NGOs (religious associations, parties, trade unions, cooperatives);
75% of registered NGOs active. Counts are allocated exactly (largest remainder), so every legal
form, status, territorial level and region has at least one organisation at any scale.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from qogam.core import audit, config
from qogam.core.models import LegalForm
from qogam.core.personal import iin_hash
from qogam.core.rules import ALMATY, ASTANA
from qogam.demo.context import DemoContext, allocate, spread, weekday_on_or_before, weighted_sample
from qogam.demo.geography import (
    MOBILE_CODES,
    NGOS_BY_REGION,
    NGOS_REGISTERED_2023,
    POPULATION,
    REGIONS,
    RUSSIAN_NAME_SHARE,
    SHYMKENT,
    STREETS,
    RegionGeo,
    Town,
)
from qogam.demo.names import (
    OrgName,
    Person,
    birth_date,
    company_name,
    foreign_branch_name,
    make_iin,
    name_variant,
    ngo_name,
    non_ngo_name,
    person_name,
    slug,
)
from qogam.registry.models import Founder, Leader, Organisation
from qogam.registry.search_key import search_key

BATCH = 2000

# Share of each NGO legal form among domestic NGOs (public associations and public funds dominate).
NGO_FORMS = {
    "public_association": 0.47,
    "public_fund": 0.335,
    "private_institution": 0.09,
    "association_of_legal_entities": 0.05,
    "corporate_fund": 0.025,
    "private_fund": 0.012,
    "noncommercial_jsc": 0.002,
}
FOREIGN_BRANCH_SHARE = 0.008
FOREIGN_BRANCH_REGIONS = {ALMATY: 55, ASTANA: 30, SHYMKENT: 2, "350000000": 3, "230000000": 3, "470000000": 2,
                          "630000000": 2, "550000000": 2, "150000000": 1}
# NPOs that are not NGOs, at scale 1: about 12% on top of the NGOs.
NON_NGO_VOLUMES = {
    "religious_association": 1000,
    "apartment_owners_cooperative": 1000,
    "consumer_cooperative": 500,
    "trade_union": 350,
    "political_party": 7,
}
LIQUIDATED_NGO_SHARE = 0.12
LIQUIDATED_NON_NGO_SHARE = 0.08
ALIVE_STATUSES = {"registered": 0.970, "suspended": 0.012, "in_liquidation": 0.018}
ACTIVE_SHARE = 0.75  # of registered NGOs (book 2021: 73.5%; 2023: about 18,000 of 23,335)
TERRITORIAL_LEVELS = {"local": 0.85, "regional": 0.12, "national": 0.03}

# NGOs registered and not liquidated by the end of each year, at scale 1. The anchors 2003 and
# 2023 come from figures.csv (3,500 and 23,335) once the NGOs liquidated later are counted back in;
# the years between follow the sector's growth, fastest in 2005–2015.
CUMULATIVE_NGOS = {1991: 0, 1994: 300, 1997: 1100, 2000: 2000, 2002: 2800, 2003: 3150, 2005: 4600, 2007: 6400,
                   2009: 8600, 2011: 11000, 2013: 13600, 2015: 16200, 2017: 18400, 2019: 20100, 2021: 21450,
                   2022: 22000, 2023: 22650}

# (min, max) individual founders kept per legal form. A public association needs at least ten
# founding citizens; the others list their founding group.
INDIVIDUAL_FOUNDERS = {
    "public_association": (10, 12),
    "public_fund": (1, 3),
    "private_fund": (1, 1),
    "private_institution": (1, 1),
    "religious_association": (10, 10),
    "political_party": (10, 10),
    "trade_union": (10, 10),
    "consumer_cooperative": (7, 9),
    "apartment_owners_cooperative": (3, 5),
}
NJSC_FOUNDER_BODY = {"education": "science", "health": "health", "culture": "mci", "social_protection": "labour"}


@dataclass
class OrgSpec:
    form: str
    region: str
    status: str
    registered_on: dt.date
    liquidated_on: dt.date | None = None
    is_ngo: bool = True
    name: OrgName | None = None
    town: Town | None = None
    name_ru: str = ""
    name_kk: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    territorial_level: str = ""
    branch_regions: list[str] = field(default_factory=list)
    directions: list[str] = field(default_factory=list)
    female_leader: bool = False
    active: bool | None = None
    bin: str = ""
    leader: Person | None = None
    founders: list[Person] = field(default_factory=list)
    entity_founders: list[tuple[str, str]] = field(default_factory=list)  # (BIN, name)


# --- Counts and dates --------------------------------------------------------------------------


def yearly_registrations(total: int, horizon: dt.date) -> dict[int, int]:
    """How many of `total` NGOs alive today were registered in each year (the growth curve)."""
    years = sorted(CUMULATIVE_NGOS)
    cumulative = {}
    for a, b in zip(years, years[1:], strict=False):
        for year in range(a, b + 1):
            cumulative[year] = CUMULATIVE_NGOS[a] + (CUMULATIVE_NGOS[b] - CUMULATIVE_NGOS[a]) * (year - a) / (b - a)
    weights = {year: cumulative[year] - cumulative[year - 1] for year in range(years[0] + 1, years[-1] + 1)
               if year <= horizon.year}
    after = NGOS_REGISTERED_2023 - CUMULATIVE_NGOS[years[-1]]
    later_days = (horizon - dt.date(years[-1] + 1, 1, 1)).days + 1
    for year in range(years[-1] + 1, horizon.year + 1):
        days = (min(horizon, dt.date(year, 12, 31)) - dt.date(year, 1, 1)).days + 1
        weights[year] = after * days / later_days
    return allocate(total, weights, minimum=0)


def _day_in(rng: random.Random, year: int, horizon: dt.date) -> dt.date:
    """A weekday of `year`, not after `horizon` (the Ministry of Justice registers on working days)."""
    first = dt.date(year, 1, 1)
    last = min(dt.date(year, 12, 31), horizon)
    day = first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))
    shifted = weekday_on_or_before(day)
    if shifted >= first:
        return shifted
    while day.weekday() >= 5 and day < last:
        day += dt.timedelta(days=1)
    return day


def _registration_dates(rng: random.Random, n: int, horizon: dt.date, *, until: int | None = None) -> list[dt.date]:
    per_year = yearly_registrations(n, horizon if until is None else min(horizon, dt.date(until, 12, 31)))
    dates = [_day_in(rng, year, horizon) for year, count in per_year.items() for _ in range(count)]
    rng.shuffle(dates)
    return dates


def _liquidation_date(rng: random.Random, registered: dt.date, horizon: dt.date) -> dt.date:
    """A day after `registered` and not after `horizon`: liquidations happen all through the years."""
    window = (horizon - registered).days
    if window <= 60:
        return horizon
    return weekday_on_or_before(registered + dt.timedelta(days=max(30, int(window * rng.uniform(0.05, 1.0)))))


# --- People and companies ----------------------------------------------------------------------


class People:
    """Leaders and founders. A few people found several organisations, as in life."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.by_region: dict[str, list[Person]] = {}
        self.iins: set[str] = set()

    def new(self, region: str, *, female: bool) -> Person:
        russian = self.rng.random() < RUSSIAN_NAME_SHARE[region]
        name = person_name(self.rng, female=female, russian=russian)
        while True:
            iin = make_iin(self.rng, born=birth_date(self.rng, self.today), female=female)
            if iin not in self.iins:
                break
        self.iins.add(iin)
        person = Person(name, female, iin)
        self.by_region.setdefault(region, []).append(person)
        return person

    def founder(self, region: str) -> Person:
        pool = self.by_region.get(region)
        if pool and self.rng.random() < 0.05:
            return self.rng.choice(pool)
        return self.new(region, female=self.rng.random() < 0.5)


# --- Building the specifications ---------------------------------------------------------------


def _alive_ngos(ctx: DemoContext, rng: random.Random) -> list[OrgSpec]:
    regions = sorted(NGOS_BY_REGION)
    total = max(ctx.scaled(NGOS_REGISTERED_2023), len(regions) + len(NGO_FORMS) + 4)
    per_region = allocate(total, NGOS_BY_REGION, minimum=1)
    foreign = allocate(max(1, round(total * FOREIGN_BRANCH_SHARE)), FOREIGN_BRANCH_REGIONS)
    slots: list[tuple[str, str]] = []
    for kato in regions:
        n_foreign = min(foreign.get(kato, 0), per_region[kato] - 1)
        slots.extend((kato, "foreign_npo_branch") for _ in range(n_foreign))
        slots.extend((kato, "") for _ in range(per_region[kato] - n_foreign))
    if not any(form for _, form in slots):
        slots[slots.index((ALMATY, ""))] = (ALMATY, "foreign_npo_branch")
    domestic_forms = spread(sum(1 for _, form in slots if not form), NGO_FORMS, rng, minimum=1)
    forms = iter(domestic_forms)
    statuses = spread(len(slots), ALIVE_STATUSES, rng, minimum=1)
    dates = _registration_dates(rng, len(slots), ctx.horizon)
    return [
        OrgSpec(form or next(forms), kato, status, registered)
        for (kato, form), status, registered in zip(slots, statuses, dates, strict=True)
    ]


def _liquidated_ngos(ctx: DemoContext, rng: random.Random) -> list[OrgSpec]:
    n = ctx.scaled(NGOS_REGISTERED_2023 * LIQUIDATED_NGO_SHARE)
    regions = spread(n, NGOS_BY_REGION, rng)
    forms = spread(n, NGO_FORMS, rng)
    latest = min(ctx.horizon.year - 1, 2022)
    dates = _registration_dates(rng, n, ctx.horizon, until=latest)
    specs = []
    for kato, form, registered in zip(regions, forms, dates, strict=True):
        specs.append(OrgSpec(form, kato, "liquidated", registered, _liquidation_date(rng, registered, ctx.horizon)))
    return specs


def _non_ngos(ctx: DemoContext, rng: random.Random) -> list[OrgSpec]:
    specs = []
    for form, volume in NON_NGO_VOLUMES.items():
        n_alive = ctx.scaled(volume)
        n_liquidated = ctx.scaled(volume * LIQUIDATED_NON_NGO_SHARE, minimum=0)
        weights = {ASTANA: 1} if form == "political_party" else POPULATION
        regions = spread(n_alive + n_liquidated, weights, rng)
        statuses = spread(n_alive, {"registered": 0.95, "suspended": 0.01, "in_liquidation": 0.04}, rng)
        statuses += ["liquidated"] * n_liquidated
        first = 1999 if form == "political_party" else 1992
        for kato, status in zip(regions, statuses, strict=True):
            latest = ctx.horizon.year - 1 if status == "liquidated" else ctx.horizon.year
            registered = _day_in(rng, rng.randint(first, latest), ctx.horizon)
            liquidated = _liquidation_date(rng, registered, ctx.horizon) if status == "liquidated" else None
            specs.append(OrgSpec(form, kato, status, registered, liquidated, is_ngo=False))
    return specs


def _town(rng: random.Random, geo: RegionGeo) -> Town:
    if len(geo.towns) == 1 or rng.random() < 0.7:
        return geo.centre
    return rng.choice(geo.towns[1:])


def _address(rng: random.Random, town: Town, *, kazakh: bool) -> str:
    street_ru, street_kk = rng.choice(STREETS)
    number = rng.randint(1, 250)
    office = rng.randint(1, 420) if rng.random() < 0.45 else None
    if kazakh:
        return f"{town.kk} қ., {street_kk}, {number}" + (f", {office}-кеңсе" if office else "")
    return f"г. {town.ru}, {street_ru}, {number}" + (f", оф. {office}" if office else "")


def _phone(rng: random.Random, geo: RegionGeo) -> str:
    if rng.random() < 0.5:
        code = rng.choice(MOBILE_CODES)
    else:
        code = geo.phone_code
    rest = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(code)))
    rest = str(rng.randint(2, 9)) + rest[1:]
    groups = {7: (3, 2, 2), 6: (2, 2, 2), 5: (1, 2, 2)}[len(rest)]
    parts, i = [], 0
    for size in groups:
        parts.append(rest[i:i + size])
        i += size
    return f"+7 ({code}) {parts[0]}-{parts[1]}-{parts[2]}"


def _languages(rng: random.Random, spec: OrgSpec) -> tuple[bool, bool]:
    """(has a Russian name, has a Kazakh name)."""
    if not spec.name.name_kk:
        return True, False
    roll = rng.random()
    ru_only = {"apartment_owners_cooperative": 0.45, "consumer_cooperative": 0.3, "foreign_npo_branch": 0.2}.get(
        spec.form, 0.12)
    kk_only = {"religious_association": 0.25, "political_party": 0.0, "foreign_npo_branch": 0.0}.get(spec.form, 0.08)
    if roll < ru_only:
        return True, False
    if roll < ru_only + kk_only:
        return False, True
    return True, True


def _unique_name(rng: random.Random, spec: OrgSpec, used: set) -> OrgName:
    """A name no other organisation has: redrawn, then a brand told apart by town or year."""
    geo = REGIONS[spec.region]

    def draw() -> OrgName:
        if spec.form == "foreign_npo_branch":
            return foreign_branch_name(rng, spec.town, office=rng.random() < 0.4)
        if spec.is_ngo:
            return ngo_name(rng, spec.form, geo, spec.town)
        return non_ngo_name(rng, spec.form, geo, spec.town)

    for _attempt in range(25):
        name = draw()
        if (name.name_ru, name.name_kk) not in used:
            return name
    for _attempt in range(25):
        for suffix in (spec.town.kk, str(spec.registered_on.year)):
            variant = name_variant(name, suffix) if name.core else None
            if variant and (variant.name_ru, variant.name_kk) not in used:
                return variant
        name = draw()
    return name


def _domain(rng: random.Random, base: str, town: Town, used: set) -> str:
    candidates = [base]
    town_slug = slug(town.en)
    if town_slug not in base:
        candidates.append(f"{base}-{town_slug}")
    candidates += [f"{base}-kz", f"{base}{rng.randint(1, 99)}"]
    for candidate in candidates:
        if candidate not in used:
            used.add(candidate)
            return candidate
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    used.add(f"{base}-{number}")
    return f"{base}-{number}"


def _describe(rng: random.Random, spec: OrgSpec, used_names: set, used_domains: set) -> None:
    geo = REGIONS[spec.region]
    spec.town = _town(rng, geo)
    name = _unique_name(rng, spec, used_names)
    used_names.add((name.name_ru, name.name_kk))
    spec.name = name
    has_ru, has_kk = _languages(rng, spec)
    spec.name_ru = name.name_ru if has_ru else ""
    spec.name_kk = name.name_kk if has_kk else ""
    spec.address = _address(rng, spec.town, kazakh=not has_ru)
    extra = list(name.directions[1:])
    rng.shuffle(extra)
    wanted = rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]
    spec.directions = sorted([*name.directions[:1], *extra[: wanted - 1]])
    spec.female_leader = rng.random() < name.female_leaders
    if rng.random() < (0.3 if spec.status == "liquidated" else 0.65):
        domain = _domain(rng, name.slug, spec.town, used_domains)
        if rng.random() < 0.7:
            spec.email = f"info@{domain}.kz"
            if rng.random() < 0.4:
                spec.website = f"https://{domain}.kz"
        else:
            spec.email = f"{domain.replace('-', '.')}@{rng.choice(('mail.ru', 'gmail.com', 'inbox.kz'))}"
    if rng.random() < (0.3 if spec.status == "liquidated" else 0.7):
        spec.phone = _phone(rng, geo)


def _territorial(rng: random.Random, specs: list[OrgSpec]) -> None:
    """Levels of public associations, with branches that satisfy the territorial rule (DOMAIN §2)."""
    regional_min = max(1, int(config.get("registry.regional_min_branch_regions")))
    national_min = max(2, int(config.get("registry.national_min_branch_regions")))
    all_regions = sorted(REGIONS)
    associations = [s for s in specs if s.form == "public_association"]
    levels = allocate(len(associations), TERRITORIAL_LEVELS, minimum=1)
    national = weighted_sample(associations, levels["national"],
                               lambda s: 20.0 if s.region in (ASTANA, ALMATY) else 1.0, rng)
    national_ids = {id(s) for s in national}
    rest = [s for s in associations if id(s) not in national_ids]
    regional = rng.sample(rest, levels["regional"])
    for spec in associations:
        spec.territorial_level = "local"
    for spec in regional:
        spec.territorial_level = "regional"
        others = [k for k in all_regions if k != spec.region]
        count = min(len(all_regions), max(regional_min, rng.randint(2, 5)))
        spec.branch_regions = sorted({spec.region, *rng.sample(others, count - 1)})
    for spec in national:
        spec.territorial_level = "national"
        count = min(len(all_regions), max(national_min, rng.randint(8, 20)))
        core = {ASTANA, ALMATY, spec.region}
        others = [k for k in all_regions if k not in core]
        spec.branch_regions = sorted(core | set(rng.sample(others, max(0, count - len(core)))))


def _activity(rng: random.Random, specs: list[OrgSpec], today: dt.date) -> None:
    """The generated sign of activeness: ACTIVE_SHARE of registered NGOs, younger ones more often."""
    registered = [s for s in specs if s.is_ngo and s.status == "registered"]
    for spec in specs:
        spec.active = False if spec.is_ngo else None

    def weight(spec: OrgSpec) -> float:
        age = (today - spec.registered_on).days / 365.25
        return 1.3 if age < 8 else 1.0 if age < 20 else 0.7

    for spec in weighted_sample(registered, round(len(registered) * ACTIVE_SHARE), weight, rng):
        spec.active = True


def _bins(ctx: DemoContext, specs: list[OrgSpec]) -> None:
    for spec in specs:
        if spec.form == "foreign_npo_branch":
            office = spec.name.name_ru.startswith("Представительство")
            spec.bin = ctx.bins.new(spec.registered_on, entity_type=5, subdivision=2 if office else 1)
        else:
            spec.bin = ctx.bins.new(spec.registered_on)


def _founders(ctx: DemoContext, rng: random.Random, specs: list[OrgSpec], people: People) -> None:
    bodies = ctx.objects.get("state_bodies", {})
    companies: list[tuple[str, str]] = []
    company_cap = ctx.scaled(400)

    def company() -> tuple[str, str]:
        if companies and (len(companies) >= company_cap or rng.random() < 0.3):
            return rng.choice(companies)
        registered = weekday_on_or_before(dt.date(rng.randint(1996, 2020), rng.randint(1, 12), rng.randint(1, 28)))
        ru, _kk = company_name(rng)
        companies.append((ctx.bins.new(registered), ru))
        return companies[-1]

    earlier: list[OrgSpec] = []

    def earlier_org(spec: OrgSpec) -> tuple[str, str] | None:
        for _attempt in range(6):
            if not earlier:
                return None
            other = rng.choice(earlier)
            gone = other.liquidated_on is not None and other.liquidated_on <= spec.registered_on
            if not gone and other.form != "foreign_npo_branch":
                return other.bin, other.name_ru or other.name_kk
        return None

    for spec in specs:
        low, high = INDIVIDUAL_FOUNDERS.get(spec.form, (0, 0))
        n_people = rng.randint(low, high)
        entities: list[tuple[str, str]] = []
        if spec.form == "association_of_legal_entities":
            for _ in range(rng.randint(2, 5)):
                found = earlier_org(spec) if rng.random() < 0.7 else None
                entities.append(found or company())
        elif spec.form == "corporate_fund":
            entities = [company() for _ in range(rng.randint(1, 2))]
        elif spec.form == "noncommercial_jsc":
            body = bodies.get(NJSC_FOUNDER_BODY.get(spec.name.directions[0], "mci"))
            if body is not None:
                entities = [(body.bin, body.name_ru)]
        elif spec.form == "public_fund" and rng.random() < 0.1:
            found = earlier_org(spec)
            entities = [found] if found else []
        elif spec.form == "private_institution" and rng.random() < 0.3:
            found = earlier_org(spec)
            if found:
                entities, n_people = [found], 0
        seen = set()
        spec.entity_founders = [e for e in entities if not (e[0] in seen or seen.add(e[0]))]
        people_seen: set[str] = set()
        for _ in range(n_people):
            person = people.founder(spec.region)
            if person.iin not in people_seen:
                people_seen.add(person.iin)
                spec.founders.append(person)
        same_gender = [p for p in spec.founders if p.female == spec.female_leader]
        if same_gender and rng.random() < 0.6:
            spec.leader = rng.choice(same_gender)
        else:
            spec.leader = people.new(spec.region, female=spec.female_leader)
        earlier.append(spec)


# --- Writing ----------------------------------------------------------------------------------


def _after(spec: OrgSpec) -> dict:
    return {
        "bin": spec.bin,
        "name_ru": spec.name_ru,
        "name_kk": spec.name_kk,
        "legal_form": spec.form,
        "registered_on": spec.registered_on,
        "status": spec.status,
        "liquidated_on": spec.liquidated_on,
        "region": spec.region,
        "address": spec.address,
        "territorial_level": spec.territorial_level,
        "branch_regions": spec.branch_regions,
        "directions": spec.directions,
        "leader_gender": "f" if spec.female_leader else "m",
        "email": spec.email,
        "phone": spec.phone,
        "website": spec.website,
        "founders": {"individuals": len(spec.founders), "legal_entities": [b for b, _ in spec.entity_founders]},
        "source": "demo",
    }


def build(ctx: DemoContext) -> list[OrgSpec]:
    """Every organisation to generate, in registration order, without touching the database."""
    rng = ctx.rng("registry")
    specs = _alive_ngos(ctx, rng) + _liquidated_ngos(ctx, rng) + _non_ngos(ctx, rng)
    used_names: set = set()
    used_domains: set = set()
    for spec in specs:
        _describe(rng, spec, used_names, used_domains)
    _territorial(rng, specs)
    _activity(rng, specs, ctx.today)
    specs.sort(key=lambda s: (s.registered_on, s.region, s.form, s.name_ru, s.name_kk))
    _bins(ctx, specs)
    _founders(ctx, rng, specs, People(ctx.rng("people"), ctx.today))
    return specs


def generate(ctx: DemoContext) -> None:
    specs = build(ctx)
    ngo_forms = set(LegalForm.objects.filter(is_ngo=True).values_list("code", flat=True))
    hashes: dict[str, str] = {}
    organisations: list[Organisation] = []
    with transaction.atomic():
        for start in range(0, len(specs), BATCH):
            chunk = specs[start:start + BATCH]
            batch = [
                Organisation(
                    bin=s.bin, name_ru=s.name_ru, name_kk=s.name_kk, legal_form_id=s.form,
                    registered_on=s.registered_on, status=s.status, liquidated_on=s.liquidated_on,
                    region_id=s.region, address=s.address, territorial_level=s.territorial_level,
                    leader_gender="f" if s.female_leader else "m", email=s.email, phone=s.phone, website=s.website,
                    search_key=search_key(s.name_ru, s.name_kk), version=1,
                )
                for s in chunk
            ]
            Organisation.objects.bulk_create(batch, batch_size=BATCH)
            organisations.extend(batch)
            _children(chunk, batch, hashes)
            audit.record_many([
                audit.Change("organisation_create", "registry.organisation", str(org.pk), None, _after(s))
                for s, org in zip(chunk, batch, strict=True)
            ])
    ctx.objects["organisations"] = organisations
    # Which NGOs the demo means to be active: the reports generated next show it (reporting derives
    # the sign of activeness from them); the register itself stores no such flag.
    ctx.objects["activity_intent"] = {
        org.pk: s.active for s, org in zip(specs, organisations, strict=True) if s.form in ngo_forms}
    ctx.count("organisations", len(organisations))
    ctx.count("NGOs not liquidated", sum(1 for s in specs if s.form in ngo_forms and s.status != "liquidated"))
    ctx.count("founders", sum(len(s.founders) + len(s.entity_founders) for s in specs))
    ctx.log(f"  {len(organisations)} organisations ({ctx.counts['NGOs not liquidated']} NGOs not liquidated), "
            f"{ctx.counts['founders']} founders")


def _children(specs: list[OrgSpec], orgs: list[Organisation], hashes: dict[str, str]) -> None:
    def hash_of(person: Person) -> str:
        if person.iin not in hashes:
            hashes[person.iin] = iin_hash(person.iin)
        return hashes[person.iin]

    directions = Organisation.directions.through
    branches = Organisation.branch_regions.through
    direction_rows, branch_rows, leaders, founders = [], [], [], []
    for spec, org in zip(specs, orgs, strict=True):
        direction_rows.extend(directions(organisation_id=org.pk, direction_id=code) for code in spec.directions)
        branch_rows.extend(branches(organisation_id=org.pk, region_id=kato) for kato in spec.branch_regions)
        leaders.append(Leader(organisation_id=org.pk, full_name=spec.leader.full_name,
                              iin_hash=hash_of(spec.leader)))
        founders.extend(
            Founder(organisation_id=org.pk, kind=Founder.Kind.INDIVIDUAL, full_name=p.full_name,
                    iin_hash=hash_of(p))
            for p in spec.founders
        )
        founders.extend(
            Founder(organisation_id=org.pk, kind=Founder.Kind.LEGAL_ENTITY, bin=bin_, entity_name=name)
            for bin_, name in spec.entity_founders
        )
    directions.objects.bulk_create(direction_rows, batch_size=BATCH)
    branches.objects.bulk_create(branch_rows, batch_size=BATCH)
    Leader.objects.bulk_create(leaders, batch_size=BATCH)
    Founder.objects.bulk_create(founders, batch_size=BATCH)


def wipe() -> int:
    """Remove every organisation with its leader, founders, directions, branches and representations."""
    from qogam.accounts.models import Representation

    for model in (Founder, Leader, Organisation.directions.through, Organisation.branch_regions.through,
                  Representation):
        model.objects.all().delete()
    return Organisation.objects.all().delete()[1].get("registry.Organisation", 0)
