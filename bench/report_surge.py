"""Benchmark of a surge of annual-report filings (issue 3, Evidence). A script, not a test.

    .venv/bin/python bench/report_surge.py                        # SQLite, 1,000 filings, 8 clients
    .venv/bin/python bench/report_surge.py --database-url postgres://user:pw@127.0.0.1/qogam

It creates a scratch database (a temporary SQLite file, or `test_<name>` on PostgreSQL, dropped at
the end), registers `--requests / 5` organisations, each with its own approved representative and a
complete draft report for each of five years, and serves the project with gunicorn on 127.0.0.1.
Then `--clients` threads, each a separate HTTP client with keep-alive, send in the same run:

  bare    POST /bench/bare-insert/: a plain Django view that parses the same report JSON and inserts
          it as one row (no validation, no version, no audit)
  submit  POST /api/reports/{id}/submit/: the real API (session authentication, CSRF, permission,
          validation of the whole report, the immutable version with its receipt, foreign-funding
          rows, the report's state, the sign of activeness and two hash-chained audit entries)

one request per report and organisation-year, all distinct. Afterwards it checks 0 errors and 0 lost
writes (every accepted request is in the database exactly once; every report has exactly one
version), verifies the audit chain, and prints filings per second and the ratio submit / bare.
The goal is a ratio ≥ 50%.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

BARE_TABLE = "bench_bare_insert"
YEARS = (2021, 2022, 2023, 2024, 2025)

# --- The server side: the project's URLs plus the bare endpoint -----------------------------------

urlpatterns: list = []
handler404 = "qogam.core.api.handler404"
handler500 = "qogam.core.api.handler500"


def _bare_insert(request):
    """One row with the posted JSON: the least a Django view can do with a report."""
    from django.db import connection
    from django.http import JsonResponse

    data = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (organisation, year, payload) VALUES (%s, %s, %s)",
            [data["organisation"], data["year"], json.dumps(data["content"])],
        )
    return JsonResponse({"ok": True}, status=201)


def _ping(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def wsgi():
    """gunicorn's application factory: `report_surge:wsgi()`."""
    from django.views.decorators.csrf import csrf_exempt

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.urls import path

    import qogam.urls

    urlpatterns[:] = [
        path("bench/bare-insert/", csrf_exempt(_bare_insert)),
        path("bench/ping/", _ping),
        *qogam.urls.urlpatterns,
    ]
    return get_wsgi_application()


# --- Set-up ---------------------------------------------------------------------------------------


