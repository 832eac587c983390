"""The working-day calendar of Kazakhstan, read from the database (holidays editable in the admin)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from qogam.core import rules

ALMATY = ZoneInfo("Asia/Almaty")


class WorkingCalendar:
    """A snapshot of the calendar tables. Build one per operation; it caches per year."""

    def __init__(self, recurring, exceptions):
        self._recurring = list(recurring)
        exceptions = list(exceptions)
        self._movable = {d for d, kind in exceptions if kind == "holiday"}
        self._working = {d for d, kind in exceptions if kind == "working"}
        self._extra_off = {d for d, kind in exceptions if kind == "day_off"}
        self._days_off = lru_cache(maxsize=64)(self._compute_days_off)

    @classmethod
    def load(cls) -> WorkingCalendar:
        from qogam.core.models import CalendarDay, Holiday

        recurring = [
            (h.month, h.day, h.days, h.kind == "national") for h in Holiday.objects.all()
        ]
        exceptions = list(CalendarDay.objects.values_list("date", "kind"))
        return cls(recurring, exceptions)

    def _compute_days_off(self, year: int) -> frozenset[dt.date]:
        # A holiday late in December (or a day carried over from one) can fall in January.
        holidays = rules.holiday_dates(year - 1, self._recurring, self._movable) | rules.holiday_dates(
            year, self._recurring, self._movable
        )
        return frozenset(d for d in holidays | self._extra_off if d.year == year)

    def days_off(self, year: int) -> frozenset[dt.date]:
        return self._days_off(year)

    def is_working_day(self, day: dt.date) -> bool:
        return rules.is_working_day(day, self.days_off, self._working)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        return rules.add_working_days(start, n, self.is_working_day)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        return rules.working_days_between(a, b, self.is_working_day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return WorkingCalendar.load().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return WorkingCalendar.load().working_days_between(a, b)


def today() -> dt.date:
    """Today's date in Kazakhstan (Asia/Almaty, UTC+5 since 1 March 2024), whatever zone is active."""
    from django.utils import timezone

    return timezone.localdate(timezone=ALMATY)
