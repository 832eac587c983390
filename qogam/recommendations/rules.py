"""The recommendation tracker's rules (DOMAIN §5, issue 6) as pure functions: no ORM, no I/O.

A recommendation is sent to a state body, which must answer it by its due date (15 working days by
default): accepted, partly accepted, or rejected with reasons. An accepted one is then implemented,
with evidence. Until the due date an unanswered recommendation is pending; after it, overdue.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from qogam.core import rules as core_rules


class Status:
    SENT = "sent"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    IMPLEMENTED = "implemented"


class Verdict:
    ACCEPTED = "accepted"
    PARTLY = "partly_accepted"
    REJECTED = "rejected"


class Source:
    COUNCIL_MEETING = "council_meeting"
    PUBLIC_HEARING = "public_hearing"
    MONITORING = "monitoring"
    CIVIL_FORUM = "civil_forum"
    ACTION_PLAN = "action_plan"
    PETITION = "petition"
    OTHER = "other"


UNANSWERED = frozenset({Status.SENT, Status.OVERDUE})
ANSWERED = frozenset({Status.ANSWERED, Status.IMPLEMENTED})
IMPLEMENTABLE = frozenset({Verdict.ACCEPTED, Verdict.PARTLY})

TRANSITIONS: dict[str, set[str]] = {
    Status.SENT: {Status.OVERDUE, Status.ANSWERED},
    Status.OVERDUE: {Status.ANSWERED},
    Status.ANSWERED: {Status.IMPLEMENTED},
    Status.IMPLEMENTED: set(),
}


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, set())


def due_date(sent_on: dt.date, working_days: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The answer is due `working_days` working days after the day it was sent (DOMAIN §5: 15)."""
    return core_rules.add_working_days(sent_on, working_days, is_working_day)


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    """Unanswered after its due date. An answer on the due date itself is on time."""
    return status in UNANSWERED and today > due_on


def deadline_state(status: str, due_on: dt.date, today: dt.date) -> str:
    """`pending` until the due date, `overdue` after it, or the status once answered."""
    if status in UNANSWERED:
        return "overdue" if today > due_on else "pending"
    return status


def answered_on_time(answered_on: dt.date, due_on: dt.date) -> bool:
    return answered_on <= due_on


def answer_problems(verdict: str, text: str, *, min_reason_chars: int) -> dict[str, str]:
    """What stops an answer: a verdict from the list, and a text. A rejection (or a partial one) must
    give its reasons (DOMAIN §5: "rejected with reasons")."""
    problems: dict[str, str] = {}
    if verdict not in (Verdict.ACCEPTED, Verdict.PARTLY, Verdict.REJECTED):
        problems["verdict"] = str(_("Choose whether the body accepts the recommendation, partly or not at all."))
    text = (text or "").strip()
    if not text:
        problems["text"] = str(_("Write the body's answer; it is published on the recommendation's page."))
    elif verdict in (Verdict.REJECTED, Verdict.PARTLY) and len(text) < min_reason_chars:
        problems["text"] = str(
            _("Give the reasons for not accepting it in full: at least %(n)s characters.") % {"n": min_reason_chars}
        )
    return problems


def implementation_problem(verdict: str | None, evidence_count: int) -> str | None:
    """Only an accepted (or partly accepted) recommendation is implemented, and only with evidence."""
    if verdict not in IMPLEMENTABLE:
        return str(_("Only an accepted or partly accepted recommendation can be reported as implemented."))
    if evidence_count < 1:
        return str(_("Attach the evidence of implementation: a document, a link or a photo."))
    return None


def reminder_before_due(today: dt.date, due_on: dt.date, working_days_left: int, before: int) -> bool:
    """Remind the addressee `before` working days ahead of the due date (or later, up to the date)."""
    return today <= due_on and working_days_left <= before


# --- The responsiveness scoreboard ------------------------------------------------------------


class Fact(NamedTuple):
    """One recommendation as the scoreboard sees it (a tuple: thousands are read per page)."""

    sent_on: dt.date
    due_on: dt.date
    status: str
    verdict: str | None = None
    answered_on: dt.date | None = None
    working_days: int | None = None  # working days from sending to answering


