"""Rules of DOMAIN.md as pure functions: no ORM, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

# --- Identifiers (DOMAIN §2: "Identifier: the BIN") -------------------------------------------

_WEIGHTS_1 = tuple(range(1, 12))
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The 12th digit of a BIN/IIN for its first 11 digits, or None when no valid one exists.

    (Σ dᵢ·i for i = 1..11) mod 11; if that gives 10, the weights 3,4,…,11,1,2; if 10 again, invalid.

    The scheme does not catch every single-digit typo. Weight 11 is 0 modulo 11, so on the first
    weights a change of digit 11 alone leaves the check digit unchanged. A change of digit 1–10 that
    moves the sum onto or off the second weights can also land on the same check digit
    (tests/core/test_identifiers.py states the exact condition).
    """
    if not (isinstance(first11, str) and len(first11) == 11 and first11.isascii() and first11.isdigit()):
        raise ValueError(f"expected 11 digits, got {first11!r}")
    digits = [int(c) for c in first11]
    value = sum(d * w for d, w in zip(digits, _WEIGHTS_1, strict=True)) % 11
    if value == 10:
        value = sum(d * w for d, w in zip(digits, _WEIGHTS_2, strict=True)) % 11
        if value == 10:
            return None
    return value


def identifier_problem(value: str) -> str | None:
    """Why a BIN or IIN is not valid, or None when it is. The same rule serves both (DOMAIN §2)."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        return "not_12_digits"
    expected = check_digit(value[:11])
    if expected is None:
        return "no_valid_check_digit"
    if expected != int(value[11]):
        return "check_digit_mismatch"
    return None


def is_valid_identifier(value: str) -> bool:
    return identifier_problem(value) is None


def with_check_digit(first11: str) -> str | None:
    digit = check_digit(first11)
    return None if digit is None else first11 + str(digit)


# --- Territorial level of public associations (DOMAIN §2) -------------------------------------

ASTANA = "710000000"
ALMATY = "750000000"


def territorial_level_problem(
    level: str, branch_regions: Iterable[str], *, regional_min: int = 2, national_min: int = 8
) -> str | None:
    """Why a public association's branches do not support its level, or None.

    Regional: branches in at least `regional_min` distinct regions. National: at least
    `national_min`, Astana and Almaty among them. The seat counts only if listed as a branch region.
    """
    regions = set(branch_regions)
    if level == "local":
        return None
    if level == "regional":
        return None if len(regions) >= regional_min else "regional_needs_branches"
    if level == "national":
        if len(regions) < national_min:
            return "national_needs_branches"
        if not {ASTANA, ALMATY} <= regions:
            return "national_needs_astana_and_almaty"
        return None
    return "unknown_level"


def territorial_level_ok(level: str, branch_regions: Iterable[str], **limits) -> bool:
    return territorial_level_problem(level, branch_regions, **limits) is None


# --- Working-day calendar (DOMAIN §4: deadlines count working days) ----------------------------


def _holiday_days(year: int, recurring, movable) -> tuple[set[dt.date], list[dt.date]]:
    """The holiday days of `year` as listed, and those of them that move if they fall on a weekend."""
    days: set[dt.date] = {d for d in movable if d.year == year}
    moving: list[dt.date] = []
    for month, day, number_of_days, moves in recurring:
        start = dt.date(year, month, day)
        for i in range(number_of_days):
            d = start + dt.timedelta(days=i)
            days.add(d)
            if moves and d.weekday() >= 5:
                moving.append(d)
    return days, moving


def holiday_dates(
    year: int,
    recurring: Iterable[tuple[int, int, int, bool]],
    movable: Iterable[dt.date] = (),
) -> set[dt.date]:
    """Days off caused by the public holidays of `year`.

    `recurring` holds (month, day, number_of_days, moves_if_weekend). A national or state
    holiday day that falls on a weekend moves to the next working day; religious ones do not
    (reference/holidays.README). `movable` are dates entered per year (Kurban Ait). A day carried
    over from late December can fall in January of the next year; it never lands on a holiday.
    """
    recurring = list(recurring)
    movable = list(movable)
    off, moving = _holiday_days(year, recurring, movable)
    taken = off | _holiday_days(year + 1, recurring, movable)[0]
    for d in sorted(moving):
        candidate = d + dt.timedelta(days=1)
        while candidate.weekday() >= 5 or candidate in taken:
            candidate += dt.timedelta(days=1)
        off.add(candidate)
        taken.add(candidate)
    return off


def is_working_day(day: dt.date, days_off: Callable[[int], set[dt.date]], working: set[dt.date]) -> bool:
    if day in working:
        return True
    return day.weekday() < 5 and day not in days_off(day.year)


def next_working_day(day: dt.date, is_working: Callable[[dt.date], bool]) -> dt.date:
    while not is_working(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int, is_working: Callable[[dt.date], bool]) -> dt.date:
    """The date n working days after `start`, which counts as day 0.

    With n = 0 the start itself, moved to the next working day if it is not one.
    """
    if n < 0:
        raise ValueError("n must be non-negative")
    day = start
    remaining = n
    while remaining:
        day += dt.timedelta(days=1)
        if is_working(day):
            remaining -= 1
    return next_working_day(day, is_working)


def working_days_between(a: dt.date, b: dt.date, is_working: Callable[[dt.date], bool]) -> int:
    """Working days after `a` up to and including `b` (negative when b is before a).

    Inverse of add_working_days for working dates: working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, is_working)
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_working(day):
            count += 1
    return count


def make_bin(year: int, month: int, serial: int, *, entity_type: int = 4, subdivision: int = 0) -> str:
    """The first valid BIN at or after `serial` for a registration in year/month (DOMAIN §2 layout).

    Digits 1–4 YYMM, 5 entity type, 6 subdivision, 7–11 the serial, 12 the check digit.
    """
    for s in range(serial, serial + 100):
        first11 = f"{year % 100:02d}{month:02d}{entity_type}{subdivision}{s % 100000:05d}"
        bin_ = with_check_digit(first11)
        if bin_:
            return bin_
    raise ValueError("no valid BIN near this serial")  # pragma: no cover - 100 tries always suffice
