"""Rules of the competition engine (DOMAIN §4, issue 4) as pure functions: no ORM, no I/O.

Configurable values are parameters whose default is the one in the signature; services read the
configured value (`qogam.core.config.get("funding.…")`) and pass it in. Money is `Decimal` in whole
tenge; a float is refused with TypeError. Working days come from a `calendar` object with the
interface of `qogam.core.calendar.WorkingCalendar` (`add_working_days`, `is_working_day`).

Messages are lazy translations with English msgids, so a reason stored in a list is rendered in the
language active where it is shown (a page, an e-mail to the applicant).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Protocol

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class Reason(NamedTuple):
    """A failed check: a stable code for programs and a translatable message for people."""

    code: str
    message: Any


def _interpolate(message, params: Mapping[str, Any]) -> str:
    return str(message) % {k: str(v) if isinstance(v, Decimal | dt.date) else v for k, v in params.items()}


_lazy_interpolate = lazy(_interpolate, str)


def _msg(message, **params):
    """`message % params`, evaluated in the language active when it is rendered."""
    return _lazy_interpolate(message, params) if params else message


# --- Money -----------------------------------------------------------------------------------------

def to_money(value, what: str = "amount") -> Decimal:
    """`value` as a Decimal amount of tenge. Floats and non-numbers are a programming error."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{what} must be a Decimal or int amount of tenge, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite amount, not {value}")
    return value


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _whole_money(value, what: str) -> Decimal:
    value = to_money(value, what)
    if not _whole(value):
        raise ValueError(f"{what} must be whole tenge, not {value}")
    return value


# --- State machines (ARCHITECTURE "Conventions": one transition table per stateful model) ----------

class CallStatus:
    DRAFT = "draft"
    PUBLISHED = "published"
    OPEN = "open"
    CLOSED = "closed"
    COMPLIANCE = "compliance"
    EVALUATION = "evaluation"
    SHORTLISTED = "shortlisted"
    DECIDED = "decided"
    ARCHIVED = "archived"
    CANCELLED = "cancelled"


class ApplicationStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    SCORED = "scored"
    SHORTLISTED = "shortlisted"
    FUNDED = "funded"
    NOT_FUNDED = "not_funded"
    APPEALED = "appealed"
    UPHELD = "upheld"


class AssignmentStatus:
    ASSIGNED = "assigned"
    DECLARED = "declared"
    SCORED = "scored"
    RECUSED = "recused"


class AgreementStatus:
    DRAFT = "draft"
    SIGNED = "signed"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"
    CLOSED = "closed"


class AppealStatus:
    FILED = "filed"
    UPHELD = "upheld"
    GRANTED = "granted"


class TopicStatus:
    DISCUSSION = "discussion"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_LOT = "in_lot"


_C, _A, _S, _G, _P, _T = CallStatus, ApplicationStatus, AssignmentStatus, AgreementStatus, AppealStatus, TopicStatus

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    # DOMAIN §4 lifecycle "plan → call → applications → compliance check → expert evaluation →
    # decision". A call may open straight from draft (publishing ahead of the window is optional) and
    # may be cancelled until its window has closed; after that it runs to its decision.
    "call": {
        _C.DRAFT: {_C.PUBLISHED, _C.OPEN, _C.CANCELLED},
        _C.PUBLISHED: {_C.OPEN, _C.CANCELLED},
        _C.OPEN: {_C.CLOSED, _C.CANCELLED},
        _C.CLOSED: {_C.COMPLIANCE},
        _C.COMPLIANCE: {_C.EVALUATION},
        # NGO awards (DOMAIN §4.3) have two stages: the working group shortlists, then the commission
        # decides. Every other mechanism goes from the evaluation straight to the decision.
        _C.EVALUATION: {_C.DECIDED, _C.SHORTLISTED},
        _C.SHORTLISTED: {_C.DECIDED},
        _C.DECIDED: {_C.ARCHIVED},
        _C.ARCHIVED: set(),
        _C.CANCELLED: set(),
    },
    # Issue 4 "Application" and "Appeals":
    # - submitted with a receipt; withdrawn only before the deadline (`can_withdraw` decides by date);
    # - the compliance check admits or rejects it;
    # - an admitted application is scored by the experts, then the committee funds it or not;
    # - a compliance rejection or a result ("not funded") may be appealed. A granted appeal sends the
    #   application back to `admitted`: after a compliance appeal it enters the evaluation, after a
    #   result appeal it is scored again and decided again. A refused appeal ends in `upheld` (the
    #   original decision stands). One appeal per decision is the service's count, not this table's.
    "application": {
        _A.DRAFT: {_A.SUBMITTED},
        _A.SUBMITTED: {_A.WITHDRAWN, _A.ADMITTED, _A.REJECTED},
        _A.ADMITTED: {_A.SCORED},
        _A.SCORED: {_A.FUNDED, _A.NOT_FUNDED, _A.SHORTLISTED},
        # Awards: only a shortlisted application can be awarded (DOMAIN §4.3 "two stages").
        _A.SHORTLISTED: {_A.FUNDED, _A.NOT_FUNDED},
        _A.REJECTED: {_A.APPEALED},
        _A.NOT_FUNDED: {_A.APPEALED},
        _A.APPEALED: {_A.ADMITTED, _A.UPHELD},
        _A.WITHDRAWN: set(),
        _A.FUNDED: set(),
        _A.UPHELD: set(),
    },
    # Issue 4 "Experts": a declaration (no conflict) before any content is shown; then the scores.
    # An expert who recognises a conflict only on reading the content may still recuse after the
    # declaration; recusal leads to reassignment (`reassign`).
    "assignment": {
        _S.ASSIGNED: {_S.DECLARED, _S.RECUSED},
        _S.DECLARED: {_S.SCORED, _S.RECUSED},
        _S.SCORED: set(),
        _S.RECUSED: set(),
    },
    # Issue 4 "Agreement" and "Monitoring": signed, then active for its period (possibly several
    # years); completed or terminated (with a refund, `refund_problem`); closed after the final review.
    "agreement": {
        _G.DRAFT: {_G.SIGNED},
        _G.SIGNED: {_G.ACTIVE},
        _G.ACTIVE: {_G.COMPLETED, _G.TERMINATED},
        _G.COMPLETED: {_G.CLOSED},
        _G.TERMINATED: {_G.CLOSED},
        _G.CLOSED: set(),
    },
    # Issue 4 "Appeals": the committee reviews the appeal; `upheld` keeps the decision appealed
    # against, `granted` reverses it.
    "appeal": {
        _P.FILED: {_P.UPHELD, _P.GRANTED},
        _P.UPHELD: set(),
        _P.GRANTED: set(),
    },
    # Issue 5 "Topics, bottom up": discussed in public, then accepted or rejected (with the answer) by the
    # body it was addressed to; an accepted topic becomes a lot.
    "topic": {
        _T.DISCUSSION: {_T.ACCEPTED, _T.REJECTED},
        _T.ACCEPTED: {_T.IN_LOT},
        _T.REJECTED: set(),
        # A cancelled call gives its topics back.
        _T.IN_LOT: {_T.ACCEPTED},
    },
}

