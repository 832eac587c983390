"""Issue 5, NGO awards (DOMAIN §4.3): a call with categories, applications for contribution already made,
two stages (the working group scores and shortlists; the expert commission decides among the shortlist
within the category's number of awards), the award's amount per awardee, one payment and no reports."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from qogam.accounts.models import Role
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.funding import services
from qogam.funding.models import Application, Assignment, Shortlist
from tests.factories import StateBodyFactory
from tests.funding.mechanism_world import (
    award_application,
    award_world,
    contribution,
    enrolled,
    score,
    scored_award_call,
)
from tests.funding.world import staff

pytestmark = pytest.mark.django_db


def _statuses(applications):
    for a in applications:
        a.refresh_from_db()
    return [a.status for a in applications]


def test_the_working_group_scores_and_shortlists_by_default_then_the_commission_awards(funding_clock):
    w = award_world(funding_clock, budget=2_000_000, unit_amount=1_000_000)  # 2 awards in the category
    assert services.award_places(w.call) == {w.lot.pk: 2}
    applications = scored_award_call(w, funding_clock, [5, 6, 7, 8, 9, 4])
    # Stage 1 is the working group's: every member on every application, nobody from the expert pool.
    members = {m.expert.pk for m in w.group}
    for application in applications:
        assert set(Assignment.objects.filter(application=application).values_list("expert", flat=True)) == members
    assert _statuses(applications) == ["scored"] * 6

    for outsider in (w.commission[0], w.operator):
        with pytest.raises(PermissionDeniedError):
            services.shortlist_decide(actor=outsider, call=w.call, minutes="Хаттама")
    with pytest.raises(Conflict):  # the commission decides only after the shortlist
        services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама")
    with pytest.raises(ValidationFailed):
        services.shortlist_decide(actor=w.group[0], call=w.call, minutes="  ")

    # Default size: funding.shortlist_per_award (2) per award, so 4 of 6, best scored first.
    shortlist = services.shortlist_decide(actor=w.group[1], call=w.call, minutes="Жұмыс тобының хаттамасы №1")
    assert isinstance(shortlist, Shortlist) and shortlist.decided_by == w.group[1]
    _statuses(applications)
    by_score = sorted(applications, key=lambda a: -a.total_score)
    assert [a.status for a in by_score] == ["shortlisted"] * 4 + ["not_funded"] * 2
    assert [a.rank for a in by_score] == [1, 2, 3, 4, 5, 6]
    w.call.refresh_from_db()
    assert w.call.status == "shortlisted"
    with pytest.raises(Conflict):
        services.shortlist_decide(actor=w.group[0], call=w.call, minutes="Қайта")

    # Stage 2: the commission; a working group member cannot decide.
    with pytest.raises(PermissionDeniedError):
        services.call_decide(actor=w.group[0], call=w.call, minutes="Хаттама")
    services.call_decide(actor=w.commission[1], call=w.call, minutes="Комиссия хаттамасы")
    assert _statuses(by_score) == ["funded"] * 2 + ["not_funded"] * 4
    funded = by_score[:2]
    assert [a.awarded_amount for a in funded] == [Decimal(1_000_000)] * 2
    assert [a.rank for a in by_score] == [1, 2, 3, 4, 5, 6]  # the working group's ranking stands


def test_an_explicit_shortlist_and_the_commissions_choice_within_it(funding_clock):
    w = award_world(funding_clock, budget=2_000_000, unit_amount=1_000_000)
    a0, a1, a2, a3, a4 = scored_award_call(w, funding_clock, [9, 8, 7, 6, 5])
    for wrong in ([], [a0.pk, 999_999]):
        with pytest.raises(ValidationFailed) as refused:
            services.shortlist_decide(actor=w.group[0], call=w.call, minutes="Хаттама", shortlisted=wrong)
        assert "shortlisted" in refused.value.fields
    # The working group may shortlist other than the best scored, with its minutes.
    services.shortlist_decide(actor=w.group[0], call=w.call, minutes="Хаттама", shortlisted=[a1.pk, a3.pk, a4.pk],
                              decided_on="2026-07-02")
    assert _statuses([a0, a1, a2, a3, a4]) == ["not_funded", "shortlisted", "not_funded", "shortlisted", "shortlisted"]
    assert w.call.shortlist.decided_on == dt.date(2026, 7, 2)

    # Only the shortlisted can be awarded, and no more than the category's awards (2).
    for selected, problem in (([a0.pk], "shortlist"), ([a1.pk, a3.pk, a4.pk], "2 awards")):
        with translation.override("en"), pytest.raises(ValidationFailed) as refused:
            services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама", selected=selected)
        assert refused.value.code == "invalid_selection"
        assert problem in " ".join(refused.value.fields["selected"])
    assert services.allocation(w.call, [a3.pk, a4.pk])[w.lot.pk] == [
        services.rules.Funded(a3.pk, Decimal(1_000_000)), services.rules.Funded(a4.pk, Decimal(1_000_000))]
    services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама", selected=[a4.pk, a3.pk])
    assert _statuses([a0, a1, a2, a3, a4]) == ["not_funded", "not_funded", "not_funded", "funded", "funded"]
    assert {a.awarded_amount for a in (a3, a4)} == {Decimal(1_000_000)}
    assert a1.awarded_amount is None


def test_an_award_is_one_payment_on_the_decision_day_with_no_reports(funding_clock):
    w = award_world(funding_clock)  # 4 awards of 1,000,000
    applications = scored_award_call(w, funding_clock, [8, 7])
    services.shortlist_decide(actor=w.group[0], call=w.call, minutes="Хаттама")
    funding_clock.set(dt.date(2026, 7, 3))
    services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама")
    for application in applications:
        application.refresh_from_db()
        agreement = application.agreement
        assert agreement.number.startswith("AW-2026-")
        assert (agreement.amount, agreement.start_on, agreement.end_on) == (
            Decimal(1_000_000), dt.date(2026, 7, 3), dt.date(2026, 7, 3))
        assert [(t.number, t.due_on, t.amount) for t in agreement.tranches.all()] == [
            (1, dt.date(2026, 7, 3), Decimal(1_000_000))]
        assert not agreement.schedule.exists()
    agreement = applications[0].agreement
    services.agreement_sign(actor=w.operator, agreement=agreement)
    rep = applications[0].organisation.representations.get().user
    services.agreement_sign(actor=rep, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "active"
    services.tranche_pay(actor=w.operator, tranche=agreement.tranches.get())


def test_the_amount_is_the_categorys_award_whatever_the_applicant_asks(funding_clock):
    w = award_world(funding_clock, unit_amount=750_000)
    application, _rep = award_application(w, data=contribution(requested_amount="99999999", months=12))
    assert application.requested_amount == 750_000
    assert application.latest.content["requested_amount"] == "750000"


@pytest.mark.parametrize(("data", "field"), [
    (contribution(year="2027"), "achievements.0.year"),  # the award is for contribution already made
    (contribution(year="1985"), "achievements.0.year"),
    (contribution(achievements=[]), "achievements"),
    (contribution(achievements=[{"year": "2024", "achievement": "", "evidence": "Есеп"}]),
     "achievements.0.achievement"),
    (contribution(years_active=0), "years_active"),
    (contribution(summary=""), "summary"),
    (contribution(recognition=""), "recognition"),
])
def test_contribution_content_rules(funding_clock, data, field):
    w = award_world(funding_clock)
    application, rep = award_application(w, data=data, submit=False)
    assert field in services.content_problems(application)
    with pytest.raises(ValidationFailed) as refused:
        services.application_submit(actor=rep, application=application)
    assert field in refused.value.fields
    application.refresh_from_db()
    assert application.status == "draft"


def test_this_years_achievements_count(funding_clock):
    w = award_world(funding_clock)
    application, _rep = award_application(w, data=contribution(year="2026"))
    assert application.status == "submitted"
    with pytest.raises(ValidationFailed) as refused:
        award_application(w, data=contribution(year="last year"))
    assert "achievements.0.year" in refused.value.fields


def test_the_shortlist_waits_for_every_score(funding_clock):
    w = award_world(funding_clock)
    applications = [award_application(w)[0] for _ in range(2)]
    funding_clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=w.operator, call=w.call)
    for a in applications:
        services.compliance_decide(actor=w.operator, application=a, checklist={}, outcome="admitted")
    services.evaluation_start(actor=w.operator, call=w.call)
    score(applications[0], 7)
    with pytest.raises(ValidationFailed) as refused:
        services.shortlist_decide(actor=w.group[0], call=w.call, minutes="Хаттама")
    assert refused.value.code == "not_scored"
    assert not Shortlist.objects.exists()
    assert Application.objects.filter(status="shortlisted").count() == 0


def test_an_award_call_needs_a_working_group_of_three_and_an_amount_per_category(funding_clock):
    w = award_world(funding_clock)
    lot = {"title": "Санат", "direction": "education", "budget": 2_000_000, "rationale": "r", "unit_amount": 500_000}
    kwargs = {"actor": w.operator, "programme": w.programme, "title_kk": "С", "opens_on": dt.date(2026, 6, 1),
              "closes_on": dt.date(2026, 6, 25), "committee": w.commission}
    for group, lots, field in (
        (w.group[:2], [lot], "working_group"),
        (w.commission + [w.group[0]], [lot], "working_group"),
        (w.group, [{**lot, "unit_amount": None}], "lots.0.unit_amount"),
        (w.group, [{**lot, "unit_amount": 2_000_001}], "lots.0.unit_amount"),
        (w.group, [{**lot, "unit_amount": 0}], "lots.0.unit_amount"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.call_create(**kwargs, working_group=group, lots=lots)
        assert field in refused.value.fields
    two = services.call_create(**kwargs, working_group=w.group, lots=[lot, {**lot, "unit_amount": 1_000_000}])
    assert sorted(services.award_places(two).values()) == [2, 4]


def test_awards_are_national_and_run_by_the_operator(funding_clock):
    operator = staff(Role.OPERATOR)
    for level in ("regional", "city", "district"):
        with pytest.raises(ValidationFailed) as refused:
            services.programme_create(actor=operator, mechanism="award", year=2026, title_kk="С",
                                      budget=Decimal(1_000_000), funder_kind="ministry",
                                      funder_body=StateBodyFactory(level=level), directions=["education"])
        assert "funder_body" in refused.value.fields
    ministry = StateBodyFactory(level="central", kind="ministry")
    with pytest.raises(PermissionDeniedError):
        services.programme_create(actor=staff(Role.OFFICIAL, state_body=ministry), mechanism="award", year=2026,
                                  title_kk="С", budget=Decimal(1_000_000), funder_kind="ministry",
                                  funder_body=ministry, directions=["education"])


def test_a_working_group_member_with_a_conflict_is_left_out(funding_clock):
    from tests.funding.mechanism_world import founded_by

    w = award_world(funding_clock)
    fourth, iin = enrolled(Role.WORKING_GROUP, w.operator)
    w.call.working_group.add(fourth)
    application, _rep = award_application(w)
    other, _rep = award_application(w)
    founded_by(application.organisation, iin)
    funding_clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=w.operator, call=w.call)
    for a in (application, other):
        services.compliance_decide(actor=w.operator, application=a, checklist={}, outcome="admitted")
    services.evaluation_start(actor=w.operator, call=w.call)
    assert fourth.expert.pk not in set(Assignment.objects.filter(application=application).values_list("expert",
                                                                                                    flat=True))
    assert Assignment.objects.filter(application=application).count() == 3
    assert Assignment.objects.filter(application=other).count() == 4
