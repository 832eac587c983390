"""Deadline, late status and reminders across weekends and holidays; the daily jobs of reporting."""

import datetime as dt

import pytest
from django.core import mail

from qogam.core import daily
from qogam.core.models import CalendarDay, MonthlyCalculationIndex, Parameter
from qogam.reporting import rules, selectors, services
from qogam.reporting.daily import reminder_due, send_reminders
from qogam.reporting.models import AnnualReport, ReminderSent
from tests.factories import OrganisationFactory
from tests.reporting.factories import representative, valid_content

THRESHOLDS = [30, 7, 1]
YEAR = 2023
DUE = dt.date(2024, 4, 1)  # 31 March 2024 is a Sunday


# --- the due date -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_date_on_a_sunday_moves_to_monday():
    assert dt.date(2024, 3, 31).weekday() == 6
    assert selectors.due_on(2023) == DUE
    assert selectors.due_on(2024) == dt.date(2025, 3, 31)  # a Monday: stays


@pytest.mark.django_db
def test_due_date_on_a_holiday_moves_past_the_holidays():
    # 21 March 2024 (Thursday) starts Nauryz: 21, 22, 23 March; the 23rd is a Saturday, so the 25th is
    # a day off too. The next working day is Tuesday 26 March.
    Parameter.objects.create(key="reporting.due_day", value=21)
    assert selectors.due_on(2023) == dt.date(2024, 3, 26)


@pytest.mark.django_db
def test_a_transferred_working_day_keeps_the_due_date():
    CalendarDay.objects.create(date=dt.date(2024, 3, 31), kind="working", note="transfer")
    assert selectors.due_on(2023) == dt.date(2024, 3, 31)


@pytest.mark.django_db
def test_reports_take_the_moved_due_date_and_late_follows_it(org, rep, at):
    Parameter.objects.create(key="reporting.due_day", value=21)
    at(2024, 3, 26, 23, 30)
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    assert report.due_on == dt.date(2024, 3, 26)
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                        content=valid_content(YEAR))
    assert not services.report_submit(actor=rep, report=report, expected_version=report.version).late
    at(2024, 3, 27, 0, 0)
    report.refresh_from_db()
    assert services.report_submit(actor=rep, report=report, expected_version=report.version).late
    state = selectors.report_state(report, dt.date(2024, 3, 27))
    assert state["filed_on"] == dt.date(2024, 3, 26) and not state["overdue"]


@pytest.mark.django_db
def test_report_state_overdue_without_filing(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    assert selectors.report_state(report, DUE)["overdue"] is False
    assert selectors.report_state(report, DUE)["days_left"] == 0
    assert selectors.report_state(report, DUE + dt.timedelta(days=1))["overdue"] is True


# --- which reminder ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days_left,sent,expected", [
    (31, set(), None),
    (30, set(), 30),
    (29, set(), 30),  # the 30-day run was missed: still sent
    (8, set(), 30),
    (7, set(), 7),
    (3, set(), 7),  # missed both: only the most recent one, never the 30-day one too
    (5, {30}, 7),
    (7, {30}, 7),
    (5, {7}, None),
    (8, {7}, None),  # never a 30-day reminder after the 7-day one
    (1, {30, 7}, 1),
    (0, {30, 7}, 1),  # on the due date itself
    (0, {1}, None),
    (-1, set(), None),  # the deadline has passed
])
def test_reminder_due(days_left, sent, expected):
    assert reminder_due(days_left, THRESHOLDS, sent) == expected


# --- the reminders job -------------------------------------------------------------------------------------


def _sent(org):
    return sorted(ReminderSent.objects.filter(organisation=org, year=YEAR).values_list("days_before", flat=True))


