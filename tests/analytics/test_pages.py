"""The dashboard pages and the API (issue 7): they read the saved snapshots; every chart's CSV/XLSX holds
the panel's rows; the ministry sees more; the PDF report is asked for, followed on its job page and
downloaded; bad years and regions are explained; nothing names a person."""

import io
import json
import subprocess

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from qogam.accounts.models import Role
from qogam.analytics import dashboard, services
from qogam.analytics.models import Job, Snapshot
from qogam.registry.models import Leader
from tests.accounts.helpers import login_verified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ALMATY = "750000000"
LEADER = "Сапарова Айгерим Нурлановна"


@pytest.fixture
def computed(world, django_capture_on_commit_callbacks):
    a, _b, _c = world
    Leader.objects.create(organisation=a, full_name=LEADER, iin_hash="a" * 64)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_refresh()
    return world


def command(*args) -> dict:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("lang,title", [("kk", "Сандардағы ҮЕҰ секторы"), ("ru", "Сектор НПО в цифрах"),
                                        ("en", "The NGO sector in figures")])
def test_the_dashboard_draws_every_public_panel_in_each_language(client, computed, lang, title):
    response = client.get(f"/{lang}/analytics/?year=2024")
    html = response.content.decode()
    assert response.status_code == 200 and title in html
    for key in ("summary", "registered-active", "regions", "legal-forms", "directions", "age", "funding", "funders",
                "equity", "employment", "services", "volunteers", "foreign-funds", "taxes", "responsiveness"):
        assert f'id="panel-{key}"' in html, key
    assert 'id="panel-signs"' not in html and 'id="panel-region-matrix"' not in html
    assert html.count("<svg") >= 12 and "<script" not in html.split("</header>", 1)[-1]
    assert LEADER not in html


def test_the_headline_figures_are_the_commands(client, computed):
    html = client.get("/en/analytics/?year=2024").content.decode()
    data = command("--year", "2024")
    assert f"<td>NGOs on the register</td><td class=\"num-cell\">{data['registered_ngos']['total']}</td>" in html
    assert f"<td>Active NGOs</td><td class=\"num-cell\">{data['active_ngos']['total']}</td>" in html


def test_a_region_shows_its_own_figures_and_no_regional_breakdown(client, computed):
    html = client.get(f"/en/analytics/?year=2024&region={ALMATY}").content.decode()
    assert 'id="panel-regions"' not in html and 'id="panel-equity"' not in html
    almaty = command("--year", "2024", "--region", ALMATY)
    assert f"<td>NGOs on the register</td><td class=\"num-cell\">{almaty['registered_ngos']['total']}</td>" in html


def test_an_unknown_year_or_region_is_explained(client, computed):
    html = client.get("/ru/analytics/?year=1850&region=999999999").content.decode()
    assert "1850" in html and "999999999" in html and 'role="alert"' in html
    assert 'id="panel-summary"' in html  # the default year and all of Kazakhstan are shown instead


def test_before_the_first_computation_the_page_says_so(client, world):
    html = client.get("/en/analytics/").content.decode()
    assert "The indicators have not been computed yet" in html and "Recompute" not in html


@pytest.mark.parametrize("key", list(dashboard.PANELS)[:15])
def test_every_charts_data_downloads_as_csv_and_xlsx(client, computed, key):
    board = dashboard.Board.load(2024, None)
    panel = dashboard.panel(key, board, ministry=False)
    response = client.get(f"/en/analytics/data/{key}.csv?year=2024")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[0] == panel.header[0].split(",")[0] and len(lines) == len(panel.rows) + 1
    response = client.get(f"/en/analytics/data/{key}.xlsx?year=2024")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == panel.header
    assert sheet.max_row == len(panel.rows) + 1
    assert LEADER not in response.content.decode("latin-1")


def test_the_ministrys_panels_are_for_the_ministry(client, computed):
    assert client.get("/en/analytics/data/region-matrix.csv?year=2024").status_code == 404
    login_verified(client, UserFactory(role=Role.ANALYST))
    html = client.get("/en/analytics/?year=2024").content.decode()
    assert 'id="panel-signs"' in html and 'id="panel-region-matrix"' in html and "Recompute the indicators now" in html
    assert client.get("/en/analytics/data/region-matrix.csv?year=2024").status_code == 200


