"""Issue 5, state social order, end to end through the services on the patched clock: topics proposed
bottom up and discussed in public, a tender with the dumping floor, a commission's scoring with conflicts
of interest left out, the winner (highest score; ties to the lower price, then the earlier bid), the
multi-year contract with yearly stages signed by the customer body, reports, and the evaluation of the
social effect by public experts. Customers at every level (republican, regional, city, district)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.core.calendar import WorkingCalendar
from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.funding import rules, services
from qogam.funding.models import Agreement, Assignment, ComplianceCheck, EffectReview, Programme, Topic
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.mechanism_world import (
    JUSTIFICATION,
    PROBLEM,
    admit_all,
    bid,
    founded_by,
    score,
    sso_world,
    tender,
    upload_documents,
    won_contract,
)
from tests.funding.world import application_data, staff

pytestmark = pytest.mark.django_db

REPORT = {"indicators": [{"indicator": "Оңалту алған балалар", "target": "200", "achieved": "190"}],
          "beneficiaries": "190", "spending": {"Тренерлер": "1000000"}, "narrative": "Жоспар бойынша орындалды."}


def _effect_scores(value, culture=None):
    return {code: {"value": str(culture if code == "culture" and culture is not None else value),
                   "justification": JUSTIFICATION}
            for code, _label in rules.EFFECT_DIMENSIONS}


# --- Topics, bottom up ------------------------------------------------------------------------------


def test_topics_are_proposed_discussed_and_decided_after_the_discussion(funding_clock):
    w = sso_world(funding_clock)  # has a topic of its own; here two more, addressed to the same akimat
    funding_clock.set(dt.date(2026, 5, 1))
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    neighbour = mark_otp_verified(UserFactory(role=Role.NGO))

    by_citizen = services.topic_propose(actor=citizen, body=w.body, title="Ауыл балаларына оңалту",
                                        problem=PROBLEM, direction="education", region="750000000")
    by_ngo = services.topic_propose(actor=w.reps[0], body=w.body, title="Жастар орталығы", problem=PROBLEM,
                                    direction="youth", organisation=w.organisations[0])
    assert by_citizen.status == by_ngo.status == "discussion"
    assert by_citizen.organisation is None and by_ngo.organisation == w.organisations[0]
    # Open for public discussion for the configured period (funding.topic_discussion_days = 30).
    assert by_citizen.discussion_until == dt.date(2026, 5, 31)

    # Only a representative proposes on an organisation's behalf; a problem is described properly.
    with pytest.raises(PermissionDeniedError):
        services.topic_propose(actor=citizen, body=w.body, title="T", problem=PROBLEM, direction="education",
                               organisation=w.organisations[0])
    with pytest.raises(ValidationFailed) as short:
        services.topic_propose(actor=citizen, body=w.body, title="T", problem="Тым қысқа.", direction="education")
    assert "problem" in short.value.fields

    services.topic_support(actor=neighbour, topic=by_citizen)
    services.topic_support(actor=w.reps[1], topic=by_citizen)
    with pytest.raises(Conflict):
        services.topic_support(actor=neighbour, topic=by_citizen)
    services.topic_comment(actor=neighbour, topic=by_citizen, text="Біздің ауылда да осындай мәселе бар.")
    services.topic_comment(actor=w.official, topic=by_citizen, text="Қарастырамыз.")
    assert by_citizen.supports.count() == 2
    assert list(by_citizen.comments.values_list("author", flat=True)) == [neighbour.pk, w.official.pk]

    # The body decides only after the discussion, and only the body the topic is addressed to.
    funding_clock.set(dt.date(2026, 5, 31))
    with pytest.raises(Conflict) as early:
        services.topic_decide(actor=w.official, topic=by_citizen, accept=True, reason="Иә.")
    assert early.value.code == "discussion_open"
    funding_clock.set(dt.date(2026, 6, 1))
    other_official = staff(Role.OFFICIAL, state_body=StateBodyFactory(level="regional"))
    with pytest.raises(PermissionDeniedError):
        services.topic_decide(actor=other_official, topic=by_citizen, accept=True, reason="Иә.")
    with pytest.raises(ValidationFailed):
        services.topic_decide(actor=w.official, topic=by_citizen, accept=True, reason="  ")
    # The discussion is over: no more support or comments.
    with pytest.raises(Conflict):
        services.topic_support(actor=w.reps[2], topic=by_citizen)
    with pytest.raises(Conflict):
        services.topic_comment(actor=neighbour, topic=by_citizen, text="Кеш.")

    accepted = services.topic_decide(actor=w.official, topic=by_citizen, accept=True,
                                     reason="Қабылданды, 2026 жылғы тапсырысқа енеді.")
    rejected = services.topic_decide(actor=w.official, topic=by_ngo, accept=False, reason="Бюджетте қаражат жоқ.")
    assert (accepted.status, accepted.decided_by, accepted.decision_reason) == (
        "accepted", w.official, "Қабылданды, 2026 жылғы тапсырысқа енеді.")
    assert rejected.status == "rejected"
    with pytest.raises(Conflict):
        services.topic_decide(actor=w.official, topic=rejected, accept=True, reason="Қайта қарадық.")


def test_an_accepted_topic_becomes_a_lot_with_a_public_link(funding_clock):
    w = sso_world(funding_clock)
    # sso_world: an akimat official announced the call with the accepted topic as its lot.
    assert w.official.role == Role.OFFICIAL and w.body.kind == "akimat"
    assert w.topic.status == "in_lot"
    assert w.lot.topic == w.topic
    assert list(w.topic.lots.all()) == [w.lot]
    assert w.lot.terms_of_reference and w.lot.max_months == 36
    assert w.call.code.startswith("SO-2026-")

    lot = {"title": "Лот", "direction": "education", "budget": 1_000_000, "rationale": "r",
           "terms_of_reference": "ТТ", "max_months": 12}
    # A topic already in a lot, a topic still under discussion, a rejected one and another body's are refused.
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    discussed = services.topic_propose(actor=citizen, body=w.body, title="Т", problem=PROBLEM, direction="education")
    other_body = StateBodyFactory(level="regional")
    foreign = services.topic_propose(actor=citizen, body=other_body, title="Т", problem=PROBLEM,
                                     direction="education")
    funding_clock.set(dt.date(2026, 7, 15))
    services.topic_decide(actor=staff(Role.OFFICIAL, state_body=other_body), topic=foreign, accept=True, reason="Иә.")
    for topic in (w.topic, discussed, foreign):
        with pytest.raises(ValidationFailed) as refused:
            services.call_create(actor=w.official, programme=w.programme, title_kk="К", opens_on=dt.date(2026, 7, 20),
                                 closes_on=dt.date(2026, 8, 15), committee=w.commission,
                                 lots=[{**lot, "topic": topic.pk}])
        assert "lots.0.topic" in refused.value.fields
    # The same accepted topic cannot make two lots of one call.
    services.topic_decide(actor=w.official, topic=discussed, accept=True, reason="Иә.")
    with pytest.raises(ValidationFailed) as twice:
        services.call_create(actor=w.official, programme=w.programme, title_kk="К", opens_on=dt.date(2026, 7, 20),
                             closes_on=dt.date(2026, 8, 15), committee=w.commission,
                             lots=[{**lot, "topic": discussed.pk}, {**lot, "topic": discussed.pk}])
    assert "lots.1.topic" in twice.value.fields
    assert Topic.objects.get(pk=discussed.pk).status == "accepted"


def test_a_cancelled_call_gives_its_topics_back(funding_clock):
    w = sso_world(funding_clock)
    services.call_cancel(actor=w.official, call=w.call, reason="Бюджет қайта бөлінді.")
    w.topic.refresh_from_db()
    assert w.topic.status == "accepted"
    again = services.call_create(
        actor=w.official, programme=w.programme, title_kk="Қайта", opens_on=dt.date(2026, 6, 10),
        closes_on=dt.date(2026, 7, 5), committee=w.commission,
        lots=[{"title": "Лот", "direction": "education", "budget": 1_000_000, "rationale": "r",
               "terms_of_reference": "ТТ", "max_months": 12, "topic": w.topic.pk}])
    assert w.topic.lots.count() == 2 and again.lots.get().topic == w.topic


def test_a_tender_lot_needs_terms_of_reference_and_a_commission_of_three(funding_clock):
    w = sso_world(funding_clock)
    lot = {"title": "Лот", "direction": "education", "budget": 1_000_000, "rationale": "r", "max_months": 12}
    with pytest.raises(ValidationFailed) as refused:
        services.call_create(actor=w.official, programme=w.programme, title_kk="К", opens_on=dt.date(2026, 6, 10),
                             closes_on=dt.date(2026, 7, 5), committee=w.commission[:2], lots=[lot])
    assert {"lots.0.terms_of_reference", "committee"} <= set(refused.value.fields)
    with pytest.raises(ValidationFailed) as too_long:
        services.call_create(actor=w.official, programme=w.programme, title_kk="К", opens_on=dt.date(2026, 6, 10),
                             closes_on=dt.date(2026, 7, 5), committee=w.commission,
                             lots=[{**lot, "terms_of_reference": "ТТ", "max_months": 37}])
    assert "lots.0.max_months" in too_long.value.fields


# --- The tender: the dumping floor, charter, compliance ---------------------------------------------


def test_bids_above_planned_or_more_than_20_percent_below_are_refused_with_an_explanation(funding_clock):
    w = sso_world(funding_clock)  # lot planned at 5,000,000 KZT, default floor 0.80
    assert w.call.price_floor == Decimal("0.80")
    services.call_publish(actor=w.official, call=w.call)
    above = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=5_000_001, submit=False)
    dumping = bid(w.call, w.lot, w.organisations[1], w.reps[1], amount=3_999_999, submit=False)
    at_floor = bid(w.call, w.lot, w.organisations[2], w.reps[2], amount=4_000_000, submit=False)
    at_planned = bid(w.call, w.lot, w.organisations[3], w.reps[3], amount=5_000_000, submit=False)

    with translation.override("en"):
        # Explained before submission, on the draft (what the form shows next to the price).
        explanation = " ".join(services.content_problems(dumping)["requested_amount"])
        assert "more than 20% below the planned amount of 5000000 tenge" in explanation
        assert "the lowest admissible bid is 4000000 tenge" in explanation
        assert "5000000" in " ".join(services.content_problems(above)["requested_amount"])
        assert "requested_amount" not in services.content_problems(at_floor)
        assert services.bid_problem(above).code == "bid_above_planned"
        assert services.bid_problem(dumping).code == "bid_below_floor"
        assert services.bid_problem(at_floor) is None
        for rep, refused in ((w.reps[0], above), (w.reps[1], dumping)):
            with pytest.raises(ValidationFailed) as error:
                services.application_submit(actor=rep, application=refused)
            assert "requested_amount" in error.value.fields
    for rep, admitted in ((w.reps[2], at_floor), (w.reps[3], at_planned)):
        services.application_submit(actor=rep, application=admitted)
        admitted.refresh_from_db()
        assert admitted.status == "submitted" and admitted.requested_amount in (4_000_000, 5_000_000)
    above.refresh_from_db()
    dumping.refresh_from_db()
    assert above.status == dumping.status == "draft"


def test_an_npo_whose_charter_lacks_the_direction_is_rejected_by_the_automatic_checks(funding_clock):
    w = sso_world(funding_clock)
    services.call_publish(actor=w.official, call=w.call)
    ours = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=4_500_000)
    outsider = bid(w.call, w.lot, w.outsider, w.outsider_rep, amount=4_500_000)
    funding_clock.set(dt.date(2026, 7, 1))
    services.call_close(actor=w.official, call=w.call)
    assert ComplianceCheck.objects.get(application=ours).automatic == []
    automatic = ComplianceCheck.objects.get(application=outsider).automatic
    assert [a["code"] for a in automatic] == ["direction_outside_charter"]
    with pytest.raises(ValidationFailed) as refused:
        services.compliance_decide(actor=w.official, application=outsider, checklist={}, outcome="admitted")
    assert "outcome" in refused.value.fields
    check = services.compliance_decide(actor=w.official, application=outsider, checklist={}, outcome="rejected")
    assert check.outcome == "rejected" and check.reasons
    outsider.refresh_from_db()
    assert outsider.status == "rejected"
    # The customer body runs its own tender: the grant operator and another body's official do not.
    for stranger in (w.operator, staff(Role.OFFICIAL, state_body=StateBodyFactory(level="regional"))):
        with pytest.raises(PermissionDeniedError):
            services.compliance_decide(actor=stranger, application=ours, checklist={}, outcome="admitted")


def test_the_charter_is_checked_against_the_lots_direction_not_the_bids(funding_clock):
    """A bidder cannot pass the charter check by naming a direction of its own charter in its bid."""
    w = sso_world(funding_clock)
    services.call_publish(actor=w.official, call=w.call)
    outsider = services.application_create(
        actor=w.outsider_rep, call=w.call, lot=w.lot, organisation=w.outsider, language="ru", title="Спорт",
        data=application_data(amount=4_500_000, months=12, direction="sport"))
    upload_documents(w.outsider_rep, outsider)
    outsider.refresh_from_db()
    services.application_submit(actor=w.outsider_rep, application=outsider)
    funding_clock.set(dt.date(2026, 7, 1))
    services.call_close(actor=w.official, call=w.call)
    assert [a["code"] for a in ComplianceCheck.objects.get(application=outsider).automatic] == [
        "direction_outside_charter"]


def test_the_floor_can_be_set_per_call(funding_clock):
    w = sso_world(funding_clock, price_floor="0.70")
    assert w.call.price_floor == Decimal("0.70")
    services.call_publish(actor=w.official, call=w.call)
    lowest = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=3_500_000)
    below = bid(w.call, w.lot, w.organisations[1], w.reps[1], amount=3_499_999, submit=False)
    assert lowest.status == "submitted"
    with translation.override("en"):
        assert "more than 30% below" in " ".join(services.content_problems(below)["requested_amount"])
    lot = {"title": "Лот", "direction": "education", "budget": 1_000_000, "rationale": "r",
           "terms_of_reference": "ТТ", "max_months": 12}
    for floor in ("0", "1.01", "0.805", "-0.5", "much"):
        with pytest.raises(ValidationFailed) as refused:
            services.call_create(actor=w.official, programme=w.programme, title_kk="К", opens_on=dt.date(2026, 6, 10),
                                 closes_on=dt.date(2026, 7, 5), committee=w.commission, lots=[lot], price_floor=floor)
        assert "price_floor" in refused.value.fields, floor
    no_floor = services.call_create(actor=w.official, programme=w.programme, title_kk="К",
                                    opens_on=dt.date(2026, 6, 10), closes_on=dt.date(2026, 7, 5),
                                    committee=w.commission, lots=[lot], price_floor="1")
    assert no_floor.price_floor == Decimal("1.00")  # 1.00: no bid below the planned amount


# --- The commission's scoring and the winner --------------------------------------------------------


def test_commission_scores_without_its_conflicted_member_and_the_best_score_wins(funding_clock):
    w = sso_world(funding_clock)
    founded_by(w.organisations[2], w.commission_iins[0])  # member 0 founded organisation 2
    june = dt.date(2026, 6, 10)
    a0, a1, a2 = tender(w, funding_clock, [(0, 4_500_000, june), (1, 4_200_000, june), (2, 4_000_000, june)])
    members = {m.expert.pk for m in w.commission}
    for application in (a0, a1, a2):
        experts = set(Assignment.objects.filter(application=application).values_list("expert", flat=True))
        assert experts <= members  # the commission scores, not the pool
        assert (w.commission[0].expert.pk in experts) is (application != a2)
    assert Assignment.objects.filter(application=a2).count() == 3
    # The commission member who is not on a bid cannot see or score it.
    not_his = Assignment.objects.filter(application=a0).exclude(expert=w.commission[1].expert).first()
    with pytest.raises(PermissionDeniedError):
        services.assignment_declare(actor=w.commission[1], assignment=not_his, no_conflict=True)

    # 8 and 8: the tie goes to the lower price (a1); a2 is the cheapest but scored lower.
    score(a0, 8)
    score(a1, 8)
    score(a2, 7)
    with pytest.raises(PermissionDeniedError):
        services.call_decide(actor=w.official, call=w.call, minutes="Хаттама")
    preview = services.allocation(w.call)
    assert [(f.id, f.amount) for f in preview[w.lot.pk]] == [(a1.pk, Decimal(4_200_000))]
    services.call_decide(actor=w.commission[1], call=w.call, minutes="Комиссия хаттамасы №1")
    for a in (a0, a1, a2):
        a.refresh_from_db()
    assert [(a.status, a.rank) for a in (a1, a0, a2)] == [("funded", 1), ("not_funded", 2), ("not_funded", 3)]
    assert a1.awarded_amount == 4_200_000  # the winner is paid its own bid
    assert Agreement.objects.filter(application__call=w.call).count() == 1


def test_a_commission_left_with_fewer_than_three_members_cannot_score(funding_clock):
    w = sso_world(funding_clock, commission_size=3)
    founded_by(w.organisations[0], w.commission_iins[1])
    services.call_publish(actor=w.official, call=w.call)
    applications = [bid(w.call, w.lot, w.organisations[i], w.reps[i], amount=4_500_000) for i in (0, 1)]
    funding_clock.set(dt.date(2026, 7, 1))
    services.call_close(actor=w.official, call=w.call)
    admit_all(w.official, applications)
    with pytest.raises(ValidationFailed) as refused:
        services.evaluation_start(actor=w.official, call=w.call)
    assert refused.value.code == "unstaffed"
    assert applications[0].reference in str(refused.value.message)
    assert not Assignment.objects.exists()


def test_equal_score_and_price_go_to_the_earlier_bid(funding_clock):
    w = sso_world(funding_clock)
    later, earlier = tender(w, funding_clock, [(0, 4_500_000, dt.date(2026, 6, 12)),
                                                (1, 4_500_000, dt.date(2026, 6, 8))])
    score(later, 9)
    score(earlier, 9)
    services.call_decide(actor=w.commission[0], call=w.call, minutes="Хаттама")
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert (earlier.status, earlier.rank, later.status, later.rank) == ("funded", 1, "not_funded", 2)


# --- The contract, reports and the evaluation of social effect -------------------------------------


def test_the_contract_has_yearly_stages_and_is_signed_by_the_customer_body(funding_clock):
    w = sso_world(funding_clock)
    agreement = won_contract(w, funding_clock)
    assert agreement.number.startswith(w.call.code)
    assert agreement.amount == 4_600_000
    # 30 months from 1 August 2026: three yearly stages, each with one tranche and one report.
    assert (agreement.start_on, agreement.end_on) == (dt.date(2026, 8, 1), dt.date(2029, 1, 31))
    tranches = list(agreement.tranches.order_by("number"))
    assert [t.due_on for t in tranches] == [dt.date(2026, 8, 1), dt.date(2027, 8, 1), dt.date(2028, 8, 1)]
    assert sum(t.amount for t in tranches) == agreement.amount
    schedule = list(agreement.schedule.order_by("due_on"))
    assert [(s.kind, s.period_start, s.period_end) for s in schedule] == [
        ("interim", dt.date(2026, 8, 1), dt.date(2027, 7, 31)),
        ("interim", dt.date(2027, 8, 1), dt.date(2028, 7, 31)),
        ("final", dt.date(2028, 8, 1), dt.date(2029, 1, 31)),
    ]
    assert services.managers_of(agreement) == [w.official]

    # The funder's side is signed by the customer body's official, not the operator nor the commission.
    rep = w.reps[1]
    for stranger in (w.operator, w.commission[0], staff(Role.OFFICIAL, state_body=StateBodyFactory(level="regional"))):
        with pytest.raises(PermissionDeniedError):
            services.agreement_sign(actor=stranger, agreement=agreement)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=rep, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert (agreement.signed_by_operator, agreement.signed_by_ngo) == (w.official, rep)
    funding_clock.set(agreement.start_on)
    services.agreement_activate(actor=None, agreement=agreement)
    services.tranche_pay(actor=w.official, tranche=tranches[0])

    # Yearly reports, reviewed by the customer body; the contract completes on the accepted final report.
    for due in schedule:
        funding_clock.set(due.period_end + dt.timedelta(days=1))
        report = services.monitoring_report_submit(actor=rep, due=due, content=REPORT)
        with pytest.raises(PermissionDeniedError):
            services.monitoring_report_review(actor=w.operator, report=report, accept=True)
        services.monitoring_report_review(actor=w.official, report=report, accept=True, note="Қабылданды.")
    completed = services.agreement_complete(actor=w.official, agreement=agreement)
    assert completed.status == "completed"


def test_public_experts_evaluate_the_social_effect(funding_clock):
    w = sso_world(funding_clock)
    agreement = won_contract(w, funding_clock)
    with pytest.raises(Conflict):  # a contract not yet running
        services.effect_evaluation_start(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    funding_clock.set(dt.date(2027, 9, 1))
    services.agreement_activate(actor=None, agreement=agreement)
    with pytest.raises(PermissionDeniedError):
        services.effect_evaluation_start(actor=w.operator, agreement=agreement)
    reviews = services.effect_evaluation_start(actor=w.official, agreement=agreement)
    with pytest.raises(Conflict):
        services.effect_evaluation_start(actor=w.official, agreement=agreement)

    conflicted = w.experts[0].expert
    assert len(reviews) == 3
    assert conflicted.pk not in {r.expert_id for r in reviews}  # he founded the contractor
    assert all(not services.conflicts_of(r.expert, agreement.application.organisation) for r in reviews)
    # 15 working days from Wednesday 1 September 2027.
    assert {r.due_on for r in reviews} == {WorkingCalendar.load().add_working_days(dt.date(2027, 9, 1), 15)}

    first, second, third = sorted(reviews, key=lambda r: r.pk)
    users = [mark_otp_verified(r.expert.user) for r in (first, second, third)]
    # The declaration comes before the scores; nobody scores another's review.
    with pytest.raises(Conflict):
        services.effect_submit(actor=users[0], review=first, scores=_effect_scores(7))
    with pytest.raises(PermissionDeniedError):
        services.effect_declare(actor=users[1], review=first, no_conflict=True)
    for user, review in zip(users, (first, second, third), strict=True):
        services.effect_declare(actor=user, review=review, no_conflict=True)
    with pytest.raises(ValidationFailed) as unjustified:
        services.effect_submit(actor=users[0], review=first, scores={
            **_effect_scores(7), "culture": {"value": "11", "justification": "қысқа"}})
    assert "culture.value" in unjustified.value.fields
    services.effect_submit(actor=users[0], review=first, scores=_effect_scores(6, culture=10))
    services.effect_submit(actor=users[1], review=second, scores=_effect_scores(7, culture=9))
    # The third recuses after reading the reports: another public expert without a conflict replaces him.
    services.effect_recuse(actor=users[2], review=third, reason="Мердігермен бірге жұмыс істегенмін.")
    replacement = EffectReview.objects.get(agreement=agreement, status="assigned")
    assert replacement.expert_id not in {conflicted.pk, first.expert_id, second.expert_id, third.expert_id}
    user = mark_otp_verified(replacement.expert.user)
    services.effect_declare(actor=user, review=replacement, no_conflict=True)
    services.effect_submit(actor=user, review=replacement, scores=_effect_scores(8, culture=8))

    scored = EffectReview.objects.filter(agreement=agreement, status="scored").order_by("pk")
    result = rules.effect_average([r.scores for r in scored])
    assert result["culture"] == Decimal("9.00") and result["way_of_life"] == Decimal("7.00")
    assert result["total"] == Decimal("7.40")
    assert [r.total for r in scored] == [Decimal("6.80"), Decimal("7.40"), Decimal("8.00")]


def test_the_effect_is_evaluated_by_public_experts_not_by_the_commission(funding_clock):
    w = sso_world(funding_clock)
    agreement = won_contract(w, funding_clock)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    funding_clock.set(agreement.start_on)
    services.agreement_activate(actor=None, agreement=agreement)
    reviews = services.effect_evaluation_start(actor=w.official, agreement=agreement)
    assert {r.expert.user.role for r in reviews} == {Role.EXPERT}
    assert {r.expert_id for r in reviews} == {e.expert.pk for e in w.experts[1:4]}


# --- Customers at every level ---------------------------------------------------------------------


@pytest.mark.parametrize(("level", "kind", "funder_kind", "budget"), [
    ("central", "ministry", "ministry", "republican"),
    ("regional", "akimat", "akimat", "local"),
    ("city", "akimat", "akimat", "local"),
    ("district", "akimat", "akimat", "local"),
])
def test_customers_at_every_level_can_order(funding_clock, level, kind, funder_kind, budget):
    funding_clock.set(dt.date(2026, 6, 1))
    body = StateBodyFactory(level=level, kind=kind)
    official = staff(Role.OFFICIAL, state_body=body)
    operator = staff(Role.OPERATOR)
    commission = [staff(Role.COMMITTEE) for _ in range(3)]
    programme = services.programme_create(actor=official, mechanism="social_order", year=2026, title_kk="ГСЗ",
                                          budget=Decimal(3_000_000), funder_kind=funder_kind, funder_body=body,
                                          directions=["education"])
    call = services.call_create(actor=official, programme=programme, title_kk="ГСЗ", opens_on=dt.date(2026, 6, 1),
                                closes_on=dt.date(2026, 6, 25), committee=commission,
                                lots=[{"title": "Лот", "direction": "education", "budget": 3_000_000,
                                       "rationale": "r", "terms_of_reference": "ТТ", "max_months": 12}])
    services.call_publish(actor=official, call=call)
    call.refresh_from_db()
    assert call.status == "open" and call.programme.funder_body == body
    assert rules.budget_level(body.level) == budget
    # Only that body's officials run it.
    for stranger in (operator, staff(Role.OFFICIAL, state_body=StateBodyFactory(level=level, kind=kind))):
        with pytest.raises(PermissionDeniedError):
            services.call_cancel(actor=stranger, call=call, reason="Жоқ.")
        with pytest.raises(PermissionDeniedError):
            services.programme_create(actor=stranger, mechanism="social_order", year=2026, title_kk="ГСЗ",
                                      budget=Decimal(1_000_000), funder_kind=funder_kind, funder_body=body,
                                      directions=["education"])


def test_a_quasi_public_entity_cannot_be_a_customer(funding_clock):
    body = StateBodyFactory(level="quasi_public", kind="quasi_public")
    official = staff(Role.OFFICIAL, state_body=body)
    with pytest.raises(ValidationFailed) as refused:
        services.programme_create(actor=official, mechanism="social_order", year=2026, title_kk="ГСЗ",
                                  budget=Decimal(1_000_000), funder_kind="akimat", funder_body=body,
                                  directions=["education"])
    assert "funder_body" in refused.value.fields
    assert not Programme.objects.exists()
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    with pytest.raises(ValidationFailed) as topic:
        services.topic_propose(actor=citizen, body=body, title="Т", problem=PROBLEM, direction="education")
    assert "body" in topic.value.fields
