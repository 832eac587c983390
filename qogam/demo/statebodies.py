"""State bodies at every level: ministries and their committees, the grant operator, quasi-public
entities, and the akimats, maslikhats and departments of regions, cities and districts.

About 400 of them are customers of the state social order at scale 1 (figures.csv: "over 100
regional and over 300 city or district"): the akimats of the 20 regions with five departments
each (120), and the akimats of cities and districts with the departments of the cities (over 300).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from qogam.core import audit
from qogam.core.models import Region
from qogam.demo.context import DemoContext, weekday_on_or_before
from qogam.demo.geography import REGIONS, District, RegionGeo
from qogam.demo.names import latin
from qogam.registry.models import StateBody
from qogam.registry.validation import state_body_values

Level = StateBody.Level
Kind = StateBody.Kind

RK_RU, RK_KK, RK_EN = "Республики Казахстан", "Қазақстан Республикасы", "of the Republic of Kazakhstan"
GOV = "https://www.gov.kz/memleket/entities/"

# (key, Russian, Kazakh, English, gov.kz slug, committees as (key, Russian, Kazakh, English))
MINISTRIES = (
    ("mci", "Министерство культуры и информации", "Мәдениет және ақпарат министрлігі",
     "Ministry of Culture and Information", "mam",
     (("civil_society", "Комитет по делам гражданского общества", "Азаматтық қоғам істері комитеті",
       "Committee on Civil Society Affairs"),
      ("youth_family", "Комитет по делам молодёжи и семьи", "Жастар және отбасы істері комитеті",
       "Committee on Youth and Family Affairs"),
      ("religion", "Комитет по делам религий", "Дін істері комитеті", "Committee for Religious Affairs"))),
    ("justice", "Министерство юстиции", "Әділет министрлігі", "Ministry of Justice", "adilet",
     (("registration", "Комитет регистрационной службы и оказания правовой помощи",
       "Тіркеу қызметі және заң көмегін көрсету комитеті", "Committee of Registration Service and Legal Aid"),)),
    ("education", "Министерство просвещения", "Оқу-ағарту министрлігі", "Ministry of Education", "edu", ()),
    ("science", "Министерство науки и высшего образования", "Ғылым және жоғары білім министрлігі",
     "Ministry of Science and Higher Education", "sci", ()),
    ("health", "Министерство здравоохранения", "Денсаулық сақтау министрлігі", "Ministry of Health", "dsm", ()),
    ("labour", "Министерство труда и социальной защиты населения", "Еңбек және халықты әлеуметтік қорғау министрлігі",
     "Ministry of Labour and Social Protection of the Population", "enbek", ()),
    ("sport", "Министерство туризма и спорта", "Туризм және спорт министрлігі", "Ministry of Tourism and Sports",
     "tsm", ()),
    ("ecology", "Министерство экологии и природных ресурсов", "Экология және табиғи ресурстар министрлігі",
     "Ministry of Ecology and Natural Resources", "ecogeo", ()),
    ("finance", "Министерство финансов", "Қаржы министрлігі", "Ministry of Finance", "minfin",
     (("revenue", "Комитет государственных доходов", "Мемлекеттік кірістер комитеті", "State Revenue Committee"),)),
    ("economy", "Министерство национальной экономики", "Ұлттық экономика министрлігі",
     "Ministry of National Economy", "economy", ()),
    ("interior", "Министерство внутренних дел", "Ішкі істер министрлігі", "Ministry of Internal Affairs",
     "qriim", ()),
    ("agriculture", "Министерство сельского хозяйства", "Ауыл шаруашылығы министрлігі", "Ministry of Agriculture",
     "moa", ()),
    ("digital", "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
     "Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
     "Ministry of Digital Development, Innovation and Aerospace Industry", "mdai", ()),
    ("emergency", "Министерство по чрезвычайным ситуациям", "Төтенше жағдайлар министрлігі",
     "Ministry of Emergency Situations", "emer", ()),
    ("foreign", "Министерство иностранных дел", "Сыртқы істер министрлігі", "Ministry of Foreign Affairs",
     "mfa", ()),
)

# (key, Russian, Kazakh, English, parent key)
QUASI_PUBLIC = (
    ("samruk", "АО «Фонд национального благосостояния «Самрук-Казына»»",
     "«Самұрық-Қазына» ұлттық әл-ауқат қоры АҚ", "Samruk-Kazyna National Welfare Fund JSC", None),
    ("baiterek", "АО «Национальный управляющий холдинг «Байтерек»»", "«Бәйтерек» ұлттық басқарушы холдингі АҚ",
     "Baiterek National Managing Holding JSC", None),
    ("gov4c", "НАО «Государственная корпорация «Правительство для граждан»»",
     "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы КеАҚ",
     "State Corporation “Government for Citizens” NJSC", "digital"),
    ("shif", "НАО «Фонд социального медицинского страхования»", "«Әлеуметтік медициналық сақтандыру қоры» КеАҚ",
     "Social Health Insurance Fund NJSC", "health"),
    ("workforce", "АО «Центр развития трудовых ресурсов»", "«Еңбек ресурстарын дамыту орталығы» АҚ",
     "Workforce Development Centre JSC", "labour"),
)

# The single grant operator since 2016 (DOMAIN §1). It is a non-commercial joint-stock company
# wholly owned by the state, so it sits in the quasi-public sector, under the ministry in charge.
OPERATOR = ("operator", "НАО «Центр поддержки гражданских инициатив»", "«Азаматтық бастамаларды қолдау орталығы» КеАҚ",
            "Center for Support of Civil Initiatives NJSC", "mci")

# Departments (управления) of the akimat of every region and city of republican significance.
REGIONAL_DEPARTMENTS = (
    ("internal_policy", "Управление внутренней политики", "ішкі саясат басқармасы", "Department of Internal Policy"),
    ("youth", "Управление молодёжной политики", "жастар саясаты басқармасы", "Department of Youth Policy"),
    ("health", "Управление здравоохранения", "денсаулық сақтау басқармасы", "Health Department"),
    ("education", "Управление образования", "білім басқармасы", "Education Department"),
    ("employment", "Управление координации занятости и социальных программ",
     "жұмыспен қамтуды үйлестіру және әлеуметтік бағдарламалар басқармасы",
     "Department of Employment and Social Programmes"),
)
# Departments (отделы) of the akimat of every city of regional significance.
CITY_DEPARTMENTS = (
    ("internal_policy", "Отдел внутренней политики", "ішкі саясат бөлімі", "Internal Policy Office"),
    ("employment", "Отдел занятости и социальных программ", "жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
     "Employment and Social Programmes Office"),
    ("culture", "Отдел культуры и развития языков", "мәдениет және тілдерді дамыту бөлімі",
     "Culture and Language Development Office"),
)


@dataclass
class Spec:
    key: str
    ru: str
    kk: str
    en: str
    level: str
    kind: str
    region: str | None = None
    parent: str | None = None
    website: str = ""


def _gen(ministry_ru: str) -> str:
    """"Министерство культуры" -> "Министерства культуры"."""
    first, _, rest = ministry_ru.partition(" ")
    return f"{first[:-1]}а {rest}"


def _district_en(district: District) -> str:
    return " ".join(w.capitalize() for w in latin(district.kk).replace("-", " - ").split()).replace(" - ", "-")


def _central() -> list[Spec]:
    specs = []
    for key, ru, kk, en, gov, committees in MINISTRIES:
        specs.append(Spec(key, f"{ru} {RK_RU}", f"{RK_KK} {kk}", f"{en} {RK_EN}", Level.CENTRAL, Kind.MINISTRY,
                          website=GOV + gov))
        for c_key, c_ru, c_kk, c_en in committees:
            specs.append(Spec(f"{key}.{c_key}", f"{c_ru} {_gen(ru)} {RK_RU}", f"{RK_KK} {kk}нің {c_kk}",
                              f"{c_en} of the {en} {RK_EN}", Level.CENTRAL, Kind.COMMITTEE, parent=key))
    specs.append(Spec("civil_service", f"Агентство {RK_RU} по делам государственной службы",
                      f"{RK_KK} Мемлекеттік қызмет істері агенттігі", f"Civil Service Affairs Agency {RK_EN}",
                      Level.CENTRAL, Kind.OTHER, website=GOV + "kyzmet"))
    for key, ru, kk, en, parent in QUASI_PUBLIC:
        specs.append(Spec(key, ru, kk, en, Level.QUASI_PUBLIC, Kind.QUASI_PUBLIC, parent=parent))
    key, ru, kk, en, parent = OPERATOR
    specs.append(Spec(key, ru, kk, en, Level.QUASI_PUBLIC, Kind.OPERATOR, parent=parent))
    return specs


def _regional(ctx: DemoContext, geo: RegionGeo) -> list[Spec]:
    rng = ctx.rng("statebodies")
    kato = geo.kato
    akimat = f"akimat:{kato}"
    specs = [
        Spec(akimat, f"Акимат {geo.ru_gen}", f"{geo.kk_gen} әкімдігі", f"Akimat of {geo.en}", Level.REGIONAL,
             Kind.AKIMAT, kato, website=GOV + geo.gov_slug),
        Spec(f"maslikhat:{kato}", f"Маслихат {geo.ru_gen}",
             f"{geo.kk_base} {'қалалық' if geo.is_city else 'облыстық'} мәслихаты", f"Maslikhat of {geo.en}",
             Level.REGIONAL, Kind.MASLIKHAT, kato),
    ]
    for d_key, ru, kk, en in REGIONAL_DEPARTMENTS[: ctx.scaled(len(REGIONAL_DEPARTMENTS))]:
        specs.append(Spec(f"dept:{kato}:{d_key}", f"{ru} {geo.ru_gen}", f"{geo.kk_gen} {kk}", f"{en} of {geo.en}",
                          Level.REGIONAL, Kind.OTHER, kato, parent=akimat))
    towns = [t for t in geo.towns if t.regional_significance and not geo.is_city]
    for town in rng.sample(towns, min(len(towns), ctx.scaled(len(towns)))) if towns else ():
        t_key = f"akimat:{kato}:town:{town.en}"
        specs.append(Spec(t_key, f"Акимат города {town.ru_gen}", f"{town.kk} қаласының әкімдігі",
                          f"Akimat of {town.en} city", Level.CITY, Kind.AKIMAT, kato, parent=akimat))
        specs.append(Spec(f"maslikhat:{kato}:town:{town.en}", f"Маслихат города {town.ru_gen}",
                          f"{town.kk} қалалық мәслихаты", f"Maslikhat of {town.en} city", Level.CITY, Kind.MASLIKHAT,
                          kato))
        for d_key, ru, kk, en in CITY_DEPARTMENTS[: ctx.scaled(len(CITY_DEPARTMENTS))]:
            specs.append(Spec(f"dept:{kato}:town:{town.en}:{d_key}", f"{ru} города {town.ru_gen}",
                              f"{town.kk} қаласының {kk}", f"{en} of {town.en} city", Level.CITY, Kind.OTHER, kato,
                              parent=t_key))
    districts = list(geo.districts)
    chosen = rng.sample(districts, min(len(districts), ctx.scaled(len(districts))))
    for district in sorted(chosen, key=districts.index):
        d_en = _district_en(district)
        if geo.is_city:
            specs.append(Spec(f"akimat:{kato}:district:{d_en}", f"Акимат {district.ru_gen} {geo.ru_gen}",
                              f"{geo.kk_base} қаласы {district.kk} ауданының әкімдігі",
                              f"Akimat of {d_en} District of {geo.en}", Level.DISTRICT, Kind.AKIMAT, kato,
                              parent=akimat))
            continue
        specs.append(Spec(f"akimat:{kato}:district:{d_en}", f"Акимат {district.ru_gen} {geo.ru_gen}",
                          f"{geo.kk_base} облысы {district.kk} ауданының әкімдігі",
                          f"Akimat of {d_en} District, {geo.en}", Level.DISTRICT, Kind.AKIMAT, kato, parent=akimat))
        specs.append(Spec(f"maslikhat:{kato}:district:{d_en}", f"Маслихат {district.ru_gen} {geo.ru_gen}",
                          f"{geo.kk_base} облысы {district.kk} аудандық мәслихаты",
                          f"Maslikhat of {d_en} District, {geo.en}", Level.DISTRICT, Kind.MASLIKHAT, kato))
    return specs


def _registration_date(ctx: DemoContext, spec: Spec) -> dt.date:
    rng = ctx.rng("statebodies")
    first, last = (2006, 2015) if spec.level == Level.QUASI_PUBLIC else (1993, 2009)
    day = dt.date(first, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(last, 12, 31) - dt.date(first, 1, 1)).days))
    return weekday_on_or_before(day)


def generate(ctx: DemoContext) -> None:
    specs = _central()
    for kato in sorted(REGIONS):
        specs.extend(_regional(ctx, REGIONS[kato]))
    keys = [spec.key for spec in specs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"state body keys repeat: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
    regions = {r.kato: r for r in Region.objects.all()}
    bodies: dict[str, StateBody] = {}
    depth = {}
    for spec in specs:
        depth[spec.key] = 0 if spec.parent is None else depth[spec.parent] + 1
    with transaction.atomic():
        for level in range(max(depth.values()) + 1):
            batch = []
            for spec in specs:
                if depth[spec.key] != level:
                    continue
                registered = _registration_date(ctx, spec)
                body = StateBody(
                    bin=ctx.bins.new(registered), name_ru=spec.ru, name_kk=spec.kk, name_en=spec.en,
                    level=spec.level, kind=spec.kind, region=regions[spec.region] if spec.region else None,
                    parent=bodies[spec.parent] if spec.parent else None, website=spec.website,
                )
                bodies[spec.key] = body
                batch.append(body)
            StateBody.objects.bulk_create(batch, batch_size=2000)
        audit.record_many([
            audit.Change("state_body_create", "registry.statebody", str(bodies[s.key].pk), None,
                         {**state_body_values(bodies[s.key]), "source": "demo"})
            for s in specs
        ])
    ctx.objects["state_bodies"] = bodies
    ctx.count("state bodies", len(bodies))
    ctx.log(f"  {len(bodies)} state bodies")


def wipe() -> int:
    """Remove every state body, children before parents (the parent link protects)."""
    from qogam.accounts.models import User

    User.objects.filter(state_body__isnull=False).update(state_body=None)
    removed = 0
    while True:
        leaves = StateBody.objects.filter(children__isnull=True)
        ids = list(leaves.values_list("pk", flat=True))
        if not ids:
            break
        for start in range(0, len(ids), 500):
            removed += StateBody.objects.filter(pk__in=ids[start:start + 500]).delete()[1].get("registry.StateBody", 0)
    return removed