INITIAL: dict[str, str] = {
    "call": _C.DRAFT,
    "application": _A.DRAFT,
    "assignment": _S.ASSIGNED,
    "agreement": _G.DRAFT,
    "appeal": _P.FILED,
    "topic": _T.DISCUSSION,
}


def can_transition(machine: str, current: str, new: str) -> bool:
    """Whether `machine` may go from `current` to `new`. An unknown machine is a programming error."""
    if machine not in TRANSITIONS:
        raise ValueError(f"unknown state machine {machine!r}")
    return new in TRANSITIONS[machine].get(current, set())


def is_final(machine: str, state: str) -> bool:
    """Whether `state` ends `machine` (no transition leaves it)."""
    if machine not in TRANSITIONS or state not in TRANSITIONS[machine]:
        raise ValueError(f"unknown state {state!r} of {machine!r}")
    return not TRANSITIONS[machine][state]


# --- The application window (DOMAIN §4.2: "applications are collected for 20–30 days") -----------

def window_days(opens_on: dt.date, closes_on: dt.date) -> int:
    """The length of the window in calendar days: `closes_on − opens_on`.

    Submissions are accepted on both `opens_on` and `closes_on` (see `submission_open`), so a window
    of N days runs from the opening day to the day N days later, both included.
    """
    return (closes_on - opens_on).days


def window_problem(opens_on: dt.date, closes_on: dt.date, min_days: int = 20, max_days: int = 30):
    """Why the window cannot be used (a message), or None. Configurable: funding.window_min_days/max_days."""
    if closes_on <= opens_on:
        return _("The closing date must be after the opening date.")
    days = window_days(opens_on, closes_on)
    if not min_days <= days <= max_days:
        return _msg(
            _("The application window is %(days)s days long; it must last from %(min)s to %(max)s days. "
              "Move the closing date."),
            days=days, min=min_days, max=max_days,
        )
    return None


def submission_open(now_date: dt.date, opens_on: dt.date, closes_on: dt.date) -> bool:
    """Whether an application may be submitted on `now_date` (both ends of the window included)."""
    return opens_on <= now_date <= closes_on


def submission_problem(now_date: dt.date, opens_on: dt.date, closes_on: dt.date):
    """Issue 4: "a late submission is refused with a clear message". None while the window is open."""
    if now_date < opens_on:
        return _msg(_("Applications are accepted from %(date)s."), date=opens_on.isoformat())
    if now_date > closes_on:
        return _msg(
            _("The deadline for this call was %(date)s. Late applications cannot be accepted."),
            date=closes_on.isoformat(),
        )
    return None


def can_withdraw(now_date: dt.date, closes_on: dt.date) -> bool:
    """Issue 4: a submitted application may be withdrawn before the deadline (up to its last day)."""
    return now_date <= closes_on


# --- The application's content (DOMAIN §4.2: grants of 1–3 years) -------------------------------

def duration_problem(months: int, min_months: int = 12, max_months: int = 36):
    """Why the timeline is not allowed (grants are 1–3 years, DOMAIN §4.2), or None."""
    if isinstance(months, bool) or not isinstance(months, int):
        return _("Give the duration as a whole number of months.")
    if not min_months <= months <= max_months:
        return _msg(
            _("The project lasts %(months)s months; it must last from %(min)s to %(max)s months."),
            months=months, min=min_months, max=max_months,
        )
    return None


def grant_term(months: int) -> str:
    """DOMAIN §4.2: grants are short (up to 1 year), medium (up to 2 years) or long term (up to 3)."""
    if months <= 12:
        return "short"
    if months <= 24:
        return "medium"
    return "long"


def budget_problem(lines: Iterable, requested, lot_budget=None):
    """Why the budget is not acceptable, or None.

    The budget lines are amounts in whole tenge, each above zero; they add up exactly to the requested
    amount, which does not exceed the lot's budget (when given).
    """
    amounts = [to_money(line, "budget line") for line in lines]
    requested = to_money(requested, "requested amount")
    if not amounts:
        return _("Add at least one budget line.")
    if any(a <= 0 for a in amounts):
        return _("Every budget line must be more than zero tenge.")
    if not all(_whole(a) for a in [*amounts, requested]):
        return _("Give amounts in whole tenge, without tiyn.")
    total = sum(amounts, Decimal(0))
    if total != requested:
        return _msg(
            _("The budget lines add up to %(total)s tenge but the requested amount is %(requested)s tenge. "
              "Make them equal."),
            total=total, requested=requested,
        )
    if lot_budget is not None and requested > to_money(lot_budget, "lot budget"):
        return _msg(
            _("The requested amount %(requested)s tenge is more than the lot's budget of %(budget)s tenge."),
            requested=requested, budget=to_money(lot_budget),
        )
    return None


# --- Deadlines in working days (DOMAIN §4: deadlines count working days) ------------------------

