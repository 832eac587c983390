"""Filing an annual report in a real browser (Debian's Chromium, driven by Playwright): an NGO
representative signs in, fills in the report with a mistake, sees the error at the field, fixes it,
submits, and gets the receipt. Screenshots go to test-artifacts/ for a person to look at."""

import re
from pathlib import Path

import pytest

from qogam.reporting.models import ReportVersion
from tests.factories import OrganisationFactory
from tests.reporting import factories
from tests.reporting.factories import representative

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery"
committee, at = factories.committee, factories.at  # the reporting tests' fixtures


@pytest.fixture
def ngo(transactional_db, committee):
    ARTIFACTS.mkdir(exist_ok=True)
    organisation = OrganisationFactory(
        name_ru="Общественный фонд «Мейірім»", name_kk="«Мейірім» қоғамдық қоры", directions=["education", "health"],
    )
    user = representative(organisation, username="aigerim", language="en")
    return organisation, user


def sign_in(page, username):
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def fill(page, values: dict):
    for key, value in values.items():
        page.locator(f"#id_{key}").fill(str(value))


def test_fill_in_with_a_mistake_fix_it_and_submit(page, ngo, at):
    at(2024, 3, 12, 10, 0)
    organisation, user = ngo
    sign_in(page, user.username)
    page.goto("/en/reports/")
    page.get_by_label("Organisation").select_option(organisation.bin)
    page.get_by_label("Reporting year").select_option("2023")
    page.get_by_role("button", name="Open the report").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Annual report for 2023"

    fill(page, {
        "founders_individuals": 3, "members": 25, "income_state_grants_kzt": "4 000 000",
        "income_charity_sponsorship_kzt": 600000, "expenses_kzt": 4200000, "employees": 5, "employees_women": 4,
        "employees_age_under_30": 2, "employees_age_30_59": 2, "employees_age_60_plus": 2,  # the mistake: 6, not 5
        "employees_higher_education": 5, "payroll_kzt": 2800000, "volunteers": 12, "volunteer_hours": 480,
        "beneficiaries": 340, "services_volume_kzt": 3500000, "tax_social_kzt": 140000,
        "tax_iit_withheld_kzt": 280000,
    })
    page.locator("#id_spending_by_direction-0-direction").select_option("education")
    page.locator("#id_spending_by_direction-0-amount_kzt").fill("4200000")
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state()

    field = page.locator("#f-employees_age_60_plus")
    assert "The three age bands add up to 6, but the total number of employees is 5" in field.inner_text()
    assert page.locator("#id_employees_age_60_plus").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_employees_age_60_plus").input_value() == "2"
    assert "1 error blocks submission" in page.locator("#error-summary").inner_text()
    page.locator("#t-employees").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "report-form-error-en.png"), full_page=False)
    assert not ReportVersion.objects.exists()

    page.get_by_role("link", name="aged under 30").click()  # the summary leads to the field
    page.locator("#id_employees_age_60_plus").fill("1")
    page.get_by_role("button", name="Submit the report").click()
    page.wait_for_load_state()

    assert re.search(r"/en/reports/versions/\d+/receipt/$", page.url)
    version = ReportVersion.objects.get()
    assert page.locator("h1").inner_text() == "Receipt of filing"
    assert page.locator("#receipt-number").inner_text() == version.receipt_number
    receipt = page.locator(".receipt-box").inner_text()
    for fact in (organisation.bin, version.content_hash, "Committee on Civil Society Affairs", "On time",
                 "12.03.2024"):
        assert fact in receipt, fact
    page.screenshot(path=str(ARTIFACTS / "report-receipt-en.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    assert download.value.suggested_filename == f"receipt-{version.receipt_number}.pdf"

    page.goto(f"/en/reports/receipts/?number={version.receipt_number}")
    assert "Valid receipt" in page.locator("main").inner_text()


def test_public_profile_and_foreign_funding_register(page, ngo):
    from tests.reporting.factories import submitted, valid_content

    organisation, user = ngo
    submitted(organisation, 2023, content=valid_content(2023), user=user)
    page.goto(f"/en/register/organisations/{organisation.bin}/")
    reports = page.locator(".profile-reports").inner_text()
    assert "2023" in reports and "Total income" in reports and "7,300,000" in reports
    page.locator(".profile-reports").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "profile-reports-en.png"), full_page=False)
    page.goto("/en/reports/foreign-funding/")
    row = page.locator("table.data tbody tr").first.inner_text()
    assert organisation.name_ru in row and "2,000,000" in row and "DE" in row
    page.screenshot(path=str(ARTIFACTS / "foreign-funding-en.png"), full_page=True)
