"""Issue 5's rules as properties (hypothesis): the dumping floor, the tender's ranking, winners, the panel's
assignment, the award's selection and places, the average social effect, and who may be a customer."""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from qogam.funding import rules
from qogam.funding.rules import Funded, Ranked

FAST = settings(max_examples=200, deadline=None)

planned_amounts = st.integers(min_value=1, max_value=10**12)
# Floors in (0, 1]: as an administrator sets them (two decimals) and finer ones.
floors = st.one_of(
    st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 100),
    st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(1), places=6),
)


def _ceil(planned, floor) -> int:
    return math.ceil(Fraction(planned) * Fraction(floor))


# --- The dumping floor -----------------------------------------------------------------------------


@FAST
@given(planned=planned_amounts, floor=floors, data=st.data())
def test_a_bid_is_admissible_exactly_between_the_floor_and_the_planned_amount(planned, floor, data):
    lowest = _ceil(planned, floor)
    bid = data.draw(st.one_of(
        st.integers(min_value=1, max_value=2 * planned + 2),
        st.sampled_from([lowest - 1, lowest, lowest + 1, planned - 1, planned, planned + 1]).filter(lambda b: b > 0),
    ))
    admissible = lowest <= bid <= planned
    assert rules.bid_is_admissible(planned, bid, floor) is admissible
    problem = rules.bid_problem(planned, Decimal(bid), floor)
    assert (problem is None) is admissible
    if not admissible:
        assert problem.code == ("bid_above_planned" if bid > planned else "bid_below_floor")


@FAST
@given(planned=planned_amounts, floor=floors)
def test_the_lowest_admissible_bid_is_admissible_and_one_tenge_less_is_not(planned, floor):
    lowest = rules.lowest_admissible_bid(planned, floor)
    assert lowest == _ceil(planned, floor)
    assert lowest == lowest.to_integral_value() and 1 <= lowest <= planned
    assert rules.bid_is_admissible(planned, lowest, floor)
    assert not rules.bid_is_admissible(planned, lowest - 1, floor)
    assert rules.bid_is_admissible(planned, planned, floor)
    assert not rules.bid_is_admissible(planned, planned + 1, floor)


@FAST
@given(planned=planned_amounts)
def test_the_default_floor_is_twenty_percent_below(planned):
    assert rules.bid_is_admissible(planned, _ceil(planned, Decimal("0.8")))
    assert not rules.bid_is_admissible(planned, _ceil(planned, Decimal("0.8")) - 1)


@FAST
@given(floor=st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 100))
def test_the_explanation_names_how_far_below_a_bid_may_go(floor):
    percent = rules.percent_below(floor)
    assert Decimal(percent) == (1 - floor) * 100
    lowest = rules.lowest_admissible_bid(1_000_000, floor)
    problem = rules.bid_problem(1_000_000, lowest - 1, floor)
    assert problem.code == "bid_below_floor"
    with translation.override("en"):
        assert f"more than {percent}% below" in str(problem.message)
        assert f"the lowest admissible bid is {lowest} tenge" in str(problem.message)


def test_examples_of_the_floor():
    assert rules.bid_problem(5_000_000, Decimal(4_000_000), Decimal("0.80")) is None
    assert rules.bid_problem(5_000_000, Decimal(3_999_999), Decimal("0.80")).code == "bid_below_floor"
    assert rules.bid_problem(5_000_000, Decimal(5_000_001), Decimal("0.80")).code == "bid_above_planned"
    assert rules.bid_problem(5_000_000, Decimal(0), Decimal("0.80")).code == "bid_missing"
    assert rules.lowest_admissible_bid(999, Decimal("0.80")) == 800  # 799.2 rounds up
    assert rules.percent_below(Decimal("0.80")) == "20" and rules.percent_below(Decimal("0.875")) == "12.5"
    with pytest.raises(TypeError):
        rules.bid_problem(5_000_000, 4_000_000.0, Decimal("0.80"))
    with pytest.raises(ValueError):
        rules.bid_problem(5_000_000, Decimal(4_000_000), Decimal("1.5"))


# --- The tender's ranking and winners ---------------------------------------------------------------

BASE = dt.datetime(2026, 6, 1, 9, 0)


@st.composite
def bids(draw, max_size=12):
    n = draw(st.integers(min_value=0, max_value=max_size))
    return [Ranked(id=i, lot=draw(st.sampled_from("AB")), total=Decimal(draw(st.integers(0, 4))),
                   submitted_at=BASE + dt.timedelta(days=draw(st.integers(0, 3))),
                   requested=Decimal(draw(st.sampled_from([1_000_000, 2_000_000, 3_000_000]))))
            for i in range(n)]


