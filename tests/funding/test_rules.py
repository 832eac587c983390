"""The competition engine's pure rules (issue 4, DOMAIN §4): no database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qogam.core.calendar import WorkingCalendar
from qogam.funding import rules
from qogam.funding.rules import (
    ApplicationFacts,
    ApplicationStatus,
    CallStatus,
    ExpertFacts,
    Ranked,
)

D = dt.date
M = Decimal

# Kazakhstan's recurring public holidays (month, day, days, national: moves off a weekend).
HOLIDAYS = [
    (1, 1, 2, True), (1, 7, 1, False), (3, 8, 1, True), (3, 21, 3, True), (5, 1, 1, True),
    (5, 7, 1, True), (5, 9, 1, True), (7, 6, 1, True), (8, 30, 1, True), (10, 25, 1, True),
    (12, 16, 1, True),
]
CALENDAR = WorkingCalendar(HOLIDAYS, [])
NO_HOLIDAYS = WorkingCalendar([], [])


def text(message) -> str:
    return str(message)


# --- state machines ------------------------------------------------------------------------------

def test_every_machine_is_closed_and_reachable_from_its_initial_state():
    for machine, table in rules.TRANSITIONS.items():
        targets = set().union(*table.values())
        assert targets <= set(table), machine
        seen, todo = set(), [rules.INITIAL[machine]]
        while todo:
            state = todo.pop()
            if state not in seen:
                seen.add(state)
                todo.extend(table[state])
        assert seen == set(table), machine


@pytest.mark.parametrize(
    ("machine", "a", "b", "allowed"),
    [
        ("call", "draft", "published", True),
        ("call", "draft", "open", True),  # publishing ahead is optional
        ("call", "published", "open", True),
        ("call", "open", "closed", True),
        ("call", "closed", "compliance", True),
        ("call", "compliance", "evaluation", True),
        ("call", "evaluation", "decided", True),
        ("call", "decided", "archived", True),
        ("call", "open", "cancelled", True),
        ("call", "closed", "cancelled", False),
        ("call", "draft", "closed", False),
        ("call", "archived", "draft", False),
        ("application", "draft", "submitted", True),
        ("application", "submitted", "withdrawn", True),
        ("application", "admitted", "withdrawn", False),
        ("application", "submitted", "admitted", True),
        ("application", "submitted", "rejected", True),
        ("application", "submitted", "scored", False),
        ("application", "admitted", "scored", True),
        ("application", "scored", "funded", True),
        ("application", "scored", "not_funded", True),
        ("application", "rejected", "appealed", True),
        ("application", "not_funded", "appealed", True),
        ("application", "funded", "appealed", False),
        ("application", "appealed", "admitted", True),
        ("application", "appealed", "upheld", True),
        ("application", "upheld", "appealed", False),
        ("assignment", "assigned", "declared", True),
        ("assignment", "assigned", "scored", False),  # no content before the declaration
        ("assignment", "declared", "scored", True),
        ("assignment", "assigned", "recused", True),
        ("assignment", "declared", "recused", True),
        ("assignment", "scored", "recused", False),
        ("agreement", "draft", "signed", True),
        ("agreement", "draft", "active", False),
        ("agreement", "signed", "active", True),
        ("agreement", "active", "completed", True),
        ("agreement", "active", "terminated", True),
        ("agreement", "terminated", "closed", True),
        ("agreement", "completed", "closed", True),
        ("agreement", "closed", "active", False),
        ("appeal", "filed", "upheld", True),
        ("appeal", "filed", "granted", True),
        ("appeal", "upheld", "granted", False),
    ],
)
def test_transition_table(machine, a, b, allowed):
    assert rules.can_transition(machine, a, b) is allowed


def test_unknown_states_are_refused_and_unknown_machines_are_an_error():
    assert not rules.can_transition("call", "nonsense", CallStatus.OPEN)
    with pytest.raises(ValueError):
        rules.can_transition("tender", "draft", "open")


def test_final_states():
    assert rules.is_final("application", ApplicationStatus.FUNDED)
    assert rules.is_final("application", ApplicationStatus.WITHDRAWN)
    assert not rules.is_final("application", ApplicationStatus.REJECTED)
    assert rules.is_final("call", CallStatus.CANCELLED)


# --- application window --------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "ok"), [(19, False), (20, True), (25, True), (30, True), (31, False)])
def test_window_lasts_20_to_30_days(days, ok):
    opens = D(2026, 3, 2)
    problem = rules.window_problem(opens, opens + dt.timedelta(days=days))
    assert (problem is None) is ok
    if not ok:
        assert f"{days} days" in text(problem)


def test_window_bounds_are_parameters_and_close_must_follow_open():
    opens = D(2026, 3, 2)
    assert rules.window_problem(opens, opens + dt.timedelta(days=15), min_days=10, max_days=15) is None
    assert "after the opening date" in text(rules.window_problem(opens, opens))


def test_submission_window_includes_both_ends_and_late_submission_has_a_clear_message():
    opens, closes = D(2026, 3, 2), D(2026, 3, 27)
    assert not rules.submission_open(D(2026, 3, 1), opens, closes)
    assert rules.submission_open(opens, opens, closes)
    assert rules.submission_open(closes, opens, closes)
    assert not rules.submission_open(D(2026, 3, 28), opens, closes)
    assert rules.submission_problem(closes, opens, closes) is None
    assert "2026-03-27" in text(rules.submission_problem(D(2026, 3, 28), opens, closes))
    assert "2026-03-02" in text(rules.submission_problem(D(2026, 3, 1), opens, closes))


def test_withdrawal_only_until_the_deadline():
    closes = D(2026, 3, 27)
    assert rules.can_withdraw(D(2026, 3, 27), closes)
    assert not rules.can_withdraw(D(2026, 3, 28), closes)


# --- duration and budget -------------------------------------------------------------------------

@pytest.mark.parametrize(("months", "ok"), [(11, False), (12, True), (24, True), (36, True), (37, False)])
def test_duration_is_one_to_three_years(months, ok):
    assert (rules.duration_problem(months) is None) is ok


def test_grant_term():
    assert [rules.grant_term(m) for m in (12, 13, 24, 25, 36)] == ["short", "medium", "medium", "long", "long"]


def test_budget_lines_must_add_up_to_the_request_within_the_lot():
    assert rules.budget_problem([M(600_000), M(400_000)], M(1_000_000), M(5_000_000)) is None
    assert "add up to 900000" in text(rules.budget_problem([M(500_000), M(400_000)], M(1_000_000)))
    assert "more than zero" in text(rules.budget_problem([M(1_000_000), M(0)], M(1_000_000)))
    assert "more than zero" in text(rules.budget_problem([M(1_100_000), M(-100_000)], M(1_000_000)))
    assert "at least one" in text(rules.budget_problem([], M(0)))
    assert "whole tenge" in text(rules.budget_problem([M("999.50"), M("0.50")], M(1000)))
    assert "lot's budget" in text(rules.budget_problem([M(6_000_000)], M(6_000_000), M(5_000_000)))


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        rules.budget_problem([1000.0], M(1000))
    with pytest.raises(TypeError):
        rules.allocate([], 1e6)


# --- deadlines in working days --------------------------------------------------------------------

def test_compliance_deadline_is_ten_working_days_across_8_march_and_nauryz():
    # Fri 6 March 2026: 8 March (Sunday) moves to Monday 9; Nauryz 21–23 (Sat–Mon) takes 21–25.
    assert rules.compliance_deadline(D(2026, 3, 6), CALENDAR) == D(2026, 3, 26)
    assert rules.compliance_deadline(D(2026, 3, 6), NO_HOLIDAYS) == D(2026, 3, 20)


def test_evaluation_deadline_is_fifteen_working_days_across_independence_day_and_new_year():
    assert rules.evaluation_deadline(D(2025, 12, 10), CALENDAR) == D(2026, 1, 5)
    assert rules.evaluation_deadline(D(2025, 12, 10), NO_HOLIDAYS) == D(2025, 12, 31)


def test_appeal_deadline_is_five_working_days_across_the_may_holidays():
    decided = D(2026, 4, 30)
    assert rules.appeal_deadline(decided, CALENDAR) == D(2026, 5, 12)
    assert rules.appeal_in_time(D(2026, 5, 12), decided, CALENDAR)
    assert not rules.appeal_in_time(D(2026, 5, 13), decided, CALENDAR)
    assert not rules.appeal_in_time(D(2026, 4, 29), decided, CALENDAR)
    assert rules.appeal_deadline(decided, CALENDAR, days=3) == D(2026, 5, 6)


def test_a_working_saturday_counts():
    saturday = D(2026, 3, 7)
    calendar = WorkingCalendar([], [(saturday, "working")])
    assert rules.appeal_deadline(D(2026, 3, 6), calendar, days=1) == saturday


def test_overdue_the_day_after_the_deadline():
    assert not rules.is_overdue(D(2026, 3, 26), D(2026, 3, 26))
    assert rules.is_overdue(D(2026, 3, 27), D(2026, 3, 26))


# --- automatic compliance -------------------------------------------------------------------------

GOOD_ORG = dict(
    direction="D01", charter_directions={"D01", "D05"}, is_ngo=True, status="registered",
    registered_year=2015, report_years_filed={2023, 2024}, last_closed_year=2024,
)


def codes(reasons):
    return [r.code for r in reasons]


def test_compliant_organisation_passes():
    assert rules.automatic_compliance(**GOOD_ORG) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"direction": "D09"}, "direction_outside_charter"),
        ({"is_ngo": False}, "not_ngo"),
        ({"status": "suspended"}, "organisation_inactive"),
        ({"status": "in_liquidation"}, "organisation_inactive"),
        ({"status": "liquidated"}, "organisation_inactive"),
        ({"report_years_filed": {2023}}, "annual_report_missing"),
    ],
)
def test_each_automatic_check_fails_alone(change, code):
    assert codes(rules.automatic_compliance(**{**GOOD_ORG, **change})) == [code]


def test_annual_report_rule_exemptions():
    missing = {**GOOD_ORG, "report_years_filed": set()}
    assert codes(rules.automatic_compliance(**missing)) == ["annual_report_missing"]
    assert "2024" in text(rules.automatic_compliance(**missing)[0].message)
    assert rules.automatic_compliance(**{**missing, "registered_year": 2025}) == []
    assert codes(rules.automatic_compliance(**{**missing, "registered_year": 2024})) == ["annual_report_missing"]
    assert rules.automatic_compliance(**{**missing, "require_report": False}) == []
    assert rules.automatic_compliance(**{**missing, "last_closed_year": None}) == []


# --- conflicts of interest ------------------------------------------------------------------------

APPLICANT = dict(
    applicant_bin="150340000011",
    applicant_founder_hashes={"h-founder"},
    applicant_leader_hash="h-leader",
    applicant_member_hashes={"h-member", "h-employee"},
    applicant_founder_bins={"100140000022"},
    orgs_sharing_founders={"120540000033"},
    applicant_founded_bins={"180640000044"},
)
CLEAN_EXPERT = dict(expert_iin_hash="h-expert", expert_org_bins={"990140000055"}, declared_bins=set())


def test_unrelated_expert_has_no_conflict():
    assert rules.conflicts(**CLEAN_EXPERT, **APPLICANT) == []


@pytest.mark.parametrize(
    ("expert", "code"),
    [
        ({"expert_iin_hash": "h-founder"}, "founder"),
        ({"expert_iin_hash": "h-leader"}, "leader"),
        ({"expert_iin_hash": "h-member"}, "member"),
        ({"expert_iin_hash": "h-employee"}, "member"),
        ({"expert_org_bins": {"150340000011"}}, "own_organisation"),
        ({"expert_org_bins": {"100140000022"}}, "shared_founders"),  # expert's org founded the applicant
        ({"expert_org_bins": {"120540000033"}}, "shared_founders"),  # shares a founder with it
        ({"expert_org_bins": {"180640000044"}}, "shared_founders"),  # founded by the applicant
        ({"declared_bins": {"150340000011"}}, "declared"),
        ({"declared_bins": {"120540000033"}}, "declared"),
    ],
)
def test_each_conflict_case(expert, code):
    assert codes(rules.conflicts(**{**CLEAN_EXPERT, **expert}, **APPLICANT)) == [code]


def test_blank_identifiers_never_match():
    facts = {**APPLICANT, "applicant_leader_hash": "", "applicant_member_hashes": {""}}
    assert rules.conflicts(expert_iin_hash="", expert_org_bins={""}, declared_bins={""}, **facts) == []


def test_several_conflicts_are_all_reported():
    expert = {"expert_iin_hash": "h-leader", "expert_org_bins": {"150340000011"}, "declared_bins": {"150340000011"}}
    assert codes(rules.conflicts(**expert, **APPLICANT)) == ["leader", "own_organisation", "declared"]


# --- assignment ------------------------------------------------------------------------------------

def test_assignment_prefers_the_direction_then_the_least_loaded_with_id_tie_break():
    experts = [
        ExpertFacts(1, frozenset({"D01"}), load=2),
        ExpertFacts(2, frozenset({"D01"}), load=0),
        ExpertFacts(3, frozenset({"D02"}), load=0),
        ExpertFacts(4, frozenset({"D01"}), load=0),
        ExpertFacts(5, frozenset({"D02"}), load=1),
    ]
    plan = rules.assign([ApplicationFacts("a", "D01")], experts, per_application=3)
    assert plan.assignments == {"a": [2, 4, 1]}
    plan = rules.assign([ApplicationFacts("a", "D01")], experts, per_application=4)
    assert plan.assignments == {"a": [2, 4, 1, 3]}  # falls back to another direction
    assert plan.unstaffed == {}


def test_assignment_skips_conflicts_and_reports_unstaffed_applications():
    experts = [ExpertFacts(i, frozenset({"D01"})) for i in (1, 2, 3)]
    plan = rules.assign(
        [ApplicationFacts("a", "D01"), ApplicationFacts("b", "D01")], experts, conflicts={(1, "b")}
    )
    assert plan.assignments == {"a": [1, 2, 3], "b": [2, 3]}
    assert plan.unstaffed == {"b": 1}
    assert plan.loads == {1: 1, 2: 2, 3: 2}


def test_assignment_balances_load_across_applications():
    experts = [ExpertFacts(i, frozenset({"D01"})) for i in range(1, 7)]
    plan = rules.assign([ApplicationFacts(n, "D01") for n in range(4)], experts, per_application=3)
    assert sorted(plan.loads.values()) == [2, 2, 2, 2, 2, 2]


def test_reassign_after_recusal_never_brings_back_the_recused_or_conflicted():
    experts = [ExpertFacts(i, frozenset({"D01"}), load=i) for i in range(1, 6)]
    app = ApplicationFacts("a", "D01")
    assert rules.reassign(app, experts, assigned=[2, 3], recused=[1], conflicts={(4, "a")}) == [5]
    assert rules.reassign(app, experts, assigned=[2, 3, 5], recused=[1]) == []
    assert rules.reassign(app, experts[:3], assigned=[2, 3], recused=[1]) == []


@st.composite
def staffing(draw):
    n_experts = draw(st.integers(1, 8))
    directions = ["D01", "D02", "D03"]
    experts = [
        ExpertFacts(i, frozenset(draw(st.sets(st.sampled_from(directions), max_size=3))), draw(st.integers(0, 3)))
        for i in range(n_experts)
    ]
    apps = [ApplicationFacts(f"a{j}", draw(st.sampled_from(directions))) for j in range(draw(st.integers(0, 8)))]
    pairs = [(e.id, a.id) for e in experts for a in apps]
    conflicted = draw(st.sets(st.sampled_from(pairs), max_size=6)) if pairs else set()
    return experts, apps, conflicted, draw(st.integers(1, 4))


@given(staffing())
def test_assignment_never_uses_a_conflicted_expert_and_staffs_as_far_as_possible(case):
    experts, apps, conflicted, k = case
    plan = rules.assign(apps, experts, per_application=k, conflicts=conflicted)
    for app in apps:
        chosen = plan.assignments[app.id]
        assert len(set(chosen)) == len(chosen)
        assert not any((e, app.id) in conflicted for e in chosen)
        eligible = sum((e.id, app.id) not in conflicted for e in experts)
        assert len(chosen) == min(k, eligible)
        assert plan.unstaffed.get(app.id, 0) == k - len(chosen)
        matching = {e.id for e in experts if app.direction in e.directions and (e.id, app.id) not in conflicted}
        assert set(chosen) & matching == set(chosen[: len(set(chosen) & matching)])  # direction first
        if len(chosen) < len(matching):
            assert set(chosen) <= matching


@given(st.integers(1, 9), st.integers(0, 12), st.integers(1, 4), st.integers(0, 5))
def test_assignment_loads_stay_within_one_when_everyone_is_eligible(n_experts, n_apps, k, start_load):
    assume(k <= n_experts)
    experts = [ExpertFacts(i, frozenset({"D01"}), start_load) for i in range(n_experts)]
    plan = rules.assign([ApplicationFacts(j, "D01") for j in range(n_apps)], experts, per_application=k)
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    assert sum(plan.loads.values()) == start_load * n_experts + k * n_apps
    assert plan.unstaffed == {}


# --- scoring -------------------------------------------------------------------------------------

def test_criteria_weights_are_positive_percentages_adding_up_to_100():
    assert rules.criteria_weights_problem([30, 30, 25, 15]) is None
    assert rules.criteria_weights_problem([M("33.5"), M("33.5"), 33]) is None
    assert "90%" in text(rules.criteria_weights_problem([30, 30, 30]))
    assert "above zero" in text(rules.criteria_weights_problem([100, 0]))
    assert "at least one" in text(rules.criteria_weights_problem([]))
    assert rules.criteria_weights_problem([M("0.25")] * 4) is not None  # fractions of 1 are not accepted


def test_score_must_be_on_the_scale_and_justified():
    why = "The project answers a documented local need."
    assert rules.score_problem(7, 0, 10, why) is None
    assert rules.score_problem(0, 0, 10, why) is None
    assert rules.score_problem(10, 0, 10, why) is None
    assert "from 0 to 10" in text(rules.score_problem(11, 0, 10, why))
    assert rules.score_problem(-1, 0, 10, why) is not None
    assert "in writing" in text(rules.score_problem(5, 0, 10, "   "))
    assert "at least 20" in text(rules.score_problem(5, 0, 10, "Good."))
    assert rules.score_problem(5, 0, 10, "Good.", min_justification=5) is None


def test_aggregate_is_the_mean_of_the_experts_weighted_means_rounded_half_up():
    weights = {"relevance": 40, "innovation": 20, "feasibility": 25, "cost": 15}
    scores = {
        "e1": {"relevance": 8, "innovation": 6, "feasibility": 7, "cost": 9},  # 7.5
        "e2": {"relevance": 9, "innovation": 5, "feasibility": 8, "cost": 7},  # 7.65
        "e3": {"relevance": 6, "innovation": 7, "feasibility": 6, "cost": 6},  # 6.2
    }
    assert rules.aggregate(scores, weights) == M("7.12")  # 21.35 / 3
    assert rules.aggregate({"e": {"a": 1, "b": 2}}, {"a": 1, "b": 1}) == M("1.50")
    assert rules.aggregate({"e": {"a": 1}, "f": {"a": 2}, "g": {"a": 2}}, {"a": 100}) == M("1.67")
    assert rules.aggregate({"e": {"a": M("1.005")}}, {"a": 100}) == M("1.01")  # half-up, not half-even


def test_aggregate_refuses_incomplete_scores():
    with pytest.raises(ValueError):
        rules.aggregate({"e": {"a": 5}}, {"a": 50, "b": 50})
    with pytest.raises(ValueError):
        rules.aggregate({}, {"a": 100})


@given(
    st.lists(st.integers(1, 50), min_size=1, max_size=5).flatmap(
        lambda ws: st.tuples(
            st.just(ws),
            st.lists(st.lists(st.integers(0, 10), min_size=len(ws), max_size=len(ws)), min_size=1, max_size=6),
        )
    )
)
def test_aggregate_stays_within_the_scale_and_the_experts_range(case):
    weights_list, rows = case
    weights = {f"c{i}": w for i, w in enumerate(weights_list)}
    scores = {f"e{j}": {f"c{i}": s for i, s in enumerate(row)} for j, row in enumerate(rows)}
    total = rules.aggregate(scores, weights)
    assert total == total.quantize(M("0.01"))
    assert M(0) <= total <= M(10)
    flat = [s for row in rows for s in row]
    assert min(flat) <= total <= max(flat)


def test_disagreement_flags_criteria_ranging_over_more_than_40_percent_of_the_scale():
    scores = {
        "e1": {"relevance": 2, "innovation": 5, "cost": 5},
        "e2": {"relevance": 7, "innovation": 9, "cost": 5},
        "e3": {"relevance": 6, "innovation": 6, "cost": 6},
    }
    # Scale 0–10: more than 4 points apart. relevance 5 apart, innovation exactly 4 (not flagged).
    assert rules.disagreement(scores, 0, 10) == ["relevance"]
    assert rules.disagreement(scores, 0, 10, threshold=M("0.30")) == ["innovation", "relevance"]
    assert rules.disagreement({"e1": {"relevance": 2}}, 0, 10) == []


# --- ranking and allocation -----------------------------------------------------------------------

T = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def ranked(*items):
    return [Ranked(id=i, lot="L", total=M(0), submitted_at=T, requested=M(r)) for i, r in items]


def test_rank_per_lot_by_score_then_earlier_submission():
    apps = [
        Ranked("late", "L1", M("8.00"), T + dt.timedelta(hours=1)),
        Ranked("early", "L1", M("8.00"), T),
        Ranked("best", "L1", M("9.10"), T + dt.timedelta(days=2)),
        Ranked("other", "L2", M("5.00"), T),
    ]
    result = rules.rank(apps)
    assert [a.id for a in result["L1"]] == ["best", "early", "late"]
    assert [a.id for a in result["L2"]] == ["other"]


def funded(result):
    return [(f.id, f.amount, f.partial) for f in result]


def test_allocate_skips_an_application_that_no_longer_fits():
    lot = ranked(("a", 400), ("b", 700), ("c", 500), ("d", 200), ("e", 100))
    assert funded(rules.allocate(lot, M(1000))) == [("a", 400, False), ("c", 500, False), ("e", 100, False)]


def test_allocate_without_skipping_stops_at_the_first_that_does_not_fit():
    lot = ranked(("a", 400), ("b", 700), ("c", 100))
    assert funded(rules.allocate(lot, M(1000), skip_to_fit=False)) == [("a", 400, False)]


def test_allocate_with_partial_funding_gives_the_remainder_and_stops():
    lot = ranked(("a", 400), ("b", 700), ("c", 100))
    assert funded(rules.allocate(lot, M(1000), partial=True)) == [("a", 400, False), ("b", 600, True)]
    exact = ranked(("a", 1000), ("b", 700))
    assert funded(rules.allocate(exact, M(1000), partial=True)) == [("a", 1000, False)]


@given(
    st.lists(st.integers(1, 1000), max_size=12),
    st.integers(0, 3000),
    st.booleans(),
    st.booleans(),
)
def test_allocate_never_exceeds_the_budget_and_respects_the_ranking(requests, budget, skip, partial):
    lot = ranked(*[(i, r) for i, r in enumerate(requests)])
    result = rules.allocate(lot, M(budget), skip_to_fit=skip, partial=partial)
    ids = [f.id for f in result]
    assert sum(f.amount for f in result) <= budget
    assert ids == sorted(ids)  # in ranking order
    assert all(f.amount > 0 for f in result)
    assert sum(f.partial for f in result) <= (1 if partial else 0)
    if partial and result and result[-1].partial:
        assert sum(f.amount for f in result) == budget
    spent = M(0)
    got = {f.id: f for f in result}
    for i, r in enumerate(requests):
        if i in got:
            assert got[i].partial or got[i].amount == r
            spent += got[i].amount
        elif partial or not skip:
            # Funding stops at the first that does not fit: nothing after it is funded.
            assert all(j < i for j in got)
            break
        else:
            assert r > budget - spent  # skipped only when it no longer fits


# --- agreements -------------------------------------------------------------------------------------

START, END = D(2026, 5, 1), D(2027, 4, 30)


def test_tranches_add_up_within_the_period_in_order():
    ok = [(D(2026, 5, 15), M(600_000)), (D(2026, 11, 15), M(400_000))]
    assert rules.tranches_problem(ok, M(1_000_000), START, END) is None
    assert "add up to 1000000" in text(rules.tranches_problem(ok, M(1_200_000), START, END))
    outside = [(D(2026, 4, 30), M(600_000)), (D(2026, 11, 15), M(400_000))]
    assert "within the agreement's period" in text(rules.tranches_problem(outside, M(1_000_000), START, END))
    late = [(D(2026, 5, 15), M(600_000)), (D(2027, 5, 1), M(400_000))]
    assert rules.tranches_problem(late, M(1_000_000), START, END) is not None
    backwards = list(reversed(ok))
    assert "date order" in text(rules.tranches_problem(backwards, M(1_000_000), START, END))
    same_day = [(D(2026, 5, 15), M(600_000)), (D(2026, 5, 15), M(400_000))]
    assert "date order" in text(rules.tranches_problem(same_day, M(1_000_000), START, END))
    assert "more than zero" in text(rules.tranches_problem([(START, M(0))], M(0), START, END))
    assert "at least one" in text(rules.tranches_problem([], M(1), START, END))


def test_refund_is_between_zero_and_what_was_paid():
    assert rules.refund_problem(M(0), M(500)) is None
    assert rules.refund_problem(M(500), M(500)) is None
    assert "more than the 500" in text(rules.refund_problem(M(501), M(500)))
    assert rules.refund_problem(M(-1), M(500)) is not None


# --- monitoring -------------------------------------------------------------------------------------

def test_spending_within_tolerance_passes_and_overspend_is_warned():
    budget = {"salaries": M(1000), "rent": M(500)}
    assert rules.spending_problems(budget, {"salaries": M(1100), "rent": M(100)}) == []
    assert codes(rules.spending_problems(budget, {"salaries": M(1101)})) == ["line_overspent"]
    assert rules.spending_problems(budget, {"salaries": M(1101)}, tolerance_percent=20) == []
    assert codes(rules.spending_problems(budget, {"salaries": M(1100), "rent": M(500)})) == ["total_overspent"]
    assert codes(rules.spending_problems(budget, {"travel": M(10)})) == ["unbudgeted"]
    assert codes(rules.spending_problems(budget, {"rent": M(-10)})) == ["negative"]


def test_risk_flags():
    base = dict(today=D(2026, 7, 1), report_due_on=D(2026, 7, 10), report_submitted_on=None,
                overspent=False, is_final=False)
    assert rules.risk_flags(**base) == []
    assert codes(rules.risk_flags(**{**base, "today": D(2026, 7, 11)})) == ["late_report"]
    assert codes(rules.risk_flags(**{**base, "report_submitted_on": D(2026, 7, 12)})) == ["late_report"]
    assert rules.risk_flags(**{**base, "today": D(2026, 8, 1), "report_submitted_on": D(2026, 7, 10)}) == []
    assert codes(rules.risk_flags(**{**base, "overspent": True})) == ["overspent"]
    low = [(100, 30), (100, 60)]  # 45%
    assert rules.risk_flags(**{**base, "indicators": low}) == []  # only at the final report
    flags = rules.risk_flags(**{**base, "is_final": True, "indicators": low})
    assert codes(flags) == ["low_achievement"] and "45%" in text(flags[0].message)
    assert rules.risk_flags(**{**base, "is_final": True, "indicators": [(100, 30), (100, 70)]}) == []


def test_indicator_achievement_caps_each_indicator_at_its_target():
    assert rules.indicator_achievement([(100, 300), (100, 0)]) == M("0.5")
    assert rules.indicator_achievement([(0, 5)]) is None


# --- Agreement periods, tranches and reports owed (moved from services; used by the demo too) ---------

def test_add_months_keeps_within_the_target_month():
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert rules.add_months(dt.date(2026, 3, 15), -3) == dt.date(2025, 12, 15)


def test_agreement_period_starts_on_the_first_of_the_next_month():
    assert rules.agreement_period(dt.date(2026, 7, 20), 18) == (dt.date(2026, 8, 1), dt.date(2028, 1, 31))


def test_default_schedule_pays_yearly_with_the_remainder_first():
    schedule = rules.default_schedule(Decimal(1_000_001), dt.date(2026, 8, 1), 30)
    assert schedule == [(dt.date(2026, 8, 1), Decimal(333_335)), (dt.date(2027, 8, 1), Decimal(333_333)),
                        (dt.date(2028, 8, 1), Decimal(333_333))]
    assert rules.tranches_problem(schedule, Decimal(1_000_001), dt.date(2026, 8, 1), dt.date(2029, 1, 31)) is None


def test_report_periods_interim_yearly_and_final_at_the_end():
    assert rules.report_periods(dt.date(2026, 8, 1), dt.date(2028, 1, 31)) == [
        ("interim", dt.date(2026, 8, 1), dt.date(2027, 7, 31)),
        ("final", dt.date(2027, 8, 1), dt.date(2028, 1, 31)),
    ]
    assert rules.report_periods(dt.date(2026, 8, 1), dt.date(2027, 7, 31)) == [
        ("final", dt.date(2026, 8, 1), dt.date(2027, 7, 31))]
