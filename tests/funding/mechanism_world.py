"""Builders for the issue 5 mechanisms' tests (state social order, NGO awards, strategic partnership),
all through the services, on the patched clock of `tests/funding/conftest.py` (`funding_clock`).

- `enrolled(role, operator)`: a staff user of `role` enrolled as a scorer, with a fresh IIN (returned too, to
  make a conflict of interest with `founded_by`).
- `founded_by(organisation, iin)`: the person with `iin` becomes a founder of `organisation`.
- `sso_world(clock)`: a regional akimat with its official, a 4-member tender commission (enrolled), 5 public
  experts, 4 organisations whose charter covers education and 1 whose charter does not, an accepted topic,
  an SSO programme and a draft call whose one lot (5 m KZT, 36 months) comes from the topic.
- `bid(...)`, `score(...)`: a bid with its documents, submitted or not; every open assignment of an
  application scored by its assignee.
- `award_world(clock)`: an award programme of a ministry with a 3-member working group and a 2-member
  commission, and an open call with one category (4 m KZT, 1 m per award: 4 awards).
- `partnership_world(clock)`: a ministry with its official, a 3-expert pool, a committee and an open call
  with its one lot (90 m KZT over 36 months).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.core.personal import iin_hash
from qogam.funding import services
from qogam.funding.models import Assignment
from qogam.registry.models import Founder
from tests.factories import OrganisationFactory, StateBodyFactory, UserFactory
from tests.funding.world import PDF, _iin, application_data, representative, staff

JUSTIFICATION = "Ұсыныс техникалық тапсырмаға толық сәйкес келеді және негізделген."
PROBLEM = ("Ауылдық жерлерде мүгедектігі бар балаларға арналған оңалту қызметтері жоқ, ата-аналар "
           "облыс орталығына апаруға мәжбүр.")
_serial = itertools.count(1)


def fresh_iin() -> str:
    return _iin(900101300000 + next(_serial) * 10)


def enrolled(role, operator, *, directions=("education",), **kwargs):
    """A user of `role` (OTP-verified) enrolled as a scorer; returns (user, iin)."""
    user = mark_otp_verified(UserFactory(role=role, **kwargs))
    iin = fresh_iin()
    services.expert_enrol(actor=operator, user=user, directions=list(directions), iin=iin)
    return user, iin


def founded_by(organisation, iin: str) -> Founder:
    return Founder.objects.create(organisation=organisation, kind=Founder.Kind.INDIVIDUAL, full_name="Founder",
                                  iin_hash=iin_hash(iin))


def upload_documents(rep, application) -> None:
    for doc in application.call.required_documents.filter(mandatory=True):
        services.document_upload(actor=rep, application=application, required_document=doc,
                                 upload=SimpleUploadedFile(f"{doc.code}.pdf", PDF, "application/pdf"))


def bid(call, lot, organisation, rep, *, amount, months=30, submit=True, title="Ұсыныс"):
    """A bid of `amount` tenge (the requested amount is the bid's price) for `months` months."""
    application = services.application_create(
        actor=rep, call=call, lot=lot, organisation=organisation, language="ru", title=title,
        data=application_data(amount=amount, months=months))
    upload_documents(rep, application)
    application.refresh_from_db()
    if submit:
        services.application_submit(actor=rep, application=application)
        application.refresh_from_db()
    return application


def score(application, value, *, criteria=None) -> None:
    """Every open assignment of `application` declared and scored `value` on every criterion."""
    criteria = criteria if criteria is not None else list(application.call.criteria.all())
    for assignment in Assignment.objects.filter(application=application, status="assigned").order_by("pk"):
        user = mark_otp_verified(assignment.expert.user)
        services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        services.scores_submit(actor=user, assignment=assignment, scores={
            c.code: {"value": str(value), "justification": JUSTIFICATION} for c in criteria})


def admit_all(actor, applications) -> None:
    for application in applications:
        services.compliance_decide(actor=actor, application=application, checklist={}, outcome="admitted")


@dataclass
class SSOWorld:
    body: object
    official: object
    operator: object
    commission: list
    commission_iins: list
    experts: list
    expert_iins: list
    organisations: list
    reps: list
    outsider: object
    outsider_rep: object
    topic: object = None
    programme: object = None
    call: object = None
    lot: object = None
    extra: dict = field(default_factory=dict)


def sso_world(clock, *, level="regional", commission_size=4, price_floor=None, budget=5_000_000) -> SSOWorld:
    """Built on 1 May 2026: the topic is proposed then and decided on 5 June (after its 30 days of
    discussion); the call's window runs 5–30 June 2026. The call is left in draft."""
    clock.set(dt.date(2026, 5, 1))
    body = StateBodyFactory(level=level, kind="akimat")
    official = staff(Role.OFFICIAL, state_body=body)
    operator = staff(Role.OPERATOR)
    commission, commission_iins = zip(*[enrolled(Role.COMMITTEE, operator) for _ in range(commission_size)],
                                      strict=True)
    experts, expert_iins = zip(*[enrolled(Role.EXPERT, operator) for _ in range(5)], strict=True)
    orgs = [OrganisationFactory(registered_on=dt.date(2026, 1, 10), directions=["education", "youth"])
            for _ in range(4)]
    reps = [representative(o) for o in orgs]
    outsider = OrganisationFactory(registered_on=dt.date(2026, 1, 10), directions=["sport"])
    outsider_rep = representative(outsider)
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    topic = services.topic_propose(actor=citizen, body=body, title="Ауылдағы балаларды оңалту", problem=PROBLEM,
                                   direction="education", region="750000000")
    clock.set(dt.date(2026, 6, 5))
    services.topic_decide(actor=official, topic=topic, accept=True, reason="Қабылданды: 2026 жылғы лотқа енгізіледі.")
    programme = services.programme_create(
        actor=official, mechanism="social_order", year=2026, title_kk="Мемлекеттік әлеуметтік тапсырыс 2026",
        budget=Decimal(20_000_000), funder_kind="akimat", funder_body=body, directions=["education"],
        regions=["750000000"])
    call = services.call_create(
        actor=official, programme=programme, title_kk="Балаларды оңалту", opens_on=dt.date(2026, 6, 5),
        closes_on=dt.date(2026, 6, 30), committee=list(commission), price_floor=price_floor,
        lots=[{"title": "Оңалту қызметтері", "direction": "education", "region": "750000000", "budget": budget,
               "rationale": "Ауылда оңалту қызметі жоқ.", "terms_of_reference": "Үш жыл бойы 200 балаға қызмет.",
               "topic": topic.pk, "max_months": 36}])
    topic.refresh_from_db()
    return SSOWorld(body, official, operator, list(commission), list(commission_iins), list(experts),
                    list(expert_iins), orgs, reps, outsider, outsider_rep, topic, programme, call,
                    call.lots.get())


def tender(w, clock, bids):
    """`bids`: [(organisation index, amount, submission date)]; closed, admitted and evaluation started."""
    services.call_publish(actor=w.official, call=w.call)
    applications = []
    for index, amount, day in bids:
        clock.set(day)
        applications.append(bid(w.call, w.lot, w.organisations[index], w.reps[index], amount=amount))
    clock.set(dt.date(2026, 7, 1))
    services.call_close(actor=w.official, call=w.call)
    admit_all(w.official, applications)
    services.evaluation_start(actor=w.official, call=w.call)
    return applications


def won_contract(w, clock):
    """Public expert 0 founded organisation 1, whose bid (4.6 m KZT, 30 months, score 9) wins over organisation
    0's (4.8 m, score 6); decided on 1 July 2026. Returns the draft contract."""
    founded_by(w.organisations[1], w.expert_iins[0])  # public expert 0 founded the winner
    a0, a1 = tender(w, clock, [(0, 4_800_000, dt.date(2026, 6, 10)), (1, 4_600_000, dt.date(2026, 6, 10))])
    score(a0, 6)
    score(a1, 9)
    services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама", decided_on=dt.date(2026, 7, 1))
    a1.refresh_from_db()
    return a1.agreement


def contribution(*, year="2024", achievements=None, **overrides) -> dict:
    data = {
        "summary": "Ұйым он жыл бойы ауылдық жастарға тегін білім беру курстарын өткізді.",
        "recognition": "Облыс әкімінің алғыс хаты, 2023.",
        "innovation": "Онлайн мектеп.",
        "efficiency": "1 000 түлек, 70% жұмысқа орналасты.",
        "region": "750000000",
        "direction": "education",
        "years_active": 10,
        "beneficiaries": 1000,
        "achievements": achievements if achievements is not None else [
            {"year": year, "achievement": "Жастарға арналған 40 курс", "evidence": "Есеп"}],
    }
    data.update(overrides)
    return data


@dataclass
class AwardWorld:
    ministry: object
    operator: object
    group: list
    commission: list
    programme: object
    call: object
    lot: object


def award_world(clock, *, budget=4_000_000, unit_amount=1_000_000) -> AwardWorld:
    """An open award call (window 1–25 June 2026) with one category; the clock on 1 June 2026."""
    clock.set(dt.date(2026, 6, 1))
    ministry = StateBodyFactory(level="central", kind="ministry")
    operator = staff(Role.OPERATOR)
    group = [enrolled(Role.WORKING_GROUP, operator)[0] for _ in range(3)]
    commission = [staff(Role.COMMITTEE) for _ in range(2)]
    programme = services.programme_create(
        actor=operator, mechanism="award", year=2026, title_kk="ҮЕҰ сыйлығы 2026", budget=Decimal(10_000_000),
        funder_kind="ministry", funder_body=ministry, directions=["education"])
    call = services.call_create(
        actor=operator, programme=programme, title_kk="ҮЕҰ сыйлығы", opens_on=dt.date(2026, 6, 1),
        closes_on=dt.date(2026, 6, 25), committee=commission, working_group=group,
        lots=[{"title": "Білім беру саласындағы үлес", "direction": "education", "budget": budget,
               "rationale": "Білім беру саласындағы үздік ҮЕҰ.", "unit_amount": unit_amount}])
    services.call_publish(actor=operator, call=call)
    call.refresh_from_db()
    return AwardWorld(ministry, operator, group, commission, programme, call, call.lots.get())


def award_application(world: AwardWorld, *, submit=True, data=None):
    """A new organisation (charter: education) and its award application."""
    organisation = OrganisationFactory(registered_on=dt.date(2026, 1, 10), directions=["education"])
    rep = representative(organisation)
    application = services.application_create(actor=rep, call=world.call, lot=world.lot, organisation=organisation,
                                              language="kk", title="Жастарға білім", data=data or contribution())
    upload_documents(rep, application)
    application.refresh_from_db()
    if submit:
        services.application_submit(actor=rep, application=application)
        application.refresh_from_db()
    return application, rep


def scored_award_call(world: AwardWorld, clock, values):
    """One application per value in `values`, submitted, admitted and scored by the working group;
    the call in its evaluation. Returns the applications in order."""
    applications = [award_application(world)[0] for _ in values]
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    admit_all(world.operator, applications)
    services.evaluation_start(actor=world.operator, call=world.call)
    for application, value in zip(applications, values, strict=True):
        score(application, value)
    for application in applications:
        application.refresh_from_db()
    world.call.refresh_from_db()
    return applications


@dataclass
class PartnershipWorld:
    ministry: object
    official: object
    committee: list
    experts: list
    organisations: list
    reps: list
    programme: object
    call: object
    lot: object


def partnership_world(clock, *, budget=90_000_000) -> PartnershipWorld:
    """An open partnership call of a ministry (window 1–25 June 2026); the clock on 1 June 2026."""
    clock.set(dt.date(2026, 6, 1))
    ministry = StateBodyFactory(level="central", kind="ministry")
    official = staff(Role.OFFICIAL, state_body=ministry)
    operator = staff(Role.OPERATOR)
    experts = [enrolled(Role.EXPERT, operator)[0] for _ in range(3)]
    committee = [staff(Role.COMMITTEE) for _ in range(2)]
    organisations = [OrganisationFactory(registered_on=dt.date(2026, 1, 10), directions=["education"])
                     for _ in range(3)]
    reps = [representative(o) for o in organisations]
    programme = services.programme_create(
        actor=official, mechanism="partnership", year=2026, title_kk="Стратегиялық әріптестік 2026",
        budget=Decimal(100_000_000), funder_kind="ministry", funder_body=ministry, directions=["education"])
    call = services.call_create(
        actor=official, programme=programme, title_kk="Білім беру саласындағы әріптес", opens_on=dt.date(2026, 6, 1),
        closes_on=dt.date(2026, 6, 25), committee=committee,
        lots=[{"title": "Үш жылдық әріптестік", "direction": "education", "budget": budget,
               "rationale": "Ауыл мектептеріндегі сапа.", "terms_of_reference": "Үш жылдық жоспар.",
               "max_months": 36}])
    services.call_publish(actor=official, call=call)
    call.refresh_from_db()
    return PartnershipWorld(ministry, official, committee, experts, organisations, reps, programme, call,
                            call.lots.get())
