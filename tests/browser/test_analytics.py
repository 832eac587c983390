"""The sector dashboard in a real browser (Debian's Chromium, driven by Playwright): the charts draw,
the year and region filter, a chart's data downloads as CSV, and the PDF sector report is asked for,
its page shows the progress and refreshes itself until the download appears, and the PDF downloads."""

import subprocess
from pathlib import Path

import pytest

from qogam.analytics import services
from qogam.analytics.models import Job
from tests.analytics.conftest import build_world

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ALMATY = "750000000"


@pytest.fixture
def computed(transactional_db):
    ARTIFACTS.mkdir(exist_ok=True)
    build_world()
    job = services.request_refresh()
    if Job.objects.get(pk=job.pk).status == Job.Status.QUEUED:
        services.run_refresh(job.pk)
    return job


def test_the_dashboard_draws_filters_and_downloads_a_charts_data(page, computed, tmp_path):
    page.goto("/en/analytics/")
    assert page.locator("svg.chart").count() >= 12
    assert page.locator("#panel-regions").is_visible() and page.locator("#panel-equity").is_visible()
    page.screenshot(path=str(ARTIFACTS / "analytics-dashboard-en.png"), full_page=True)
    page.get_by_role("combobox", name="Year").select_option("2024")
    page.get_by_role("combobox", name="Region").select_option(ALMATY)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "region=750000000" in page.url and page.locator("#panel-regions").count() == 0
    summary = page.locator("#panel-summary")
    assert "NGOs on the register" in summary.inner_text()
    panel = page.locator("#panel-legal-forms")
    panel.get_by_text("Table").click()
    assert "Public fund" in panel.locator("table").inner_text()
    with page.expect_download() as download:
        panel.get_by_role("link", name="CSV").click()
    path = tmp_path / "legal-forms.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Year,Code,Legal form,On the register,Active" and "2024,public_fund," in text


def test_the_pdf_report_shows_its_progress_and_downloads(page, computed, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # no worker yet
    page.goto("/ru/analytics/?year=2024")
    page.get_by_role("button", name="Сформировать PDF-отчёт за 2024 год").click()
    page.wait_for_load_state()
    assert "в очереди" in page.locator("#job-status").inner_text().lower()
    assert page.locator("#job-progress").get_attribute("value") == "0"
    job = Job.objects.get(kind=Job.Kind.REPORT)
    services.run_report(job.pk)  # the worker runs it; the page refreshes itself and shows the download
    page.locator("#report-download").wait_for(timeout=15000)
    assert page.locator("#job-progress").get_attribute("value") == "100"
    page.screenshot(path=str(ARTIFACTS / "analytics-report-ready-ru.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#report-download").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Сектор НПО Казахстана в 2024 году" in text and "НПО в реестре" in text
