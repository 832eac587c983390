"""Public open-data URLs: the 360Giving JSON and CSV, the index, and the operator's annual report with its
downloads, in kk, ru and en; no sign-in needed."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from qogam.opendata.giving360 import CSV_COLUMNS
from qogam.opendata.validation import validate_360giving
from tests.opendata import grants_data as data

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def url(name, language="en"):
    with translation.override(language):
        return reverse(f"opendata:{name}")


@pytest.fixture
def world(db):
    return data.small_world()


def test_360giving_json_is_public_and_valid(client, world):
    response = client.get(url("360giving_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    package = json.loads(response.content)
    assert validate_360giving(package) == []
    assert len(package["grants"]) == 6
    assert package["downloadURL"] == "http://testserver/en/open-data/360giving.json"
    body = response.content.decode()
    assert data.LEADER_NAME not in body and data.FOUNDER_NAME not in body


def test_360giving_json_is_the_same_in_every_language(client, world):
    bodies = {lang: json.loads(client.get(url("360giving_json", lang)).content) for lang in ("kk", "ru", "en")}
    grants = {lang: package["grants"] for lang, package in bodies.items()}
    assert grants["kk"] == grants["ru"] == grants["en"]


def test_360giving_csv_is_public(client, world):
    response = client.get(url("360giving_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="qogam-360giving.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 7
    body = response.content.decode("utf-8-sig")
    assert data.LEADER_NAME not in body and data.FOUNDER_NAME not in body


def test_no_grants_yet(client, db):
    assert client.get(url("360giving_json")).status_code == 404
    assert client.get(url("360giving_csv")).status_code == 404
    index = client.get(url("index"))
    assert index.status_code == 200
    assert "No grant has been published yet." in index.content.decode()
    report = client.get(url("annual_report"))
    assert report.status_code == 200
    assert "nothing to report" in report.content.decode()


def test_index_lists_the_files(client, world):
    response = client.get(url("index"))
    assert response.status_code == 200
    html = response.content.decode()
    for target in (url("360giving_json"), url("360giving_csv"), url("annual_report")):
        assert f'href="{target}' in html
    assert "12,700,000" in html or "12700000" in html  # 12,000,000 (2023) + 700,000 (2022)


def test_annual_report_defaults_to_the_latest_year(client, world):
    response = client.get(url("annual_report"))
    assert response.status_code == 200
    assert response.context["year"] == 2023
    html = response.content.decode()
    assert "37.5%" in html and "50.0%" in html and "60.0%" in html
    assert "Ministry of Culture" in html
    assert f'href="{url("annual_report_csv")}?year=2023"' in html


def test_annual_report_year_picker(client, world):
    response = client.get(url("annual_report"), {"year": "2022"})
    assert response.context["year"] == 2022
    assert response.context["figures"].grants == 1
    assert '<option value="2023">' in response.content.decode()


@pytest.mark.parametrize("value", ["1999", "abc"])
def test_annual_report_unknown_year_shows_the_latest_with_a_notice(client, world, value):
    response = client.get(url("annual_report"), {"year": value})
    assert response.status_code == 200
    assert response.context["year"] == 2023
    assert "The latest year with data is shown." in response.context["notice"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_annual_report_renders_in_every_language(client, world, language):
    response = client.get(url("annual_report", language), {"year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    names = {"kk": "Мәдениет және ақпарат министрлігі", "ru": "Министерство культуры и информации",
             "en": "Ministry of Culture"}
    assert names[language] in html
    assert "Астана" in html or "Astana" in html


def test_annual_report_csv(client, world):
    response = client.get(url("annual_report_csv"), {"year": "2023"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="qogam-grants-annual-report-2023.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    indicators = {row["code"]: row["value"] for row in rows if row["section"] == "indicator"}
    assert indicators["applications"] == "8"
    assert indicators["applications_kk_percent"] == "37.5"
    assert indicators["applications_astana_almaty_percent"] == "50.0"
    assert indicators["grants_astana_almaty_percent"] == "60.0"
    ministry = next(row for row in rows if row["section"] == "funder_kind" and row["code"] == "ministry")
    assert (ministry["grants"], ministry["amount_kzt"], ministry["value"]) == ("3", "10000000", "83.3")


def test_annual_report_xlsx(client, world):
    response = client.get(url("annual_report_xlsx"), {"year": "2023"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("year", "section", "code", "name", "applications", "grants", "amount_kzt", "value")
    by_code = {row[2]: row for row in rows[1:] if row[1] == "indicator"}
    assert by_code["grants"][7] == 5
    assert float(by_code["applications_kk_percent"][7]) == 37.5


@pytest.mark.parametrize("name", ["annual_report_csv", "annual_report_xlsx"])
def test_report_downloads_need_a_year_with_data(client, world, name):
    assert client.get(url(name), {"year": "1999"}).status_code == 404
    assert client.get(url(name)).status_code == 200  # the latest year


def test_open_data_is_read_only(client, world):
    assert client.post(url("360giving_json")).status_code == 405
    assert client.post(url("annual_report")).status_code == 405
