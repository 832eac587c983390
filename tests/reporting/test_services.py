"""The reporting state machine: drafts, submissions as immutable versions, exemption, review, permissions,
audit, notices, the sign of activeness, and the selectors built on them."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import ProtectedError

from qogam.core import audit
from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry, LegalForm, MonthlyCalculationIndex, Parameter
from qogam.reporting import rules, selectors, services
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ForeignFundingUse,
    ReportReview,
    ReportVersion,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.reporting.factories import VALID_BIN, representative, submitted, valid_content

YEAR = 2023
EXEMPT = {"exemption": {c: True for c in rules.EXEMPTION_CONDITIONS}, "note": "In liquidation"}


def opened(org, rep, year=YEAR, content=None):
    report = services.report_open(actor=rep, organisation=org, year=year)
    return services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                      content=content if content is not None else valid_content(year))


# --- opening and drafts ------------------------------------------------------------------------------


def test_open_creates_one_draft_with_its_due_date(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    assert report.status == "draft" and report.version == 1 and report.latest is None
    assert report.due_on == dt.date(2024, 4, 1)  # 31 March 2024 is a Sunday
    assert report.draft == valid_content(YEAR) | {k: report.draft[k] for k in report.draft} == report.draft
    assert services.report_open(actor=rep, organisation=org, year=YEAR).pk == report.pk
    assert AnnualReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="report_open", object_id=str(report.pk)).count() == 1


def test_open_refuses_strangers_and_bad_years(org, rep):
    stranger = representative(OrganisationFactory())
    with pytest.raises(PermissionDeniedError):
        services.report_open(actor=stranger, organisation=org, year=YEAR)
    with pytest.raises(PermissionDeniedError):
        services.report_open(actor=UserFactory(), organisation=org, year=YEAR)
    with pytest.raises(ValidationFailed) as exc:
        services.report_open(actor=rep, organisation=org, year=2010)  # registered 2015
    assert "year" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.report_open(actor=rep, organisation=org, year=2099)


def test_unverified_staff_cannot_open(org):
    staff = UserFactory(role="analyst")  # no OTP-verified session
    with pytest.raises(PermissionDeniedError):
        services.report_open(actor=staff, organisation=org, year=YEAR)


def test_save_draft_bumps_version_and_refuses_stale(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    saved = services.report_save_draft(actor=rep, report=report, expected_version=1, content={"members": "7"})
    assert saved.version == 2 and saved.draft["members"] == 7
    with pytest.raises(Conflict):
        services.report_save_draft(actor=rep, report=report, expected_version=1, content={"members": 8})
    saved.refresh_from_db()
    assert saved.draft["members"] == 7 and saved.version == 2
    entry = AuditEntry.objects.filter(action="report_save_draft").get()
    assert entry.before["draft"] == {"members": 0} and entry.after["draft"] == {"members": 7}


def test_save_draft_refuses_unreadable_values_and_writes_nothing(org, rep):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    with pytest.raises(ValidationFailed) as exc:
        services.report_save_draft(actor=rep, report=report, expected_version=1, content={"employees": "five"})
    assert "employees" in exc.value.fields
    report.refresh_from_db()
    assert report.version == 1


def test_draft_may_hold_rule_errors(org, rep):
    report = opened(org, rep, content=valid_content(YEAR, employees=99))
    issues = selectors.report_issues(report)
    assert not issues.ok and "employees_age_under_30" in issues.errors


def test_only_representatives_save_drafts(org, rep, analyst):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    for actor in (analyst, representative(OrganisationFactory())):
        with pytest.raises(PermissionDeniedError):
            services.report_save_draft(actor=actor, report=report, expected_version=1, content={})


# --- submission ---------------------------------------------------------------------------------------


def test_submit_creates_an_immutable_version(org, rep, committee, django_capture_on_commit_callbacks, at):
    at(2024, 3, 20, 10, 0)
    report = opened(org, rep)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_submit(actor=rep, report=report, expected_version=report.version)
    report.refresh_from_db()
    content = valid_content(YEAR)
    assert version.number == 1 and version.kind == "report" and version.source == "web"
    assert version.content == content
    assert version.content_hash == rules.content_hash(version.content)
    assert version.receipt_number == f"QR-2023-{report.pk:06d}-01"
    assert version.receiving_body == committee
    assert version.submitted_by == rep and not version.late
    assert version.employees == 5 and int(version.income_foreign_kzt) == 2_000_000 and int(version.payroll_kzt) == 3_600_000
    assert report.status == "submitted" and report.latest == version and report.version == 3
    assert list(ForeignFundingReceipt.objects.filter(version=version).values_list("country", "amount_kzt")) == [
        ("DE", 1_500_000), ("US", 500_000)]
    use = ForeignFundingUse.objects.get(version=version)
    assert use.direction_id == "education" and use.period_end == dt.date(2023, 12, 31)
    sign = ActivitySign.objects.get(organisation=org, year=YEAR)
    assert sign.active and sign.employees and sign.volunteers and sign.services and sign.expenses
    assert sign.version == version
    actions = set(AuditEntry.objects.values_list("action", "object_type"))
    assert ("report_submit", "reporting.reportversion") in actions and ("report_submit", "reporting.annualreport") in actions
    assert audit.verify().ok
    [notice] = mail.outbox
    assert notice.to == [rep.email] and version.receipt_number in notice.subject
    assert version.content_hash in notice.body and committee.name_kk in notice.body  # the user's language


def test_submit_with_errors_writes_nothing(org, rep):
    report = opened(org, rep, content=valid_content(YEAR, volunteers=0))
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.report_submit(actor=rep, report=report, expected_version=report.version)
    assert "volunteer_hours" in exc.value.fields
    report.refresh_from_db()
    assert report.status == "draft" and report.latest is None and report.version == 2
    assert not ReportVersion.objects.exists() and AuditEntry.objects.count() == entries
    assert not ActivitySign.objects.exists()


def test_submit_with_stale_version_conflicts(org, rep):
    report = opened(org, rep)
    with pytest.raises(Conflict):
        services.report_submit(actor=rep, report=report, expected_version=report.version - 1)
    assert not ReportVersion.objects.exists()


def test_submit_by_another_organisation_is_refused(org, rep, analyst):
    report = opened(org, rep)
    for actor in (representative(OrganisationFactory()), analyst):
        with pytest.raises(PermissionDeniedError):
            services.report_submit(actor=actor, report=report, expected_version=report.version)


def test_late_when_filed_after_the_due_date_in_almaty(org, rep, at):
    at(2024, 4, 1, 23, 59)  # the due date (moved from Sunday 31 March), 18:59 UTC
    report = opened(org, rep)
    assert not services.report_submit(actor=rep, report=report, expected_version=report.version).late
    at(2024, 4, 2, 0, 1)  # still 1 April in UTC
    report.refresh_from_db()
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                        content=valid_content(YEAR, members=13))
    late = services.report_submit(actor=rep, report=report, expected_version=report.version)
    assert late.late and late.number == 2
    assert selectors.report_state(report, dt.date(2024, 4, 2))["filed_on"] == dt.date(2024, 4, 1)


def test_corrections_are_new_versions_and_nothing_is_overwritten(org, rep):
    report, first = submitted(org, YEAR, user=rep)
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version,
                                        content=valid_content(YEAR, members=20))
    second = services.report_submit(actor=rep, report=report, expected_version=report.version)
    first.refresh_from_db()
    assert first.content["members"] == 12 and second.content["members"] == 20
    assert first.content_hash == rules.content_hash(first.content)
    assert second.content_hash == rules.content_hash(second.content) != first.content_hash
    assert [v.number for v in selectors.versions_of(rep, report)] == [1, 2]
    assert ForeignFundingReceipt.objects.filter(version=first).count() == 2
    report.refresh_from_db()
    assert report.latest == second


def test_versions_cannot_be_changed_or_deleted(org, rep):
    _report, version = submitted(org, YEAR, user=rep)
    version.content = {"members": 1}
    with pytest.raises(PermissionDeniedError), transaction.atomic():
        version.save()
    with pytest.raises((PermissionDeniedError, ProtectedError)), transaction.atomic():
        version.delete()
    receipt = ForeignFundingReceipt.objects.filter(version=version).first()
    with pytest.raises(PermissionDeniedError), transaction.atomic():
        receipt.delete()
    version.refresh_from_db()
    assert version.content["members"] == 12
    plain = services.report_submit_content(
        actor=None, organisation=org, year=2022, source="import",
        content=valid_content(2022, foreign_receipts=[], foreign_uses=[], income_foreign_kzt=0))
    with pytest.raises(PermissionDeniedError), transaction.atomic():  # nothing protected points at it
        plain.delete()
    assert ReportVersion.objects.count() == 2 and ForeignFundingReceipt.objects.count() == 2


# --- review -----------------------------------------------------------------------------------------------


def test_review_accept_and_return(org, rep, analyst, django_capture_on_commit_callbacks):
    report, version = submitted(org, YEAR, user=rep)
    with pytest.raises(PermissionDeniedError):
        services.report_review(actor=rep, version=version, decision="accepted")
    with pytest.raises(ValidationFailed) as exc:
        services.report_review(actor=analyst, version=version, decision="returned", reasons="  ")
    assert "reasons" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.report_review(actor=analyst, version=version, decision="maybe")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review = services.report_review(actor=analyst, version=version, decision="returned",
                                        reasons="Payroll looks like a monthly figure")
    report.refresh_from_db()
    assert review.decision == "returned" and report.status == "returned"
    assert "Payroll looks like a monthly figure" in mail.outbox[0].body and mail.outbox[0].to == [rep.email]
    with pytest.raises(Conflict):  # already reviewed
        services.report_review(actor=analyst, version=version, decision="accepted")
    assert not ActivitySign.objects.get(organisation=org, year=YEAR).active  # returned: nothing stands
    # The corrected report is a new version; it can be accepted.
    corrected = services.report_submit(actor=rep, report=report, expected_version=report.version)
    with pytest.raises(Conflict):  # the old version is no longer the latest
        services.report_review(actor=analyst, version=version, decision="accepted")
    services.report_review(actor=analyst, version=corrected, decision="accepted")
    report.refresh_from_db()
    assert report.status == "accepted" and ActivitySign.objects.get(organisation=org, year=YEAR).active
    assert AuditEntry.objects.filter(action="report_review").count() == 4  # review + report, twice
    # A correction after acceptance is a new version again.
    again = services.report_submit(actor=rep, report=report, expected_version=report.version)
    report.refresh_from_db()
    assert again.number == 3 and report.status == "submitted"
    assert ReportReview.objects.count() == 2


def test_accepted_version_stands_while_its_correction_is_returned(org, rep, analyst):
    report, first = submitted(org, YEAR, user=rep)
    services.report_review(actor=analyst, version=first, decision="accepted")
    report.refresh_from_db()
    empty = valid_content(YEAR, employees=0, employees_women=0, employees_with_disability=0,
                          employees_age_under_30=0, employees_age_30_59=0, employees_age_60_plus=0,
                          employees_higher_education=0, employees_managers=0, employees_specialists=0,
                          employees_support_staff=0)
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version, content=empty)
    second = services.report_submit(actor=rep, report=report, expected_version=report.version)
    assert not ActivitySign.objects.get(organisation=org, year=YEAR).employees
    services.report_review(actor=analyst, version=second, decision="returned", reasons="Employees missing")
    sign = ActivitySign.objects.get(organisation=org, year=YEAR)
    assert sign.employees and sign.version == first
    [year] = selectors.public_report_years(org)
    assert year["receipt_number"] == first.receipt_number and year["status"] == "accepted"


# --- exemption ----------------------------------------------------------------------------------------------


def test_exemption_path(org, rep, django_capture_on_commit_callbacks):
    report = services.report_open(actor=rep, organisation=org, year=YEAR)
    with pytest.raises(ValidationFailed) as exc:
        services.exemption_submit(actor=rep, report=report, expected_version=1,
                                  declaration={"exemption": {"no_activity": True}, "note": ""})
    assert set(exc.value.fields) == {"exemption.under_reorganisation_or_liquidation",
                                     "exemption.tax_payment_suspended"}
    with django_capture_on_commit_callbacks(execute=True):
        version = services.exemption_submit(actor=rep, report=report, expected_version=1, declaration=EXEMPT)
    report.refresh_from_db()
    assert version.kind == "exemption" and version.content == EXEMPT and version.employees == 0
    assert report.status == "submitted" and report.latest == version and report.draft["members"] == 0
    assert not ActivitySign.objects.get(organisation=org, year=YEAR).active
    assert AuditEntry.objects.filter(action="exemption_submit").count() == 2
    assert version.receipt_number in mail.outbox[0].subject and mail.outbox[0].to == [rep.email]
    with pytest.raises(PermissionDeniedError):
        services.exemption_submit(actor=representative(OrganisationFactory()), report=report,
                                  expected_version=report.version, declaration=EXEMPT)
    # An exemption counts as filing: filed today, long after the due date, so late but filed.
    rows = {r["organisation_id"]: r for r in selectors.overdue_organisations(year=YEAR, today=dt.date(2026, 12, 1))}
    assert rows[org.pk]["status"] == "filed_late" and version.late


# --- bulk filing (XLSX, import) --------------------------------------------------------------------------


def test_submit_content_is_idempotent_per_content(org, rep, analyst):
    content = valid_content(YEAR)
    first = services.report_submit_content(actor=None, organisation=org, year=YEAR, content=content, source="import")
    assert first.number == 1 and first.source == "import" and not first.late  # filing date unknown
    assert services.report_submit_content(actor=None, organisation=org, year=YEAR, content=content,
                                          source="import") is None
    changed = services.report_submit_content(actor=analyst, organisation=org, year=YEAR,
                                             content=valid_content(YEAR, members=30), source="import")
    assert changed.number == 2 and ReportVersion.objects.count() == 2
    report = AnnualReport.objects.get()
    assert report.draft["members"] == 30 and report.latest == changed
    xlsx = services.report_submit_content(actor=rep, organisation=org, year=YEAR,
                                          content=valid_content(YEAR, members=31), source="xlsx")
    assert xlsx.late  # filed now, long after 1 April 2024
    with pytest.raises(PermissionDeniedError):
        services.report_submit_content(actor=representative(OrganisationFactory()), organisation=org, year=YEAR,
                                       content=content, source="xlsx")
    with pytest.raises(ValidationFailed):
        services.report_submit_content(actor=None, organisation=org, year=YEAR,
                                       content=valid_content(YEAR, employees=-1), source="import")
    assert ReportVersion.objects.count() == 3


def test_submit_content_dated(org):
    moment = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    version = services.report_submit_content(actor=None, organisation=org, year=YEAR, content=valid_content(YEAR),
                                             source="import", submitted_at=moment)
    assert version.submitted_at == moment and not version.late


# --- activity ------------------------------------------------------------------------------------------------


def test_activity_needs_a_filed_report(org, rep):
    assert not services.activity_recompute(organisation=org, year=YEAR).active
    opened(org, rep)  # a draft shows nothing
    assert not services.activity_recompute(organisation=org, year=YEAR).active


@pytest.mark.parametrize("key", ["volunteers", "services_volume_kzt", "expenses_kzt"])
def test_any_single_sign_makes_active(org, key):
    content = rules.normalise_content({key: 10, "volunteer_hours": 0})[0]
    if key == "expenses_kzt":
        content["spending_by_direction"] = {}
    services.report_submit_content(actor=None, organisation=org, year=YEAR, content=content, source="import")
    sign = ActivitySign.objects.get(organisation=org, year=YEAR)
    assert sign.active and sum([sign.employees, sign.volunteers, sign.services, sign.expenses]) == 1


def test_funding_agreement_hook(org, monkeypatch):
    monkeypatch.setattr(services, "funding_agreements_active", lambda keys: set(keys))
    sign = services.activity_recompute(organisation=org, year=YEAR)
    assert sign.active and sign.funding_agreement


# --- selectors and permissions ---------------------------------------------------------------------------------


def test_ngo_sees_only_its_own_drafts(org, rep, analyst):
    mine = services.report_open(actor=rep, organisation=org, year=YEAR)
    other_org = OrganisationFactory()
    other_rep = representative(other_org)
    theirs = services.report_open(actor=other_rep, organisation=other_org, year=YEAR)
    assert list(selectors.reports_visible_to(rep)) == [mine]
    assert list(selectors.reports_visible_to(other_rep)) == [theirs]
    assert set(selectors.reports_visible_to(analyst)) == {mine, theirs}
    assert not selectors.reports_visible_to(UserFactory()).exists()
    from django.contrib.auth.models import AnonymousUser
    assert not selectors.reports_visible_to(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        selectors.report_for(rep, theirs.pk)
    with pytest.raises(PermissionDeniedError):
        selectors.versions_of(rep, theirs)


def test_public_selectors_never_return_drafts_or_private_parts(org, rep):
    opened(org, rep, year=2022, content=valid_content(2022, members=99))  # a draft only
    submitted(org, YEAR, content=valid_content(YEAR, founders_legal_entities=[VALID_BIN]), user=rep)
    years = selectors.public_report_years(org)
    assert [y["year"] for y in years] == [YEAR]
    text = repr(years)
    assert VALID_BIN not in text and "founders" not in text and "property" not in text and "tax" not in text
    assert years[0]["income"]["income_foreign_kzt"] == 2_000_000 and years[0]["foreign_countries"] == ["DE", "US"]
    assert years[0]["active"] is True and years[0]["beneficiaries"] == 250


def test_receipt_by_number(org, rep):
    _report, version = submitted(org, YEAR, user=rep)
    assert selectors.receipt_by_number(version.receipt_number) == version
    assert selectors.receipt_by_number(version.receipt_number.lower() + " ") == version
    assert selectors.receipt_by_number("QR-2023-999999-01") is None
    assert selectors.receipt_by_number(org.bin) is None


def test_foreign_funding_register(org, rep, analyst):
    report, first = submitted(org, YEAR, user=rep)
    other = OrganisationFactory(region_id="710000000")
    submitted(other, YEAR, content=valid_content(YEAR, foreign_receipts=[], foreign_uses=[], income_foreign_kzt=0))
    [row] = selectors.foreign_funding_register()
    assert row["bin"] == org.bin and row["total_kzt"] == 2_000_000 and row["countries"] == ["DE", "US"]
    assert row["period_start"] == dt.date(2023, 3, 15) and row["period_end"] == dt.date(2023, 9, 1)
    assert selectors.foreign_funding_register(year=2022) == []
    assert selectors.foreign_funding_register(region="710000000") == []
    # A correction replaces the filing in the register (no double counting).
    report = services.report_save_draft(actor=rep, report=report, expected_version=report.version, content=valid_content(
        YEAR, income_foreign_kzt=1_500_000, foreign_receipts=valid_content(YEAR)["foreign_receipts"][:1]))
    services.report_submit(actor=rep, report=report, expected_version=report.version)
    [row] = selectors.foreign_funding_register(year=YEAR)
    assert row["total_kzt"] == 1_500_000 and row["countries"] == ["DE"]


# --- overdue ---------------------------------------------------------------------------------------------------


def test_overdue_organisations_with_fines(org, rep):
    non_ngo = OrganisationFactory(legal_form=LegalForm.objects.get(code="political_party"))
    branch = OrganisationFactory(legal_form=LegalForm.objects.get(code="foreign_npo_branch"))
    OrganisationFactory(registered_on=dt.date(2024, 1, 10))  # registered after the year: not obliged
    OrganisationFactory(status="liquidated", liquidated_on=dt.date(2024, 2, 1))  # liquidated before the due date
    in_liquidation = OrganisationFactory(status="liquidated", liquidated_on=dt.date(2024, 5, 1))
    filed_late = OrganisationFactory()
    services.report_submit_content(actor=None, organisation=filed_late, year=YEAR, content=valid_content(YEAR),
                                   source="xlsx", submitted_at=dt.datetime(2024, 4, 1, 19, 30, tzinfo=dt.UTC))
    on_time = OrganisationFactory()
    services.report_submit_content(actor=None, organisation=on_time, year=YEAR, content=valid_content(YEAR),
                                   source="xlsx", submitted_at=dt.datetime(2024, 4, 1, 18, 30, tzinfo=dt.UTC))
    assert selectors.overdue_organisations(year=YEAR, today=dt.date(2024, 4, 1)) == []  # not yet due
    rows = {r["organisation_id"]: r for r in selectors.overdue_organisations(year=YEAR, today=dt.date(2024, 6, 1))}
    assert set(rows) == {org.pk, non_ngo.pk, branch.pk, in_liquidation.pk, filed_late.pk}
    row = rows[org.pk]
    assert row["status"] == "not_filed" and row["due_on"] == dt.date(2024, 4, 1) and row["days_overdue"] == 61
    assert row["fine_mci"] == 100 and row["mci_year"] == 2024 and row["fine_kzt"] == 369_200 and not row["mci_note"]
    assert rows[filed_late.pk]["status"] == "filed_late" and rows[filed_late.pk]["filed_on"] == dt.date(2024, 4, 2)
    assert rows[filed_late.pk]["days_overdue"] == 1


def test_overdue_fine_uses_latest_mci_when_missing_and_editable_fine(org):
    MonthlyCalculationIndex.objects.filter(year__gte=2024).delete()
    Parameter.objects.create(key="reporting.fine_late_mci", value=150)
    [row] = selectors.overdue_organisations(year=YEAR, today=dt.date(2024, 6, 1))
    assert row["mci_year"] == 2023 and row["fine_kzt"] == 150 * 3450 and "2023" in row["mci_note"]
    MonthlyCalculationIndex.objects.all().delete()
    [row] = selectors.overdue_organisations(year=YEAR, today=dt.date(2024, 6, 1))
    assert row["fine_kzt"] is None and row["mci_note"]


@pytest.mark.django_db
def test_last_closed_year():
    assert selectors.last_closed_year(dt.date(2024, 4, 1)) == 2022  # the 2023 deadline is today
    assert selectors.last_closed_year(dt.date(2024, 4, 2)) == 2023
    assert selectors.last_closed_year(dt.date(2024, 12, 31)) == 2023


def test_receiving_body_from_config(org, rep, committee):
    from tests.factories import StateBodyFactory

    body = StateBodyFactory()
    Parameter.objects.create(key="reporting.receiving_body_bin", value=body.bin)
    _report, version = submitted(org, YEAR, user=rep)
    assert version.receiving_body == body


# --- admin: read-only ------------------------------------------------------------------------------------------


def test_admin_shows_reports_and_versions_read_only(org, rep, admin_user, client):
    from django.contrib import admin as django_admin

    from qogam.reporting.models import ReminderSent
    from tests.accounts.helpers import login_verified

    report, version = submitted(org, YEAR, user=rep)
    login_verified(client, admin_user)
    for model, pk in ((AnnualReport, report.pk), (ReportVersion, version.pk), (ActivitySign, None),
                      (ForeignFundingReceipt, None), (ForeignFundingUse, None), (ReportReview, None),
                      (ReminderSent, None)):
        name = model._meta.model_name
        assert client.get(f"/en/admin/reporting/{name}/").status_code == 200
        model_admin = django_admin.site._registry[model]
        request = type("R", (), {"user": admin_user})()
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
        if pk:
            page = client.get(f"/en/admin/reporting/{name}/{pk}/change/")
            assert page.status_code == 200 and version.receipt_number in page.content.decode()
    assert client.post(f"/en/admin/reporting/reportversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReportVersion.objects.filter(pk=version.pk).exists()
