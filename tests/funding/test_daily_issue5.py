"""`qogam daily` for issue 5: reminders and overdue notices for the evaluations of social effect (as for the
scoring of applications), overdue steps of a customer-run call told to the customer body's officials (not the
grant operator), and the officials told, once, when a topic's public discussion has ended."""

import datetime as dt

import pytest
from django.core import mail

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.core import daily as core_daily
from qogam.core.calendar import WorkingCalendar
from qogam.funding import daily, services
from qogam.funding.models import EffectReview, Notice
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.mechanism_world import JUSTIFICATION, PROBLEM, bid, sso_world, won_contract
from tests.funding.world import staff

pytestmark = pytest.mark.django_db


def _mails(run, capture, today):
    mail.outbox.clear()
    with capture(execute=True):
        summary = run(today)
    return summary, sorted((m.to[0], m.subject) for m in mail.outbox)


def _effect_under_way(clock):
    w = sso_world(clock)
    agreement = won_contract(w, clock)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    clock.set(dt.date(2027, 9, 1))
    services.agreement_activate(actor=None, agreement=agreement)
    # The first year's report is in, so that only the evaluation's deadlines are pending.
    services.monitoring_report_submit(actor=w.reps[1], due=agreement.schedule.order_by("due_on").first(), content={
        "indicators": [{"indicator": "Балалар", "target": "200", "achieved": "90"}], "beneficiaries": "90"})
    reviews = services.effect_evaluation_start(actor=w.official, agreement=agreement)
    return w, agreement, sorted(reviews, key=lambda r: r.pk)


def test_effect_reviews_get_a_reminder_then_an_overdue_notice_once(funding_clock, django_capture_on_commit_callbacks):
    w, agreement, reviews = _effect_under_way(funding_clock)
    due = reviews[0].due_on
    assert due == WorkingCalendar.load().add_working_days(dt.date(2027, 9, 1), 15)
    experts = sorted(r.expert.user.email for r in reviews)

    # Far from the deadline: nothing.
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, dt.date(2027, 9, 2))
    assert sent == []
    # On the deadline day (within funding.reminder_working_days): each expert is reminded, once.
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, due)
    assert [to for to, _subject in sent] == experts
    assert all(agreement.number in subject for _to, subject in sent)
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, due)
    assert sent == []

    # One expert scores in time; the other two are overdue the next day, and the customer body is told.
    user = mark_otp_verified(reviews[0].expert.user)
    services.effect_declare(actor=user, review=reviews[0], no_conflict=True)
    services.effect_submit(actor=user, review=reviews[0], scores={
        code: {"value": "7", "justification": JUSTIFICATION} for code in
        ("way_of_life", "culture", "identity", "environment", "aspirations")})
    summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, due + dt.timedelta(days=1))
    late = sorted(r.expert.user.email for r in reviews[1:])
    assert sorted(to for to, _subject in sent) == sorted(late + [w.official.email] * 2)
    assert w.operator.email not in {to for to, _subject in sent}
    assert summary.startswith("4 funding reminders and overdue notices sent")
    assert set(Notice.objects.filter(key__startswith="overdue:effect").values_list("key", flat=True)) == {
        f"overdue:effect:{reviews[1].pk}", f"overdue:effect:{reviews[2].pk}",
        f"overdue:effect-manager:{reviews[1].pk}", f"overdue:effect-manager:{reviews[2].pk}"}
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, due + dt.timedelta(days=2))
    assert sent == []


def test_a_recused_review_is_not_chased(funding_clock, django_capture_on_commit_callbacks):
    _w, _agreement, reviews = _effect_under_way(funding_clock)
    for review in reviews:
        services.effect_recuse(actor=mark_otp_verified(review.expert.user), review=review, reason="Мүдделер қақтығысы.")
    recused = {r.expert.user.email for r in reviews}
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks, reviews[0].due_on)
    assert recused.isdisjoint(to for to, _subject in sent)
    replacements = EffectReview.objects.exclude(status="recused")
    assert sorted(to for to, _subject in sent) == sorted(r.expert.user.email for r in replacements)


