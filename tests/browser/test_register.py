"""The register in a real browser: Debian's Chromium, driven by Playwright.

Screenshots go to test-artifacts/ (kept out of git) for a person to look at.
"""

from pathlib import Path

import pytest

from qogam.core.models import Region
from tests.factories import OrganisationFactory, StateBodyFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ASTANA, ALMATY = "710000000", "750000000"


@pytest.fixture
def register(transactional_db):
    ARTIFACTS.mkdir(exist_ok=True)
    astana, almaty = Region.objects.get(kato=ASTANA), Region.objects.get(kato=ALMATY)
    jastar = OrganisationFactory(
        name_ru="Общественный фонд «Жастар орталығы»", name_kk="«Жастар орталығы» қоғамдық қоры", region=astana,
        directions=["education", "youth"], email="info@jastar.kz", website="https://jastar.kz",
        address="Астана, Мәңгілік Ел даңғылы, 8",
    )
    almaty_jastar = OrganisationFactory(name_ru="Общественное объединение «Жастар Алматы»", name_kk="", region=almaty)
    OrganisationFactory(name_ru="Частное учреждение «Болашақ»", name_kk="«Болашақ» жеке мекемесі", region=almaty)
    OrganisationFactory(name_ru="Потребительский кооператив «Үміт»", name_kk="", legal_form_id="consumer_cooperative")
    StateBodyFactory(name_ru="Акимат города Астаны", name_kk="Астана қаласының әкімдігі", name_en="Akimat of Astana",
                     level="city", kind="akimat", region=astana)
    return {"jastar": jastar, "almaty_jastar": almaty_jastar}


def search(page, query):
    page.goto("/en/register/")
    page.get_by_label("Name or BIN").fill(query)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()


def result_names(page):
    return page.locator("table.register-table tbody tr td:first-child > a").all_inner_texts()


def test_search_by_cyrillic_name(page, register):
    search(page, "Жастар")
    assert sorted(result_names(page)) == ["Общественное объединение «Жастар Алматы»", "Общественный фонд «Жастар орталығы»"]
    assert page.locator(".result-count").inner_text().startswith("2 ")


def test_search_by_latin_transliteration_and_with_a_typo(page, register):
    search(page, "Zhastar ortalygy")
    assert result_names(page) == ["Общественный фонд «Жастар орталығы»"]
    search(page, "Jastor")
    assert "Общественный фонд «Жастар орталығы»" in result_names(page)
    assert page.locator(".notice").is_visible()


def test_filter_by_region_keeps_the_search(page, register):
    search(page, "Жастар")
    page.get_by_label("Region").select_option(ALMATY)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert result_names(page) == ["Общественное объединение «Жастар Алматы»"]
    assert page.get_by_label("Name or BIN").input_value() == "Жастар"
    assert f"region={ALMATY}" in page.url


def test_open_the_profile_and_switch_language(page, register):
    jastar = register["jastar"]
    search(page, "Жастар орталығы")
    page.get_by_role("link", name="Общественный фонд «Жастар орталығы»").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/en/register/organisations/{jastar.bin}/")
    assert page.locator("h1").inner_text() == "Общественный фонд «Жастар орталығы»"
    profile = page.locator("main").inner_text()
    for fact in (jastar.bin, "Public fund", "Astana", "info@jastar.kz", "https://jastar.kz", "Education"):
        assert fact in profile, fact
    page.screenshot(path=str(ARTIFACTS / "register-profile-en.png"), full_page=True)

    page.get_by_role("button", name="KK").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/kk/register/organisations/{jastar.bin}/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("h1").inner_text() == "«Жастар орталығы» қоғамдық қоры"
    assert "Астана" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "register-profile-kk.png"), full_page=True)

    page.get_by_role("button", name="RU").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url.endswith(f"/ru/register/organisations/{jastar.bin}/")
    page.goto("/ru/register/?q=Zhastar")
    page.screenshot(path=str(ARTIFACTS / "register-list-ru.png"), full_page=True)
    assert "Общественный фонд «Жастар орталығы»" in result_names(page)


def test_state_bodies_page(page, register):
    page.goto("/en/register/state-bodies/")
    page.get_by_label("Name or BIN").fill("akimat")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Akimat of Astana").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Akimat of Astana"
    page.screenshot(path=str(ARTIFACTS / "state-body-en.png"), full_page=True)
