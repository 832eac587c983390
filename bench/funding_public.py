"""Benchmark of the public funding data (issue 4: results, funded projects, 360Giving). A script, not a test.

    .venv/bin/python bench/funding_public.py                      # SQLite: 300 calls, 15,000 applications
    .venv/bin/python bench/funding_public.py --scale 3            # three times as many
    .venv/bin/python bench/funding_public.py --database-url postgres://user:pw@127.0.0.1/qogam

It creates a scratch database (a temporary SQLite file, or `test_<name>` on PostgreSQL, dropped at
the end) and bulk-inserts, through the models, grant programmes for 2020–2026 funded by ministries,
akimats and non-state funders; calls with lots, criteria and committee decisions; applications of
organisations with Kazakh and Russian names (most of them scored and ranked, some funded), with their
submitted versions; appeals; agreements with tranches and audit entries. At `--scale 1`: 300 calls,
15,000 applications, 2,000 agreements. Then it measures, interleaved in one run:

  projects, first page      GET /api/funding/projects/
  projects, year + region   GET /api/funding/projects/?year=…&region=…
  results of a call         GET /api/funding/calls/<code>/results/ (a decided call with appeals)

each three ways: `endpoint` through Django's test client (the full API stack); `raw`, the SQL statements
that request ran, replayed through the DB cursor; `bare`, a bare Django view that runs the request's
main statement (the one returning the most rows) and returns its rows as JSON. Ratio:
p95(endpoint) / (p95(raw) + p95(bare)), as in bench/registry_search.py.

  360Giving                 qogam.opendata.giving360.grants_package() over every agreement, against
                            one hand-written SQL query fetching the same fields (ratio p95 / p95).

Statements a request runs more than once with the same SQL (N+1 queries) are listed after the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registry_search import configure, install_bare_view, organisation_rows, percentile  # noqa: E402

YEARS = tuple(range(2020, 2027))
ASTANA, ALMATY = "710000000", "750000000"
TODAY = dt.date(2026, 11, 1)  # fixed, so that a seed always gives the same statuses and payments

MINISTRIES = [
    ("Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
     "Министерство культуры и информации Республики Казахстан", "Ministry of Culture and Information"),
    ("Қазақстан Республикасы Оқу-ағарту министрлігі",
     "Министерство просвещения Республики Казахстан", "Ministry of Enlightenment"),
    ("Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
     "Министерство труда и социальной защиты населения Республики Казахстан",
     "Ministry of Labour and Social Protection"),
    ("Қазақстан Республикасы Экология және табиғи ресурстар министрлігі",
     "Министерство экологии и природных ресурсов Республики Казахстан", "Ministry of Ecology"),
]
NON_STATE_FUNDERS = ["«Болашақ демеушісі» қоғамдық қоры", "Корпоративный фонд «Самрук-Казына Траст»",
                     "«Дара» корпоративтік қоры"]
KK_TOPICS = ["ауыл жастарын қолдау", "мүгедектігі бар балаларға инклюзивті білім", "қарт адамдарға әлеуметтік көмек",
             "экологиялық ағарту", "жергілікті қауымдастықтарды дамыту", "отбасылық құндылықтарды нығайту",
             "волонтерлік қозғалысты дамыту", "тұрмыстық зорлық-зомбылықтың алдын алу", "мемлекеттік тілді дамыту",
             "салауатты өмір салтын насихаттау", "ауыл кітапханаларын жаңғырту", "көпбалалы отбасыларды қолдау"]
RU_TOPICS = ["поддержка сельской молодёжи", "инклюзивное образование детей с инвалидностью",
             "социальная помощь пожилым людям", "экологическое просвещение", "развитие местных сообществ",
             "укрепление семейных ценностей", "развитие волонтёрского движения",
             "профилактика бытового насилия", "правовая грамотность населения", "здоровый образ жизни",
             "модернизация сельских библиотек", "поддержка многодетных семей"]
CRITERIA = [("relevance", "Өзектілігі және әлеуметтік маңызы", "Актуальность и социальная значимость",
             "Relevance and social significance", 30),
            ("innovation", "Жаңашылдығы", "Инновационность и уникальность", "Innovation and uniqueness", 20),
            ("feasibility", "Орындалу мүмкіндігі", "Реализуемость", "Feasibility", 30),
            ("cost", "Шығындардың негізділігі", "Обоснованность затрат", "Cost justification", 20)]


# --- The dataset ----------------------------------------------------------------------------------


def _weighted_region(rng, regions):
    """Astana and Almaty file about a third of the applications (the published regional shares)."""
    return rng.choice([ASTANA, ALMATY]) if rng.random() < 0.34 else rng.choice(regions)


def _moment(day: dt.date, rng) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(3, 12), rng.randint(0, 59), tzinfo=dt.UTC)


def populate(scale: float, seed: int) -> tuple[float, dict]:
    """Insert the dataset; returns the seconds it took and the counts."""
    from django.db import connection, transaction

    from qogam.core.models import AuditEntry, Direction, Region
    from qogam.core.rules import make_bin
    from qogam.funding import models as m
    from qogam.registry.models import Organisation, StateBody

    rng = random.Random(seed)
    n_calls = max(len(YEARS), round(300 * scale))
    n_applications = max(10 * n_calls, round(15_000 * scale))
    n_agreements = max(1, round(2_000 * scale))
    n_organisations = max(100, round(6_000 * scale))
    started = time.perf_counter()
    regions = {r.kato: r for r in Region.objects.all()}
    katos = sorted(regions)
    directions = sorted(Direction.objects.values_list("code", flat=True))

    with transaction.atomic():
        # Organisations (the register bench's names and BINs) and funders.
        Organisation.objects.bulk_create(
            [Organisation(**row) for row in organisation_rows(n_organisations, seed, katos)], batch_size=2000)
        by_region = defaultdict(list)
        for pk, kato in Organisation.objects.filter(status="registered").values_list("pk", "region_id"):
            by_region[kato].append(pk)
        ministries = StateBody.objects.bulk_create([
            StateBody(bin=make_bin(1999, 1, 10 + 20 * i), level="central", kind="ministry", name_kk=kk, name_ru=ru,
                      name_en=en) for i, (kk, ru, en) in enumerate(MINISTRIES)])
        akimats = StateBody.objects.bulk_create([
            StateBody(bin=make_bin(1999, 2, 10 + 20 * i), level="regional", kind="akimat", region_id=kato,
                      name_kk=f"{regions[kato].name_kk} әкімдігі", name_ru=f"Акимат: {regions[kato].name_ru}",
                      name_en=f"Akimat of {regions[kato].name_en}") for i, kato in enumerate(katos)])

        # Programmes: per year two ministries, three akimats, one non-state funder.
        programmes = []
        for year in YEARS:
            for kind, count in (("ministry", 2), ("akimat", 3), ("non_state", 1)):
                for _ in range(count):
                    body = rng.choice(ministries if kind == "ministry" else akimats) if kind != "non_state" else None
                    funder = rng.choice(NON_STATE_FUNDERS) if body is None else ""
                    programmes.append(m.Programme(
                        mechanism="grant", year=year, funder_kind=kind, funder_body=body, funder_name=funder,
                        funder_bin=make_bin(2008, 3, 10 + 20 * NON_STATE_FUNDERS.index(funder)) if funder else "",
                        title_kk=f"{year} жылғы мемлекеттік гранттар жоспары", title_ru=f"План грантов на {year} год",
                        budget=Decimal(rng.randrange(500, 3000) * 1_000_000)))
        m.Programme.objects.bulk_create(programmes)
        m.Programme.directions.through.objects.bulk_create([
            m.Programme.directions.through(programme_id=p.pk, direction_id=code)
            for p in programmes for code in rng.sample(directions, 3)])

        # Calls, spread over the years; the last year's are partly still running.
        calls, decisions, lots, criteria, documents = [], [], [], [], []
        numbers = Counter()
        for i in range(n_calls):
            year = YEARS[i * len(YEARS) // n_calls]
            kind = rng.choices(["ministry", "akimat", "non_state"], [50, 35, 15])[0]
            programme = rng.choice([p for p in programmes if p.year == year and p.funder_kind == kind])
            opens_on = dt.date(year, rng.randint(1, 8), rng.randint(1, 28))
            closes_on = opens_on + dt.timedelta(days=rng.randint(20, 30))
            if year < YEARS[-1]:
                status = "archived" if year <= 2022 else "decided"
            else:
                status = rng.choices(["decided", "evaluation", "compliance", "open"], [55, 15, 15, 15])[0]
            numbers[year] += 1
            n = numbers[year]
            call = m.Call(programme=programme, mechanism="grant", code=f"GR-{year}-{n:03d}",
                          title_kk=f"{year} жылғы грант байқауы №{n}", title_ru=f"Конкурс грантов {year} года №{n}",
                          description="Мемлекеттік гранттар бойынша байқау.", opens_on=opens_on, closes_on=closes_on,
                          status=status, compliance_due_on=closes_on + dt.timedelta(days=14),
                          evaluation_due_on=closes_on + dt.timedelta(days=40))
            calls.append(call)
        m.Call.objects.bulk_create(calls)
        lots_of = {}
        for call in calls:
            akimat = call.programme.funder_body if call.programme.funder_kind == "akimat" else None
            lots_of[call.pk] = []
            for number in range(1, rng.randint(1, 4) + 1):
                lot = m.Lot(call=call, number=number, title=f"Лот {number}: {rng.choice(KK_TOPICS)}",
                            direction_id=rng.choice(directions), region_id=akimat.region_id if akimat else None,
                            budget=Decimal(rng.randrange(30, 200) * 1_000_000),
                            rationale="Өңірдің әлеуметтік мәселелерін шешу. Решение социальных проблем региона.")
                lots.append(lot)
                lots_of[call.pk].append(lot)
            for position, (code, kk, ru, en, weight) in enumerate(CRITERIA):
                criteria.append(m.Criterion(call=call, code=code, name_kk=kk, name_ru=ru, name_en=en,
                                            weight=Decimal(weight), position=position))
            documents += [m.RequiredDocument(call=call, code="charter", name="Жарғы / Устав"),
                          m.RequiredDocument(call=call, code="budget", name="Смета / Бюджет")]
            if call.status in ("decided", "archived"):
                decided_on = call.evaluation_due_on + dt.timedelta(days=rng.randint(3, 20))
                decisions.append(m.Decision(call=call, decided_on=decided_on, minutes=f"Хаттама / Протокол №{call.pk}",
                                            recorded_at=_moment(decided_on, rng)))
        m.Lot.objects.bulk_create(lots)
        m.Criterion.objects.bulk_create(criteria)
        m.RequiredDocument.objects.bulk_create(documents)
        m.Decision.objects.bulk_create(decisions)
        decided_on = {d.call_id: d.decided_on for d in decisions}

        # Applications, with the share each call gets varying.
        weights = [rng.uniform(0.5, 1.5) for _ in calls]
        owners = rng.choices(calls, weights, k=n_applications)
        applications = []
        for call in owners:
            lot = rng.choice(lots_of[call.pk])
            kato = lot.region_id or _weighted_region(rng, katos)
            organisation = rng.choice(by_region.get(kato) or by_region[rng.choice(list(by_region))])
            language = "kk" if rng.random() < 0.55 else "ru"
            topic = rng.randrange(len(KK_TOPICS))
            title = (f"{KK_TOPICS[topic].capitalize()} жобасы" if language == "kk"
                     else f"Проект: {RU_TOPICS[topic]}")
            content = {
                "summary": (f"Жоба {regions[kato].name_kk} өңірінде {KK_TOPICS[topic]} бағытында іске асырылады."
                            if language == "kk" else
                            f"Проект реализуется в регионе «{regions[kato].name_ru}»: {RU_TOPICS[topic]}."),
                "goals": "Мақсаттар / Цели: " + ", ".join(rng.sample(RU_TOPICS, 2)),
                "activities": [{"name": f"Іс-шара {k}", "start_month": str(k), "end_month": str(k + 2)}
                               for k in range(1, 4)],
                "budget_lines": [{"item": item, "amount": str(rng.randrange(100, 3000) * 1000)}
                                 for item in ("Жалақы / Оплата труда", "Іс-шаралар / Мероприятия", "Әкімшілік")],
                "results": [{"result": "Қатысушылар / Участники", "indicator": "адам / человек",
                             "target": str(rng.randint(50, 2000))}],
                "beneficiaries": str(rng.randint(50, 5000)),
            }
            submitted = _moment(call.closes_on - dt.timedelta(days=rng.randint(0, 20)), rng)
            status = _application_status(rng, call.status)
            applications.append(m.Application(
                call=call, lot=lot, organisation_id=organisation, status=status, language=language, title=title,
                requested_amount=Decimal(rng.randrange(40, 800) * 50_000), months=rng.choice([8, 10, 12, 18, 24, 36]),
                region_id=kato, direction_id=lot.direction_id, draft=content,
                submitted_at=None if status == "draft" else submitted))
        _rank_and_fund(rng, applications, n_agreements)
        m.Application.objects.bulk_create(applications, batch_size=2000)

        # Submitted versions with receipts; Application.latest points at them.
        versions = []
        for a in applications:
            if a.status == "draft":
                continue
            body = json.dumps(a.draft, ensure_ascii=False, sort_keys=True)
            versions.append(m.ApplicationVersion(
                application=a, number=1, content=a.draft, content_hash=hashlib.sha256(body.encode()).hexdigest(),
                receipt_number=f"{a.call.code}-R{a.pk:06d}", submitted_at=a.submitted_at))
        m.ApplicationVersion.objects.bulk_create(versions, batch_size=2000)
        app_table, version_table = m.Application._meta.db_table, m.ApplicationVersion._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{app_table}" SET "latest_id" = (SELECT v."id" FROM "{version_table}" v '
                           f'WHERE v."application_id" = "{app_table}"."id") WHERE "status" <> %s', ["draft"])

        # Appeals: published answers of the committee.
        appeals = []
        for a in applications:
            if a.call.status in ("decided", "archived") and a.status in ("not_funded", "rejected") \
                    and rng.random() < 0.04:
                filed = decided_on[a.call.pk] + dt.timedelta(days=2)
                appeals.append(m.Appeal(
                    application=a, kind="result" if a.status == "not_funded" else "compliance",
                    grounds="Бағалау критерийлерге сай емес. Оценка не соответствует критериям.",
                    filed_at=_moment(filed, rng), status="upheld",
                    outcome="Комиссия шағымды қарап, шешімді өзгеріссіз қалдырды. Решение оставлено в силе.",
                    decided_at=_moment(filed + dt.timedelta(days=7), rng)))
        m.Appeal.objects.bulk_create(appeals)

        agreements, tranches, audit = _agreements(rng, [a for a in applications if a.status == "funded"], decided_on)
        m.Agreement.objects.bulk_create(agreements, batch_size=2000)
        for t in tranches:
            t.agreement_id = t.agreement.pk
        m.Tranche.objects.bulk_create(tranches, batch_size=2000)
        entries = []
        for seq, (obj, action, at) in enumerate(audit, start=1):
            object_type = f"{obj._meta.app_label}.{obj._meta.model_name}"
            digest = hashlib.sha256(f"{seq}:{action}:{object_type}:{obj.pk}".encode()).hexdigest()
            entries.append(AuditEntry(seq=seq, at=at, actor="operator", action=action, object_type=object_type,
                                      object_id=str(obj.pk), after={"action": action}, prev_hash="0" * 64,
                                      hash=digest))
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
    counts = {"organisations": n_organisations, "calls": len(calls), "applications": len(applications),
              "agreements": len(agreements), "tranches": len(tranches), "appeals": len(appeals)}
    return time.perf_counter() - started, counts


def _application_status(rng, call_status: str) -> str:
    if call_status in ("decided", "archived"):
        return rng.choices(["withdrawn", "rejected", "scored"], [3, 12, 85])[0]
    if call_status == "open":
        return rng.choices(["draft", "submitted"], [40, 60])[0]
    if call_status == "compliance":
        return rng.choices(["submitted", "admitted", "rejected"], [50, 40, 10])[0]
    return rng.choices(["admitted", "rejected"], [88, 12])[0]


def _rank_and_fund(rng, applications, n_agreements: int) -> None:
    """Scores and ranks per lot; `n_agreements` applications funded, best ranks first, across decided calls."""
    by_lot = defaultdict(list)
    for a in applications:
        if a.status == "scored":
            a.total_score = Decimal(rng.randint(300, 980)) / 100
            a.disagreement = ["feasibility"] if rng.random() < 0.08 else []
            by_lot[id(a.lot)].append(a)
    by_call = defaultdict(list)
    for ranked in by_lot.values():
        ranked.sort(key=lambda a: (-a.total_score, a.submitted_at))
        for rank, a in enumerate(ranked, start=1):
            a.rank = rank
            a.status = "not_funded"
            by_call[a.call.pk].append(a)
    for scored in by_call.values():
        scored.sort(key=lambda a: (a.rank, a.lot.number))
    call_ids = sorted(by_call)
    taken = Counter()
    for _ in range(min(n_agreements, sum(len(v) for v in by_call.values()))):
        open_calls = [c for c in call_ids if taken[c] < len(by_call[c])]
        call_id = rng.choice(open_calls)
        a = by_call[call_id][taken[call_id]]
        taken[call_id] += 1
        a.status = "funded"
        a.awarded_amount = a.requested_amount if rng.random() < 0.85 else (a.requested_amount * 8 // 10)


def _agreements(rng, funded, decided_on):
    from qogam.funding import models as m
    from qogam.funding import rules

    agreements, tranches, audit = [], [], []
    serial = Counter()
    for a in sorted(funded, key=lambda a: (a.call.pk, a.rank, a.pk)):
        year = a.call.programme.year
        serial[year] += 1
        start_on = decided_on[a.call.pk] + dt.timedelta(days=rng.randint(20, 45))
        end_on = rules.add_months(start_on, a.months) - dt.timedelta(days=1)
        signed = _moment(start_on - dt.timedelta(days=rng.randint(2, 10)), rng)
        agreement = m.Agreement(application=a, number=f"GA-{year}-{serial[year]:05d}", amount=a.awarded_amount,
                                start_on=start_on, end_on=end_on, signed_by_ngo_at=signed,
                                signed_by_operator_at=signed + dt.timedelta(hours=3))
        if start_on > TODAY:
            agreement.status = "signed"
        elif end_on >= TODAY:
            agreement.status = "active"
        elif rng.random() < 0.04:
            agreement.status = "terminated"
            agreement.terminated_on = start_on + (end_on - start_on) * rng.randint(2, 8) // 10
            agreement.termination_reason = "Шарт талаптары орындалмады. Нарушение условий договора."
        else:
            agreement.status = "closed" if end_on + dt.timedelta(days=90) < TODAY else "completed"
            agreement.closed_on = end_on + dt.timedelta(days=60) if agreement.status == "closed" else None
        agreements.append(agreement)
        audit += [(agreement, "funding.agreement_prepare", signed - dt.timedelta(days=3)),
                  (agreement, "funding.agreement_signed", signed + dt.timedelta(hours=3))]
        count = 2 if a.months <= 12 else 3
        share = int(agreement.amount) // count
        paid_total = Decimal(0)
        for number in range(1, count + 1):
            due_on = start_on + (end_on - start_on) * (number - 1) // count
            amount = Decimal(share if number < count else int(agreement.amount) - share * (count - 1))
            stop = agreement.terminated_on or TODAY
            paid_on = due_on + dt.timedelta(days=rng.randint(1, 10)) if due_on < stop else None
            tranche = m.Tranche(agreement=agreement, number=number, due_on=due_on, amount=amount, paid_on=paid_on)
            tranches.append(tranche)
            if paid_on:
                paid_total += amount
                audit.append((tranche, "funding.tranche_pay", _moment(paid_on, rng)))
        if agreement.status == "terminated":
            agreement.refund_amount = paid_total * rng.randint(0, 5) // 10
    audit.sort(key=lambda row: row[2])
    return agreements, tranches, audit


# --- Measurement ------------------------------------------------------------------------------------


def capture(action) -> tuple[list[tuple[str, object]], int]:
    """The (sql, params) the action runs, checked against CaptureQueriesContext's count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        action()
    assert len(captured) == len(statements), (len(captured), len(statements))
    return statements, len(captured)


