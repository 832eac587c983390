"""Rules of the register (DOMAIN.md §2, issue 2 §3) as pure functions: no ORM, no I/O.

Each check returns problem codes; `validation.py` turns them into messages in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from qogam.core.rules import identifier_problem, territorial_level_problem

LIST_SEPARATOR = ";"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STATUSES = ("registered", "suspended", "in_liquidation", "liquidated")
LIQUIDATED = "liquidated"
TERRITORIAL_LEVELS = ("local", "regional", "national")
GENDERS = ("f", "m")

# DOMAIN §2 "Identifier: the BIN": digit 5 is the entity type, digit 6 the subdivision.
BIN_ENTITY_TYPES = frozenset("456")
BIN_SUBDIVISIONS = frozenset("0123")


def parse_list(value: str) -> list[str]:
    """Codes of a `;`-separated cell, stripped, empty items dropped, in the order given."""
    return [item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()]


def format_list(codes: Iterable[str]) -> str:
    """The canonical cell for a set of codes: sorted, unique, `;`-separated (the inverse of parse_list)."""
    return LIST_SEPARATOR.join(sorted(set(codes)))


def repeated_items(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


def parse_iso_date(value) -> dt.date | None:
    """A date from a date object or a strict ISO string YYYY-MM-DD; None for empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(f"not an ISO date: {value!r}")


def bin_problem(value: str) -> str | None:
    return identifier_problem(value)


def bin_registration_month(value: str, *, today: dt.date) -> tuple[int, int] | None:
    """(year, month) encoded in digits 1–4 (YYMM) of a BIN, or None when digits 3–4 are not a month.

    A two-digit year is read in the current century unless that would be in the future.
    """
    yy, mm = int(value[:2]), int(value[2:4])
    if not 1 <= mm <= 12:
        return None
    year = 2000 + yy
    if (year, mm) > (today.year, today.month):
        year -= 100
    return year, mm


def bin_warnings(value: str, registered_on: dt.date | None, *, today: dt.date) -> list[str]:
    """Oddities of a valid BIN that do not make it invalid (never a reason to reject)."""
    problems = []
    month = bin_registration_month(value, today=today)
    if month is None:
        problems.append("bin_month_not_a_month")
    elif registered_on is not None and month > (registered_on.year, registered_on.month):
        problems.append("bin_month_after_registration")
    if value[4] not in BIN_ENTITY_TYPES:
        problems.append("bin_entity_type_unknown")
    if value[5] not in BIN_SUBDIVISIONS:
        problems.append("bin_subdivision_unknown")
    return problems


def liquidation_problems(
    status: str, registered_on: dt.date | None, liquidated_on: dt.date | None
) -> list[tuple[str, str]]:
    """(field, problem): `liquidated_on` is required exactly when the status is liquidated, and ≥ registered_on."""
    problems = []
    if status == LIQUIDATED and liquidated_on is None:
        problems.append(("liquidated_on", "liquidation_date_required"))
    if status != LIQUIDATED and liquidated_on is not None:
        problems.append(("liquidated_on", "liquidation_date_not_allowed"))
    if liquidated_on is not None and registered_on is not None and liquidated_on < registered_on:
        problems.append(("liquidated_on", "liquidated_before_registered"))
    return problems


def territorial_problems(
    *,
    is_public_association: bool,
    level: str,
    branch_regions: Iterable[str],
    regional_min: int,
    national_min: int,
) -> list[tuple[str, str]]:
    """(field, problem) for the territorial level of a public association (DOMAIN §2, issue 2 §3).

    The level is required for public associations and empty for every other legal form. The seat's
    region is not added: it counts only if it is listed among the branch regions.
    """
    if not is_public_association:
        return [("territorial_level", "level_not_allowed")] if level else []
    if not level:
        return [("territorial_level", "level_required")]
    if level not in TERRITORIAL_LEVELS:
        return [("territorial_level", "level_unknown")]
    problem = territorial_level_problem(
        level, branch_regions, regional_min=regional_min, national_min=national_min
    )
    return [("branch_regions", problem)] if problem else []


def date_in_future(value: dt.date | None, *, today: dt.date) -> bool:
    return value is not None and value > today


PHONE_ALLOWED = re.compile(r"^[0-9+()\- ]+$")


def phone_problem(value: str) -> str | None:
    if not value:
        return None
    if not PHONE_ALLOWED.match(value):
        return "phone_characters"
    digits = sum(ch.isdigit() for ch in value)
    if not 10 <= digits <= 15:
        return "phone_length"
    return None


def phone_warning(value: str) -> str | None:
    """Kazakhstan numbers are +7 followed by ten digits (also written 8 …)."""
    if not value or phone_problem(value):
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if not (len(digits) == 11 and digits[0] in "78"):
        return "phone_not_kazakhstan"
    return None


def website_warning(value: str) -> str | None:
    if value and value.lower().startswith("http://"):
        return "website_not_https"
    return None


def email_warning(value: str) -> str | None:
    if value and value != value.strip().lower():
        return "email_not_lower_case"
    return None
