"""Public pages of the register in kk, ru and en: search, filters, profile, CSV, state bodies."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qogam.core.models import Region
from qogam.registry.models import Organisation
from tests.factories import OrganisationFactory, StateBodyFactory
from tests.registry.conftest import assert_no_personal_data

LANGUAGES = ["kk", "ru", "en"]
ASTANA = "710000000"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_list_renders_in_each_language(client, with_personal_data, language):
    response = client.get(f"/{language}/register/")
    assert response.status_code == 200
    assert html_lang(response) == language
    text = response.content.decode()
    assert with_personal_data.bin in text
    assert f'href="/{language}/register/organisations/{with_personal_data.bin}/"' in text
    assert '<label for="id_region">' in text
    assert_no_personal_data(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_profile_renders_in_each_language(client, with_personal_data, language):
    response = client.get(f"/{language}/register/organisations/{with_personal_data.bin}/")
    assert response.status_code == 200
    assert html_lang(response) == language
    text = response.content.decode()
    for fact in (with_personal_data.bin, "«Мейірім» қоғамдық қоры", "Общественный фонд «Мейірім»", "info@meyirim.kz",
                 "+7 727 000 00 00", "https://meyirim.kz", "г. Алматы, ул. Абая, 10", "01.06.2015"):
        assert fact in text, fact
    assert 'lang="kk">«Мейірім» қоғамдық қоры' in text
    assert_no_personal_data(text)


def test_profile_shows_legal_form_ngo_status_directions_and_branches(client, db):
    organisation = OrganisationFactory(
        name_ru="Общественное объединение «Ынтымақ»", name_kk="", legal_form_id="public_association",
        territorial_level="regional", branches=["710000000", "750000000"], directions=["sport", "ecology"],
        status="liquidated", liquidated_on=dt.date(2021, 3, 5),
    )
    text = client.get(f"/en/register/organisations/{organisation.bin}/").content.decode()
    for fact in ("Public association", "regional", "Astana", "Almaty", "liquidated", "05.03.2021"):
        assert fact in text, fact
    assert "Physical culture and sport" in text
    coop = OrganisationFactory(legal_form_id="consumer_cooperative")
    text = client.get(f"/en/register/organisations/{coop.bin}/").content.decode()
    assert "not an NGO" in text


def test_unknown_profile_is_404(client, db):
    assert client.get("/en/register/organisations/000000000000/").status_code == 404
    assert client.get("/en/register/state-bodies/000000000000/").status_code == 404


def test_search_filters_and_count_on_the_page(client, db):
    astana = Region.objects.get(kato=ASTANA)
    target = OrganisationFactory(name_ru="Общественный фонд «Жастар»", name_kk="", region=astana)
    OrganisationFactory(name_ru="Общественный фонд «Жастар Алматы»", name_kk="")
    OrganisationFactory(name_ru="Общественный фонд «Болашақ»", name_kk="", region=astana)
    page = client.get("/en/register/", {"q": "Zhastar"})
    assert page.context["count"] == 2
    page = client.get("/en/register/", {"q": "Жастар", "region": ASTANA})
    assert page.context["count"] == 1
    assert [o.bin for o in page.context["page"].object_list] == [target.bin]
    assert "1 organisation found" in page.content.decode()
    page = client.get("/en/register/", {"q": "Жастор", "region": ASTANA})
    assert [o.bin for o in page.context["page"].object_list] == [target.bin]
    assert "Showing similar names" in page.content.decode()


def test_invalid_filter_values_show_an_error_not_a_crash(client, db):
    OrganisationFactory()
    response = client.get("/en/register/", {"region": "nowhere", "status": "sleeping", "page": "abc"})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert response.context["count"] == 1


def test_pagination_keeps_the_filters(client, db):
    OrganisationFactory.create_batch(30, name_ru="Общественный фонд «Сенім»", name_kk="")
    page = client.get("/en/register/", {"q": "Senim", "page": "2"})
    assert len(page.context["page"].object_list) == 5
    text = page.content.decode()
    assert 'href="?page=1&amp;q=Senim"' in text
    assert client.get("/en/register/", {"q": "Senim", "page": "999"}).context["page"].number == 2


def test_csv_download_of_the_filtered_list(client, with_personal_data):
    OrganisationFactory(name_ru="=HYPERLINK(\"http://evil\")", name_kk="", legal_form_id="consumer_cooperative")
    response = client.get("/en/register/organisations.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert_no_personal_data(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    mine = next(r for r in rows if r["bin"] == with_personal_data.bin)
    assert mine["directions"] == "education;science"
    assert mine["is_ngo"] == "yes"
    assert mine["email"] == "info@meyirim.kz"
    assert mine["phone"] == "+7 727 000 00 00"
    evil = next(r for r in rows if r["bin"] != with_personal_data.bin)
    assert evil["name_ru"].startswith("'=")
    filtered = client.get("/en/register/organisations.csv", {"ngo": "false"})
    rows = list(csv.DictReader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))
    assert [r["bin"] for r in rows] == [evil["bin"]]


def test_pages_and_csv_never_select_personal_columns(client, with_personal_data):
    with CaptureQueriesContext(connection) as queries:
        client.get("/ru/register/")
        client.get("/ru/register/", {"q": "Мейрім"})
        client.get(f"/ru/register/organisations/{with_personal_data.bin}/")
        b"".join(client.get("/ru/register/organisations.csv").streaming_content)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "leader_gender" not in sql
    assert "registry_leader" not in sql
    assert "registry_founder" not in sql


@pytest.fixture
def bodies(db):
    ministry = StateBodyFactory(name_ru="Министерство культуры и информации", name_kk="Мәдениет және ақпарат министрлігі",
                                name_en="Ministry of Culture and Information", level="central", kind="ministry", region=None)
    committee = StateBodyFactory(name_ru="Комитет по делам гражданского общества", name_kk="Азаматтық қоғам істері комитеті",
                                 name_en="Committee on Civil Society Affairs", level="central", kind="committee",
                                 region=None, parent=ministry)
    return ministry, committee


@pytest.mark.parametrize("language", LANGUAGES)
def test_state_body_pages_in_each_language(client, bodies, language):
    ministry, committee = bodies
    response = client.get(f"/{language}/register/state-bodies/")
    assert response.status_code == 200
    assert html_lang(response) == language
    assert ministry.bin in response.content.decode()
    response = client.get(f"/{language}/register/state-bodies/{ministry.bin}/")
    assert response.status_code == 200
    assert html_lang(response) == language
    text = response.content.decode()
    expected_name = {"kk": ministry.name_kk, "ru": ministry.name_ru, "en": ministry.name_en}[language]
    assert expected_name in text
    assert f"/{language}/register/state-bodies/{committee.bin}/" in text
    text = client.get(f"/{language}/register/state-bodies/{committee.bin}/").content.decode()
    assert f"/{language}/register/state-bodies/{ministry.bin}/" in text


def test_state_body_filters_on_the_page(client, bodies):
    ministry, committee = bodies
    page = client.get("/en/register/state-bodies/", {"kind": "committee"})
    assert [b.bin for b in page.context["page"].object_list] == [committee.bin]
    page = client.get("/en/register/state-bodies/", {"q": "министрлігі"})
    assert [b.bin for b in page.context["page"].object_list] == [ministry.bin]


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_links_to_the_register(client, db, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert html_lang(response) == language
    assert f'href="/{language}/register/"' in response.content.decode()


def test_unprefixed_register_url_redirects_to_a_language(client, db):
    response = client.get("/register/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == "/ru/register/"
    assert Organisation.objects.count() == 0