def repeated(statements) -> list[tuple[int, str]]:
    """Statements with the same SQL run more than once (parameters differ): N+1 suspects."""
    counts = Counter(sql for sql, _ in statements)
    return [(n, sql) for sql, n in counts.most_common() if n > 1]


def replay(statements) -> list[int]:
    from django.db import connection

    sizes = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            sizes.append(len(cursor.fetchall()))
    return sizes


def timed(actions: dict, repeat: int, warmup: int) -> dict:
    timings = {name: [] for name in actions}
    for _ in range(warmup):
        for action in actions.values():
            action()
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def endpoints() -> list[tuple[str, str]]:
    """The URLs measured: projects' first page, a full filtered page, and the richest decided call's results."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from qogam.funding import selectors
    from qogam.funding.models import Agreement, Call

    year, region = (Agreement.objects.filter(status__in=selectors.PUBLIC_AGREEMENT_STATUSES)
                    .values_list("application__call__programme__year", "application__region_id")
                    .annotate(n=Count("pk")).order_by("-n", "application__call__programme__year",
                                                      "application__region_id").first()[:2])
    call = (Call.objects.filter(status__in=selectors.DECIDED)
            .annotate(appeals=Count("applications__appeals", distinct=True),
                      ranked=Count("applications", filter=Q(applications__rank__isnull=False), distinct=True))
            .order_by("-appeals", "-ranked", "code").first())
    projects = reverse("funding_api:project-list")
    return [
        ("projects, first page", projects),
        (f"projects, {year} + {region}", f"{projects}?year={year}&region={region}"),
        (f"results {call.code}", reverse("funding_api:call-results", kwargs={"code": call.code})),
    ]


def measure_api(repeat: int) -> list[dict]:
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    bare_state = install_bare_view()
    results = []
    for label, url in endpoints():
        response = None

        def fetch(url=url):
            nonlocal response
            response = client.get(url)

        statements, count = capture(fetch)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        rows = body.get("count", len(body.get("results", [])))
        sizes = replay(statements)
        main = max(range(len(statements)), key=lambda i: (sizes[i], i))
        bare_state["sql"], bare_state["params"] = statements[main]
        timings = timed({"endpoint": lambda url=url: client.get(url),
                         "raw": lambda statements=statements: replay(statements),
                         "bare": lambda: client.get("/bench/bare/")}, repeat, warmup=3)
        results.append({"label": label, "url": url, "rows": rows, "queries": count,
                        "repeated": repeated(statements), **timings})
    return results


def grants_sql() -> str:
    """One query for every field grants_package() publishes (the last change: the audit log's latest entry on
    the agreement or one of its tranches)."""
    from qogam.core.models import AuditEntry, Direction, Region
    from qogam.funding import models as m
    from qogam.registry.models import Organisation, StateBody

    t = {name: model._meta.db_table for name, model in (
        ("agreement", m.Agreement), ("application", m.Application), ("version", m.ApplicationVersion),
        ("call", m.Call), ("programme", m.Programme), ("decision", m.Decision), ("tranche", m.Tranche),
        ("organisation", Organisation), ("body", StateBody), ("region", Region), ("direction", Direction),
        ("audit", AuditEntry))}
    return f"""
        SELECT g."number", g."amount", g."start_on", g."end_on", g."status", g."terminated_on", g."created_at",
               g."signed_by_ngo_at", g."signed_by_operator_at",
               a."title", a."requested_amount", a."draft", v."content",
               o."bin", o."name_kk", o."name_ru", o."website",
               orr."kato", orr."name_kk", orr."name_ru", orr."name_en",
               ar."kato", ar."name_kk", ar."name_ru", ar."name_en",
               d."code", d."name_kk", d."name_ru", d."name_en",
               c."code", c."title_kk", c."title_ru",
               p."funder_name", p."funder_bin", b."bin", b."name_kk", b."name_ru", b."name_en",
               dec."decided_on",
               (SELECT SUM(t."amount") FROM "{t['tranche']}" t
                 WHERE t."agreement_id" = g."id" AND t."paid_on" IS NOT NULL) AS disbursed,
               COALESCE(ch."last", g."created_at") AS modified
          FROM "{t['agreement']}" g
          LEFT JOIN (
                SELECT u."agreement_id", MAX(u."at") AS "last" FROM (
                    SELECT g2."id" AS "agreement_id", e."at" FROM "{t['agreement']}" g2
                      JOIN "{t['audit']}" e ON e."object_type" = 'funding.agreement'
                                           AND e."object_id" = CAST(g2."id" AS VARCHAR(100))
                    UNION ALL
                    SELECT t2."agreement_id", e."at" FROM "{t['tranche']}" t2
                      JOIN "{t['audit']}" e ON e."object_type" = 'funding.tranche'
                                           AND e."object_id" = CAST(t2."id" AS VARCHAR(100))
                ) u GROUP BY u."agreement_id"
          ) ch ON ch."agreement_id" = g."id"
          JOIN "{t['application']}" a ON a."id" = g."application_id"
          LEFT JOIN "{t['version']}" v ON v."id" = a."latest_id"
          JOIN "{t['organisation']}" o ON o."id" = a."organisation_id"
          JOIN "{t['region']}" orr ON orr."kato" = o."region_id"
          JOIN "{t['region']}" ar ON ar."kato" = a."region_id"
          JOIN "{t['direction']}" d ON d."code" = a."direction_id"
          JOIN "{t['call']}" c ON c."id" = a."call_id"
          JOIN "{t['programme']}" p ON p."id" = c."programme_id"
          LEFT JOIN "{t['body']}" b ON b."id" = p."funder_body_id"
          LEFT JOIN "{t['decision']}" dec ON dec."call_id" = c."id"
         WHERE g."status" <> 'draft' AND c."mechanism" <> 'social_order'
         ORDER BY g."number"
    """


def measure_package(repeat: int) -> dict:
    from django.db import connection

    from qogam.opendata.giving360 import grants_package

    sql = grants_sql()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    package = None

    def build():
        nonlocal package
        package = grants_package(base_url="https://qogam.example.kz")

    statements, count = capture(build)
    rows = raw()
    assert len(rows) == len(package["grants"]), (len(rows), len(package["grants"]))
    assert sum(int(r[1]) for r in rows) == sum(g["amountAwarded"] for g in package["grants"])
    assert sum(int(r[-2] or 0) for r in rows) == sum(g["amountDisbursed"] for g in package["grants"])
    timings = timed({"endpoint": build, "raw": raw}, repeat, warmup=1)
    return {"label": "grants_package()", "rows": len(rows), "queries": count, "repeated": repeated(statements),
            **timings}


def report(api: list[dict], package: dict, vendor: str, counts: dict, seconds: float) -> None:
    print(f"\n{vendor}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + f" (inserted in {seconds:.1f} s)")
    header = (f"{'measure':<30}{'rows':>7}{'SQL':>5}  {'endpoint p50/p95':>18}  {'raw p50/p95':>16}  "
              f"{'bare p50/p95':>14}  {'ratio':>6}")
    print(header)
    print("-" * len(header))

    def p(values):
        return statistics.median(values), percentile(values, 95)

    for r in [*api, package]:
        e, raw = p(r["endpoint"]), p(r["raw"])
        if "bare" in r:
            b = p(r["bare"])
            bare, ratio = f"{b[0]:>6.2f}/{b[1]:<7.2f}", e[1] / (raw[1] + b[1])
        else:
            bare, ratio = f"{'—':^14}", e[1] / raw[1]
        print(f"{r['label']:<30}{r['rows']:>7}{r['queries']:>5}  {e[0]:>8.2f}/{e[1]:<9.2f}  "
              f"{raw[0]:>7.2f}/{raw[1]:<8.2f}  {bare}  {ratio:>6.2f}")
    print("-" * len(header))
    print("ratio: p95(endpoint) / (p95(raw) + p95(bare)); for grants_package(): p95(package) / p95(one SQL query)")
    for r in [*api, package]:
        for n, sql in r["repeated"]:
            print(f"N+1 in {r['label']}: {n}× {' '.join(sql.split())[:150]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="dataset size; 1 = 300 calls, 15,000 applications, 2,000 agreements (default 1)")
    parser.add_argument("--repeat", type=int, default=60, help="timed requests per API measure and variant")
    parser.add_argument("--package-repeat", type=int, default=8, help="timed runs of grants_package() and its query")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", help="PostgreSQL URL; a scratch database test_<name> is created")
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.repeat < 1 or args.package_repeat < 1:
        parser.error("--scale, --repeat and --package-repeat must be positive")

    with tempfile.TemporaryDirectory(prefix="qogam-bench-") as tmp:
        configure(args.database_url, Path(tmp))
        from django.db import connection

        if connection.vendor not in ("sqlite", "postgresql"):
            parser.error("the benchmark runs on SQLite or PostgreSQL")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            seconds, counts = populate(args.scale, args.seed)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            api = measure_api(args.repeat)
            package = measure_package(args.package_repeat)
            report(api, package, connection.vendor, counts, seconds)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