def configure(database_url: str | None, data_dir: Path) -> None:
    os.environ["QOGAM_DATA_DIR"] = str(data_dir)
    (data_dir / "staticfiles").mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qogam.settings"
    os.environ["QOGAM_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["QOGAM_TEST_SQLITE_NAME"] = str(data_dir / "bench.sqlite3")
    import django

    django.setup()


def complete_content(rng: random.Random, year: int, directions: list[str]) -> dict:
    """A complete report that passes every rule: all tables, splits by direction, foreign funding."""
    from qogam.reporting import schema

    c = schema.empty_content()
    employees = rng.randint(1, 10)
    under = rng.randint(0, employees)
    old = rng.randint(0, employees - under)
    managers = max(1, employees // 4)
    c.update(
        founders_individuals=rng.randint(1, 12), members=rng.randint(10, 300),
        property_cash_kzt=rng.randint(100, 20_000) * 1000, property_equipment_kzt=rng.randint(0, 3000) * 1000,
        employees=employees, employees_age_under_30=under, employees_age_60_plus=old,
        employees_age_30_59=employees - under - old, employees_women=rng.randint(0, employees),
        employees_with_disability=rng.randint(0, min(1, employees)),
        employees_higher_education=rng.randint(0, employees), employees_managers=managers,
        employees_specialists=employees - managers, payroll_kzt=employees * 12 * rng.randint(150, 350) * 1000,
        volunteers=rng.randint(1, 40), beneficiaries=rng.randint(20, 2000),
    )
    c["volunteer_hours"] = c["volunteers"] * rng.randint(10, 80)
    receipts = [
        {"source_type": rng.choice(["international_organisation", "foreign_organisation", "foreign_state"]),
         "country": rng.choice(["US", "DE", "GB", "JP", "KR", "CH", "NL", "TR"]),
         "amount_kzt": rng.randint(500, 20_000) * 1000,
         "received_on": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
         "purpose": rng.choice(["Проект «Открытые школы»", "Жастар көшбасшылығы мектебі", "Legal aid programme"])}
        for _ in range(rng.randint(1, 3))
    ]
    c["foreign_receipts"] = receipts
    c["income_foreign_kzt"] = sum(r["amount_kzt"] for r in receipts)
    c["foreign_uses"] = [{"period_start": f"{year}-03-01", "period_end": f"{year}-11-30",
                          "amount_kzt": c["income_foreign_kzt"] // 2, "direction": directions[0]}]
    c["income_state_grants_kzt"] = rng.randint(0, 20_000) * 1000
    c["income_charity_sponsorship_kzt"] = c["payroll_kzt"] + rng.randint(100, 5000) * 1000
    c["income_membership_fees_kzt"] = c["members"] * 5000
    income = sum(c[k] for k in schema.INCOME_FIELDS)
    c["expenses_kzt"] = income - income % 1000
    first = (c["expenses_kzt"] // 2000) * 1000
    c["spending_by_direction"] = {directions[0]: first, directions[1]: c["expenses_kzt"] - first}
    c["services_volume_kzt"] = rng.randint(1000, 30_000) * 1000
    c["services_by_activity"] = {directions[0]: c["services_volume_kzt"]}
    c["tax_social_kzt"] = c["payroll_kzt"] * 85 // 1000
    c["tax_iit_withheld_kzt"] = c["payroll_kzt"] * 9 // 100
    return c


@dataclass
class Task:
    kind: str  # "bare" | "submit"
    path: str
    body: bytes
    cookie: str
    csrf: str
    key: tuple[str, int]


def populate(organisations: int, seed: int) -> tuple[list[Task], list[Task], list[int]]:
    """Organisations, representatives with sessions, and a complete draft for each year; the tasks."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from qogam.accounts.models import Representation, Role, User
    from qogam.core.models import Direction, LegalForm, Region
    from qogam.core.rules import make_bin
    from qogam.registry.models import Organisation
    from qogam.registry.search_key import search_key
    from qogam.reporting import rules
    from qogam.reporting.models import AnnualReport
    from qogam.reporting.selectors import due_on

    rng = random.Random(seed)
    directions = list(Direction.objects.values_list("code", flat=True))
    form = LegalForm.objects.get(code="public_fund")
    region = Region.objects.order_by("kato").first()
    run = secrets.token_hex(3)
    with transaction.atomic():
        orgs = [
            Organisation(bin=make_bin(2015, 1 + i % 12, 1000 + (i // 12) * 20), name_ru=f"Общественный фонд «Бенчмарк {i}»",
                         name_kk=f"«Бенчмарк {i}» қоғамдық қоры", legal_form=form, region=region,
                         registered_on=f"2015-{1 + i % 12:02d}-15", search_key=search_key(f"Бенчмарк {i}", ""))
            for i in range(organisations)
        ]
        Organisation.objects.bulk_create(orgs)
        users = User.objects.bulk_create([User(username=f"bench-{run}-{i}", role=Role.NGO, password="!")
                                          for i in range(organisations)])
        Representation.objects.bulk_create([
            Representation(user=u, organisation=o, position="Председатель", status=Representation.Status.APPROVED)
            for u, o in zip(users, orgs, strict=True)
        ])
        due = {year: due_on(year) for year in YEARS}
        contents = {}
        reports = []
        for org in orgs:
            codes = rng.sample(directions, 2)
            for year in YEARS:
                content = rules.normalise_content(complete_content(rng, year, codes))[0]
                contents[(org.bin, year)] = content
                reports.append(AnnualReport(organisation=org, year=year, draft=content, version=2, due_on=due[year]))
        AnnualReport.objects.bulk_create(reports)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TABLE {BARE_TABLE} (id BIGSERIAL PRIMARY KEY, organisation VARCHAR(12), "
                               "year INTEGER, payload JSONB)")
            else:
                cursor.execute(f"CREATE TABLE {BARE_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                               "organisation VARCHAR(12), year INTEGER, payload TEXT)")
    sessions = {}
    for user, org in zip(users, orgs, strict=True):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[org.bin] = store.session_key
    report_ids = dict(((r.organisation.bin, r.year), r.pk) for r in reports)
    bare, submit = [], []
    for (bin_, year), content in contents.items():
        csrf = secrets.token_hex(16)
        cookie = f"sessionid={sessions[bin_]}; csrftoken={csrf}"
        bare.append(Task("bare", "/bench/bare-insert/",
                         json.dumps({"organisation": bin_, "year": year, "content": content}).encode(), cookie, csrf,
                         (bin_, year)))
        submit.append(Task("submit", f"/api/reports/{report_ids[(bin_, year)]}/submit/",
                           json.dumps({"version": 2}).encode(), cookie, csrf, (bin_, year)))
    rng.shuffle(bare)
    rng.shuffle(submit)
    return bare, submit, [r.pk for r in reports]


# --- The live server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=server_database_url(), QOGAM_CONN_MAX_AGE="600",
               PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH_DIR)]))
    env.pop("QOGAM_TEST_SQLITE_NAME", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "gthread",
         "--threads", str(threads), "--log-level", "warning", "--timeout", "120", "report_surge:wsgi()"],
        env=env, cwd=str(BENCH_DIR),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/ping/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


# --- Load ----------------------------------------------------------------------------------------------


@dataclass
class PhaseResult:
    kind: str
    requests: int
    seconds: float
    ok: list[tuple[str, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.ok) / self.seconds if self.seconds else 0.0


def run_phase(kind: str, tasks: list[Task], port: int, clients: int) -> PhaseResult:
    work: queue.Queue = queue.Queue()
    for task in tasks:
        work.put(task)
    result = PhaseResult(kind, len(tasks), 0.0)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        while True:
            try:
                task = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Content-Type": "application/json", "Cookie": task.cookie, "X-CSRFToken": task.csrf,
                       "Accept-Language": "en", "Host": "127.0.0.1"}
            began = time.perf_counter()
            for attempt in (1, 2):
                try:
                    connection.request("POST", task.path, body=task.body, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    break
                except (http.client.HTTPException, OSError) as exc:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    if attempt == 2:
                        response, body = None, repr(exc).encode()
            elapsed = time.perf_counter() - began
            with lock:
                result.latencies.append(elapsed)
                if response is not None and response.status == 201:
                    result.ok.append(task.key)
                else:
                    status = response.status if response is not None else "no response"
                    result.errors.append(f"{task.path}: {status} {body[:200]!r}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def warm_up(port: int, submit_task: Task, clients: int) -> None:
    """Load every worker and thread: reads of a report through the same API stack."""
    report_path = submit_task.path.removesuffix("submit/")
    tasks = [Task("get", report_path, b"", submit_task.cookie, submit_task.csrf, ("", 0)) for _ in range(clients * 6)]

    def get(task):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", task.path, headers={"Cookie": task.cookie})
        connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=get, args=(t,)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- Checks and report -----------------------------------------------------------------------------------


def lost_writes(bare: PhaseResult, submit: PhaseResult, report_ids: list[int]) -> list[str]:
    """What is missing or doubled in the database after the run (empty when nothing was lost)."""
    from django.db import connection
    from django.db.models import Count

    from qogam.reporting.models import AnnualReport, ReportVersion

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT organisation, year, COUNT(*) FROM {BARE_TABLE} GROUP BY organisation, year")
        rows = {(organisation, year): n for organisation, year, n in cursor.fetchall()}
    if set(rows) != set(bare.ok) or any(n != 1 for n in rows.values()):
        problems.append(f"bare: {len(bare.ok)} accepted but {sum(rows.values())} rows for {len(rows)} keys")

    filed: dict[tuple[str, int], int] = {}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        for bin_, year, n in (ReportVersion.objects.filter(report_id__in=chunk)
                              .values_list("report__organisation__bin", "report__year")
                              .annotate(n=Count("id")).values_list("report__organisation__bin", "report__year", "n")):
            filed[(bin_, year)] = n
    if set(filed) != set(submit.ok) or any(n != 1 for n in filed.values()):
        problems.append(f"submit: {len(submit.ok)} accepted but {sum(filed.values())} versions for "
                        f"{len(filed)} reports")
    not_moved = 0
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start:start + 500]
        not_moved += AnnualReport.objects.filter(pk__in=chunk).exclude(status="submitted", version=3,
                                                                       latest__isnull=False).count()
    if not_moved != len(report_ids) - len(submit.ok):
        problems.append(f"submit: {not_moved} reports are not submitted with their version as the latest")
    return problems


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="filings per phase (default 1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--database-url", help="PostgreSQL URL; a scratch database test_<name> is created")
    args = parser.parse_args(argv)
    if min(args.requests, args.clients, args.workers, args.threads) < 1:
        parser.error("--requests, --clients, --workers and --threads must be positive")

    with tempfile.TemporaryDirectory(prefix="qogam-surge-") as tmp:
        configure(args.database_url, Path(tmp))
        from django.db import connection

        from qogam.core import audit

        if connection.vendor not in ("sqlite", "postgresql"):
            parser.error("the benchmark runs on SQLite or PostgreSQL")
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        server = None
        try:
            organisations = -(-args.requests // len(YEARS))
            bare_tasks, submit_tasks, report_ids = populate(organisations, args.seed)
            bare_tasks, submit_tasks = bare_tasks[:args.requests], submit_tasks[:args.requests]
            connection.close()
            port = free_port()
            server = start_server(port, args.workers, args.threads)
            warm_up(port, submit_tasks[0], args.clients)
            bare = run_phase("bare", bare_tasks, port, args.clients)
            submit = run_phase("submit", submit_tasks, port, args.clients)
            problems = lost_writes(bare, submit, report_ids)
            chain = audit.verify()
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"\n{connection.vendor}: {len(bare_tasks)} filings per phase, {organisations} organisations, "
          f"{args.clients} clients, gunicorn {args.workers} workers × {args.threads} threads")
    print(f"{'phase':<8}{'ok':>7}{'errors':>8}{'seconds':>9}{'per second':>12}{'p50 ms':>9}{'p95 ms':>9}")
    for phase in (bare, submit):
        print(f"{phase.kind:<8}{len(phase.ok):>7}{len(phase.errors):>8}{phase.seconds:>9.2f}{phase.rate:>12.1f}"
              f"{percentile(phase.latencies, 50) * 1000:>9.1f}{percentile(phase.latencies, 95) * 1000:>9.1f}")
    for error in (bare.errors + submit.errors)[:10]:
        print("  error:", error)
    for problem in problems:
        print("  lost write:", problem)
    print(f"audit chain: {'intact' if chain.ok else 'BROKEN: ' + chain.problem} ({chain.checked} entries)")
    ratio = submit.rate / bare.rate if bare.rate else 0.0
    errors = len(bare.errors) + len(submit.errors)
    print(f"submit / bare: {ratio:.0%} (goal ≥ 50%); errors: {errors}; lost writes: {len(problems)}")
    return 0 if not errors and not problems and chain.ok else 1


if __name__ == "__main__":
    sys.exit(main())
