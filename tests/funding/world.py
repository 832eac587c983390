"""A small world for the engine's tests: organisations with representatives, an operator, a committee,
experts, a programme and a call; and a clock the services read (`Clock.set`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.funding import services
from tests.factories import OrganisationFactory, RepresentationFactory, StateBodyFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Clock:
    """Today's date in Asia/Almaty as the engine sees it."""

    def __init__(self, monkeypatch, today: dt.date):
        self.monkeypatch = monkeypatch
        self.set(today)

    def set(self, today: dt.date) -> None:
        self.today = today
        for module in ("qogam.funding.services", "qogam.funding.selectors"):
            self.monkeypatch.setattr(f"{module}.almaty_today", lambda: self.today, raising=False)
        self.monkeypatch.setattr("qogam.funding.services._now", self.now)

    def now(self) -> dt.datetime:
        from qogam.core.calendar import ALMATY

        return dt.datetime.combine(self.today, dt.time(11, 0), tzinfo=ALMATY)


def staff(role, **kwargs):
    return mark_otp_verified(UserFactory(role=role, **kwargs))


def representative(organisation, **kwargs):
    user = UserFactory(role=Role.NGO, **kwargs)
    RepresentationFactory(user=user, organisation=organisation)
    return mark_otp_verified(user)


def application_data(*, amount=3_000_000, months=12, direction="education", region="750000000"):
    half = amount // 2
    return {
        "summary": "Жобаның қысқаша мазмұны: ауыл мектептерінде оқу сауаттылығы.",
        "goals": ["Оқу сауаттылығын арттыру"],
        "activities": [{"name": "Тренингтер", "start_month": "1", "end_month": str(months)}],
        "months": months,
        "budget_lines": [{"item": "Тренерлер", "amount": str(half)},
                         {"item": "Материалдар", "amount": str(amount - half)}],
        "requested_amount": str(amount),
        "results": [{"result": "Мұғалімдер оқытылды", "indicator": "оқытылған мұғалімдер", "target": "120"}],
        "beneficiaries": 600,
        "beneficiaries_text": "мұғалімдер мен оқушылар",
        "region": region,
        "direction": direction,
    }


@dataclass
class World:
    operator: object
    committee: list
    experts: list
    organisations: list
    reps: list
    programme: object = None
    call: object = None
    lots: list = field(default_factory=list)


def build(*, experts=4, organisations=3, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 25),
          lot_budgets=(5_000_000, 4_000_000)) -> World:
    operator = staff(Role.OPERATOR)
    committee = [staff(Role.COMMITTEE) for _ in range(2)]
    pool = []
    for i in range(experts):
        user = mark_otp_verified(UserFactory(role=Role.EXPERT))
        pool.append(services.expert_enrol(actor=operator, user=user, directions=["education"],
                                          iin=_iin(800101300000 + i * 10)))
    orgs = [OrganisationFactory(registered_on=dt.date(2026, 1, 10), directions=["education", "youth"])
            for _ in range(organisations)]
    reps = [representative(o) for o in orgs]
    ministry = StateBodyFactory(level="central", kind="ministry")
    programme = services.programme_create(
        actor=operator, year=2026, title_kk="Мемлекеттік гранттар 2026", budget=Decimal(20_000_000),
        funder_kind="ministry", funder_body=ministry, directions=["education"], regions=["750000000"])
    call = services.call_create(
        actor=operator, programme=programme, title_kk="Білім беру гранттары", opens_on=opens_on,
        closes_on=closes_on, committee=committee,
        lots=[{"title": f"Лот {i + 1}", "direction": "education", "region": "750000000", "budget": budget,
               "rationale": "Ауыл мектептерінде сауаттылық төмен."} for i, budget in enumerate(lot_budgets)])
    return World(operator, committee, pool, orgs, reps, programme, call, list(call.lots.order_by("number")))


def _iin(first11: int) -> str:
    from qogam.core.rules import with_check_digit

    n = first11
    while True:
        value = with_check_digit(f"{n:011d}"[:11])
        if value:
            return value
        n += 1


def apply(world: World, index: int, lot, *, amount=3_000_000, language="kk", submit=True):
    rep, org = world.reps[index], world.organisations[index]
    application = services.application_create(actor=rep, call=world.call, lot=lot, organisation=org,
                                              language=language, title=f"Жоба {index}",
                                              data=application_data(amount=amount))
    for doc in world.call.required_documents.filter(mandatory=True):
        services.document_upload(actor=rep, application=application, required_document=doc,
                                 upload=SimpleUploadedFile(f"{doc.code}.pdf", PDF, "application/pdf"))
    if submit:
        application.refresh_from_db()
        services.application_submit(actor=rep, application=application)
        application.refresh_from_db()
    return application


def score_all(world: World, application, value=8):
    from qogam.funding.models import Assignment

    for assignment in Assignment.objects.filter(application=application, status="assigned"):
        user = mark_otp_verified(assignment.expert.user)
        services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        services.scores_submit(actor=user, assignment=assignment, scores={
            c.code: {"value": str(value), "justification": "Жоба мақсаттары нақты және өлшенетін, негізделген."}
            for c in world.call.criteria.all()})