@FAST
@given(items=bids(), shuffle=st.randoms(use_true_random=False))
def test_tender_ranking_highest_score_then_lower_price_then_earlier_bid(items, shuffle):
    ranked = rules.rank(items, by_price=True)
    assert sorted(a.id for lot in ranked.values() for a in lot) == sorted(a.id for a in items)
    for lot, row in ranked.items():
        assert all(a.lot == lot for a in row)
        for first, second in zip(row, row[1:], strict=False):
            assert first.total >= second.total
            if first.total == second.total:
                assert first.requested <= second.requested
                if first.requested == second.requested:
                    assert (first.submitted_at, first.id) < (second.submitted_at, second.id)
    shuffled = list(items)
    shuffle.shuffle(shuffled)
    assert rules.rank(shuffled, by_price=True) == ranked  # the order of the input does not matter


@FAST
@given(items=bids())
def test_without_price_ties_go_to_the_earlier_submission_whatever_the_price(items):
    ranked = rules.rank(items)
    for row in ranked.values():
        for first, second in zip(row, row[1:], strict=False):
            assert first.total >= second.total
            if first.total == second.total:
                assert (first.submitted_at, first.id) < (second.submitted_at, second.id)


def test_the_tie_break_examples():
    cheap = Ranked(1, "L", Decimal(8), BASE + dt.timedelta(days=2), Decimal(4_000_000))
    dear = Ranked(2, "L", Decimal(8), BASE, Decimal(4_500_000))
    early = Ranked(3, "L", Decimal(8), BASE - dt.timedelta(days=1), Decimal(4_000_000))
    best = Ranked(4, "L", Decimal(9), BASE + dt.timedelta(days=5), Decimal(5_000_000))
    assert [a.id for a in rules.rank([cheap, dear, early, best], by_price=True)["L"]] == [4, 3, 1, 2]
    assert [a.id for a in rules.rank([cheap, dear, early, best])["L"]] == [4, 3, 2, 1]


@FAST
@given(items=bids(), places=st.integers(min_value=-1, max_value=4))
def test_winners_are_the_first_places_at_their_own_price(items, places):
    for row in rules.rank(items, by_price=True).values():
        won = rules.winners(row, places)
        assert won == [Funded(a.id, a.requested) for a in row[:max(places, 0)]]
        assert len(won) == min(max(places, 0), len(row))


def test_a_winners_price_is_whole_tenge():
    with pytest.raises(ValueError):
        rules.winners([Ranked(1, "L", Decimal(8), BASE, Decimal("10.5"))], 1)


# --- The commission or working group on every application -------------------------------------------


@FAST
@given(
    n_applications=st.integers(min_value=0, max_value=8),
    panel=st.lists(st.integers(min_value=1, max_value=50), max_size=8, unique=True),
    minimum=st.integers(min_value=1, max_value=5),
    data=st.data(),
)
def test_every_member_scores_every_application_except_where_conflicted(n_applications, panel, minimum, data):
    applications = [rules.ApplicationFacts(100 + i, "education") for i in range(n_applications)]
    pairs = [(m, a.id) for m in panel for a in applications]
    conflicts = set(data.draw(st.lists(st.sampled_from(pairs), unique=True))) if pairs else set()
    plan = rules.assign_panel(applications, panel, minimum=minimum, conflicts=conflicts)
    assert set(plan.assignments) == {a.id for a in applications}
    for a in applications:
        assert plan.assignments[a.id] == [m for m in panel if (m, a.id) not in conflicts]  # the panel's order
        missing = minimum - len(plan.assignments[a.id])
        assert plan.unstaffed.get(a.id, 0) == max(missing, 0)
    assert plan.loads == {m: sum(m in chosen for chosen in plan.assignments.values()) for m in panel}


# --- Awards ----------------------------------------------------------------------------------------


@FAST
@given(budget=st.integers(min_value=0, max_value=10**10), unit=st.integers(min_value=1, max_value=10**9))
def test_award_places_are_the_awards_the_fund_pays_in_full(budget, unit):
    places = rules.award_places(budget, unit)
    assert places >= 0 and places * unit <= budget < (places + 1) * unit


def test_award_places_need_a_positive_whole_amount():
    for unit in (0, -5):
        with pytest.raises(ValueError):
            rules.award_places(1_000, unit)
    with pytest.raises(ValueError):
        rules.award_places(1_000, Decimal("0.5"))


