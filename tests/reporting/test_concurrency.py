"""Two (or more) simultaneous submissions of the same report: exactly one is filed, the others get
Conflict (HTTP 409, code `conflict`), and nothing is lost. Real threads, each on its own database
connection, committing for real.

The race runs in a subprocess against a fresh database of its own: a SQLite file (the test database
lives in memory, in SQLite's shared cache, whose table locks fail at once instead of waiting), or a
fresh PostgreSQL database created next to the test database and dropped afterwards. So the threads
commit outside the test's transaction and nothing is left behind.

    python -m tests.reporting.test_concurrency KIND THREADS    # KIND: service, api or draft
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# --- the race (runs in the subprocess) ------------------------------------------------------------------


def _setup(threads: int):
    from qogam.reporting import services
    from tests.factories import OrganisationFactory
    from tests.reporting.factories import representative, valid_content

    organisation = OrganisationFactory(directions=["education", "social_protection"])
    users = [representative(organisation) for _ in range(threads)]
    report = services.report_open(actor=users[0], organisation=organisation, year=2023)
    report = services.report_save_draft(actor=users[0], report=report, expected_version=report.version,
                                        content=valid_content(2023))
    return organisation, users, report


def race(kind: str, threads: int) -> dict:
    from django.db import connections
    from django.test import Client

    from qogam.core import audit
    from qogam.core.errors import Conflict
    from qogam.reporting import rules, services
    from qogam.reporting.models import AnnualReport, ReportVersion
    from tests.reporting.factories import valid_content

    _organisation, users, report = _setup(threads)
    expected = report.version
    clients = []
    if kind == "api":
        for user in users:
            client = Client()
            client.force_login(user)
            clients.append(client)
    start = threading.Barrier(threads)
    outcomes: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> str:
        if kind == "api":
            response = clients[n].post(f"/api/reports/{report.pk}/submit/", {"version": expected},
                                       content_type="application/json")
            body = response.json()
            if response.status_code == 201:
                return "won"
            if response.status_code == 409 and body.get("code") == "conflict":
                return "conflict"
            return f"HTTP {response.status_code} {body}"
        fresh = AnnualReport.objects.get(pk=report.pk)
        try:
            if kind == "service":
                services.report_submit(actor=users[n], report=fresh, expected_version=expected)
            else:
                services.report_save_draft(actor=users[n], report=fresh, expected_version=expected,
                                           content=valid_content(2023, members=100 + n))
        except Conflict:
            return "conflict"
        return f"won:{n}"

    def worker(n: int) -> None:
        try:
            start.wait()
            result = attempt(n)
        except Exception as exc:
            result = None
            with lock:
                errors.append(f"thread {n}: {exc!r}")
        finally:
            connections.close_all()
        if result is not None:
            with lock:
                outcomes.append(result)

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    report.refresh_from_db()
    versions = list(ReportVersion.objects.filter(report=report).values("number", "content", "content_hash"))
    winners = [o for o in outcomes if o.startswith("won")]
    winner = int(winners[0].split(":")[1]) if len(winners) == 1 and ":" in winners[0] else None
    check = audit.verify()
    return {
        "errors": errors,
        "outcomes": sorted(o.split(":")[0] for o in outcomes),
        "versions": [v["number"] for v in versions],
        "hash_ok": all(rules.content_hash(v["content"]) == v["content_hash"] for v in versions),
        "version_is_draft": bool(versions) and versions[0]["content"] == report.draft,
        "report_version": report.version,
        "expected": expected,
        "status": report.status,
        "members": report.draft.get("members"),
        "winner": winner,
        "audit_ok": check.ok,
        "audit_problem": check.problem,
    }


# --- the tests ------------------------------------------------------------------------------------------


def _run(kind: str, threads: int, tmp_path) -> dict:
    from django.db import connection

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qogam.settings", "QOGAM_DATA_DIR": str(tmp_path)}
    created = None
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    else:
        import psycopg

        settings = connection.settings_dict
        created = f"{settings['NAME']}_race_{uuid.uuid4().hex[:8]}"[:63]
        params = {"host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432,
                  "user": settings["USER"], "password": settings["PASSWORD"], "dbname": "postgres",
                  "autocommit": True}
        with psycopg.connect(**params) as admin:
            admin.execute(f'CREATE DATABASE "{created}"')
        env["DATABASE_URL"] = (f"postgres://{settings['USER']}:{settings['PASSWORD']}@{params['host']}:"
                               f"{params['port']}/{created}")
    try:
        done = subprocess.run([sys.executable, "-m", "tests.reporting.test_concurrency", kind, str(threads)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    finally:
        if created:
            with psycopg.connect(**params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
@pytest.mark.parametrize("kind,threads", [("service", 2), ("service", 8), ("api", 2), ("api", 6)])
def test_simultaneous_submissions_one_wins_the_others_conflict(kind, threads, tmp_path):
    outcome = _run(kind, threads, tmp_path)
    assert outcome["errors"] == []
    assert outcome["outcomes"] == ["conflict"] * (threads - 1) + ["won"]
    assert outcome["versions"] == [1]  # exactly one version filed
    assert outcome["hash_ok"] and outcome["version_is_draft"]  # nothing lost: the filed content is the draft
    assert outcome["report_version"] == outcome["expected"] + 1 and outcome["status"] == "submitted"
    assert outcome["audit_ok"], outcome["audit_problem"]


@pytest.mark.django_db
def test_simultaneous_draft_saves_keep_the_winner(tmp_path):
    outcome = _run("draft", 4, tmp_path)
    assert outcome["errors"] == []
    assert outcome["outcomes"] == ["conflict"] * 3 + ["won"]
    assert outcome["members"] == 100 + outcome["winner"]  # the stored draft is the winner's, whole
    assert outcome["report_version"] == outcome["expected"] + 1 and outcome["versions"] == []
    assert outcome["audit_ok"], outcome["audit_problem"]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem e-mail, the test host name
    call_command("migrate", verbosity=0)
    print(json.dumps(race(sys.argv[1], int(sys.argv[2]))))