@pytest.mark.django_db
def test_reminders_go_to_the_public_address_and_representatives_once(org, rep):
    other_rep = representative(org, language="ru")
    reminded_on = DUE - dt.timedelta(days=30)  # 2 March 2024
    send_reminders(reminded_on)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([org.email, rep.email, other_rep.email])
    assert all(str(YEAR) in m.subject and DUE.isoformat() in m.subject for m in mail.outbox)
    assert all("100" in m.body and org.bin in m.body for m in mail.outbox)
    assert _sent(org) == [30]
    # Many runs the same day, and the next days: nothing more.
    for day in (reminded_on, reminded_on, reminded_on + dt.timedelta(days=1), DUE - dt.timedelta(days=8)):
        mail.outbox.clear()
        send_reminders(day)
        assert mail.outbox == []
    send_reminders(DUE - dt.timedelta(days=7))
    assert _sent(org) == [7, 30] and len(mail.outbox) == 3
    mail.outbox.clear()
    # The 1-day run is missed; on the due date the 1-day reminder still goes, once.
    send_reminders(DUE)
    send_reminders(DUE)
    assert _sent(org) == [1, 7, 30] and len(mail.outbox) == 3
    mail.outbox.clear()
    send_reminders(DUE + dt.timedelta(days=1))
    assert mail.outbox == []


@pytest.mark.django_db
def test_missed_days_send_only_the_most_recent_reminder(org):
    send_reminders(DUE - dt.timedelta(days=3))
    assert _sent(org) == [7] and len(mail.outbox) == 1
    mail.outbox.clear()
    send_reminders(DUE - dt.timedelta(days=2))
    assert mail.outbox == []


@pytest.mark.django_db
def test_no_reminders_for_those_who_filed_or_are_not_obliged(org, rep):
    filed = OrganisationFactory(email="filed@ngo.kz")
    services.report_submit_content(actor=None, organisation=filed, year=YEAR, content=valid_content(YEAR),
                                   source="import")
    exempt = OrganisationFactory(email="exempt@ngo.kz")
    exempt_rep = representative(exempt)
    report = services.report_open(actor=exempt_rep, organisation=exempt, year=YEAR)
    services.exemption_submit(actor=exempt_rep, report=report, expected_version=report.version, declaration={
        "exemption": {c: True for c in rules.EXEMPTION_CONDITIONS}, "note": ""})
    OrganisationFactory(email="new@ngo.kz", registered_on=dt.date(2024, 1, 15))
    OrganisationFactory(email="gone@ngo.kz", status="liquidated", liquidated_on=dt.date(2024, 1, 31))
    draft_only = OrganisationFactory(email="draft@ngo.kz")
    AnnualReport.objects.create(organisation=draft_only, year=YEAR, due_on=DUE, draft={})
    send_reminders(DUE - dt.timedelta(days=7))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["draft@ngo.kz", org.email, rep.email])


@pytest.mark.django_db
def test_organisations_without_any_address_are_a_warning(committee):
    OrganisationFactory(email="")
    outcome = daily.run(DUE - dt.timedelta(days=1), ["reporting-reminders"])[0]
    assert outcome.ok and outcome.warning and "no e-mail address" in outcome.summary
    assert not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_reminder_days_are_configurable(org):
    Parameter.objects.create(key="reporting.reminder_days", value=[14])
    send_reminders(DUE - dt.timedelta(days=20))
    assert mail.outbox == []
    send_reminders(DUE - dt.timedelta(days=14))
    assert _sent(org) == [14]


@pytest.mark.django_db
def test_reminders_outside_the_window_do_nothing(org):
    outcome = daily.run(dt.date(2024, 8, 1), ["reporting-reminders"])[0]
    assert outcome.ok and "no report deadline" in outcome.summary and mail.outbox == []


# --- the late job --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_late_job_counts_overdue_and_stores_nothing(org):
    filed_late = OrganisationFactory()
    services.report_submit_content(actor=None, organisation=filed_late, year=YEAR, content=valid_content(YEAR),
                                   source="xlsx", submitted_at=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    outcome = daily.run(dt.date(2024, 6, 1), ["reporting-late"])[0]
    assert outcome.ok and not outcome.warning
    assert outcome.summary.startswith(f"2 organisations did not file for {YEAR} by {DUE.isoformat()}")
    assert "(1 have still not filed)" in outcome.summary


@pytest.mark.django_db
def test_late_job_warns_when_the_mci_is_missing(org):
    MonthlyCalculationIndex.objects.filter(year=2024).delete()
    outcome = daily.run(dt.date(2024, 6, 1), ["reporting-late"])[0]
    assert outcome.ok and outcome.warning and "MCI for 2024" in outcome.summary


@pytest.mark.django_db
def test_jobs_are_registered():
    assert {"reporting-reminders", "reporting-late"} <= set(daily.jobs())
