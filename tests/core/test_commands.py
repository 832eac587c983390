"""`qogam verify-audit` and `qogam daily`."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qogam.core import audit, daily
from qogam.core.models import AuditEntry, CalendarDay

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _fill(n):
    for i in range(n):
        audit.record(action="thing_update", object_type="tests.thing", object_id=i, after={"i": i})


# --- verify-audit ----------------------------------------------------------------------------------


def test_verify_audit_on_an_intact_chain():
    _fill(5)
    out, _ = run("verify-audit")
    assert out.strip() == "audit chain intact: 5 entries"


def test_verify_audit_on_an_empty_chain():
    assert run("verify-audit")[0].strip() == "audit chain intact: 0 entries"


def test_verify_audit_names_the_altered_entry():
    _fill(5)
    AuditEntry.objects.filter(seq=3).update(action="forged")
    with pytest.raises(CommandError, match=r"first broken entry #3: entry #3 was altered"):
        run("verify-audit")


def test_verify_audit_detects_a_removed_last_entry():
    _fill(5)
    AuditEntry.objects.filter(seq=5).delete()
    with pytest.raises(CommandError, match=r"first broken entry #5: entry #5 and later were removed"):
        run("verify-audit")


# --- daily -----------------------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """The real jobs plus any a test registers, restored afterwards."""
    jobs = dict(daily.jobs())
    monkeypatch.setattr(daily, "_registry", jobs)
    return jobs


def test_the_calendar_job_is_registered():
    assert "calendar" in daily.jobs()


def test_daily_prints_one_line_per_job(registry):
    @daily.job("tests.hello")
    def hello(today):
        return f"hello {today.isoformat()}"

    out, err = run("daily", date=dt.date(2026, 6, 1))
    lines = out.splitlines()
    assert len(lines) == len(registry)
    assert "tests.hello: hello 2026-06-01" in lines
    assert err == ""


def test_daily_is_idempotent(registry):
    @daily.job("tests.once_a_day")
    def once_a_day(today):
        if AuditEntry.objects.filter(action="tests_daily", object_id=today.isoformat()).exists():
            return f"already recorded for {today}"
        audit.record(action="tests_daily", object_type="tests.day", object_id=today.isoformat())
        return f"recorded for {today}"

    first, _ = run("daily", "--date", "2026-06-01")
    state = list(AuditEntry.objects.values_list("seq", "action", "object_id"))
    second, _ = run("daily", "--date", "2026-06-01")
    assert list(AuditEntry.objects.values_list("seq", "action", "object_id")) == state
    assert AuditEntry.objects.filter(action="tests_daily").count() == 1
    assert [line for line in first.splitlines() if not line.startswith("tests.")] == [
        line for line in second.splitlines() if not line.startswith("tests.")
    ]
    assert audit.verify().ok


def test_the_real_jobs_give_the_same_result_twice():
    first = run("daily", date=dt.date(2026, 10, 5))
    second = run("daily", date=dt.date(2026, 10, 5))
    assert first == second


def test_a_failing_job_is_reported_the_others_run_and_the_exit_is_non_zero(registry):
    ran = []

    @daily.job("tests.broken")
    def broken(today):
        audit.record(action="half_written", object_type="tests.thing", object_id=1)
        raise RuntimeError("the mail server is down")

    @daily.job("tests.after")
    def after(today):
        ran.append(today)
        return "fine"

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"1 of \d+ daily jobs failed: tests.broken"):
        call_command("daily", date=dt.date(2026, 6, 1), stdout=out, stderr=err)
    assert ran == [dt.date(2026, 6, 1)]
    assert "tests.after: fine" in out.getvalue()
    assert "tests.broken: FAILED: RuntimeError: the mail server is down" in err.getvalue()
    assert "tests.broken" not in out.getvalue()
    assert not AuditEntry.objects.filter(action="half_written").exists()  # rolled back


def test_a_failing_jobs_traceback_is_shown_on_request(registry):
    @daily.job("tests.broken")
    def broken(today):
        raise RuntimeError("boom")

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("daily", job=["tests.broken"], verbosity=2, stdout=StringIO(), stderr=err)
    assert "Traceback" in err.getvalue() and "boom" in err.getvalue()


def test_daily_can_run_a_single_job(registry):
    @daily.job("tests.hello")
    def hello(today):
        return "hello"

    out, _ = run("daily", "--job", "tests.hello", "--date", "2026-06-01")
    assert out.strip() == "tests.hello: hello"


def test_daily_refuses_an_unknown_job():
    with pytest.raises(CommandError, match="unknown daily job 'nope'"):
        run("daily", "--job", "nope")


def test_daily_refuses_a_bad_date():
    with pytest.raises(CommandError, match="expected a date as YYYY-MM-DD"):
        run("daily", "--date", "2026-02-30")


def test_daily_uses_today_in_almaty(registry, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 3, 1, 19, 30, tzinfo=dt.UTC))
    seen = []

    @daily.job("tests.today")
    def today(day):
        seen.append(day)
        return "ok"

    run("daily", "--job", "tests.today")
    assert seen == [dt.date(2024, 3, 2)]


def test_two_jobs_cannot_share_a_name(registry):
    from django.core.exceptions import ImproperlyConfigured

    @daily.job("tests.same")
    def first(today):
        return ""

    with pytest.raises(ImproperlyConfigured):

        @daily.job("tests.same")
        def second(today):
            return ""


def test_list_shows_the_jobs():
    out, _ = run("daily", "--list")
    assert "calendar: qogam.core.daily.movable_holidays_entered" in out


# --- the calendar job ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (dt.date(2026, 6, 1), None),
        (dt.date(2026, 9, 30), None),
        (dt.date(2025, 10, 1), None),  # 2025 and 2026 are both entered
        (dt.date(2026, 10, 1), "2027"),  # from 1 October, next year's date is due
        (dt.date(2026, 12, 31), "2027"),
        (dt.date(2027, 2, 1), "2027"),
        (dt.date(2027, 10, 1), "2027 and 2028"),
    ],
)
def test_calendar_job_warns_when_kurban_ait_is_missing(today, missing):
    out, err = run("daily", "--job", "calendar", "--date", today.isoformat())
    assert err == ""
    if missing is None:
        assert out.startswith("calendar: Kurban Ait is entered for ")
        assert "WARNING" not in out
    else:
        assert out.startswith(f"calendar: WARNING: Kurban Ait {missing} is not in the calendar")
        assert "an administrator must enter" in out


def test_calendar_job_is_satisfied_once_the_date_is_entered():
    CalendarDay.objects.create(date=dt.date(2027, 5, 16), kind="holiday", note="Kurban Ait (first day)")
    out, _ = run("daily", "--job", "calendar", "--date", "2026-10-01")
    assert out.strip() == "calendar: Kurban Ait is entered for 2026 (2026-05-27), 2027 (2027-05-16)"


def test_calendar_job_ignores_transfers():
    CalendarDay.objects.create(date=dt.date(2027, 1, 8), kind="day_off")
    out, _ = run("daily", "--job", "calendar", "--date", "2027-01-10")
    assert "WARNING: Kurban Ait 2027" in out


# --- the real console command ----------------------------------------------------------------------


def _qogam() -> list[str]:
    script = Path(sys.executable).with_name("qogam")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qogam.cli"]


def test_the_qogam_console_command_runs_both(tmp_path):
    db = tmp_path / "cli.sqlite3"
    env = {**os.environ, "QOGAM_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def qogam(*args):
        return subprocess.run([*_qogam(), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    assert qogam("migrate", "-v0").returncode == 0
    done = qogam("shell", "-c", "from qogam.core import audit\nfor i in range(3): audit.record(action='x', object_type='t', object_id=i)")
    assert done.returncode == 0, done.stderr
    done = qogam("verify-audit")
    assert (done.returncode, done.stdout.strip()) == (0, "audit chain intact: 3 entries"), done.stderr
    done = qogam("daily", "--date", "2026-06-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("calendar: Kurban Ait is entered for 2026")

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE core_auditentry SET object_id = 'forged' WHERE seq = 2")
    done = qogam("verify-audit")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "first broken entry #2: entry #2 was altered" in done.stderr
