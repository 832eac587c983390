"""Demo data of the other three financing mechanisms on the one engine (issue 5): the state social order,
NGO awards and strategic partnership.

- **State social order history, calibrated to `reference/figures.csv`**: 132.4 bn KZT of contracts in
  2003–2020 (13.5 bn from the republican budget, i.e. central customer bodies; 118.9 bn from local budgets,
  i.e. regional, city and district ones), the first tenders of Sep 2003 (20 projects, 10.7 m KZT), May 2004
  (20, 9.7 m) and Jul 2005 (50, 59.7 m), and 59 bn KZT over 2021–2023 with about 2,000 projects a year.
  The TOTALS are exact at every `--scale`; the NUMBER of contracts scales (at least one a year). Contracts of
  a customer body in a year form one call (SO-YYYY-nnn) with one lot each, won at a price within the dumping
  floor, decided, paid and closed. Bulk-written, like the grants' history.
- **NGO award rounds** from 2017: 223 awardees over 2017–2020 at scale 1 (scaled with a minimum of one a
  round), then a round a year; each round a call with categories, the awardees paid once.
- **One complete lifecycle of each mechanism, through the services, at any scale**: a social-order tender
  of the demo official's body from a citizen's topic to the effect evaluation by public experts; an NGO award
  call through both stages; a strategic partnership of a ministry (since July 2022) for 36 months with its
  yearly reports, completed and closed.
- **Live work** for the demo logins: topics in discussion and awaiting the answer of the demo official's body,
  its open tender, and an award call whose working group (demo-working-group) is scoring.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from qogam.accounts.models import Representation, Role, User
from qogam.accounts.permissions import mark_otp_verified
from qogam.core import audit
from qogam.core.calendar import WorkingCalendar
from qogam.core.models import Direction
from qogam.demo.context import DemoContext
from qogam.demo.funding import _agreement_signs, _represent, _user, document_bytes, engine_clock
from qogam.demo.names import birth_date, make_iin
from qogam.funding import rules, services
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import (
    Agreement,
    Application,
    Assignment,
    Call,
    Criterion,
    Decision,
    EffectReview,
    Expert,
    Lot,
    Programme,
    RequiredDocument,
    Shortlist,
    Topic,
    TopicComment,
    TopicSupport,
    Tranche,
)
from qogam.registry.models import Organisation, StateBody
from qogam.reporting.models import AnnualReport

S, C, G = rules.ApplicationStatus, rules.CallStatus, rules.AgreementStatus
MN = 1_000_000

# figures.csv, topic "sso": bn KZT 2003–2020 and its split; 59 bn over 2021–2023; the first tenders.
SSO_TOTAL_2003_2020 = 132_400 * MN
SSO_REPUBLICAN_2003_2020 = 13_500 * MN
SSO_2021_2023 = {2021: 18_500 * MN, 2022: 19_500 * MN, 2023: 21_000 * MN}  # 59 bn in all
FIRST_TENDERS = {2003: (20, 10_700_000), 2004: (20, 9_700_000), 2005: (50, 59_700_000)}  # all republican
PROJECTS_A_YEAR = 2000  # "about 2,000 projects a year" (2023)
REPUBLICAN_SHARE_LATER = Decimal("0.10")
# figures.csv, topic "awards": 223 awardees in 2017–2020.
AWARDEES = {2017: 52, 2018: 55, 2019: 57, 2020: 59}
LATER_AWARD_ROUNDS = 60  # a year from 2021
AWARD_UNIT = {2017: 1_500_000, 2018: 1_500_000, 2019: 2_000_000, 2020: 2_000_000}
AWARD_CATEGORIES = (("civil_society", "Азаматтық қоғамды дамытуға үлес / Вклад в развитие гражданского общества"),
                    ("social_protection", "Әлеуметтік қорғау / Социальная защита"),
                    ("education", "Білім беру / Образование"),
                    ("youth", "Жастар саясаты / Молодёжная политика"),
                    ("culture", "Мәдениет / Культура"))
COMMISSION_PREFIX = "demo-commission-"
WORKING_GROUP_PREFIX = "demo-wg-"
JUSTIFICATION = "Ұсыныс техникалық тапсырмаға сәйкес, нәтижелер өлшенетін және негізделген."
PROBLEM = ("Ауылдық округтерде мүгедектігі бар балаларға оңалту қызметтері жоқ: ата-аналар оларды аптасына "
           "бірнеше рет облыс орталығына апаруға мәжбүр. / В сельских округах нет реабилитации для детей с "
           "инвалидностью.")


# --- Calibrated history ------------------------------------------------------------------------------


def sso_year_totals() -> dict[int, tuple[int, int, int]]:
    """Year → (republican KZT, local KZT, projects at scale 1): the calibrated history."""
    years = {}
    for year, (count, amount) in FIRST_TENDERS.items():
        years[year] = (amount, 0, count)
    first = sum(a for _c, a in FIRST_TENDERS.values())
    rest_rep, rest_local = SSO_REPUBLICAN_2003_2020 - first, SSO_TOTAL_2003_2020 - SSO_REPUBLICAN_2003_2020
    span = range(2006, 2021)
    weights = {y: 1.18 ** (y - 2006) for y in span}
    total_w = sum(weights.values())
    rep_left, local_left = rest_rep, rest_local
    for i, year in enumerate(span):
        last = i == len(span) - 1
        rep = rep_left if last else int(rest_rep * weights[year] / total_w)
        local = local_left if last else int(rest_local * weights[year] / total_w)
        rep_left -= rep
        local_left -= local
        years[year] = (rep, local, round(100 + (1800 - 100) * i / (len(span) - 1)))
    for year, amount in SSO_2021_2023.items():
        rep = int(Decimal(amount) * REPUBLICAN_SHARE_LATER)
        years[year] = (rep, amount - rep, PROJECTS_A_YEAR)
    return years


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    """`total` KZT in `n` whole-thousand parts (the last takes the remainder), lognormal sizes."""
    weights = [rng.lognormvariate(0, 0.6) for _ in range(n)]
    scale = sum(weights)
    parts = [int(total * w / scale) // 1000 * 1000 for w in weights]
    parts[-1] += total - sum(parts)
    return parts


class History:
    """Bulk writer of decided, paid and closed competitions (the engine's rows, consistent)."""

    def __init__(self, ctx: DemoContext, mechanism_code: str, prefix: str):
        self.ctx, self.mechanism, self.prefix = ctx, mechanism_code, prefix
        self.rng = ctx.rng(f"history-{mechanism_code}")
        self.calls_per_year: dict[int, int] = {}
        self.organisations = list(Organisation.objects.filter(legal_form__is_ngo=True)
                                  .values_list("pk", "registered_on", "region_id")
                                  .order_by("pk"))
        directions = {}
        for org_id, code in Organisation.directions.through.objects.values_list("organisation_id", "direction_id"):
            directions.setdefault(org_id, []).append(code)
        self.directions = directions
        self.all_directions = list(Direction.objects.values_list("code", flat=True))

    def _orgs_by(self, year: int) -> list:
        found = [o for o in self.organisations if o[1].year <= year]
        return found or self.organisations

    def write(self, year: int, body: StateBody, funder_kind: str, wins: list[int], *, losers: int = 0,
              months: int = 12, title: str = "", unit: int | None = None, categories=None) -> int:
        """One programme and call of `body` in `year`, a lot (or category) per win, decided and closed."""
        spec_criteria = mechanism(self.mechanism).criteria
        n = self.calls_per_year.get(year, 0) + 1
        self.calls_per_year[year] = n
        code = f"{self.prefix}-{year}-{n:03d}"
        opens = dt.date(year, 3, 1) + dt.timedelta(days=self.rng.randint(0, 150))
        closes = opens + dt.timedelta(days=25)
        decided = closes + dt.timedelta(days=45)
        budget = sum(wins)
        programme = Programme.objects.create(
            mechanism=self.mechanism, year=year, title_kk=title or f"{body.name_kk}: {year}",
            title_ru=title or f"{body.name_ru}: {year}", budget=budget, funder_kind=funder_kind, funder_body=body)
        call = Call.objects.create(
            programme=programme, mechanism=self.mechanism, code=code, title_kk=programme.title_kk,
            title_ru=programme.title_ru, opens_on=opens, closes_on=closes, status=C.ARCHIVED,
            price_floor=Decimal("0.80") if self.mechanism == "social_order" else None,
            compliance_due_on=closes + dt.timedelta(days=14), evaluation_due_on=closes + dt.timedelta(days=35))
        Criterion.objects.bulk_create([
            Criterion(call=call, code=c.code, name_kk=c.name_kk, name_ru=c.name_ru, name_en=c.name_en, weight=c.weight,
                      position=i) for i, c in enumerate(spec_criteria)])
        Decision.objects.create(call=call, decided_on=decided, minutes="Хаттама / Протокол",
                                recorded_at=dt.datetime.combine(decided, dt.time(12), tzinfo=dt.UTC))
        orgs = self._orgs_by(year)
        lots, applications, agreements, tranches = [], [], [], []
        groups = categories or [None] * len(wins)
        for i, amount in enumerate(wins):
            org = self.rng.choice(orgs)
            direction = (self.directions.get(org[0]) or self.all_directions)[0]
            category = groups[i] if categories else None
            lot_budget = amount if self.mechanism != "award" else unit * sum(1 for g in groups if g == category)
            lots.append(Lot(call=call, number=i + 1, title=category or f"{code}/{i + 1}", direction_id=direction,
                            region_id=org[2], budget=lot_budget, rationale="Жоспар бойынша / По плану",
                            max_months=months if self.mechanism != "award" else 0,
                            terms_of_reference="Техникалық тапсырма / Техническое задание"
                            if self.mechanism == "social_order" else "", unit_amount=unit))
        if categories:  # one lot per category, many awardees in it
            seen, unique = {}, []
            for lot in lots:
                if lot.title not in seen:
                    lot.number = len(unique) + 1
                    seen[lot.title] = lot
                    unique.append(lot)
            lots = unique
        Lot.objects.bulk_create(lots)
        lot_of = {lot.title: lot for lot in lots}
        for i, amount in enumerate(wins):
            org = self.rng.choice(orgs)
            lot = lot_of[groups[i]] if categories else lots[i]
            applications.append(Application(
                call=call, lot=lot, organisation_id=org[0], status=S.FUNDED, language="kk" if i % 4 == 0 else "ru",
                title=lot.title, requested_amount=amount, months=months if self.mechanism != "award" else 0,
                region_id=org[2], direction_id=lot.direction_id, total_score=Decimal(self.rng.randint(70, 95)),
                rank=1, awarded_amount=amount,
                submitted_at=dt.datetime.combine(closes, dt.time(10), tzinfo=dt.UTC)))
        for _j in range(losers):
            org = self.rng.choice(orgs)
            lot = self.rng.choice(lots)
            applications.append(Application(
                call=call, lot=lot, organisation_id=org[0], status=S.NOT_FUNDED, language="ru", title=lot.title,
                requested_amount=lot.unit_amount or lot.budget, months=months if self.mechanism != "award" else 0,
                region_id=org[2], direction_id=lot.direction_id, total_score=Decimal(self.rng.randint(40, 69)),
                rank=2, submitted_at=dt.datetime.combine(closes, dt.time(9), tzinfo=dt.UTC)))
        Application.objects.bulk_create(applications, batch_size=1000)
        for i, application in enumerate(a for a in applications if a.status == S.FUNDED):
            if self.mechanism == "award":
                begin, end = decided, decided
            else:
                begin, end = rules.agreement_period(decided, months)
            agreements.append(Agreement(application=application, number=f"{code}-{i + 1:03d}",
                                        amount=application.awarded_amount, start_on=begin, end_on=end,
                                        status=G.CLOSED, signed_by_ngo_at=application.submitted_at,
                                        signed_by_operator_at=application.submitted_at, closed_on=end))
        Agreement.objects.bulk_create(agreements, batch_size=1000)
        for agreement in agreements:
            tranches.append(Tranche(agreement=agreement, number=1, due_on=agreement.start_on, amount=agreement.amount,
                                    paid_on=agreement.start_on))
        Tranche.objects.bulk_create(tranches, batch_size=1000)
        return len(agreements)


def _customers() -> tuple[list[StateBody], list[StateBody]]:
    """Customer bodies of the social order: central ones (republican budget) and local ones."""
    central = list(StateBody.objects.filter(level="central", kind__in=["ministry", "committee"]).order_by("pk"))
    local = list(StateBody.objects.filter(level__in=["regional", "city", "district"])
                 .exclude(kind__in=["maslikhat", "operator"]).order_by("pk"))
    return central, local


def sso_history(ctx: DemoContext) -> int:
    central, local = _customers()
    history = History(ctx, "social_order", "SO")
    rng = history.rng
    written = 0
    for year, (republican, local_amount, projects) in sorted(sso_year_totals().items()):
        count = ctx.scaled(projects)
        n_rep = max(1 if republican else 0, round(count * republican / (republican + local_amount)))
        n_local = max(1 if local_amount else 0, count - n_rep)
        for amount, n, bodies, kind in ((republican, n_rep, central, "ministry"), (local_amount, n_local, local,
                                                                                    "akimat")):
            if not amount:
                continue
            wins = _split(amount, n, rng)
            per_body: dict[int, list[int]] = {}
            chosen = rng.sample(bodies, min(len(bodies), max(1, n // 5)))
            for i, win in enumerate(wins):
                per_body.setdefault(i % len(chosen), []).append(win)
            for index, body_wins in per_body.items():
                losers = 0
                if year in FIRST_TENDERS:  # 120, 142 and 234 applications for 20, 20 and 50 projects
                    losers = ctx.scaled({2003: 100, 2004: 122, 2005: 184}[year], minimum=0)
                written += history.write(year, chosen[index], kind, body_wins, losers=losers)
    return written


def award_history(ctx: DemoContext) -> int:
    ministry = StateBody.objects.filter(level="central", kind="ministry").order_by("pk").first()
    history = History(ctx, "award", "AW")
    written = 0
    rounds = {**AWARDEES, **{y: LATER_AWARD_ROUNDS for y in range(2021, ctx.today.year)}}
    for year, awardees in sorted(rounds.items()):
        n = ctx.scaled(awardees)
        unit = AWARD_UNIT.get(year, 2_500_000)
        categories = [AWARD_CATEGORIES[i % len(AWARD_CATEGORIES)][1] for i in range(n)]
        written += history.write(year, ministry, "ministry", [unit] * n, losers=ctx.scaled(awardees, minimum=1),
                                 unit=unit, categories=categories,
                                 title=f"ҮЕҰ-ға арналған мемлекеттік сыйлық {year} / Премия для НПО {year}")
    return written


# --- Lifecycles through the services --------------------------------------------------------------------


class People:
    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng("mechanisms-people")
        self.users = ctx.objects.get("users", {})
        self.encoded = User.objects.filter(username="demo-ngo").values_list("password", flat=True).first() or "!"
        self.operator = mark_otp_verified(self.users["demo-operator"])
        self.made: list[User] = []

    def staff(self, username: str, role: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = _user(username, role, self.rng, self.encoded)
            user.save()
            self.made.append(user)
        return mark_otp_verified(user)

    def enrol(self, user: User) -> User:
        if not Expert.objects.filter(user=user).exists():
            female = self.rng.random() < 0.5
            iin = make_iin(self.rng, born=birth_date(self.rng, self.ctx.today), female=female)
            services.expert_enrol(actor=self.operator, user=user, directions=[d for d, _l in AWARD_CATEGORIES],
                                  iin=iin)
        return user

    def representative(self, organisation: Organisation) -> User:
        rep = Representation.objects.filter(organisation=organisation, status="approved").select_related("user").first()
        if rep is not None:
            return mark_otp_verified(rep.user)
        user = self.staff(f"demo-rep-{organisation.bin}", Role.NGO)
        _represent(user, organisation.pk, self.users.get("demo-analyst"))
        return mark_otp_verified(user)


def eligible_organisations(direction: str, day: dt.date, n: int, rng: random.Random, exclude=()) -> list:
    """NGOs that pass the automatic compliance on `day`: the direction in the charter, registered and not
    suspended, and the last closed year's annual report filed."""
    year = services._last_closed_report_year(day, WorkingCalendar.load())
    filed = AnnualReport.objects.filter(year=year, latest__isnull=False).values("organisation_id")
    found = list(Organisation.objects.filter(legal_form__is_ngo=True, status="registered", directions=direction,
                                             registered_on__lt=dt.date(year, 1, 1), pk__in=filed)
                 .exclude(pk__in=exclude).order_by("pk")[:200])
    rng.shuffle(found)
    return found[:n]


def _upload(rep, application) -> None:
    for doc in RequiredDocument.objects.filter(call=application.call, mandatory=True):
        services.document_upload(actor=rep, application=application, required_document=doc,
                                 upload=SimpleUploadedFile(f"{doc.code}.pdf", document_bytes(doc.code), "application/pdf"))
    application.refresh_from_db()


def _project(amount: int, months: int, direction: str, region: str) -> dict:
    half = amount // 2 // 1000 * 1000
    return {"summary": "Ауылдық округтердегі балаларға оңалту қызметтері / Реабилитация детей в сёлах",
            "goals": ["Қызметтердің қолжетімділігі / Доступность услуг"],
            "activities": [{"name": "Қызметтер / Услуги", "start_month": "1", "end_month": str(months)}],
            "months": months, "budget_lines": [{"item": "Мамандар / Специалисты", "amount": str(half)},
                                               {"item": "Материалдар / Материалы", "amount": str(amount - half)}],
            "requested_amount": str(amount),
            "results": [{"result": "Қызмет көрсетілді / Оказаны услуги", "indicator": "балалар / дети",
                         "target": "200"}],
            "beneficiaries": 200, "beneficiaries_text": "балалар / дети", "region": region, "direction": direction}


def _score(application, value: int) -> None:
    for assignment in Assignment.objects.filter(application=application, status="assigned").select_related(
            "expert__user"):
        user = mark_otp_verified(assignment.expert.user)
        services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        services.scores_submit(actor=user, assignment=assignment, scores={
            c.code: {"value": str(value), "justification": JUSTIFICATION} for c in application.call.criteria.all()})


def _reports(agreement, rep, manager, clock, days_add) -> None:
    for due in agreement.schedule.order_by("due_on"):
        clock.set(days_add(due.period_end, 3))
        report = services.monitoring_report_submit(actor=rep, due=due, content={
            "indicators": [{"indicator": "балалар / дети", "target": 200, "achieved": 210}], "beneficiaries": 210,
            "narrative": "Кезең іс-шаралары өткізілді. / Мероприятия периода проведены.", "spending": {}})
        clock.set(days_add(clock.today, 2))
        services.monitoring_report_review(actor=manager, report=report, accept=True)


def _compete(people, clock, manager, decider, call, lot, bids, *, months: int, dumping_below: int = 0):
    """Bids `(organisation, price, score, region)`; those under `dumping_below` stay unsubmitted drafts. Then
    the window closes, every bid is admitted, scored and decided. Returns (the winner, its representative)."""
    add = WorkingCalendar.load().add_working_days
    submitted = []
    for org, price, value, region in bids:
        rep = people.representative(org)
        application = services.application_create(actor=rep, call=call, lot=lot, organisation=org, language="ru",
                                                  title=lot.title[:80], data=_project(price, months, lot.direction_id,
                                                                                      region))
        _upload(rep, application)
        if price < dumping_below:
            continue
        services.application_submit(actor=rep, application=application)
        submitted.append((application, rep, value))
    clock.set(call.closes_on + dt.timedelta(days=1))
    services.call_close(actor=manager, call=call)
    for application, _rep, _value in submitted:
        services.compliance_decide(actor=manager, application=application, checklist={}, outcome="admitted")
    clock.set(add(clock.today, 2))
    services.evaluation_start(actor=manager, call=call)
    for application, _rep, value in submitted:
        _score(application, value)
    clock.set(add(clock.today, 4))
    services.call_decide(actor=decider, call=call, minutes="Комиссия хаттамасы / Протокол комиссии")
    return next((a, r) for a, r, _v in submitted if Application.objects.get(pk=a.pk).status == S.FUNDED)


def sso_lifecycle(ctx: DemoContext, people: People) -> dict:
    """A citizen's topic → a lot of the demo official's body → bids (one refused as dumping) → the commission
    → the winner → a contract with yearly stages → reports → completion → the effect evaluation."""
    calendar = WorkingCalendar.load()
    add = calendar.add_working_days
    official = mark_otp_verified(people.users["demo-official"])
    body = official.state_body
    start = dt.date(ctx.today.year - 2, 1, 12)
    commission = [people.enrol(people.staff(f"{COMMISSION_PREFIX}{i:02d}", Role.COMMITTEE)) for i in range(1, 4)]
    direction, region = "social_protection", body.region_id or "750000000"
    citizen = people.staff("demo-citizen", Role.NGO)
    with engine_clock(start) as clock:
        topic = services.topic_propose(actor=citizen, body=body, title="Ауылдағы балаларды оңалту / Реабилитация "
                                       "детей в сёлах", problem=PROBLEM, direction=direction, region=region)
        services.topic_support(actor=citizen, topic=topic)
        services.topic_comment(actor=people.representative(eligible_organisations(
            direction, start, 1, people.rng)[0]), topic=topic, text="Біздің ұйым қолдайды. / Мы поддерживаем.")
        clock.set(start + dt.timedelta(days=35))
        services.topic_decide(actor=official, topic=topic, accept=True,
                              reason="Қабылданды, лотқа енгізіледі. / Принято, войдёт в лот.")
        programme = services.programme_create(
            actor=official, mechanism="social_order", year=clock.today.year,
            title_kk="Мемлекеттік әлеуметтік тапсырыс", title_ru="Государственный социальный заказ",
            budget=Decimal(30 * MN), funder_kind="akimat", funder_body=body, directions=[direction])
        opens = clock.today + dt.timedelta(days=3)
        call = services.call_create(
            actor=official, programme=programme, title_kk="Балаларды оңалту / Реабилитация детей", opens_on=opens,
            closes_on=opens + dt.timedelta(days=25), committee=commission,
            lots=[{"title": "Ауылдағы оңалту / Реабилитация в сёлах", "direction": direction, "region": region,
                   "budget": 24 * MN, "rationale": "Азаматтардың тақырыбы / Тема от граждан",
                   "terms_of_reference": "24 ай бойы 200 балаға қызмет. / Услуги 200 детям в течение 24 месяцев.",
                   "topic": topic.pk, "max_months": 24}])
        clock.set(opens)
        services.call_publish(actor=official, call=call)
        lot = call.lots.get()
        orgs = eligible_organisations(direction, opens, 4, people.rng)
        # The last bid is more than 20% below the planned 24 m: refused before submission, it stays a draft.
        winner, rep = _compete(people, clock, official, commission[0], call, lot,
                               [(org, price, value, region) for org, price, value in zip(
                                   orgs, (21_600_000, 22_800_000, 19_900_000, 18_000_000), (9, 8, 7, 0), strict=False)],
                               months=24, dumping_below=19_200_000)
        agreement = Agreement.objects.get(application=winner)
        services.agreement_sign(actor=official, agreement=agreement)
        services.agreement_sign(actor=rep, agreement=agreement)
        clock.set(agreement.start_on)
        services.agreement_activate(actor=None, agreement=agreement)
        for tranche in agreement.tranches.order_by("number"):
            clock.set(max(clock.today, tranche.due_on))
            services.tranche_pay(actor=official, tranche=tranche, paid_on=clock.today)
        _reports(agreement, rep, official, clock, add)
        clock.set(add(clock.today, 1))
        services.agreement_complete(actor=official, agreement=agreement)
        clock.set(add(clock.today, 2))
        reviews = services.effect_evaluation_start(actor=official, agreement=agreement)
        for i, review in enumerate(reviews):
            clock.set(add(clock.today, 1))
            user = mark_otp_verified(review.expert.user)
            services.effect_declare(actor=user, review=review, no_conflict=True)
            services.effect_submit(actor=user, review=review, scores={
                code: {"value": str(7 + i % 3), "justification": JUSTIFICATION} for code, _l in rules.EFFECT_DIMENSIONS})
        services.agreement_close(actor=official, agreement=agreement)
    return {"call": call, "agreement": agreement}


def award_lifecycle(ctx: DemoContext, people: People, group: list[User], *, live: bool = False) -> dict:
    """An award call through both stages (closed and paid), or with `live` one left in its evaluation."""
    calendar = WorkingCalendar.load()
    add = calendar.add_working_days
    operator = people.operator
    ministry = StateBody.objects.filter(level="central", kind="ministry").order_by("pk").first()
    commission = [people.staff(f"{COMMISSION_PREFIX}{i:02d}", Role.COMMITTEE) for i in range(4, 6)]
    start = (ctx.today - dt.timedelta(days=40)) if live else dt.date(ctx.today.year, 2, 2)
    with engine_clock(start) as clock:
        programme = services.programme_create(
            actor=operator, mechanism="award", year=start.year, title_kk=f"ҮЕҰ-ға арналған сыйлық {start.year}",
            title_ru=f"Премия для НПО {start.year}", budget=Decimal(20 * MN), funder_kind="ministry",
            funder_body=ministry, directions=[d for d, _l in AWARD_CATEGORIES])
        call = services.call_create(
            actor=operator, programme=programme, title_kk="ҮЕҰ сыйлығы / Премия НПО", opens_on=start,
            closes_on=start + dt.timedelta(days=24), committee=commission, working_group=group,
            lots=[{"title": label, "direction": code, "budget": 6 * MN, "rationale": "Үлес үшін / За вклад",
                   "unit_amount": 2 * MN} for code, label in AWARD_CATEGORIES[:2]])
        services.call_publish(actor=operator, call=call)
        applications = []
        used = set()
        for lot in call.lots.order_by("number"):
            for org in eligible_organisations(lot.direction_id, start, 4, people.rng, exclude=used):
                used.add(org.pk)
                rep = people.representative(org)
                application = services.application_create(
                    actor=rep, call=call, lot=lot, organisation=org, language="kk", title="Үлес / Вклад", data={
                        "summary": "Он жыл бойы жастармен жұмыс / Десять лет работы с молодёжью",
                        "recognition": "Алғыс хаттар / Благодарственные письма", "innovation": "", "efficiency": "",
                        "years_active": 10, "beneficiaries": 3000, "region": org.region_id,
                        "direction": lot.direction_id, "achievements": [
                            {"year": str(start.year - 2), "achievement": "Жастар орталығы / Молодёжный центр",
                             "evidence": "https://qogam.kz"}]})
                _upload(rep, application)
                services.application_submit(actor=rep, application=application)
                applications.append((application, rep))
        clock.set(call.closes_on + dt.timedelta(days=1))
        services.call_close(actor=operator, call=call)
        for application, _rep in applications:
            services.compliance_decide(actor=operator, application=application, checklist={}, outcome="admitted")
        clock.set(add(clock.today, 2))
        services.evaluation_start(actor=operator, call=call)
        if live:
            return {"call": call}
        for i, (application, _rep) in enumerate(applications):
            _score(application, 9 - i % 4)
        clock.set(add(clock.today, 5))
        services.shortlist_decide(actor=mark_otp_verified(group[0]), call=call, minutes="Жұмыс тобы / Рабочая группа")
        clock.set(add(clock.today, 5))
        services.call_decide(actor=mark_otp_verified(commission[0]), call=call, minutes="Комиссия / Комиссия")
        for application, rep in applications:
            application.refresh_from_db()
            if application.status != S.FUNDED:
                continue
            agreement = application.agreement
            services.agreement_sign(actor=operator, agreement=agreement)
            services.agreement_sign(actor=rep, agreement=agreement)
            services.tranche_pay(actor=operator, tranche=agreement.tranches.get(), paid_on=clock.today)
            services.agreement_complete(actor=operator, agreement=agreement)
            services.agreement_close(actor=operator, agreement=agreement)
    return {"call": call}


def partnership_lifecycle(ctx: DemoContext, people: People) -> dict:
    """A ministry's competition (since July 2022) that selects one partner for 36 months; yearly reports."""
    calendar = WorkingCalendar.load()
    add = calendar.add_working_days
    official = mark_otp_verified(people.users["demo-ministry"])
    ministry = official.state_body
    direction = "civil_society"
    committee = [people.staff(f"{COMMISSION_PREFIX}{i:02d}", Role.COMMITTEE) for i in range(6, 8)]
    start = dt.date(2022, 8, 1)
    with engine_clock(start) as clock:
        programme = services.programme_create(
            actor=official, mechanism="partnership", year=2022, title_kk="Стратегиялық әріптестік 2022–2025",
            title_ru="Стратегическое партнёрство 2022–2025", budget=Decimal(150 * MN), funder_kind="ministry",
            funder_body=ministry, directions=[direction])
        call = services.call_create(
            actor=official, programme=programme, title_kk="Азаматтық қоғамды дамыту әріптесі / Партнёр по развитию "
            "гражданского общества", opens_on=start, closes_on=start + dt.timedelta(days=25), committee=committee,
            lots=[{"title": "Үш жылдық әріптестік / Трёхлетнее партнёрство", "direction": direction,
                   "budget": 120 * MN, "rationale": "Өңірлердегі ҮЕҰ-ды қолдау / Поддержка НПО в регионах",
                   "terms_of_reference": "Үш жылдық жоспар / Трёхлетний план", "max_months": 36}])
        services.call_publish(actor=official, call=call)
        lot = call.lots.get()
        orgs = eligible_organisations(direction, start, 3, people.rng)
        winner, rep = _compete(people, clock, official, mark_otp_verified(committee[0]), call, lot,
                               [(org, amount, value, org.region_id) for org, amount, value in zip(
                                   orgs, (118 * MN, 110 * MN, 96 * MN), (8, 9, 6), strict=False)], months=36)
        agreement = Agreement.objects.get(application=winner)
        services.agreement_sign(actor=official, agreement=agreement)
        services.agreement_sign(actor=rep, agreement=agreement)
        clock.set(agreement.start_on)
        services.agreement_activate(actor=None, agreement=agreement)
        for tranche in agreement.tranches.order_by("number"):
            if tranche.due_on > ctx.today:
                break
            clock.set(max(clock.today, tranche.due_on))
            services.tranche_pay(actor=official, tranche=tranche, paid_on=clock.today)
        if add(agreement.end_on, 20) < ctx.today:
            _reports(agreement, rep, official, clock, add)
            clock.set(add(clock.today, 1))
            services.agreement_complete(actor=official, agreement=agreement)
            clock.set(add(clock.today, 2))
            services.agreement_close(actor=official, agreement=agreement)
    return {"call": call, "agreement": agreement}


def live_work(ctx: DemoContext, people: People) -> None:
    """Topics waiting for the demo official, and its open tender."""
    official = mark_otp_verified(people.users["demo-official"])
    body = official.state_body
    citizen = people.staff("demo-citizen", Role.NGO)
    with engine_clock(ctx.today - dt.timedelta(days=45)) as clock:
        services.topic_propose(actor=citizen, body=body, title="Қарттарға үйде күтім / Уход на дому за пожилыми",
                               problem=PROBLEM.replace("балаларға", "қарттарға"), direction="social_protection")
        clock.set(ctx.today - dt.timedelta(days=5))
        services.topic_propose(actor=citizen, body=body, title="Жасөспірімдерге кеңес / Консультации подросткам",
                               problem=PROBLEM, direction="youth")
        clock.set(ctx.today - dt.timedelta(days=4))
        programme = services.programme_create(
            actor=official, mechanism="social_order", year=ctx.today.year, title_kk="Әлеуметтік тапсырыс",
            title_ru="Социальный заказ", budget=Decimal(40 * MN), funder_kind="akimat", funder_body=body,
            directions=["youth"])
        commission = [people.staff(f"{COMMISSION_PREFIX}{i:02d}", Role.COMMITTEE) for i in range(1, 4)]
        call = services.call_create(
            actor=official, programme=programme, title_kk="Жастар саясаты / Молодёжная политика",
            opens_on=clock.today, closes_on=clock.today + dt.timedelta(days=25), committee=commission,
            lots=[{"title": "Жастар орталығы / Молодёжный центр", "direction": "youth", "budget": 15 * MN,
                   "rationale": "Жастар орталығы жоқ / Нет молодёжного центра",
                   "terms_of_reference": "12 ай бойы жастарға кеңес / Консультации молодёжи 12 месяцев",
                   "max_months": 12}])
        services.call_publish(actor=official, call=call)


# --- Generate and wipe ---------------------------------------------------------------------------------


def generate(ctx: DemoContext) -> None:
    people = People(ctx)
    with transaction.atomic():
        sso = sso_history(ctx)
        awards = award_history(ctx)
        audit.record(action="demo_history", object_type="demo.run", object_id="mechanisms",
                     after={"social_order_contracts": sso, "award_agreements": awards})
    with transaction.atomic():
        group = [people.enrol(mark_otp_verified(people.users["demo-working-group"]))]
        group += [people.enrol(people.staff(f"{WORKING_GROUP_PREFIX}{i:02d}", Role.WORKING_GROUP)) for i in range(1, 3)]
        sso_run = sso_lifecycle(ctx, people)
        award_run = award_lifecycle(ctx, people, group)
        partnership_run = partnership_lifecycle(ctx, people)
        award_lifecycle(ctx, people, group, live=True)
        live_work(ctx, people)
    with transaction.atomic():
        _agreement_signs()  # the history's contracts and awards count toward the sign of activeness too
    ctx.count("social order contracts", Agreement.objects.filter(application__call__mechanism="social_order").count())
    ctx.count("NGO awards", Agreement.objects.filter(application__call__mechanism="award").count())
    ctx.count("strategic partnerships", Agreement.objects.filter(application__call__mechanism="partnership").count())
    ctx.log(f"  {sso} social order contracts and {awards} NGO awards in the history; tender "
            f"{sso_run['call'].code}, award call {award_run['call'].code} and partnership "
            f"{partnership_run['call'].code} run through the services")


def wipe() -> int:
    """Remove what only this generator makes; the engine's rows go with the grants' wipe after it."""
    count = Topic.objects.count()
    Lot.objects.filter(topic__isnull=False).update(topic=None)
    for model in (EffectReview, Shortlist, TopicComment, TopicSupport, Topic):
        model.objects.all().delete()
    Call.working_group.through.objects.all().delete()
    for prefix in (COMMISSION_PREFIX, WORKING_GROUP_PREFIX, "demo-rep-", "demo-citizen"):
        users = User.objects.filter(username__startswith=prefix)
        Expert.objects.filter(user__in=users).update(active=False)
    return count
