"""`qogam daily` for the engine: calls open and close by the calendar, agreements start, reminders and
overdue notices go once, and a missing monitoring report raises the late-report risk flag."""

import datetime as dt

import pytest
from django.core import mail

from qogam.funding import daily, services
from qogam.funding.models import Agreement, Assignment, ComplianceCheck, Notice, RiskFlag
from tests.funding.world import Clock, apply, build, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch, dt.date(2026, 5, 20))
    return clock


def test_calls_open_and_close_by_the_calendar(clock):
    world = build()
    services.call_publish(actor=world.operator, call=world.call)
    world.call.refresh_from_db()
    assert world.call.status == "published"
    clock.set(dt.date(2026, 6, 1))
    assert daily.advance_calls(dt.date(2026, 6, 1)).startswith("1 calls opened")
    world.call.refresh_from_db()
    assert world.call.status == "open"
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 25))
    daily.advance_calls(dt.date(2026, 6, 25))
    world.call.refresh_from_db()
    assert world.call.status == "open"  # the deadline day itself still accepts applications
    clock.set(dt.date(2026, 6, 26))
    assert ", 1 closed" in daily.advance_calls(dt.date(2026, 6, 26))
    world.call.refresh_from_db()
    assert world.call.status == "compliance"
    assert ComplianceCheck.objects.filter(application=application).exists()


def _evaluating(clock):
    clock.set(dt.date(2026, 6, 10))
    world = build()
    services.call_publish(actor=world.operator, call=world.call)
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    services.compliance_decide(actor=world.operator, application=application, outcome="admitted", checklist={})
    services.evaluation_start(actor=world.operator, call=world.call)
    return world, application


def test_evaluation_deadline_counts_working_days_across_holidays(clock):
    world, _application = _evaluating(clock)
    world.call.refresh_from_db()
    # 15 working days from Friday 26 June 2026, skipping weekends and Capital Day (Monday 6 July).
    assert world.call.evaluation_due_on == dt.date(2026, 7, 20)
    assert set(Assignment.objects.values_list("due_on", flat=True)) == {dt.date(2026, 7, 20)}


def test_expert_reminder_and_overdue_notice_are_sent_once(clock, django_capture_on_commit_callbacks):
    world, application = _evaluating(clock)
    for expert in world.experts:
        expert.user.email = f"e{expert.pk}@example.kz"
        expert.user.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        daily.deadlines(dt.date(2026, 7, 16))  # 2 working days before 20 July
        daily.deadlines(dt.date(2026, 7, 16))
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        daily.deadlines(dt.date(2026, 7, 21))
    # Each of the three experts is told, and the operator is told of each overdue assignment.
    assert len(mail.outbox) == 3 + 3 + 3
    assert sum(m.to == [world.operator.email] for m in mail.outbox) == 3
    assert Notice.objects.filter(key__startswith="overdue:assignment:").count() == 3


def test_missing_monitoring_report_raises_late_report_flag(clock):
    world, application = _evaluating(clock)
    score_all(world, application)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама")
    agreement = Agreement.objects.get(application=application)
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    due = agreement.schedule.order_by("due_on").first()
    daily.deadlines(due.due_on)
    assert not RiskFlag.objects.filter(agreement=agreement).exists()
    daily.deadlines(due.due_on + dt.timedelta(days=1))
    daily.deadlines(due.due_on + dt.timedelta(days=2))
    assert list(RiskFlag.objects.filter(agreement=agreement).values_list("code", flat=True)) == ["late_report"]


def test_signed_agreement_activates_on_its_start_date(clock):
    world, application = _evaluating(clock)
    score_all(world, application)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама")
    agreement = Agreement.objects.get(application=application)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    clock.set(agreement.start_on)
    daily.advance_calls(agreement.start_on)
    agreement.refresh_from_db()
    assert agreement.status == "active"
