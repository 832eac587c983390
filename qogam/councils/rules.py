"""Rules of public councils and the Civil Forum (DOMAIN §5, issue 6) as pure functions.

Law of the Republic of Kazakhstan "On public councils" (2 Nov 2015, amended 3 Jan 2021): members are
selected competitively by a working group that is at least two-thirds civil society; the council's
own composition keeps a legal share of civil-society members; the chair is elected from them.
Every number here comes in as an argument: the defaults live in settings (`councils.*`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.utils.translation import gettext_lazy as _

from qogam.core import rules as core_rules

CIVIL_SOCIETY, STATE = "civil_society", "state"
LEVELS = ("central", "quasi_public", "regional", "city", "district")


class ConvocationStatus:
    FORMING = "forming"
    ACTIVE = "active"
    ENDED = "ended"


class CallStatus:
    OPEN = "open"
    REVIEWING = "reviewing"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class ApplicationStatus:
    SUBMITTED = "submitted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"


class MeetingStatus:
    PLANNED = "planned"
    HELD = "held"
    PUBLISHED = "published"  # minutes (or the report of a hearing or monitoring) are public
    CANCELLED = "cancelled"


class MeetingKind:
    MEETING = "meeting"
    HEARING = "hearing"
    MONITORING = "monitoring"


_V, _C, _A, _M = ConvocationStatus, CallStatus, ApplicationStatus, MeetingStatus
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    "convocation": {_V.FORMING: {_V.ACTIVE}, _V.ACTIVE: {_V.ENDED}, _V.ENDED: set()},
    "call": {_C.OPEN: {_C.REVIEWING, _C.CANCELLED}, _C.REVIEWING: {_C.DECIDED, _C.CANCELLED},
             _C.DECIDED: set(), _C.CANCELLED: set()},
    "application": {_A.SUBMITTED: {_A.SELECTED, _A.NOT_SELECTED, _A.WITHDRAWN}, _A.SELECTED: set(),
                    _A.NOT_SELECTED: set(), _A.WITHDRAWN: set()},
    "meeting": {_M.PLANNED: {_M.HELD, _M.CANCELLED}, _M.HELD: {_M.PUBLISHED}, _M.PUBLISHED: set(),
                _M.CANCELLED: set()},
}


def can_transition(machine: str, current: str, new: str) -> bool:
    return new in TRANSITIONS[machine].get(current, set())


def share_met(part: int, whole: int, share: Sequence[int]) -> bool:
    """part / whole ≥ numerator / denominator, in whole numbers (no rounding: 6 of 9 is two-thirds,
    6 of 10 is not)."""
    numerator, denominator = share
    return whole > 0 and part * denominator >= numerator * whole


def share_text(share: Sequence[int]) -> str:
    return f"{share[0]}/{share[1]}"


def working_group_problems(civil_society: int, state: int, *, share: Sequence[int], minimum: int) -> list[str]:
    """The working group that selects members: at least `minimum` people, and at least `share`
    (two-thirds) of them from civil society (DOMAIN §5)."""
    total = civil_society + state
    problems = []
    if total < minimum:
        problems.append(str(_("The working group needs at least %(n)s members; it has %(have)s.")
                            % {"n": minimum, "have": total}))
    if total and not share_met(civil_society, total, share):
        problems.append(str(
            _("At least %(share)s of the working group must represent civil society: %(civil)s of %(total)s do. "
              "Add civil-society members or remove state representatives.")
            % {"share": share_text(share), "civil": civil_society, "total": total}))
    return problems


def composition_problems(civil_society: int, state: int, *, size: Sequence[int], share: Sequence[int]) -> list[str]:
    """The council's composition: between the legal minimum and maximum of its level, and at least
    `share` of its members from civil society."""
    total = civil_society + state
    low, high = size
    problems = []
    if total < low or total > high:
        problems.append(str(_("A council of this level has %(low)s to %(high)s members; this composition has "
                              "%(total)s.") % {"low": low, "high": high, "total": total}))
    if total and not share_met(civil_society, total, share):
        problems.append(str(
            _("At least %(share)s of the council's members must represent civil society: %(civil)s of %(total)s "
              "do. Select more civil-society members or fewer state representatives.")
            % {"share": share_text(share), "civil": civil_society, "total": total}))
    return problems


def size_problem(size: int, limits: Sequence[int]) -> str | None:
    low, high = limits
    if not low <= size <= high:
        return str(_("A council of this level has %(low)s to %(high)s members.") % {"low": low, "high": high})
    return None


def chair_problem(constituency: str, active: bool) -> str | None:
    """The chair is elected from the council's civil-society members (DOMAIN §5)."""
    if not active:
        return str(_("The chair is elected from the council's current members."))
    if constituency != CIVIL_SOCIETY:
        return str(_("The chair is elected from the civil-society members, not from state representatives."))
    return None


def quorate(present: int, members: int, share: Sequence[int]) -> bool:
    """A meeting is valid when at least `share` (two-thirds) of the members attend."""
    return share_met(present, members, share)


def minutes_due(held_on: dt.date, working_days: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """Minutes are published within `working_days` working days of the meeting."""
    return core_rules.add_working_days(held_on, working_days, is_working_day)


def term_end(starts_on: dt.date, years: int) -> dt.date:
    """The last day of a convocation of `years` years starting on `starts_on`."""
    try:
        end = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February
        end = starts_on.replace(year=starts_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def term_problem(starts_on: dt.date, ends_on: dt.date) -> str | None:
    if ends_on <= starts_on:
        return str(_("The convocation's term must end after it starts."))
    return None


def short_name(full_name: str) -> str:
    """How a person is shown in public: first name and surname initial ("Aigerim S."). Names are
    stored as "Surname Name [Patronymic]"."""
    parts = (full_name or "").split()
    if len(parts) >= 2:
        return f"{parts[1]} {parts[0][0]}."
    return parts[0] if parts else ""