def test_a_customer_run_calls_overdue_steps_go_to_the_customer_body(funding_clock,
                                                                   django_capture_on_commit_callbacks):
    w = sso_world(funding_clock)
    services.call_publish(actor=w.official, call=w.call)
    application = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=4_500_000)
    funding_clock.set(dt.date(2026, 7, 1))
    services.call_close(actor=None, call=w.call)
    w.call.refresh_from_db()
    colleague = staff(Role.OFFICIAL, state_body=w.body)
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks,
                            w.call.compliance_due_on + dt.timedelta(days=1))
    assert sorted(to for to, _subject in sent) == sorted([w.official.email, colleague.email])
    assert all(w.call.code in subject for _to, subject in sent)

    services.compliance_decide(actor=w.official, application=application, checklist={}, outcome="admitted")
    services.evaluation_start(actor=w.official, call=w.call)
    w.call.refresh_from_db()
    _summary, sent = _mails(daily.deadlines, django_capture_on_commit_callbacks,
                            w.call.evaluation_due_on + dt.timedelta(days=1))
    members = sorted(m.email for m in w.commission)
    # Each member is late on the one bid; the body's two officials hear of each late member.
    assert sorted(to for to, _subject in sent) == sorted(members + [w.official.email, colleague.email] * 4)
    assert w.operator.email not in {to for to, _subject in sent}


def test_the_body_is_told_once_when_a_topics_discussion_ends(funding_clock, django_capture_on_commit_callbacks):
    funding_clock.set(dt.date(2026, 5, 1))
    body = StateBodyFactory(level="city", kind="akimat")
    officials = [staff(Role.OFFICIAL, state_body=body, language="en") for _ in range(2)]
    staff(Role.OFFICIAL, state_body=body, is_active=False)
    staff(Role.OFFICIAL, state_body=StateBodyFactory(level="city"))
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    neighbours = [mark_otp_verified(UserFactory(role=Role.NGO)) for _ in range(3)]
    topic = services.topic_propose(actor=citizen, body=body, title="Аулаларды абаттандыру", problem=PROBLEM,
                                   direction="education")
    decided = services.topic_propose(actor=citizen, body=body, title="Шешілген", problem=PROBLEM,
                                     direction="education")
    for user in neighbours:
        services.topic_support(actor=user, topic=topic)
    services.topic_comment(actor=neighbours[0], topic=topic, text="Қолдаймын.")
    assert topic.discussion_until == dt.date(2026, 5, 31)

    # On its last day the discussion is still open: nothing yet.
    summary, sent = _mails(daily.topics, django_capture_on_commit_callbacks, dt.date(2026, 5, 31))
    assert sent == [] and summary.startswith("0 topics")
    funding_clock.set(dt.date(2026, 6, 1))
    services.topic_decide(actor=officials[0], topic=decided, accept=False, reason="Басқа бағдарламада бар.")
    summary, sent = _mails(daily.topics, django_capture_on_commit_callbacks, dt.date(2026, 6, 1))
    assert summary.startswith("1 topics")
    assert [to for to, _subject in sent] == sorted(o.email for o in officials)
    assert {subject for _to, subject in sent} == {
        "Qogam: the discussion of a topic proposed to your body has ended"}
    body_text = mail.outbox[0].body
    assert "Аулаларды абаттандыру" in body_text and "2026-05-31" in body_text
    assert "3 supports and 1 comments" in body_text
    assert Notice.objects.filter(key=f"topic-ended:{topic.pk}").exists()
    summary, sent = _mails(daily.topics, django_capture_on_commit_callbacks, dt.date(2026, 6, 2))
    assert sent == [] and summary.startswith("0 topics")


def test_a_topic_of_a_body_without_an_official_is_reported_until_one_is_appointed(
        funding_clock, django_capture_on_commit_callbacks):
    funding_clock.set(dt.date(2026, 5, 1))
    body = StateBodyFactory(level="district", kind="akimat")
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    topic = services.topic_propose(actor=citizen, body=body, title="Көше жарығы", problem=PROBLEM,
                                   direction="education")
    for day in (dt.date(2026, 6, 1), dt.date(2026, 6, 2)):
        summary, sent = _mails(daily.topics, django_capture_on_commit_callbacks, day)
        assert sent == []
        assert isinstance(summary, core_daily.WarningLine) and body.bin in summary
    assert not Notice.objects.filter(key=f"topic-ended:{topic.pk}").exists()
    official = staff(Role.OFFICIAL, state_body=body)
    summary, sent = _mails(daily.topics, django_capture_on_commit_callbacks, dt.date(2026, 6, 3))
    assert [to for to, _subject in sent] == [official.email]
    assert not isinstance(summary, core_daily.WarningLine)


def test_the_topics_job_is_registered():
    assert core_daily.jobs()["funding-topics"] is daily.topics
    assert core_daily.jobs()["funding-deadlines"] is daily.deadlines
