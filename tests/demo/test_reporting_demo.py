"""The demo's annual reports at --scale 0.01: every status and kind of filing, valid content, a
plausible active share derived from the reports, consistent signs, receipts and an intact audit chain."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, Sum

from qogam.core import audit
from qogam.core.calendar import ALMATY
from qogam.core.models import AuditEntry
from qogam.demo import runner
from qogam.registry.models import Organisation
from qogam.reporting import rules, schema, services
from qogam.reporting.models import (
    ActivitySign,
    AnnualReport,
    ForeignFundingReceipt,
    ForeignFundingUse,
    ReportReview,
    ReportVersion,
)
from qogam.reporting.selectors import last_closed_year

pytestmark = pytest.mark.django_db


def test_five_closed_years_and_drafts_only_for_the_current_year(demo, db):
    last = last_closed_year(demo.today)
    filed_years = set(ReportVersion.objects.values_list("report__year", flat=True))
    assert set(range(last - 4, last + 1)) <= filed_years
    assert min(filed_years) == last - 4
    current = AnnualReport.objects.filter(year=demo.today.year)
    assert current.exists() and not ReportVersion.objects.filter(report__year=demo.today.year).exists()
    assert set(current.values_list("status", flat=True)) == {"draft"}


def test_every_status_and_kind_of_filing_exists(demo, db):
    statuses = set(AnnualReport.objects.values_list("status", flat=True))
    assert statuses == set(AnnualReport.Status.values)
    versions = ReportVersion.objects.all()
    assert versions.filter(kind="exemption").exists()
    assert versions.filter(late=True).exists() and versions.filter(late=False).exists()
    corrected = AnnualReport.objects.annotate(n=Count("versions")).filter(n=2)
    assert corrected.exists()
    for report in corrected[:5]:
        first, second = report.versions.order_by("number")
        assert first.reviews.get().decision == "returned" and first.reviews.get().reasons
        assert second.submitted_at > first.reviews.get().reviewed_at
    assert ForeignFundingReceipt.objects.values("organisation").distinct().count() >= 1
    assert ReportReview.objects.filter(decision="accepted").exists()


def test_versions_are_valid_and_consistent(demo, db):
    directions = services.direction_codes()
    receipts = Counter()
    for row in ForeignFundingReceipt.objects.values("version_id").annotate(total=Sum("amount_kzt")):
        receipts[row["version_id"]] = int(row["total"])
    uses = set(ForeignFundingUse.objects.values_list("version_id", flat=True))
    numbers = set()
    for version in ReportVersion.objects.select_related("report__organisation"):
        report, organisation = version.report, version.report.organisation
        assert version.content_hash == rules.content_hash(version.content)
        assert rules.parse_receipt_number(version.receipt_number) == (report.year, report.pk, version.number)
        numbers.add(version.receipt_number)
        assert version.submitted_at.date() >= dt.date(report.year + 1, 1, 1) - dt.timedelta(days=1)
        assert version.late == (version.submitted_at.astimezone(ALMATY).date() > report.due_on)
        bounds = {"registered_year": organisation.registered_on.year,
                  "liquidated_year": organisation.liquidated_on.year if organisation.liquidated_on else None}
        if version.kind == "exemption":
            assert rules.validate_exemption(version.content, year=report.year, today=demo.today, **bounds).ok
            continue
        issues = rules.validate_content(version.content, year=report.year, today=demo.today,
                                        direction_codes=directions, **bounds)
        assert issues.ok, (version.receipt_number, issues.errors)
        for key, value in rules.flat_values(version.content).items():
            assert getattr(version, key) == value
        assert receipts[version.pk] == version.income_foreign_kzt
        assert (version.pk in uses) == bool(version.content["foreign_uses"])
    assert len(numbers) == ReportVersion.objects.count()


def test_reports_have_plausible_magnitudes(demo, db):
    versions = ReportVersion.objects.filter(kind="report", employees__gt=0)
    assert versions.exists()
    small = versions.filter(employees__lte=10).count() / versions.count()
    assert small > 0.8
    for version in versions[:200]:
        monthly = version.payroll_kzt / version.employees / 12
        assert 150_000 <= monthly <= 350_000
        assert version.employees_age_under_30 + version.employees_age_30_59 + version.employees_age_60_plus == \
            version.employees


def test_the_active_share_is_derived_from_the_reports(demo, db):
    last = last_closed_year(demo.today)
    registered = Organisation.objects.filter(legal_form__is_ngo=True, status="registered")
    active = ActivitySign.objects.filter(year=last, active=True, organisation__in=registered).count()
    share = active / registered.count()
    assert 0.65 <= share <= 0.85
    # The register stores no generated flag: activity is only what the reports show.
    assert "active_generated" not in {f.name for f in Organisation._meta.get_fields()}


def test_signs_of_activeness_follow_the_standing_version(demo, db):
    signs = {(s.organisation_id, s.year): s for s in ActivitySign.objects.all()}
    reports = AnnualReport.objects.exclude(status="draft").select_related("organisation")
    keys = {(r.organisation_id, r.year) for r in reports}
    assert keys <= set(signs)
    # Signs without a report come from funding agreements alone (issue 4: agreements count toward the sign).
    assert all(signs[k].funding_agreement and signs[k].active for k in set(signs) - keys)
    for report in reports:
        sign = signs[(report.organisation_id, report.year)]
        standing = services.effective_version(report)
        expected = (rules.activity_signs(standing.content) if standing and standing.kind == "report"
                    else dict.fromkeys(rules.SIGN_FIELDS, False))
        assert {k: getattr(sign, k) for k in rules.SIGN_FIELDS} == expected
        assert sign.active == (any(expected.values()) or sign.funding_agreement)
        assert sign.version_id == (standing.pk if standing else None)
        assert report.latest == report.versions.order_by("-number").first()
        assert report.status == (report.latest.reviews.order_by("-reviewed_at").first().decision
                                 if report.latest.reviews.exists() else "submitted")


def test_the_demo_ngo_user_has_past_reports_and_a_current_draft(demo, db):
    organisation = demo.objects["ngo_user_organisation"]
    reports = {r.year: r for r in AnnualReport.objects.filter(organisation=organisation)}
    last = last_closed_year(demo.today)
    assert reports[demo.today.year].status == "draft" and reports[demo.today.year].draft
    assert any(r.status == "accepted" for r in reports.values())
    assert any(r.versions.count() == 2 for r in reports.values())
    assert reports[last].latest is not None
    draft = reports[demo.today.year].draft
    assert set(draft) == set(schema.empty_content())


def test_the_audit_chain_verifies(demo, db):
    assert audit.verify().ok
    assert AuditEntry.objects.filter(action="report_generate").count() == AnnualReport.objects.count()


def test_reset_removes_every_report(demo, db):
    runner.wipe()
    for model in (AnnualReport, ReportVersion, ReportReview, ActivitySign, ForeignFundingReceipt):
        assert not model.objects.exists()
    assert audit.verify().ok