class Calendar(Protocol):
    def add_working_days(self, start: dt.date, n: int) -> dt.date: ...

    def is_working_day(self, day: dt.date) -> bool: ...


def compliance_deadline(start: dt.date, calendar: Calendar, days: int = 10) -> dt.date:
    """DOMAIN §4.2: the operator checks compliance within 10 working days of `start` (the day the
    window closes; it counts as day 0). Configurable: funding.compliance_working_days."""
    return calendar.add_working_days(start, days)


def evaluation_deadline(start: dt.date, calendar: Calendar, days: int = 15) -> dt.date:
    """DOMAIN §4.2: the expert commission evaluates within 15 working days of `start` (the day the
    compliance check ends; day 0). Configurable: funding.evaluation_working_days."""
    return calendar.add_working_days(start, days)


def appeal_deadline(decided_on: dt.date, calendar: Calendar, days: int = 5) -> dt.date:
    """Issue 4: an appeal is filed within 5 working days of the decision (day 0). The last day is
    itself a working day. Configurable: funding.appeal_working_days."""
    return calendar.add_working_days(decided_on, days)


def appeal_in_time(filed_on: dt.date, decided_on: dt.date, calendar: Calendar, days: int = 5) -> bool:
    """Whether an appeal filed on `filed_on` is within the time limit (not before the decision)."""
    return decided_on <= filed_on <= appeal_deadline(decided_on, calendar, days)


def is_overdue(today: dt.date, deadline: dt.date) -> bool:
    """A step is overdue the day after its deadline (the deadline day itself is still in time)."""
    return today > deadline


# --- Automatic compliance checks (issue 4 "Compliance check by the operator") -------------------

INACTIVE_STATUSES = frozenset({"suspended", "in_liquidation", "liquidated"})


def report_year_required(registered_year: int, last_closed_year: int | None) -> int | None:
    """The year whose annual report must be filed: the last year whose deadline has passed, unless the
    organisation was registered after that year (then none)."""
    if last_closed_year is None or registered_year > last_closed_year:
        return None
    return last_closed_year


def automatic_compliance(
    *,
    direction: str,
    charter_directions: Collection[str],
    is_ngo: bool,
    status: str,
    registered_year: int,
    report_years_filed: Collection[int],
    last_closed_year: int | None,
    require_report: bool = True,
) -> list[Reason]:
    """The automatic part of the compliance checklist; an empty list means every check passed.

    - the application's direction is one of the organisation's charter directions;
    - the organisation is an NGO (a non-commercial organisation of the register);
    - it is not suspended, in liquidation or liquidated;
    - its annual report is filed for `last_closed_year` (the last year whose report deadline has
      passed), unless it was registered after that year. Configurable: funding.require_annual_report.
    """
    failures: list[Reason] = []
    if direction not in set(charter_directions):
        failures.append(Reason(
            "direction_outside_charter",
            _("The project's direction is not among the directions of the organisation's charter."),
        ))
    if not is_ngo:
        failures.append(Reason("not_ngo", _("Only non-governmental non-profit organisations may apply.")))
    if status in INACTIVE_STATUSES:
        failures.append(Reason(
            "organisation_inactive",
            _("The organisation is suspended or being liquidated, so it cannot receive a grant."),
        ))
    year = report_year_required(registered_year, last_closed_year) if require_report else None
    if year is not None and year not in set(report_years_filed):
        failures.append(Reason(
            "annual_report_missing",
            _msg(_("The organisation's annual report for %(year)s has not been filed."), year=year),
        ))
    return failures


# --- Conflicts of interest (issue 4 "Experts"; DOMAIN §4 pain point "affiliated experts") --------

def conflicts(
    *,
    expert_iin_hash: str,
    expert_org_bins: Collection[str],
    declared_bins: Collection[str],
    applicant_bin: str,
    applicant_founder_hashes: Collection[str],
    applicant_leader_hash: str,
    applicant_member_hashes: Collection[str],
    applicant_founder_bins: Collection[str],
    orgs_sharing_founders: Collection[str],
    applicant_founded_bins: Collection[str] = (),
) -> list[Reason]:
    """Why the expert may not review the applicant's application; empty when there is no conflict.

    Facts a service reads from the register and the expert's profile (persons only as IIN hashes):
    - `expert_org_bins`: organisations the expert founded, leads, is a member or an employee of, now
      or in the past (DOMAIN: "an expert's past employment or membership");
    - `declared_bins`: organisations the expert declared a relation with;
    - `applicant_founder_hashes` / `applicant_founder_bins`: the applicant's founders, persons and
      organisations; `applicant_leader_hash`; `applicant_member_hashes`: members and employees;
    - `orgs_sharing_founders`: organisations with at least one founder in common with the applicant;
    - `applicant_founded_bins`: organisations the applicant itself founded.

    Cases, one reason each:
    - `founder`, `leader`, `member`: the expert in person is a founder, the leader, or a member or
      employee of the applicant;
    - `own_organisation`: one of the expert's organisations is the applicant (same BIN);
    - `shared_founders`: one of the expert's organisations founded the applicant, was founded by it,
      or shares a founder with it;
    - `declared`: the expert declared a relation with the applicant or an organisation linked to it as
      above.
    """
    found: list[Reason] = []
    me = expert_iin_hash or None
    if me and me in set(applicant_founder_hashes):
        found.append(Reason("founder", _("The expert is a founder of the applicant.")))
    if me and me == (applicant_leader_hash or None):
        found.append(Reason("leader", _("The expert is the applicant's leader.")))
    if me and me in set(applicant_member_hashes):
        found.append(Reason("member", _("The expert is a member or an employee of the applicant.")))

    own = {b for b in expert_org_bins if b}
    linked = (set(applicant_founder_bins) | set(applicant_founded_bins) | set(orgs_sharing_founders)) - {""}
    if applicant_bin and applicant_bin in own:
        found.append(Reason(
            "own_organisation", _("The expert founded, leads or works for the applicant organisation."),
        ))
    if own & (linked - {applicant_bin}):
        found.append(Reason(
            "shared_founders",
            _("An organisation of the expert shares founders with the applicant or founded it."),
        ))
    declared = {b for b in declared_bins if b}
    if declared & (linked | {applicant_bin}):
        found.append(Reason(
            "declared", _("The expert declared a relation with the applicant or an organisation linked to it."),
        ))
    return found


