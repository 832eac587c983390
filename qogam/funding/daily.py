"""Daily jobs of the competition engine, run by `qogam daily` (qogam.core.daily finds this module).

- `funding-calls`: opens announced calls on their first day and closes open calls after their
  deadline (which opens the compliance check, `services.call_close`); activates signed agreements
  on their start date.
- `funding-deadlines`: reminders before a deadline (config `funding.reminder_working_days` working
  days before) and overdue notices after it, each sent once (a `Notice` row): experts' scoring and
  public experts' evaluations of social effect (overdue ones also told to whoever runs the call: the
  operator, or the customer body's officials), the compliance check, grantees' monitoring reports. A
  monitoring report still missing after its due date raises the `late_report` risk flag.
- `funding-topics`: when the public discussion of a state social order topic has ended, the officials
  of the body it is addressed to are told, once, that it awaits their decision. A body with no active
  official is reported to the administrator until one is appointed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count

from qogam.accounts.models import Role, User
from qogam.core import config, daily
from qogam.core.calendar import WorkingCalendar
from qogam.funding import rules, services
from qogam.funding.models import (
    Agreement,
    Assignment,
    Call,
    EffectReview,
    MonitoringReport,
    Notice,
    ReportSchedule,
    Topic,
)


@daily.job("funding-calls")
def advance_calls(today: dt.date) -> str:
    opened = closed = activated = 0
    for call in Call.objects.filter(status=rules.CallStatus.PUBLISHED, opens_on__lte=today, closes_on__gte=today):
        services.call_open(actor=None, call=call)
        opened += 1
    for call in Call.objects.filter(status=rules.CallStatus.OPEN, closes_on__lt=today):
        services.call_close(actor=None, call=call)
        closed += 1
    for agreement in Agreement.objects.filter(status=rules.AgreementStatus.SIGNED, start_on__lte=today):
        services.agreement_activate(actor=None, agreement=agreement)
        activated += 1
    return f"{opened} calls opened, {closed} closed, {activated} agreements became active"


def _once(key: str, today: dt.date) -> bool:
    """Whether the notice `key` is still to be sent (and mark it sent)."""
    _notice, created = Notice.objects.get_or_create(key=key[:120], defaults={"sent_on": today})
    return created


def due_state(today: dt.date, due_on: dt.date, calendar: WorkingCalendar, before: int) -> str | None:
    """"overdue" the day after the deadline, "reminder" from `before` working days ahead, else None."""
    if rules.is_overdue(today, due_on):
        return "overdue"
    if calendar.working_days_between(today, due_on) <= before:
        return "reminder"
    return None


@daily.job("funding-deadlines")
def deadlines(today: dt.date) -> str:
    calendar = WorkingCalendar.load()
    before = config.get("funding.reminder_working_days")
    sent = flags = 0

    def notice(state, key, users, what, due_on):
        nonlocal sent
        if state and _once(f"{state}:{key}", today):
            services._notify("deadline_reminder" if state == "reminder" else "overdue", users, what=what,
                             due=due_on.isoformat())
            sent += 1

    managers: dict[int, list] = {}

    def managers_of(call_id: int, obj) -> list:
        """Who runs the call (the operator, or the customer body's officials), asked once per call."""
        if call_id not in managers:
            managers[call_id] = services.managers_of(obj)
        return managers[call_id]

    open_statuses = [rules.AssignmentStatus.ASSIGNED, rules.AssignmentStatus.DECLARED]
    for a in Assignment.objects.filter(status__in=open_statuses).select_related(
            "expert__user", "application__call__programme").order_by("pk"):
        state = due_state(today, a.due_on, calendar, before)
        notice(state, f"assignment:{a.pk}", [a.expert.user], a.application.reference, a.due_on)
        if state == "overdue":
            notice(state, f"assignment-operator:{a.pk}", managers_of(a.application.call_id, a.application.call),
                   a.application.reference, a.due_on)
    for review in EffectReview.objects.filter(status__in=open_statuses).select_related(
            "expert__user", "agreement__application__call__programme").order_by("pk"):
        state = due_state(today, review.due_on, calendar, before)
        call = review.agreement.application.call
        notice(state, f"effect:{review.pk}", [review.expert.user], review.agreement.number, review.due_on)
        if state == "overdue":
            notice(state, f"effect-manager:{review.pk}", managers_of(call.pk, call), review.agreement.number,
                   review.due_on)
    for call in Call.objects.filter(status=rules.CallStatus.COMPLIANCE, compliance_due_on__isnull=False).select_related(
            "programme").order_by("pk"):
        notice(due_state(today, call.compliance_due_on, calendar, before), f"compliance:{call.pk}",
               managers_of(call.pk, call), call.code, call.compliance_due_on)
    running = [rules.AgreementStatus.SIGNED, rules.AgreementStatus.ACTIVE]
    for due in ReportSchedule.objects.filter(agreement__status__in=running).select_related("agreement__application"):
        if due.reports.exclude(status=MonitoringReport.Status.RETURNED).exists():
            continue
        state = due_state(today, due.due_on, calendar, before)
        what = due.agreement.number
        notice(state, f"report:{due.pk}", services.representative_users(due.agreement.application.organisation_id),
               what, due.due_on)
        if state == "overdue":
            with transaction.atomic():
                for flag in rules.risk_flags(today=today, report_due_on=due.due_on, report_submitted_on=None,
                                             overspent=False, is_final=False):
                    if services._raise_flag(due.agreement, flag.code, str(flag.message), None):
                        flags += 1
    return f"{sent} funding reminders and overdue notices sent, {flags} risk flags raised"


@daily.job("funding-topics")
def topics(today: dt.date) -> str:
    """The body a topic is addressed to decides on it once its public discussion has ended
    (`rules.topic_open`): its officials are told so, once per topic."""
    sent = 0
    unattended = []
    ended = (Topic.objects.filter(status=rules.TopicStatus.DISCUSSION, discussion_until__lt=today)
             .select_related("body").annotate(n_supports=Count("supports", distinct=True),
                                              n_comments=Count("comments", distinct=True)).order_by("pk"))
    for topic in ended:
        officials = list(User.objects.filter(role=Role.OFFICIAL, state_body=topic.body_id, is_active=True)
                         .order_by("pk"))
        if not officials:
            unattended.append(topic)
            continue
        if _once(f"topic-ended:{topic.pk}", today):
            services._notify("topic_discussion_ended", officials, title=topic.title,
                             until=topic.discussion_until.isoformat(), supports=topic.n_supports,
                             comments=topic.n_comments)
            sent += 1
    summary = f"{sent} topics whose discussion ended were brought to their bodies' officials"
    if unattended:
        bodies = sorted({t.body.bin for t in unattended})
        return daily.warning(f"{summary}; {len(unattended)} topics await a decision by bodies with no active "
                             f"official: {', '.join(bodies)}")
    return summary