@dataclass
class Score:
    received: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    unanswered: int = 0
    overdue: int = 0
    accepted: int = 0
    partly_accepted: int = 0
    rejected: int = 0
    implemented: int = 0
    median_working_days: Decimal | None = None
    working_days: list[int] = field(default_factory=list, repr=False)

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def pending(self) -> int:
        return self.unanswered - self.overdue

    @cached_property
    def on_time_percent(self) -> Decimal | None:
        return percent(self.answered_on_time, self.received)

    @cached_property
    def answered_percent(self) -> Decimal | None:
        return percent(self.answered, self.received)

    @cached_property
    def accepted_percent(self) -> Decimal | None:
        """Accepted in full or in part, of those answered."""
        return percent(self.accepted + self.partly_accepted, self.answered)

    @cached_property
    def implemented_percent(self) -> Decimal | None:
        return percent(self.implemented, self.accepted + self.partly_accepted)

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "answered_on_time": self.answered_on_time,
            "answered_late": self.answered_late,
            "unanswered": self.unanswered,
            "overdue": self.overdue,
            "accepted": self.accepted,
            "partly_accepted": self.partly_accepted,
            "rejected": self.rejected,
            "implemented": self.implemented,
            "median_working_days": None if self.median_working_days is None else str(self.median_working_days),
            "on_time_percent": None if self.on_time_percent is None else str(self.on_time_percent),
        }


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score(facts: Iterable[Fact], today: dt.date) -> Score:
    """The scoreboard line of a set of recommendations, as of `today`."""
    result = Score()
    for fact in facts:
        result.received += 1
        if fact.status in UNANSWERED:
            result.unanswered += 1
            if is_overdue(fact.status, fact.due_on, today):
                result.overdue += 1
            continue
        if fact.answered_on is not None and answered_on_time(fact.answered_on, fact.due_on):
            result.answered_on_time += 1
        else:
            result.answered_late += 1
        if fact.working_days is not None:
            result.working_days.append(fact.working_days)
        if fact.verdict == Verdict.ACCEPTED:
            result.accepted += 1
        elif fact.verdict == Verdict.PARTLY:
            result.partly_accepted += 1
        elif fact.verdict == Verdict.REJECTED:
            result.rejected += 1
        if fact.status == Status.IMPLEMENTED:
            result.implemented += 1
    result.median_working_days = median(result.working_days)
    return result


def period_of(day: dt.date, by: str) -> str:
    """The trend's period of a date: `2024` by year, `2024-Q2` by quarter, `2024-05` by month."""
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"unknown period {by!r}")


def trend(facts: Iterable[Fact], today: dt.date, *, by: str = "year") -> list[tuple[str, Score]]:
    """The scoreboard line of each period (by the date sent), oldest first."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(period_of(fact.sent_on, by), []).append(fact)
    return [(period, score(groups[period], today)) for period in sorted(groups)]


def ranking_key(line: Score, name: str, min_received: int = 0) -> tuple:
    """Most responsive first: bodies that received at least `min_received` recommendations before the
    others (one answer on time is not a record), then the share answered on time, then the share
    answered at all, then the quicker median answer, then the name (so the order is stable)."""
    on_time = line.on_time_percent if line.on_time_percent is not None else Decimal(-1)
    answered = line.answered_percent if line.answered_percent is not None else Decimal(-1)
    days = line.median_working_days if line.median_working_days is not None else Decimal(10**6)
    return (line.received < min_received, -on_time, -answered, days, name)


def ranks(lines: Sequence[tuple[Score, str]], min_received: int = 0) -> list[int]:
    """Competition ranks ("1, 2, 2, 4") of lines already in ranking order: equal on-time share, equal
    answer share and equal median share a rank."""
    result: list[int] = []
    previous = None
    for position, (line, name) in enumerate(lines, start=1):
        key = ranking_key(line, name, min_received)[:4]
        if previous is not None and key == previous[0]:
            result.append(previous[1])
        else:
            result.append(position)
            previous = (key, position)
    return result