def test_the_ministry_recomputes_and_follows_the_progress(client, computed, django_capture_on_commit_callbacks):
    login_verified(client, UserFactory(role=Role.ANALYST))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/analytics/refresh/")
    job = Job.objects.filter(kind=Job.Kind.REFRESH).order_by("-created_at").first()
    assert response.status_code == 302 and response["Location"].endswith(f"/analytics/jobs/{job.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert "done" in html.lower() and "100%" in html and 'http-equiv="refresh"' not in html


def test_others_cannot_recompute_or_see_a_recomputation(client, computed):
    job = Job.objects.get(kind=Job.Kind.REFRESH)
    assert client.get(f"/en/analytics/jobs/{job.pk}/").status_code == 404
    login_verified(client, UserFactory(role=Role.NGO))
    count = Job.objects.count()
    response = client.post("/en/analytics/refresh/", follow=True)
    assert "Only the ministry" in response.content.decode() and Job.objects.count() == count


def test_anyone_asks_for_the_pdf_report_and_downloads_it(client, computed, django_capture_on_commit_callbacks,
                                                         tmp_path):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ru/analytics/report/", {"year": "2024", "region": ALMATY, "language": "ru"})
    job = Job.objects.get(kind=Job.Kind.REPORT)
    assert response["Location"].endswith(f"/analytics/jobs/{job.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert "Скачать PDF-отчёт" in html
    response = client.get(f"/ru/analytics/jobs/{job.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2024" in text and "Алматы" in text and LEADER not in text
    assert "Сектор НПО Казахстана в 2024 году" in text


def test_a_queued_report_page_refreshes_itself(client, computed, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = client.post("/en/analytics/report/", {"year": "2024", "language": "en"})
    html = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in html and "Waiting for a worker" in html
    job = Job.objects.get(kind=Job.Kind.REPORT)
    assert client.get(f"/en/analytics/jobs/{job.pk}/report.pdf").status_code == 404


def test_a_report_for_a_year_not_computed_is_refused_with_the_reason(client, computed):
    response = client.post("/en/analytics/report/", {"year": "1999", "language": "en"}, follow=True)
    assert "There are no computed indicators for 1999" in response.content.decode()
    assert not Job.objects.filter(kind=Job.Kind.REPORT).exists()


def test_the_api_serves_the_commands_figures(client, computed):
    data = client.get("/api/analytics/indicators/?year=2024").json()
    assert data["indicators"] == command("--year", "2024") and data["region"] is None
    regional = client.get(f"/api/analytics/indicators/?year=2024&region={ALMATY}").json()
    assert regional["indicators"] == command("--year", "2024", "--region", ALMATY)
    series = client.get("/api/analytics/series/").json()
    assert [s["year"] for s in series] == sorted(Snapshot.objects.filter(region="").values_list("year", flat=True))
    panel = client.get("/api/analytics/panels/equity/?year=2024", HTTP_ACCEPT_LANGUAGE="en").json()
    assert panel["key"] == "equity" and len(panel["rows"]) == 20
    assert client.get("/api/analytics/indicators/?year=2024&region=75").json()["code"] == "invalid"
    assert client.get("/api/analytics/indicators/?year=1999").json()["code"] == "not_found"
    assert client.get("/api/analytics/panels/region-matrix/?year=2024").status_code == 404


def test_the_api_queues_a_report_and_follows_it(client, computed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/analytics/reports/", {"year": 2024, "language": "kk"},
                               content_type="application/json")
    assert response.status_code == 202
    job = client.get(f"/api/analytics/jobs/{response.json()['id']}/").json()
    assert job["status"] == "done" and job["progress"] == 100 and job["download"].endswith("report.pdf")
    bad = client.post("/api/analytics/reports/", {"year": 2024, "language": "de", "extra": 1},
                      content_type="application/json").json()
    assert bad["code"] == "invalid" and set(bad["fields"]) == {"language", "extra"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_is_left_on_the_dashboard_or_the_job_page(client, computed, lang):
    from tests.test_i18n import english_left, visible_text

    login_verified(client, UserFactory(role=Role.ANALYST, language=lang))
    response = client.get(f"/{lang}/analytics/?year=2024")
    assert not english_left(visible_text(response), ())
    job = Job.objects.get(kind=Job.Kind.REFRESH)
    assert not english_left(visible_text(client.get(f"/{lang}/analytics/jobs/{job.pk}/")), ())
