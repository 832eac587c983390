"""Funding rows made directly (there are no funding factories): programmes, calls, applications, decisions,
agreements and monitoring reports, enough for the 360Giving export and the annual report.

`small_world()` is the hand-computed dataset of the annual-report tests; its expected figures are in the
docstring of tests/opendata/test_grants_report.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from qogam.core.models import Direction, Region
from qogam.funding.models import (
    Agreement,
    Application,
    Call,
    Decision,
    Lot,
    MonitoringReport,
    Programme,
    ReportSchedule,
)
from qogam.registry.models import Founder, Leader
from tests.factories import OrganisationFactory, StateBodyFactory, next_bin

ASTANA, ALMATY, KARAGANDA, KYZYLORDA = "710000000", "750000000", "350000000", "430000000"
LEADER_NAME = "Сапарова Айгерим Нурлановна"
FOUNDER_NAME = "Тестов Ерлан Бакытович"
NON_STATE_FUNDER = "Қоғамдық қор «Болашақ демеушісі»"

_numbers = itertools.count(1)


def programme(*, year, funder_kind, funder_body=None, funder_name="", funder_bin="", mechanism="grant"):
    return Programme.objects.create(
        mechanism=mechanism, year=year, title_kk=f"Гранттар {year}", budget=Decimal(100_000_000),
        funder_kind=funder_kind, funder_body=funder_body, funder_name=funder_name, funder_bin=funder_bin)


def call(prog, *, status="decided", decided_on=None):
    n = next(_numbers)
    c = Call.objects.create(
        programme=prog, mechanism=prog.mechanism, code=f"GR-{prog.year}-{n:03d}", title_kk=f"Байқау {n}",
        title_ru=f"Конкурс {n}", opens_on=dt.date(prog.year, 2, 1), closes_on=dt.date(prog.year, 2, 25),
        status=status)
    if decided_on:
        Decision.objects.create(call=c, decided_on=decided_on, minutes="Хаттама №1",
                                recorded_at=timezone.now())
    return c


def lot(c, *, direction="education", budget=50_000_000):
    number = c.lots.count() + 1
    return Lot.objects.create(call=c, number=number, title=f"Лот {number}",
                              direction=Direction.objects.get(code=direction), budget=Decimal(budget),
                              rationale="Негіздеме")


def application(c, organisation, *, language="kk", status="funded", direction="education", region=None,
                requested=3_000_000, title="Ауыл кітапханалары", summary="Ауыл кітапханаларына кітаптар."):
    the_lot = c.lots.filter(direction_id=direction).first() or lot(c, direction=direction)
    return Application.objects.create(
        call=c, lot=the_lot, organisation=organisation, status=status, language=language, title=title,
        requested_amount=Decimal(requested), region=Region.objects.get(kato=region or organisation.region_id),
        direction=Direction.objects.get(code=direction), draft={"summary": summary},
        submitted_at=timezone.now() if status != "draft" else None)


def agreement(app, *, amount, status="active", start_on=None, end_on=None, terminated_on=None):
    year = app.call.programme.year
    n = next(_numbers)
    return Agreement.objects.create(
        application=app, number=f"GA-{year}-{n:04d}", amount=Decimal(amount), status=status,
        start_on=start_on or dt.date(year, 4, 1), end_on=end_on or dt.date(year + 1, 3, 31),
        terminated_on=terminated_on)


def monitoring(agreement_, *, beneficiaries, due_on, status=MonitoringReport.Status.ACCEPTED, kind="interim"):
    due = ReportSchedule.objects.create(agreement=agreement_, kind=kind, period_start=agreement_.start_on,
                                        period_end=due_on, due_on=due_on)
    return MonitoringReport.objects.create(
        due=due, number=1, status=status, content={"beneficiaries": beneficiaries, "indicators": []},
        content_hash="0" * 64, submitted_at=timezone.now())


def with_personal_data(organisation):
    """A leader and an individual founder: personal data that must never reach open data."""
    Leader.objects.create(organisation=organisation, full_name=LEADER_NAME, iin_hash="a" * 64)
    Founder.objects.create(organisation=organisation, kind=Founder.Kind.INDIVIDUAL, full_name=FOUNDER_NAME,
                           iin_hash="b" * 64)
    return organisation


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    ministry: object = None
    akimat: object = None
    agreements: dict = field(default_factory=dict)
    applications: dict = field(default_factory=dict)


def small_world() -> World:
    """Year 2023: 8 applications (plus a draft and a withdrawn one), 5 grants from 3 kinds of funder;
    one 2022 grant; a draft agreement that is not a grant."""
    w = World()
    for key, kato in (("astana", ASTANA), ("almaty", ALMATY), ("karaganda", KARAGANDA), ("kyzylorda", KYZYLORDA)):
        w.orgs[key] = with_personal_data(OrganisationFactory(region=Region.objects.get(kato=kato),
                                                             email=f"{key}@ngo.example.kz"))
    w.ministry = StateBodyFactory(level="central", kind="ministry", name_kk="Мәдениет және ақпарат министрлігі",
                                  name_ru="Министерство культуры и информации", name_en="Ministry of Culture")
    w.akimat = StateBodyFactory(level="regional", kind="akimat", name_kk="Қызылорда облысының әкімдігі",
                                name_ru="Акимат Кызылординской области", name_en="Akimat of Kyzylorda Region",
                                region=Region.objects.get(kato=KYZYLORDA))
    p_ministry = programme(year=2023, funder_kind="ministry", funder_body=w.ministry)
    p_akimat = programme(year=2023, funder_kind="akimat", funder_body=w.akimat)
    p_fund = programme(year=2023, funder_kind="non_state", funder_name=NON_STATE_FUNDER,
                       funder_bin=next_bin(dt.date(2010, 5, 1)))
    c_ministry = call(p_ministry, decided_on=dt.date(2023, 3, 20))
    c_akimat = call(p_akimat, decided_on=dt.date(2023, 3, 21))
    c_fund = call(p_fund, decided_on=dt.date(2023, 3, 22))
    o = w.orgs
    a = w.applications
    # 1: Astana, kk, ministry, funded 5 m; its project is in Kyzylorda region (the applicant's region counts).
    a[1] = application(c_ministry, o["astana"], language="kk", region=KYZYLORDA)
    a[2] = application(c_ministry, o["almaty"], language="ru")
    a[3] = application(c_ministry, o["karaganda"], language="kk")
    a[4] = application(c_akimat, o["kyzylorda"], language="ru", direction="youth")
    a[5] = application(c_akimat, o["astana"], language="ru", status="not_funded")
    a[6] = application(c_fund, o["almaty"], language="ru", direction="youth")
    a[7] = application(c_fund, o["karaganda"], language="ru", status="rejected", direction="youth")
    a[8] = application(c_ministry, o["kyzylorda"], language="kk", status="not_funded", direction="youth")
    a["draft"] = application(c_ministry, o["astana"], language="kk", status="draft")
    a["withdrawn"] = application(c_ministry, o["almaty"], language="kk", status="withdrawn")
    g = w.agreements
    g[1] = agreement(a[1], amount=5_000_000, status="active")
    g[2] = agreement(a[2], amount=3_000_000, status="completed")
    g[3] = agreement(a[3], amount=2_000_000, status="terminated", terminated_on=dt.date(2023, 9, 30))
    g[4] = agreement(a[4], amount=1_500_000, status="signed")
    g[6] = agreement(a[6], amount=500_000, status="closed")
    g["draft"] = agreement(a[5], amount=999_000, status="draft")
    monitoring(g[1], beneficiaries=100, due_on=dt.date(2023, 7, 10))
    monitoring(g[1], beneficiaries=250, due_on=dt.date(2024, 4, 10), kind="final")
    monitoring(g[2], beneficiaries=80, due_on=dt.date(2023, 7, 10))
    monitoring(g[2], beneficiaries=999, due_on=dt.date(2023, 12, 10), status=MonitoringReport.Status.RETURNED)
    # 2022: one ministry grant to Kyzylorda, in Kazakh.
    p_2022 = programme(year=2022, funder_kind="ministry", funder_body=w.ministry)
    c_2022 = call(p_2022, decided_on=dt.date(2022, 3, 15))
    a["2022"] = application(c_2022, o["kyzylorda"], language="kk")
    g["2022"] = agreement(a["2022"], amount=700_000, status="closed")
    return w
