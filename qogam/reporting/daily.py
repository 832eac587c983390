"""Daily jobs of the NGO Database, run by `qogam daily` (qogam.core.daily finds this module).

- `reporting-reminders`: e-mails organisations that have not filed 30, 7 and 1 calendar days before
  the due date (config `reporting.reminder_days`), to the organisation's public e-mail and its
  approved representatives. Each reminder is sent once (a ReminderSent row). A run that missed days
  sends the most recent reminder not yet sent, and never an earlier one after a later one (no 30-day
  reminder after the 7-day one).
- `reporting-late`: late and overdue status is computed when read (selectors), so nothing is
  stored; the job reports how many organisations are overdue for the last closed year and warns
  when the MCI for the fine is not entered.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from qogam.core import config, daily
from qogam.core.models import MonthlyCalculationIndex
from qogam.reporting import selectors
from qogam.reporting.models import ReminderSent
from qogam.reporting.services import representative_users, send_in_language


def reminder_due(days_left: int, thresholds: list[int], already_sent: set[int]) -> int | None:
    """The reminder to send now, or None.

    `days_left` calendar days remain until the due date (0 on the due date itself). The reminder due
    is the most recent threshold reached (the smallest threshold ≥ days_left), unless that or a later
    one (a smaller threshold) was already sent.
    """
    if days_left < 0:
        return None
    reached = [d for d in thresholds if d >= days_left]
    if not reached:
        return None
    current = min(reached)
    if any(sent <= current for sent in already_sent):
        return None
    return current


def reminder_years(today: dt.date) -> list[int]:
    """Reporting years whose deadline may still be ahead: last year's, and this year's."""
    return [today.year - 1, today.year]


def _recipients(organisation) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    if organisation.email:
        seen.add(organisation.email.lower())
        out.append((organisation.email, settings.LANGUAGE_CODE))
    for user in representative_users(organisation.pk):
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            out.append((user.email, user.language))
    return out


def _send_reminder(organisation, year: int, due: dt.date, days_left: int) -> int:
    def subject():
        return _("Qogam: the annual report for %(year)s is due on %(due)s") % {
            "year": year, "due": due.isoformat()}

    def body():
        if days_left == 0:
            left = _("The report is due today.")
        else:
            left = _("%(days)s calendar days are left.") % {"days": days_left}
        fine = selectors.fine_mci("late")
        return "\n".join(str(line) for line in [
            _("%(organisation)s (BIN %(bin)s) has not yet filed its annual report for %(year)s to the NGO "
              "Database (Law on NPOs art. 41 p.5).") % {
                "organisation": organisation.name, "bin": organisation.bin, "year": year},
            "",
            _("Due date: %(due)s.") % {"due": due.isoformat()} + " " + str(left),
            _("A late report is fined %(mci)s MCI (Administrative Offences Code art. 489-1), with no warning "
              "first.") % {"mci": fine},
            "",
            _("File the report in Qogam: every table is checked before you submit, so trivial errors cannot "
              "slip through. An organisation under reorganisation or liquidation, with tax payments suspended "
              "and no activity in the year, files an exemption declaration instead."),
        ])

    return send_in_language(recipients=_recipients(organisation), subject=subject, body=body)


@daily.job("reporting-reminders")
def send_reminders(today: dt.date) -> str:
    thresholds = sorted({int(d) for d in config.get("reporting.reminder_days")}, reverse=True)
    if not thresholds:
        return "no reminder days configured"
    sent = without_address = 0
    lines = []
    for year in reminder_years(today):
        due = selectors.due_on(year)
        days_left = (due - today).days
        if days_left < 0 or days_left > max(thresholds):
            continue
        done: dict[int, set[int]] = {}
        for org_id, days_before in ReminderSent.objects.filter(year=year).values_list(
                "organisation_id", "days_before"):
            done.setdefault(org_id, set()).add(days_before)
        year_sent = 0
        for organisation in selectors.not_filed(year=year).iterator(chunk_size=500):
            reminder = reminder_due(days_left, thresholds, done.get(organisation.pk, set()))
            if reminder is None:
                continue
            if not _recipients(organisation):
                without_address += 1
                continue
            if _send_reminder(organisation, year, due, days_left):
                ReminderSent.objects.create(organisation=organisation, year=year, days_before=reminder,
                                            sent_on=today)
                year_sent += 1
        sent += year_sent
        lines.append(f"{year_sent} reminders for {year} (due {due.isoformat()}, {days_left} days left)")
    summary = "; ".join(lines) if lines else "no report deadline within the reminder window"
    if without_address:
        return daily.warning(f"{summary}; WARNING: {without_address} organisations that have not filed have no "
                             f"e-mail address and no representative to remind")
    return summary


@daily.job("reporting-late")
def late_summary(today: dt.date) -> str:
    year = selectors.last_closed_year(today)
    due = selectors.due_on(year)
    overdue = selectors.overdue_organisations(year=year, today=today)
    still_missing = sum(1 for row in overdue if row["status"] == "not_filed")
    summary = (f"{len(overdue)} organisations did not file for {year} by {due.isoformat()} "
               f"({still_missing} have still not filed)")
    if not MonthlyCalculationIndex.objects.filter(year=today.year).exists():
        return daily.warning(f"{summary}; WARNING: the MCI for {today.year} is not entered: an administrator must "
                             f"enter it (admin, monthly calculation indices) or fines use an older value")
    return summary
