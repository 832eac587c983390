"""Time-based jobs, run by `qogam daily` (issue 2: reminders, overdue statuses, calendar checks).

An app declares its jobs in its own `daily.py`, which the runner finds by itself:

    from qogam.core import daily

    @daily.job("recommendations.overdue")
    def mark_overdue(today):
        ...
        return f"{count} recommendations became overdue"

A job gets `today`, the date in Asia/Almaty, and returns one short summary line
(`daily.warning(...)` for a line an administrator must act on). `qogam daily` may run from cron
at any frequency and runs may overlap, so a job must be idempotent: it does only the work that
is still due on `today` and leaves a mark of what it did. Each job runs in its own transaction
under a lock of its own, so overlapping runs queue instead of doing the work twice, and a job
that fails leaves nothing half-written while the other jobs still run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

Job = Callable[[dt.date], str]

_registry: dict[str, Job] = {}


class WarningLine(str):
    """A summary line that asks an administrator to act."""


def warning(text: str) -> WarningLine:
    return WarningLine(text)


def job(name: str) -> Callable[[Job], Job]:
    """Register the decorated function as the daily job `name`."""

    def register(fn: Job) -> Job:
        existing = _registry.get(name)
        if existing is not None and (existing.__module__, existing.__qualname__) != (fn.__module__, fn.__qualname__):
            raise ImproperlyConfigured(
                f"two daily jobs are named {name!r}: {existing.__module__}.{existing.__qualname__} "
                f"and {fn.__module__}.{fn.__qualname__}"
            )
        _registry[name] = fn
        return fn

    return register


def jobs() -> dict[str, Job]:
    """Every registered job, by name, after importing each installed app's `daily` module."""
    autodiscover_modules("daily")
    return dict(_registry)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    summary: str
    warning: bool = False
    traceback: str = ""


def _lock(name: str) -> None:
    """Serialise runs of one job across processes and machines until the transaction ends."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"qogam.daily:{name}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite: every transaction is IMMEDIATE (settings), so it already holds the database's write lock.


def run_job(name: str, fn: Job, today: dt.date) -> Outcome:
    try:
        with transaction.atomic():
            _lock(name)
            summary = fn(today)
    except Exception as exc:
        return Outcome(name, False, f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    return Outcome(name, True, str(summary or "done"), warning=isinstance(summary, WarningLine))


def run(today: dt.date, names: Iterable[str] | None = None) -> list[Outcome]:
    """Run the named jobs (all by default) for `today`, each isolated from the others' failures."""
    available = jobs()
    selected = list(available) if names is None else list(dict.fromkeys(names))
    unknown = [n for n in selected if n not in available]
    if unknown:
        raise KeyError(f"unknown daily job {', '.join(map(repr, unknown))}; known: {', '.join(sorted(available))}")
    return [run_job(name, available[name], today) for name in selected]


# --- Core jobs ----------------------------------------------------------------------------------

# reference/holidays.README: the first day of Kurban Ait moves every year and is announced every
# year, so an administrator enters it as a calendar exception. From 1 October next year's is due.
NEXT_YEAR_DUE_FROM = (10, 1)


def movable_holiday_years_due(today: dt.date) -> list[int]:
    if (today.month, today.day) >= NEXT_YEAR_DUE_FROM:
        return [today.year, today.year + 1]
    return [today.year]


@job("calendar")
def movable_holidays_entered(today: dt.date) -> str:
    from qogam.core.models import CalendarDay

    years = movable_holiday_years_due(today)
    entered: dict[int, dt.date] = {}
    for day in CalendarDay.objects.filter(kind="holiday", date__year__in=years).order_by("date").values_list(
        "date", flat=True
    ):
        entered.setdefault(day.year, day)
    missing = [y for y in years if y not in entered]
    if missing:
        listed = " and ".join(str(y) for y in missing)
        return warning(
            f"WARNING: Kurban Ait {listed} is not in the calendar: an administrator must enter its first day "
            f'(admin, calendar exceptions, kind "movable holiday") or deadlines will count it as a working day'
        )
    return "Kurban Ait is entered for " + ", ".join(f"{y} ({entered[y].isoformat()})" for y in years)
