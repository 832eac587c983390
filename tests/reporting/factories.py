"""Helpers for reporting tests, reusable by every reporting test module.

- `valid_content(**overrides)`: a complete, valid report content (passes every error rule) for `year`.
- `representative(organisation)`: an approved, verified representative (a user) of the organisation.
- `authority()`: a verified ministry analyst (the authorised body).
- `submitted(organisation, year, content=None, user=None)`: a report with its first version filed.
- `contents(year)`: a hypothesis strategy of valid contents.

Fixtures (import them into a test module: `from tests.reporting.factories import org, rep  # noqa: F401`):
`committee` (the receiving body), `org` (an organisation with a public e-mail), `rep` (its approved,
verified representative), `analyst` (the authorised body), `at` (fixes the clock: `at(2024, 3, 31, 18, 0)`
in Asia/Almaty).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import strategies as st

from qogam.accounts.models import Role
from qogam.core.calendar import ALMATY
from qogam.reporting import schema
from tests.accounts.helpers import verified

VALID_BIN = "150640000100"  # a valid BIN (make_bin(2015, 6, 10))
OTHER_BIN = "160340000775"
DIRECTIONS = ["education", "science", "sport", "rights", "culture", "environment", "social_protection", "health"]


def valid_content(year: int = 2023, **overrides) -> dict:
    content = schema.empty_content()
    content.update(
        founders_individuals=3,
        founders_legal_entities=[],
        members=12,
        property_cash_kzt=1_200_000,
        income_state_grants_kzt=5_000_000,
        income_foreign_kzt=2_000_000,
        income_membership_fees_kzt=300_000,
        expenses_kzt=6_500_000,
        spending_by_direction={"education": 4_000_000, "social_protection": 2_500_000},
        employees=5,
        employees_women=3,
        employees_with_disability=1,
        employees_age_under_30=2,
        employees_age_30_59=2,
        employees_age_60_plus=1,
        employees_higher_education=4,
        employees_managers=1,
        employees_specialists=3,
        employees_support_staff=1,
        payroll_kzt=3_600_000,
        volunteers=10,
        volunteer_hours=400,
        beneficiaries=250,
        services_volume_kzt=4_500_000,
        services_by_activity={"education": 4_500_000},
        tax_social_kzt=150_000,
        tax_iit_withheld_kzt=300_000,
        foreign_receipts=[
            {"source_type": "international_organisation", "country": "DE", "amount_kzt": 1_500_000,
             "received_on": f"{year}-03-15", "purpose": "Project «Open schools»"},
            {"source_type": "foreign_organisation", "country": "US", "amount_kzt": 500_000,
             "received_on": f"{year}-09-01", "purpose": "Training of volunteers"},
        ],
        foreign_uses=[
            {"period_start": f"{year}-04-01", "period_end": f"{year}-12-31", "amount_kzt": 1_800_000,
             "direction": "education"},
        ],
    )
    content.update(overrides)
    return content


def representative(organisation, **user_kwargs):
    from tests.factories import RepresentationFactory, UserFactory

    user = UserFactory(role=Role.NGO, **user_kwargs)
    RepresentationFactory(user=user, organisation=organisation)
    return verified(user)


def authority(**user_kwargs):
    from tests.factories import UserFactory

    return verified(UserFactory(role=Role.ANALYST, **user_kwargs))


def submitted(organisation, year: int = 2023, content: dict | None = None, user=None):
    """(report, version): the report for `year` opened, its draft saved and submitted by a representative."""
    from qogam.reporting import services

    user = user or representative(organisation)
    report = services.report_open(actor=user, organisation=organisation, year=year)
    report = services.report_save_draft(actor=user, report=report, expected_version=report.version,
                                        content=content if content is not None else valid_content(year))
    version = services.report_submit(actor=user, report=report, expected_version=report.version)
    report.refresh_from_db()
    return report, version


# --- hypothesis ---------------------------------------------------------------------------------------

_small = st.integers(min_value=0, max_value=500)
_money = st.integers(min_value=0, max_value=10**12)


@st.composite
def contents(draw, year: int = 2023) -> dict:
    """Random content satisfying every error rule (warnings may occur)."""
    content = schema.empty_content()
    for key in schema.INCOME_FIELDS + schema.TAX_FIELDS:
        content[key] = draw(_money)
    for key in ("property_real_estate_kzt", "property_equipment_kzt", "property_cash_kzt"):
        content[key] = draw(_money)
    content["founders_individuals"] = draw(_small)
    content["members"] = draw(_small)
    under, middle, old = draw(_small), draw(_small), draw(_small)
    total = under + middle + old
    content.update(employees=total, employees_age_under_30=under, employees_age_30_59=middle,
                   employees_age_60_plus=old)
    for key in ("employees_women", "employees_with_disability", "employees_higher_education"):
        content[key] = draw(st.integers(min_value=0, max_value=total))
    if draw(st.booleans()) and total:
        managers = draw(st.integers(min_value=0, max_value=total))
        specialists = draw(st.integers(min_value=0, max_value=total - managers))
        content.update(employees_managers=managers, employees_specialists=specialists,
                       employees_support_staff=total - managers - specialists)
    content["payroll_kzt"] = draw(_money)
    volunteers = draw(_small)
    content["volunteers"] = volunteers
    content["volunteer_hours"] = draw(st.integers(min_value=0, max_value=10**5)) if volunteers else 0
    content["beneficiaries"] = draw(st.integers(min_value=0, max_value=10**6))
    content["expenses_kzt"] = draw(_money)
    if draw(st.booleans()):
        parts = draw(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=4))
        codes = draw(st.lists(st.sampled_from(DIRECTIONS), min_size=len(parts), max_size=len(parts), unique=True))
        content["spending_by_direction"] = dict(zip(codes, parts, strict=True))
        content["expenses_kzt"] = sum(parts)
    content["services_volume_kzt"] = draw(_money)
    receipts = draw(st.lists(st.fixed_dictionaries({
        "source_type": st.sampled_from(["foreign_state", "international_organisation", "foreign_organisation",
                                        "foreign_citizen", "stateless_person"]),
        "country": st.sampled_from(["DE", "US", "GB", "JP", "TR", "RU", "CN", "FR"]),
        "amount_kzt": st.integers(min_value=1, max_value=10**9),
        "received_on": st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)).map(dt.date.isoformat),
        "purpose": st.text(alphabet="abcdefghij клмн", min_size=1, max_size=30).map(str.strip).filter(bool),
    }), max_size=3))
    content["foreign_receipts"] = receipts
    if receipts:
        content["income_foreign_kzt"] = sum(r["amount_kzt"] for r in receipts)
    return content


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def committee(db):
    """The receiving body: the Committee on Civil Society Affairs."""
    from qogam.registry.models import StateBody
    from tests.factories import StateBodyFactory

    return StateBodyFactory(
        name_en="Committee on Civil Society Affairs", name_ru="Комитет по делам гражданского общества",
        name_kk="Азаматтық қоғам істері комитеті",
        kind=StateBody.Kind.COMMITTEE, level=StateBody.Level.CENTRAL, region=None,
    )


@pytest.fixture
def org(db, committee):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(email="office@ngo.kz", directions=["education", "social_protection"])


@pytest.fixture
def rep(org):
    return representative(org)


@pytest.fixture
def analyst(db):
    return authority()


@pytest.fixture
def at(monkeypatch):
    """`at(2024, 3, 31, 18, 0)` fixes the clock at that moment in Asia/Almaty."""

    def set_clock(*parts):
        moment = dt.datetime(*parts, tzinfo=ALMATY)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
        return moment

    return set_clock