# --- Assignment of experts (issue 4: "≥ 3 experts on each application, balanced by load") -------

@dataclass(frozen=True)
class ExpertFacts:
    id: Hashable
    directions: frozenset[str]
    load: int = 0


@dataclass(frozen=True)
class ApplicationFacts:
    id: Hashable
    direction: str


@dataclass
class AssignmentPlan:
    """`assignments`: application id → expert ids chosen, in the order chosen; `unstaffed`: application
    id → how many experts are still missing; `loads`: expert id → load after the plan."""

    assignments: dict[Hashable, list[Hashable]]
    unstaffed: dict[Hashable, int]
    loads: dict[Hashable, int]


def _pick(
    application, needed: int, experts: Sequence, loads: Mapping, excluded: Collection, conflicted: Collection
) -> list:
    """`needed` experts for `application`: those of its direction first, each group least-loaded
    first, ties by expert id."""
    eligible = [e for e in experts if e.id not in excluded and (e.id, application.id) not in conflicted]

    def order(e):
        return (loads[e.id], e.id)

    matching = sorted((e for e in eligible if application.direction in e.directions), key=order)
    others = sorted((e for e in eligible if application.direction not in e.directions), key=order)
    return [e.id for e in (matching + others)[:needed]]


def assign(
    applications: Sequence,
    experts: Sequence,
    *,
    per_application: int = 3,
    conflicts: Collection[tuple[Hashable, Hashable]] = frozenset(),
) -> AssignmentPlan:
    """Assign `per_application` distinct, non-conflicted experts to each application.

    `applications` have `id` and `direction`, `experts` have `id`, `directions` and `load` (their
    current number of assignments); `conflicts` holds (expert id, application id) pairs. Applications
    are staffed in the order given (pass them in submission order). For each, experts of the
    application's direction come first and, when there are not enough of them, any other
    non-conflicted expert; within each group the least loaded, ties broken by the smaller expert id.
    An application that cannot get `per_application` experts is reported in `unstaffed` with the
    number missing (it keeps those it got). Configurable: funding.experts_per_application.
    """
    if per_application < 1:
        raise ValueError("per_application must be at least 1")
    ids = [e.id for e in experts]
    if len(set(ids)) != len(ids):
        raise ValueError("expert ids must be distinct")
    loads = {e.id: e.load for e in experts}
    conflicted = set(conflicts)
    plan = AssignmentPlan(assignments={}, unstaffed={}, loads=loads)
    for application in applications:
        chosen = _pick(application, per_application, experts, loads, (), conflicted)
        for expert_id in chosen:
            loads[expert_id] += 1
        plan.assignments[application.id] = chosen
        if len(chosen) < per_application:
            plan.unstaffed[application.id] = per_application - len(chosen)
    return plan


def reassign(
    application,
    experts: Sequence,
    *,
    assigned: Collection[Hashable],
    recused: Collection[Hashable],
    per_application: int = 3,
    conflicts: Collection[tuple[Hashable, Hashable]] = frozenset(),
) -> list[Hashable]:
    """New experts for `application` after a recusal (issue 4: "recusal leads to reassignment").

    `assigned`: experts still on the application (not recused); `recused`: those who recused from it
    (never brought back). Returns as many new experts as are needed to reach `per_application`, by the
    same preferences as `assign`; fewer (maybe none) when no one else is eligible.
    """
    needed = per_application - len(set(assigned))
    if needed <= 0:
        return []
    loads = {e.id: e.load for e in experts}
    return _pick(application, needed, experts, loads, set(assigned) | set(recused), set(conflicts))


# --- Scoring (issue 4 "Scoring") ----------------------------------------------------------------

def _number(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"{what} must be a Decimal or int, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{what} must be finite")
    return value


def criteria_weights_problem(weights: Iterable):
    """Why the criteria weights are not acceptable, or None.

    Weights are percentages: each above zero, together exactly 100 (a reader sees "feasibility 30%").
    """
    weights = [_number(w, "weight") for w in weights]
    if not weights:
        return _("Add at least one criterion.")
    if any(w <= 0 for w in weights):
        return _("Every criterion must have a weight above zero.")
    total = sum(weights, Decimal(0))
    if total != 100:
        return _msg(_("The criteria weights add up to %(total)s%%; they must add up to 100%%."), total=total)
    return None


def score_problem(score, scale_min, scale_max, justification: str, min_justification: int = 20):
    """Why an expert's score on one criterion cannot be saved, or None.

    The score lies on the call's scale (ends included); every score carries a written justification
    (issue 4) of at least `min_justification` characters, not counting surrounding blanks.
    Configurable: funding.justification_min_chars.
    """
    score = _number(score, "score")
    if not _number(scale_min, "scale_min") <= score <= _number(scale_max, "scale_max"):
        return _msg(_("Give a score from %(min)s to %(max)s."), min=scale_min, max=scale_max)
    text = (justification or "").strip()
    if not text:
        return _("Justify the score in writing.")
    if len(text) < min_justification:
        return _msg(
            _("The justification is too short: write at least %(min)s characters explaining the score."),
            min=min_justification,
        )
    return None


CENT = Decimal("0.01")


def aggregate(scores_by_expert: Mapping[Hashable, Mapping[str, Any]], weights: Mapping[str, Any]) -> Decimal:
    """The application's total: the mean over experts of each expert's weighted mean over criteria
    (issue 4: "the weighted mean of experts"), on the criteria's scale, rounded half-up to 0.01.

    Every expert must have scored every weighted criterion. No experts is a programming error.
    """
    if not scores_by_expert:
        raise ValueError("no scores to aggregate")
    weights = {c: _number(w, "weight") for c, w in weights.items()}
    total_weight = sum(weights.values(), Decimal(0))
    if total_weight <= 0:
        raise ValueError("weights must add up to more than zero")
    per_expert = []
    for expert, scores in scores_by_expert.items():
        missing = set(weights) - set(scores)
        if missing:
            raise ValueError(f"expert {expert!r} has not scored {sorted(missing)}")
        weighted = sum((weights[c] * _number(scores[c], "score") for c in weights), Decimal(0))
        per_expert.append(weighted / total_weight)
    return (sum(per_expert, Decimal(0)) / len(per_expert)).quantize(CENT, rounding=ROUND_HALF_UP)


