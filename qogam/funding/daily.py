"""Daily jobs of the competition engine, run by `qogam daily` (qogam.core.daily finds this module).

- `funding-calls`: opens announced calls on their first day and closes open calls after their
  deadline (which opens the compliance check, `services.call_close`); activates signed agreements
  on their start date.
- `funding-deadlines`: reminders before a deadline (config `funding.reminder_working_days` working
  days before) and overdue notices after it, each sent once (a `Notice` row): experts' scoring,
  the operator's compliance check, grantees' monitoring reports. A monitoring report still missing
  after its due date raises the `late_report` risk flag.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from qogam.core import config, daily
from qogam.core.calendar import WorkingCalendar
from qogam.funding import rules, services
from qogam.funding.models import Agreement, Assignment, Call, MonitoringReport, Notice, ReportSchedule


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

    open_statuses = [rules.AssignmentStatus.ASSIGNED, rules.AssignmentStatus.DECLARED]
    for a in Assignment.objects.filter(status__in=open_statuses).select_related("expert__user", "application__call"):
        state = due_state(today, a.due_on, calendar, before)
        notice(state, f"assignment:{a.pk}", [a.expert.user], a.application.reference, a.due_on)
        if state == "overdue":
            notice(state, f"assignment-operator:{a.pk}", services.operators(),
                   a.application.reference, a.due_on)
    for call in Call.objects.filter(status=rules.CallStatus.COMPLIANCE, compliance_due_on__isnull=False):
        notice(due_state(today, call.compliance_due_on, calendar, before), f"compliance:{call.pk}",
               services.operators(), call.code, call.compliance_due_on)
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
