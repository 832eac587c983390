"""The recommendation tracker in a real browser (Debian's Chromium, driven by Playwright): an official
signs in with the second factor, opens the recommendations addressed to the body, answers one, and the
public page shows the answer; the public scoreboard draws its charts and filters its table."""

import datetime as dt
from pathlib import Path

import pytest

from qogam.accounts.models import Role
from qogam.recommendations import services
from qogam.recommendations.models import Recommendation
from tests.accounts.helpers import current_code, totp_device
from tests.councils.world import authorised
from tests.factories import StateBodyFactory, UserFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct-horse-battery"


def send(body, *, sent_on, title):
    return services.recommendation_send(actor=authorised(), source="council_meeting",
                                        source_title="Общественный совет — заседание", title=title,
                                        text="Рассмотреть вопрос и сообщить о принятых мерах.", addressee=body,
                                        sent_on=sent_on)


def sign_in_with_code(page, user):
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_label("Code from your authenticator app").fill(current_code(totp_device(user)))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


@pytest.fixture
def world(transactional_db):
    ARTIFACTS.mkdir(exist_ok=True)
    body = StateBodyFactory(name_en="Akimat of Kosshy")
    other = StateBodyFactory(name_en="Akimat of Stepnogorsk", level="city")
    today = dt.date.today()
    pending = send(body, sent_on=today - dt.timedelta(days=2), title="Lighting of courtyards")
    late = send(other, sent_on=today - dt.timedelta(days=60), title="Ramps at the polyclinic")
    services.mark_overdue(today=today)
    official = UserFactory(username="yerzhan", role=Role.OFFICIAL, state_body=body, language="en")
    totp_device(official)
    return body, other, pending, late, official


def test_an_official_answers_a_recommendation_and_the_public_sees_the_answer(page, world):
    body, _other, pending, _late, official = world
    sign_in_with_code(page, official)
    page.goto("/en/recommendations/cabinet/")
    page.get_by_role("link", name=pending.number).click()
    page.wait_for_load_state()
    page.get_by_label("Partly accepted").check()
    page.get_by_label("The answer (published; give reasons for not accepting in full)").fill("Short")
    page.get_by_role("button", name="Publish the answer").click()
    page.wait_for_load_state()
    assert "at least 20 characters" in page.locator("#answerform-h").locator("..").inner_text()
    page.get_by_label("The answer (published; give reasons for not accepting in full)").fill(
        "Lighting will be installed in 12 of 20 courtyards; the other 8 are private land.")
    page.get_by_role("button", name="Publish the answer").click()
    page.wait_for_load_state()
    assert "The answer is published." in page.content()
    page.screenshot(path=str(ARTIFACTS / "recommendation-answered-en.png"), full_page=True)
    assert Recommendation.objects.get(pk=pending.pk).verdict == "partly_accepted"

    public = page.context.browser.new_page(base_url=page.url.split("/en/")[0])
    public.goto(f"/en/recommendations/{pending.number}/")
    text = public.locator("main").inner_text()
    assert "the other 8 are private land" in text and "answered on time" in text
    assert "Publish the answer" not in text
    public.close()


def test_the_scoreboard_draws_charts_and_filters(page, world):
    page.goto("/en/recommendations/scoreboard/")
    assert page.locator("svg.chart").count() >= 3
    table = page.locator("#scoreboard")
    assert "Akimat of Kosshy" in table.inner_text() and "Akimat of Stepnogorsk" in table.inner_text()
    page.screenshot(path=str(ARTIFACTS / "recommendations-scoreboard-en.png"), full_page=True)
    page.get_by_label("Level of the body").select_option("city")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "Akimat of Stepnogorsk" in table.inner_text() and "Akimat of Kosshy" not in table.inner_text()