def disagreement(
    scores_by_expert: Mapping[Hashable, Mapping[str, Any]],
    scale_min,
    scale_max,
    threshold: Decimal = Decimal("0.40"),
) -> list[str]:
    """Criteria on which the experts strongly disagree (issue 4): the highest and lowest scores differ by
    more than `threshold` × (scale_max − scale_min). Sorted by criterion. Configurable:
    funding.disagreement_threshold."""
    threshold = _number(threshold, "threshold")
    span = _number(scale_max, "scale_max") - _number(scale_min, "scale_min")
    by_criterion: dict[str, list[Decimal]] = {}
    for scores in scores_by_expert.values():
        for criterion, score in scores.items():
            by_criterion.setdefault(criterion, []).append(_number(score, "score"))
    return sorted(c for c, s in by_criterion.items() if max(s) - min(s) > threshold * span)


# --- Ranking and funding (issue 4 "Scoring") ----------------------------------------------------

@dataclass(frozen=True)
class Ranked:
    id: Hashable
    lot: Hashable
    total: Decimal
    submitted_at: dt.datetime
    requested: Decimal = Decimal(0)


def rank(applications: Iterable, *, by_price: bool = False) -> dict[Hashable, list]:
    """Applications by lot, each lot from the highest total score down; equal totals by earlier
    submission, then by id (so the order is total). Items have `id`, `lot`, `total`, `submitted_at`
    and `requested`.

    With `by_price` (the state social order tender, issue 5): equal totals go to the lower price first,
    then to the earlier bid."""
    by_lot: dict[Hashable, list] = {}
    for a in applications:
        by_lot.setdefault(a.lot, []).append(a)

    def key(a):
        return (-a.total, a.requested if by_price else 0, a.submitted_at, a.id)

    return {lot: sorted(items, key=key) for lot, items in by_lot.items()}


@dataclass(frozen=True)
class Funded:
    id: Hashable
    amount: Decimal
    partial: bool = False


def allocate(ranked: Sequence, lot_budget, *, skip_to_fit: bool = True, partial: bool = False) -> list[Funded]:
    """Fund down the ranking of one lot within its budget (issue 4).

    Each application in turn gets its requested amount while it fits in what is left. At the first one
    that does not fit:
    - with `partial`, it gets what is left (when anything is) and the budget is spent;
    - otherwise, with `skip_to_fit`, it is skipped and the next ones are tried;
    - otherwise funding stops there.
    Configurable: funding.skip_to_fit (default True), funding.partial_funding (default False).
    """
    remaining = _whole_money(lot_budget, "lot budget")
    if remaining < 0:
        raise ValueError("the lot budget cannot be negative")
    funded: list[Funded] = []
    for application in ranked:
        requested = _whole_money(application.requested, "requested amount")
        if requested <= 0:
            raise ValueError(f"application {application.id!r} requests no money")
        if requested <= remaining:
            funded.append(Funded(application.id, requested))
            remaining -= requested
            continue
        if partial:
            if remaining > 0:
                funded.append(Funded(application.id, remaining, partial=True))
            break
        if not skip_to_fit:
            break
    return funded


# --- Agreements (issue 4 "Agreement", "Monitoring") --------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (negative goes back), kept within the target month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def agreement_period(decided_on: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The period an agreement gets at the decision: from the first of the next month, `months` long."""
    start = add_months(decided_on.replace(day=1), 1)
    return start, add_months(start, months) - dt.timedelta(days=1)


