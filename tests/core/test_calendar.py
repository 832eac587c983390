"""The working-day calendar (issue 2 §2, DOMAIN §4, reference/holidays.README)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from qogam.core import calendar, reference, rules
from qogam.core.calendar import WorkingCalendar
from qogam.core.models import CalendarDay

D = dt.date


def reference_calendar(exceptions=()) -> WorkingCalendar:
    """The calendar of reference/*.csv, built without the database (what the migration loads)."""
    recurring = [
        (int(r["month"]), int(r["day"]), int(r["days"]), r["name_en"] not in reference.RELIGIOUS_HOLIDAYS)
        for r in reference.rows("holidays.csv")
        if r["month"]
    ]
    kurban = [(D.fromisoformat(r["first_day"]), "holiday") for r in reference.rows("kurban_ait.csv")]
    return WorkingCalendar(recurring, [*kurban, *exceptions])


REFERENCE = reference_calendar()


# --- pure rules.holiday_dates --------------------------------------------------------------------

NATIONAL_8_MARCH = [(3, 8, 1, True)]


def test_a_national_holiday_on_a_weekend_moves_to_the_next_working_day():
    assert D(2026, 3, 8).weekday() == 6  # Sunday
    assert rules.holiday_dates(2026, NATIONAL_8_MARCH) == {D(2026, 3, 8), D(2026, 3, 9)}


def test_a_national_holiday_on_a_weekday_does_not_move():
    assert rules.holiday_dates(2024, NATIONAL_8_MARCH) == {D(2024, 3, 8)}


def test_a_religious_holiday_on_a_weekend_does_not_move():
    christmas = [(1, 7, 1, False)]
    assert D(2024, 1, 7).weekday() == 6
    assert rules.holiday_dates(2024, christmas) == {D(2024, 1, 7)}
    assert D(2023, 1, 7).weekday() == 5
    assert rules.holiday_dates(2023, christmas) == {D(2023, 1, 7)}


def test_multi_day_nauryz_with_weekend_days_moves_each_weekend_day_past_the_holiday():
    nauryz = [(3, 21, 3, True)]
    # 2026: 21 Sat, 22 Sun, 23 Mon -> the two weekend days become 24 Tue and 25 Wed.
    assert rules.holiday_dates(2026, nauryz) == {D(2026, 3, d) for d in (21, 22, 23, 24, 25)}
    # 2025: 21 Fri, 22 Sat, 23 Sun -> 24 Mon and 25 Tue.
    assert rules.holiday_dates(2025, nauryz) == {D(2025, 3, d) for d in (21, 22, 23, 24, 25)}
    # 2024: 21 Thu, 22 Fri, 23 Sat -> 25 Mon.
    assert rules.holiday_dates(2024, nauryz) == {D(2024, 3, d) for d in (21, 22, 23, 25)}


def test_new_year_on_a_weekend():
    new_year = [(1, 1, 2, True)]
    assert rules.holiday_dates(2022, new_year) == {D(2022, 1, d) for d in (1, 2, 3, 4)}  # Sat, Sun
    assert rules.holiday_dates(2023, new_year) == {D(2023, 1, d) for d in (1, 2, 3)}  # Sun, Mon


def test_a_moved_day_skips_movable_holidays():
    saturday = D(2026, 5, 23)
    assert rules.holiday_dates(2026, [(5, 23, 1, True)], [D(2026, 5, 25)]) == {saturday, D(2026, 5, 25), D(2026, 5, 26)}


def test_movable_dates_of_other_years_are_ignored():
    assert rules.holiday_dates(2025, [], [D(2024, 6, 16), D(2025, 6, 6)]) == {D(2025, 6, 6)}


@given(st.integers(2000, 2100))
def test_holiday_dates_are_a_superset_of_the_listed_days_and_never_fall_on_a_moved_weekend(year):
    recurring = REFERENCE._recurring
    off = rules.holiday_dates(year, recurring)
    days = {(D(year, m, d) + dt.timedelta(days=i), moves) for m, d, n, moves in recurring for i in range(n)}
    listed = {day for day, _ in days}
    assert listed <= off
    moving = [day for day, moves in days if moves and day.weekday() >= 5]
    extra = off - listed
    assert len(extra) == len(moving)
    assert all(d.weekday() < 5 for d in extra)


# --- the DB-backed calendar ----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_database_calendar_is_the_reference_calendar():
    loaded = WorkingCalendar.load()
    for year in range(2023, 2028):
        assert loaded.days_off(year) == REFERENCE.days_off(year)


@pytest.mark.django_db
def test_working_calendar_real_dates():
    cal = WorkingCalendar.load()
    assert not cal.is_working_day(D(2026, 3, 9))  # 8 March 2026 was a Sunday
    assert cal.is_working_day(D(2024, 1, 8))  # Christmas 2024 on Sunday does not move
    assert [cal.is_working_day(D(2026, 3, d)) for d in range(20, 27)] == [True] + [False] * 5 + [True]
    assert not cal.is_working_day(D(2026, 5, 27))  # Kurban Ait 2026, from CalendarDay
    assert cal.is_working_day(D(2024, 6, 17))  # Kurban Ait 2024 on Sunday does not move
    assert not cal.is_working_day(D(2026, 12, 16))
    assert cal.is_working_day(D(2026, 12, 15))


@pytest.mark.django_db
def test_kurban_ait_comes_from_calendar_day():
    assert calendar.add_working_days(D(2027, 5, 14), 1) == D(2027, 5, 17)
    CalendarDay.objects.create(date=D(2027, 5, 17), kind="holiday", note="Kurban Ait (first day)")
    assert calendar.add_working_days(D(2027, 5, 14), 1) == D(2027, 5, 18)


@pytest.mark.django_db
def test_transfers_day_off_and_working():
    friday, saturday = D(2025, 11, 7), D(2025, 11, 8)
    assert calendar.add_working_days(D(2025, 11, 6), 1) == friday
    CalendarDay.objects.create(date=friday, kind="day_off", note="transferred from Saturday 8 November")
    CalendarDay.objects.create(date=saturday, kind="working", note="working Saturday")
    cal = WorkingCalendar.load()
    assert not cal.is_working_day(friday)
    assert cal.is_working_day(saturday)
    assert calendar.add_working_days(D(2025, 11, 6), 1) == saturday
    assert calendar.working_days_between(D(2025, 11, 6), D(2025, 11, 10)) == 2


@pytest.mark.django_db
def test_a_transferred_working_day_overrides_a_holiday():
    CalendarDay.objects.create(date=D(2026, 3, 9), kind="working")
    assert WorkingCalendar.load().is_working_day(D(2026, 3, 9))


@pytest.mark.django_db
def test_day_zero_semantics():
    monday = D(2026, 2, 2)
    assert calendar.add_working_days(monday, 0) == monday
    assert calendar.add_working_days(monday, 1) == D(2026, 2, 3)
    assert calendar.add_working_days(monday, 5) == D(2026, 2, 9)
    assert calendar.working_days_between(monday, D(2026, 2, 3)) == 1
    assert calendar.working_days_between(monday, monday) == 0
    assert calendar.working_days_between(D(2026, 2, 9), monday) == -5


@pytest.mark.django_db
def test_zero_days_from_a_day_off_is_the_next_working_day():
    assert calendar.add_working_days(D(2026, 2, 7), 0) == D(2026, 2, 9)  # Saturday -> Monday
    assert calendar.add_working_days(D(2026, 3, 21), 0) == D(2026, 3, 26)  # Nauryz 2026
    assert calendar.add_working_days(D(2026, 3, 20), 0) == D(2026, 3, 20)


@pytest.mark.django_db
def test_counting_from_a_day_off_starts_after_it():
    assert calendar.add_working_days(D(2026, 2, 7), 1) == D(2026, 2, 9)
    assert calendar.add_working_days(D(2026, 3, 21), 1) == D(2026, 3, 26)


@pytest.mark.django_db
def test_across_new_year():
    # 31 Dec 2025 Wed; 1-2 Jan holidays (Thu, Fri); 3-4 weekend; 7 Jan (Wed) Christmas.
    assert calendar.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert calendar.add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 6)
    assert calendar.add_working_days(D(2025, 12, 31), 3) == D(2026, 1, 8)
    assert calendar.working_days_between(D(2025, 12, 31), D(2026, 1, 8)) == 3


@pytest.mark.django_db
def test_across_nauryz():
    # Thursday 19 March 2026; 21-25 March off; 10 working days later.
    assert calendar.add_working_days(D(2026, 3, 19), 1) == D(2026, 3, 20)
    assert calendar.add_working_days(D(2026, 3, 19), 2) == D(2026, 3, 26)
    assert calendar.add_working_days(D(2026, 3, 19), 10) == D(2026, 4, 7)


@pytest.mark.django_db
def test_grant_compliance_check_deadline_example():
    # The operator checks within 10 working days (DOMAIN §4). From Friday 6 March 2026: 9 March is
    # off (8 March fell on a Sunday), 10-13 and 16-20 March are days 1-9, Nauryz takes 21-25 March.
    assert calendar.add_working_days(D(2026, 3, 6), 10) == D(2026, 3, 26)


def test_negative_n_is_refused():
    with pytest.raises(ValueError):
        REFERENCE.add_working_days(D(2026, 1, 5), -1)


def test_a_holiday_late_in_december_carries_over_into_january():
    cal = WorkingCalendar([(12, 31, 1, True)], [])
    assert D(2022, 12, 31).weekday() == 5
    assert not cal.is_working_day(D(2023, 1, 2))
    assert cal.is_working_day(D(2023, 1, 3))


dates = st.dates(D(2023, 1, 1), D(2027, 12, 31))
counts = st.integers(0, 60)


@given(dates, counts)
def test_add_working_days_always_lands_on_a_working_day(start, n):
    assert REFERENCE.is_working_day(REFERENCE.add_working_days(start, n))


@given(dates, counts, counts)
def test_add_working_days_is_monotonic_in_n(start, n, m):
    a, b = sorted((n, m))
    assert REFERENCE.add_working_days(start, a) <= REFERENCE.add_working_days(start, b)
    if a < b:
        assert REFERENCE.add_working_days(start, a) < REFERENCE.add_working_days(start, b)


@given(dates, counts)
def test_working_days_between_inverts_add_working_days(start, n):
    end = REFERENCE.add_working_days(start, n)
    if REFERENCE.is_working_day(start):
        assert REFERENCE.working_days_between(start, end) == n
        assert REFERENCE.working_days_between(end, start) == -n
    elif n > 0:
        assert REFERENCE.working_days_between(start, end) == n


@given(dates, dates)
def test_working_days_between_is_antisymmetric_and_additive(a, b):
    assert REFERENCE.working_days_between(a, b) == -REFERENCE.working_days_between(b, a)
    middle = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert REFERENCE.working_days_between(min(a, b), max(a, b)) == REFERENCE.working_days_between(
        min(a, b), middle
    ) + REFERENCE.working_days_between(middle, max(a, b))


# --- today in Asia/Almaty --------------------------------------------------------------------------


def _at(monkeypatch, iso):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.fromisoformat(iso))


def test_today_is_the_almaty_date(monkeypatch):
    _at(monkeypatch, "2024-03-01T19:30:00+00:00")
    assert calendar.today() == D(2024, 3, 2)


def test_today_uses_utc_plus_5_since_1_march_2024(monkeypatch):
    # 18:30Z is 23:30 at UTC+5 (still 1 March); the old UTC+6 would make it 2 March. Needs tzdata >= 2024a.
    _at(monkeypatch, "2024-03-01T18:30:00+00:00")
    assert calendar.today() == D(2024, 3, 1)
    # Before the change Almaty was UTC+6: 18:30Z on 1 February was already 2 February there.
    _at(monkeypatch, "2024-02-01T18:30:00+00:00")
    assert calendar.today() == D(2024, 2, 2)


def test_today_ignores_the_active_timezone(monkeypatch):
    _at(monkeypatch, "2024-03-01T19:30:00+00:00")
    with timezone.override("America/New_York"):
        assert calendar.today() == D(2024, 3, 2)
