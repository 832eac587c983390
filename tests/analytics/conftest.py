"""The hand-computed world of the indicators' tests (issue 7), shared by the command's, the snapshots'
and the dashboards' tests."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from qogam.core.models import LegalForm
from qogam.reporting.models import AnnualReport, ReportReview, ReportVersion
from tests.factories import OrganisationFactory

D = dt.date
_receipts = itertools.count(1)


def report(org, year, *, number=1, kind="report", returned=False, **figures):
    annual, _ = AnnualReport.objects.get_or_create(organisation=org, year=year, defaults={"due_on": D(year + 1, 3, 31)})
    version = ReportVersion.objects.create(
        report=annual, number=number, kind=kind, content={}, content_hash="0" * 64, submitted_at=timezone.now(),
        receipt_number=f"T-{next(_receipts)}", **figures)
    if returned:
        ReportReview.objects.create(version=version, decision="returned", reasons="Ошибка", reviewed_at=timezone.now())
    return version


def build_world():
    """Three NGOs on the register in 2024 (two in Almaty, one in Astana), one liquidated on 31 Dec 2024, a
    party, a union, a religious association and one registered in 2025, with their 2023 and 2024 reports."""
    almaty, astana = "750000000", "710000000"
    a = OrganisationFactory(legal_form=LegalForm.objects.get(code="public_fund"), registered_on=D(2010, 5, 1),
                            region_id=almaty, leader_gender="f", directions=["education", "youth"])
    b = OrganisationFactory(legal_form=LegalForm.objects.get(code="public_association"), registered_on=D(2023, 2, 1),
                            region_id=almaty, leader_gender="m", directions=["education"])
    c = OrganisationFactory(legal_form=LegalForm.objects.get(code="public_fund"), registered_on=D(2020, 1, 1),
                            region_id=astana, leader_gender="f", liquidated_on=D(2025, 1, 1),
                            status="liquidated", directions=["health"])
    gone = OrganisationFactory(legal_form=LegalForm.objects.get(code="public_fund"), registered_on=D(2015, 1, 1),
                               region_id=almaty, liquidated_on=D(2024, 12, 31), status="liquidated")
    party = OrganisationFactory(legal_form=LegalForm.objects.get(code="political_party"), registered_on=D(2001, 1, 1),
                                region_id=almaty)
    union = OrganisationFactory(legal_form=LegalForm.objects.get(code="trade_union"), registered_on=D(2001, 1, 1),
                                region_id=almaty)
    church = OrganisationFactory(legal_form=LegalForm.objects.get(code="religious_association"),
                                 registered_on=D(2001, 1, 1), region_id=almaty)
    late = OrganisationFactory(legal_form=LegalForm.objects.get(code="public_fund"), registered_on=D(2025, 1, 1),
                               region_id=almaty)
    figures = {"employees": 4, "employees_women": 3, "employees_with_disability": 1, "employees_higher_education": 2,
               "employees_age_under_30": 1, "employees_age_30_59": 2, "employees_age_60_plus": 1,
               "payroll_kzt": 2_000_000, "volunteers": 5, "volunteer_hours": 100, "services_volume_kzt": 1_000_000,
               "expenses_kzt": 3_000_000, "income_foreign_kzt": 500_000, "income_charity_sponsorship_kzt": 200_000,
               "tax_social_kzt": 80_000, "tax_iit_withheld_kzt": 120_000}
    report(a, 2024, number=1, **{**figures, "employees": 99})
    report(a, 2024, number=2, **figures)  # a correction: version 2 stands
    report(b, 2024, number=1, volunteers=3, volunteer_hours=30)
    report(b, 2024, number=2, returned=True, employees=50)  # returned: version 1 still stands
    report(c, 2024, kind="exemption")  # an exemption shows no activity
    for org in (gone, party, union, church, late):
        report(org, 2024, **figures)  # none of them counts in 2024
    report(a, 2023, services_volume_kzt=800_000, expenses_kzt=1)
    return a, b, c


@pytest.fixture
def world(db):
    return build_world()