def default_schedule(amount: Decimal, start: dt.date, months: int) -> list[tuple[dt.date, Decimal]]:
    """One tranche per year of the project, the first on the start date; the remainder in the first."""
    years = max(1, -(-months // 12))
    share = amount // years
    tranches = [(add_months(start, 12 * i), share) for i in range(years)]
    tranches[0] = (start, share + amount - share * years)
    return tranches


def report_periods(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(kind, period start, period end) of the monitoring reports owed: an interim report at the end of
    each year of the project, the final one at its end."""
    rows = []
    while True:
        last = min(add_months(start, 12) - dt.timedelta(days=1), end)
        kind = "final" if last >= end else "interim"
        rows.append((kind, start, last))
        if kind == "final":
            return rows
        start = last + dt.timedelta(days=1)


def tranches_problem(tranches: Sequence[tuple[dt.date, Any]], amount, start: dt.date, end: dt.date):
    """Why the payment schedule is not acceptable, or None.

    Tranches are (payment date, amount): at least one; each amount above zero in whole tenge; the dates
    within the agreement's period (ends included) and strictly ascending; the amounts adding up exactly
    to the agreement's amount.
    """
    amount = to_money(amount, "agreement amount")
    if not tranches:
        return _("Add at least one tranche.")
    amounts = [to_money(a, "tranche") for _d, a in tranches]
    if any(a <= 0 for a in amounts):
        return _("Every tranche must be more than zero tenge.")
    if not all(_whole(a) for a in amounts):
        return _("Give amounts in whole tenge, without tiyn.")
    dates = [d for d, _a in tranches]
    if any(not start <= d <= end for d in dates):
        return _msg(
            _("Every tranche must be paid within the agreement's period, from %(start)s to %(end)s."),
            start=start.isoformat(), end=end.isoformat(),
        )
    if any(a >= b for a, b in zip(dates, dates[1:], strict=False)):
        return _("List the tranches in date order, one per date.")
    total = sum(amounts, Decimal(0))
    if total != amount:
        return _msg(
            _("The tranches add up to %(total)s tenge but the agreement is for %(amount)s tenge."),
            total=total, amount=amount,
        )
    return None


def refund_problem(refund, paid):
    """Why a refund on termination is not acceptable, or None: whole tenge, from 0 up to what was paid."""
    refund = to_money(refund, "refund")
    paid = to_money(paid, "paid")
    if refund < 0 or not _whole(refund):
        return _("Give the refund as a whole number of tenge, zero or more.")
    if refund > paid:
        return _msg(
            _("The refund of %(refund)s tenge is more than the %(paid)s tenge paid under the agreement."),
            refund=refund, paid=paid,
        )
    return None


# --- Monitoring (issue 4 "Monitoring": spending against budget lines, risk flags) --------------

def spending_problems(
    budget_lines: Mapping[str, Any], spent_lines: Mapping[str, Any], tolerance_percent=Decimal(10)
) -> list[Reason]:
    """Warnings on a report's spending against the agreement's budget lines; empty when all is in order.

    - `unbudgeted`: money spent on a line that is not in the budget;
    - `negative`: a negative amount spent;
    - `line_overspent`: a line overspent by more than `tolerance_percent` of it;
    - `total_overspent`: more spent in total than the whole budget (no tolerance on the total).
    Configurable: funding.spending_tolerance_percent.
    """
    tolerance = _number(tolerance_percent, "tolerance_percent")
    budget = {line: to_money(v, "budget line") for line, v in budget_lines.items()}
    warnings: list[Reason] = []
    for line in sorted(spent_lines):
        spent = to_money(spent_lines[line], "spent")
        if spent < 0:
            warnings.append(Reason("negative", _msg(_("The amount spent on %(line)s is negative."), line=line)))
        elif line not in budget:
            if spent > 0:
                warnings.append(Reason(
                    "unbudgeted", _msg(_("%(line)s is not a line of the agreement's budget."), line=line),
                ))
        elif spent > budget[line] * (1 + tolerance / 100):
            warnings.append(Reason(
                "line_overspent",
                _msg(
                    _("%(spent)s tenge spent on %(line)s, more than its %(budget)s tenge plus %(tolerance)s%%."),
                    spent=spent, line=line, budget=budget[line], tolerance=tolerance,
                ),
            ))
    total_spent = sum((to_money(v) for v in spent_lines.values()), Decimal(0))
    total_budget = sum(budget.values(), Decimal(0))
    if total_spent > total_budget:
        warnings.append(Reason(
            "total_overspent",
            _msg(_("%(spent)s tenge spent in total, more than the budget of %(budget)s tenge."),
                 spent=total_spent, budget=total_budget),
        ))
    return warnings


def indicator_achievement(indicators: Iterable[tuple[Any, Any]]) -> Decimal | None:
    """The mean share of targets achieved, each indicator capped at 100%; None without a target.

    `indicators` are (target, achieved) pairs; those with a target of zero or less are left out.
    """
    shares = []
    for target, achieved in indicators:
        target, achieved = _number(target, "target"), _number(achieved, "achieved")
        if target > 0:
            shares.append(min(max(achieved, Decimal(0)) / target, Decimal(1)))
    if not shares:
        return None
    return sum(shares, Decimal(0)) / len(shares)


def risk_flags(
    *,
    today: dt.date,
    report_due_on: dt.date | None,
    report_submitted_on: dt.date | None,
    overspent: bool,
    is_final: bool,
    indicators: Iterable[tuple[Any, Any]] = (),
    low_achievement: Decimal = Decimal("0.5"),
) -> list[Reason]:
    """Risk flags of an agreement under monitoring, from simple facts:

    - `late_report`: the report due on `report_due_on` was submitted after it, or is still missing
      after it;
    - `overspent`: the spending check found an overspend (`spending_problems`);
    - `low_achievement`: at the final report, indicators achieve on average less than
      `low_achievement` (50%) of their targets (`indicator_achievement`).
    Configurable: funding.low_achievement.
    """
    flags: list[Reason] = []
    if report_due_on is not None:
        late = report_submitted_on > report_due_on if report_submitted_on else today > report_due_on
        if late:
            flags.append(Reason("late_report", _msg(_("The report due on %(date)s is late."),
                                                    date=report_due_on.isoformat())))
    if overspent:
        flags.append(Reason("overspent", _("Spending exceeds the budget.")))
    if is_final:
        achieved = indicator_achievement(indicators)
        if achieved is not None and achieved < _number(low_achievement, "low_achievement"):
            flags.append(Reason(
                "low_achievement",
                _msg(_("The indicators reached only %(percent)s%% of their targets on average."),
                     percent=(achieved * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            ))
    return flags



# --- The application's content, as entered (issue 4 "Application") --------------------------------

CONTENT_TEXT = ("summary", "beneficiaries_text")
CONTENT_REQUIRED = ("summary", "goals", "activities", "budget_lines", "results", "region", "direction")


def _whole_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").replace(" ", "").replace("\u00a0", "")
    return int(text) if text.isdigit() else None


def _amount(value):
    number = _whole_number(value)
    return Decimal(number) if number is not None else None


def normalise_application(raw: Mapping[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    """The application's content from what a form, the API or a file sent, and the errors of form.

    Content keys: summary, goals [str], activities [{name, start_month, end_month}], months,
    budget_lines [{item, amount}], requested_amount, results [{result, indicator, target}],
    beneficiaries, beneficiaries_text, region (KATO), direction (code). Blank rows are dropped; every
    error is keyed by its path (`budget_lines.2.amount`). Amounts are whole tenge; the content keeps
    them as strings of digits so that it hashes the same wherever it came from.
    """
    errors: dict[str, list[str]] = {}

    def error(key, message):
        errors.setdefault(key, []).append(str(message))

    content: dict[str, Any] = {}
    for key in CONTENT_TEXT:
        content[key] = str(raw.get(key) or "").strip()
    content["region"] = str(raw.get("region") or "").strip()
    content["direction"] = str(raw.get("direction") or "").strip()
    goals = raw.get("goals") or []
    if isinstance(goals, str):
        goals = goals.splitlines()
    content["goals"] = [str(g).strip() for g in goals if str(g).strip()]

    for key, number_keys in (("activities", ("start_month", "end_month")), ("budget_lines", ("amount",)),
                             ("results", ("target",))):
        rows = []
        for row in raw.get(key) or []:
            if not isinstance(row, Mapping):
                error(key, _("Each row must be a set of named values."))
                continue
            clean = {k: (str(v).strip() if v is not None else "") for k, v in row.items()}
            if not any(clean.values()):
                continue
            for n in number_keys:
                value = _whole_number(clean.get(n, ""))
                if value is None:
                    error(f"{key}.{len(rows)}.{n}", _("Enter a whole number."))
                else:
                    clean[n] = str(value)
            rows.append(clean)
        content[key] = rows
    for key in ("months", "beneficiaries"):
        value = _whole_number(raw.get(key, ""))
        if value is None and str(raw.get(key) or "").strip():
            error(key, _("Enter a whole number."))
        content[key] = value if value is not None else 0
    requested = _amount(raw.get("requested_amount", ""))
    if requested is None and str(raw.get("requested_amount") or "").strip():
        error("requested_amount", _("Give the amount in whole tenge, digits only."))
    content["requested_amount"] = str(requested if requested is not None else 0)
    return content, errors


def application_problems(
    content: Mapping[str, Any],
    *,
    lot_budget,
    min_months: int = 12,
    max_months: int = 36,
    directions: Collection[str] = (),
    regions: Collection[str] = (),
) -> dict[str, list[str]]:
    """Why a (normalised) application cannot be submitted, by field; empty when it can."""
    errors: dict[str, list[str]] = {}

    def error(key, message):
        errors.setdefault(key, []).append(str(message))

    for key in CONTENT_REQUIRED:
        if not content.get(key):
            error(key, _("This is required."))
    if content.get("direction") and directions and content["direction"] not in set(directions):
        error("direction", _("Choose a direction from the list."))
    if content.get("region") and regions and content["region"] not in set(regions):
        error("region", _("Choose a region from the list."))
    months = content.get("months") or 0
    problem = duration_problem(months, min_months, max_months)
    if problem:
        error("months", problem)
    for i, row in enumerate(content.get("activities") or []):
        if not row.get("name"):
            error(f"activities.{i}.name", _("Name the activity."))
        start, end = _whole_number(row.get("start_month")), _whole_number(row.get("end_month"))
        if start is not None and end is not None and not 1 <= start <= end <= max(months, 1):
            error(f"activities.{i}.end_month",
                  _msg(_("Months run from 1 to %(months)s, and an activity ends after it starts."), months=months))
    for i, row in enumerate(content.get("budget_lines") or []):
        if not row.get("item"):
            error(f"budget_lines.{i}.item", _("Name the budget line."))
    for i, row in enumerate(content.get("results") or []):
        if not row.get("result") or not row.get("indicator"):
            error(f"results.{i}.indicator", _("Give the expected result and how it is measured."))
    if content.get("beneficiaries", 0) <= 0:
        error("beneficiaries", _("Give the expected number of beneficiaries."))
    lines = [Decimal(row["amount"]) for row in content.get("budget_lines") or [] if str(row.get("amount", "")).isdigit()]
    if lines:
        problem = budget_problem(lines, Decimal(content.get("requested_amount") or 0), lot_budget)
        if problem:
            error("requested_amount", problem)
    elif Decimal(content.get("requested_amount") or 0) <= 0:
        error("requested_amount", _("Give the requested amount."))
    return errors


# --- Tenders: the bid's price (issue 5 "Tender"; DOMAIN §4.1 "price dumping is limited") -----------

def bid_problem(planned, offered, floor) -> Reason | None:
    """Why a bid's price is inadmissible, or None. A bid above the planned amount is inadmissible, and so
    is a bid more than (1 − floor) below it: with the default floor 0.80, a bid under 80% of the planned
    amount (more than 20% below) is refused; exactly 80% is admitted. Configurable per call
    (Call.price_floor; default funding.sso_price_floor)."""
    planned = _whole_money(planned, "planned amount")
    offered = to_money(offered, "bid")
    floor = to_money(floor, "floor")
    if not Decimal(0) <= floor <= Decimal(1):
        raise ValueError(f"the floor is a share from 0 to 1, not {floor}")
    if offered <= 0:
        return Reason("bid_missing", _("Give the price of the bid in tenge."))
    if offered > planned:
        return Reason("bid_above_planned", _msg(
            _("The bid of %(offered)s tenge is above the planned amount of %(planned)s tenge."),
            offered=offered, planned=planned))
    lowest = lowest_admissible_bid(planned, floor)
    if offered < lowest:
        return Reason("bid_below_floor", _msg(
            _("The bid of %(offered)s tenge is more than %(percent)s%% below the planned amount of %(planned)s "
              "tenge, which is price dumping: the lowest admissible bid is %(lowest)s tenge."),
            offered=offered, planned=planned, lowest=lowest, percent=percent_below(floor)))
    return None


def bid_is_admissible(planned, offered, floor=Decimal("0.80")) -> bool:
    return bid_problem(planned, offered, floor) is None


def lowest_admissible_bid(planned, floor) -> Decimal:
    """The lowest admissible price, in whole tenge (rounded up, so that it is itself admissible)."""
    exact = to_money(planned, "planned amount") * to_money(floor, "floor")
    return exact.to_integral_value(rounding="ROUND_CEILING")


def percent_below(floor) -> str:
    """How far below the planned amount a bid may go, in percent: "20" for the floor 0.80."""
    value = (Decimal(1) - to_money(floor, "floor")) * 100
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


# --- Who may fund under a mechanism (issue 5: strategic partnership is national level only) ----------

def customer_level_problem(level: str | None, allowed: Collection[str]) -> Reason | None:
    """Why a state body of `level` may not be the customer of this mechanism, or None. `allowed` empty
    means any level (and a non-state funder)."""
    if not allowed:
        return None
    if level not in set(allowed):
        if set(allowed) == {"central"}:
            return Reason("customer_not_central", _(
                "Only a central state body (a ministry or a committee) can run this competition: it is national "
                "level only."))
        return Reason("customer_level", _("This state body cannot be the customer of this mechanism."))
    return None


def budget_level(level: str | None) -> str:
    """Which budget a state body's money comes from (DOMAIN §4.1: republican vs local budgets)."""
    return "republican" if level in (None, "central", "quasi_public") else "local"


# --- Panels: a commission or working group scores every bid it has no conflict with ---------------

def assign_panel(
    applications: Sequence,
    panel: Sequence[Hashable],
    *,
    minimum: int = 1,
    conflicts: Collection[tuple[Hashable, Hashable]] = frozenset(),
) -> AssignmentPlan:
    """Every member of a named panel (the tender commission, the award working group) on every
    application, except where a member has a conflict of interest with the applicant. An application
    with fewer than `minimum` members left is reported in `unstaffed`."""
    conflicted = set(conflicts)
    loads = {m: 0 for m in panel}
    plan = AssignmentPlan(assignments={}, unstaffed={}, loads=loads)
    for application in applications:
        chosen = [m for m in panel if (m, application.id) not in conflicted]
        for m in chosen:
            loads[m] += 1
        plan.assignments[application.id] = chosen
        if len(chosen) < minimum:
            plan.unstaffed[application.id] = minimum - len(chosen)
    return plan


# --- Winners (issue 5) ----------------------------------------------------------------------------

def winners(ranked: Sequence, places: int) -> list[Funded]:
    """The first `places` of a lot's ranking, each at its own price (the tender: one winner per lot at
    its bid; the strategic partnership: one partner)."""
    return [Funded(a.id, _whole_money(a.requested, "bid")) for a in list(ranked)[:max(places, 0)]]


def shortlist(ranked: Sequence, size: int) -> list[Hashable]:
    """The working group's default shortlist of one category: the `size` best scored."""
    return [a.id for a in list(ranked)[:max(size, 0)]]


def award_selection_problems(selected_by_lot: Mapping[Hashable, Collection[Hashable]],
                             shortlisted_by_lot: Mapping[Hashable, Collection[Hashable]],
                             places_by_lot: Mapping[Hashable, int]) -> dict[Hashable, Reason]:
    """Why the commission's selection of awardees is not acceptable, by category (DOMAIN §4.3: the
    commission decides among those the working group shortlisted, within the number of awards)."""
    problems: dict[Hashable, Reason] = {}
    for lot, selected in selected_by_lot.items():
        outside = set(selected) - set(shortlisted_by_lot.get(lot, ()))
        if outside:
            problems[lot] = Reason("not_shortlisted", _(
                "Only applications on the working group's shortlist can receive the award."))
        elif len(set(selected)) > places_by_lot.get(lot, 0):
            problems[lot] = Reason("too_many", _msg(
                _("This category has %(n)s awards; select no more awardees than that."), n=places_by_lot.get(lot, 0)))
    return problems


def award_places(budget, unit_amount) -> int:
    """How many awards a category's fund pays at its amount per award."""
    unit = _whole_money(unit_amount, "award amount")
    if unit <= 0:
        raise ValueError("the award amount must be positive")
    return int(_whole_money(budget, "category fund") // unit)


# --- Evaluation of social effect (DOMAIN §4: five dimensions) --------------------------------------

EFFECT_DIMENSIONS: tuple[tuple[str, Any], ...] = (
    ("way_of_life", _("People's way of life")),
    ("culture", _("Culture")),
    ("identity", _("Shared identity")),
    ("environment", _("Environment: water, air, food, risk, noise, safety, access to resources")),
    ("aspirations", _("Aspirations and fears")),
)


def effect_problems(scores: Mapping[str, Mapping[str, Any]], scale_min: int, scale_max: int,
                    min_justification: int = 20) -> dict[str, list[str]]:
    """Why an evaluation of social effect cannot be submitted: each of the five dimensions needs a score
    on the scale and a written justification."""
    errors: dict[str, list[str]] = {}
    for code, _label in EFFECT_DIMENSIONS:
        given = scores.get(code) or {}
        try:
            value = Decimal(str(given.get("value", "")).strip().replace(",", "."))
            if not value.is_finite():
                raise ArithmeticError
        except ArithmeticError:
            errors[f"{code}.value"] = [str(_msg(_("Give a score from %(min)s to %(max)s."),
                                                min=scale_min, max=scale_max))]
            continue
        problem = score_problem(value, scale_min, scale_max, str(given.get("justification") or ""), min_justification)
        if problem:
            key = "value" if not scale_min <= value <= scale_max else "justification"
            errors[f"{code}.{key}"] = [str(problem)]
    return errors


def effect_average(reviews: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """The public result: the mean score of each dimension over the experts who scored, and `total`, the
    mean of the dimensions. Empty without scores."""
    sums: dict[str, Decimal] = {}
    count = 0
    for scores in reviews:
        count += 1
        for code, _label in EFFECT_DIMENSIONS:
            sums[code] = sums.get(code, Decimal(0)) + _number(Decimal(str(scores[code]["value"])), "score")
    if not count:
        return {}
    result = {code: (sums[code] / count).quantize(CENT, ROUND_HALF_UP) for code, _label in EFFECT_DIMENSIONS}
    result["total"] = (sum(result.values(), Decimal(0)) / len(EFFECT_DIMENSIONS)).quantize(CENT, ROUND_HALF_UP)
    return result


# --- Topics (issue 5 "Topics, bottom up") ---------------------------------------------------------

def topic_open(today: dt.date, discussion_until: dt.date) -> bool:
    return today <= discussion_until


def topic_decision_problem(today: dt.date, discussion_until: dt.date):
    """A topic is accepted or rejected only after its public discussion has ended."""
    if topic_open(today, discussion_until):
        return _msg(_("The public discussion of this topic runs until %(date)s; decide after it ends."),
                    date=discussion_until.isoformat())
    return None