@FAST
@given(data=st.data(), lots=st.lists(st.sampled_from("ABC"), min_size=1, max_size=3, unique=True))
def test_the_commission_selects_within_the_shortlist_and_the_number_of_awards(data, lots):
    ids = st.integers(min_value=1, max_value=12)
    shortlisted = {lot: data.draw(st.sets(ids, max_size=6)) for lot in lots}
    selected = {lot: data.draw(st.sets(ids, max_size=6)) for lot in lots}
    places = {lot: data.draw(st.integers(min_value=0, max_value=4)) for lot in lots}
    problems = rules.award_selection_problems(selected, shortlisted, places)
    for lot in lots:
        if not selected[lot] <= shortlisted[lot]:
            assert problems[lot].code == "not_shortlisted"
        elif len(selected[lot]) > places[lot]:
            assert problems[lot].code == "too_many"
        else:
            assert lot not in problems
    assert set(problems) <= set(lots)


def test_a_selection_in_a_category_without_a_shortlist_is_refused():
    problems = rules.award_selection_problems({"X": {1}}, {}, {"X": 3})
    assert problems["X"].code == "not_shortlisted"
    assert rules.award_selection_problems({"X": set()}, {}, {}) == {}


@FAST
@given(ranked=bids(), size=st.integers(min_value=-1, max_value=6))
def test_the_default_shortlist_is_the_best_scored(ranked, size):
    for row in rules.rank(ranked).values():
        assert rules.shortlist(row, size) == [a.id for a in row[:max(size, 0)]]


# --- The average social effect ----------------------------------------------------------------------

CODES = [code for code, _label in rules.EFFECT_DIMENSIONS]
effect_value = st.integers(min_value=0, max_value=100).map(lambda n: Decimal(n) / 10)


@FAST
@given(reviews=st.lists(st.fixed_dictionaries({c: effect_value for c in CODES}), max_size=6),
       shuffle=st.randoms(use_true_random=False))
def test_the_effect_is_the_mean_of_each_dimension_and_of_the_dimensions(reviews, shuffle):
    scores = [{c: {"value": str(v), "justification": "x" * 20} for c, v in r.items()} for r in reviews]
    result = rules.effect_average(scores)
    if not reviews:
        assert result == {}
        return
    assert set(result) == {*CODES, "total"}
    for code in CODES:
        exact = Fraction(sum(Fraction(r[code]) for r in reviews), len(reviews))
        assert abs(Fraction(result[code]) - exact) <= Fraction(1, 200)
        assert min(r[code] for r in reviews) <= result[code] <= max(r[code] for r in reviews)
    mean = Fraction(sum(Fraction(result[c]) for c in CODES), len(CODES))
    assert abs(Fraction(result["total"]) - mean) <= Fraction(1, 200)
    assert all(v == v.quantize(Decimal("0.01")) for v in result.values())
    shuffled = list(scores)
    shuffle.shuffle(shuffled)
    assert rules.effect_average(shuffled) == result


def test_five_dimensions_of_social_effect():
    assert CODES == ["way_of_life", "culture", "identity", "environment", "aspirations"]
    scores = {c: {"value": "7", "justification": "Жоба ауыл тұрмысына әсер етті."} for c in CODES}
    assert rules.effect_problems(scores, 0, 10) == {}
    del scores["identity"]
    assert set(rules.effect_problems({**scores, "culture": {"value": "11", "justification": "x" * 30}}, 0, 10)) == {
        "identity.value", "culture.value"}


# --- Customers ------------------------------------------------------------------------------------

LEVELS = ["central", "regional", "city", "district", "quasi_public", None]


@FAST
@given(level=st.sampled_from(LEVELS), allowed=st.sets(st.sampled_from(LEVELS[:5])))
def test_a_customer_level_is_accepted_iff_allowed(level, allowed):
    problem = rules.customer_level_problem(level, allowed)
    if not allowed or level in allowed:
        assert problem is None
    else:
        assert problem.code == ("customer_not_central" if allowed == {"central"} else "customer_level")


def test_mechanisms_levels():
    from qogam.funding.mechanisms import mechanism

    for level in ("central", "regional", "city", "district"):
        assert rules.customer_level_problem(level, mechanism("social_order").customer_levels) is None
    for level in ("regional", "city", "district", "quasi_public", None):
        for code in ("partnership", "award"):
            assert rules.customer_level_problem(level, mechanism(code).customer_levels).code == "customer_not_central"
    assert rules.customer_level_problem("quasi_public", mechanism("social_order").customer_levels).code == (
        "customer_level")
    assert rules.customer_level_problem("district", mechanism("grant").customer_levels) is None
    assert [rules.budget_level(level) for level in LEVELS] == [
        "republican", "local", "local", "local", "republican", "republican"]
