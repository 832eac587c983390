"""Pages of issue 5: topics (propose, support, comment, the body's answer, the public link to the lot) and
the transparency pages (a body's plans and winners, an organisation's wins under every mechanism, and where
the money went by mechanism, year, region, direction and budget, with CSV and XLSX)."""

import csv as csv_module
import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.funding import services
from qogam.funding.models import Agreement, Topic
from tests.accounts.helpers import login_verified
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.mechanism_world import PROBLEM, sso_world, won_contract
from tests.funding.stages import page_clock, running_agreement, text, url
from tests.funding.world import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


def test_a_topic_is_proposed_discussed_and_answered_through_the_pages(clock, monkeypatch):
    monkeypatch.setattr("qogam.funding.views.topics.almaty_today", lambda: clock.today)
    clock.set(dt.date(2026, 5, 1))
    body = StateBodyFactory(level="city", kind="akimat")
    official = staff(Role.OFFICIAL, state_body=body)
    citizen = mark_otp_verified(UserFactory(role=Role.NGO, first_name="Айгүл", last_name="Серікова"))
    client = login_verified(Client(), citizen)
    short = client.post(url("topic-propose"), {"body": body.pk, "title": "Аула", "problem": "қысқа",
                                               "direction": "education"})
    assert short.status_code == 400 and "at least 50 characters" in text(short) and Topic.objects.count() == 0
    done = client.post(url("topic-propose"), {"body": body.pk, "title": "Ауладағы балалар", "problem": PROBLEM,
                                              "direction": "education"})
    topic = Topic.objects.get()
    assert done.status_code == 302 and topic.discussion_until == dt.date(2026, 5, 31)
    assert client.post(url("topic-support", topic.pk)).status_code == 302
    assert client.post(url("topic-comment", topic.pk), {"text": "Қолдаймын, бұл өте маңызды."}).status_code == 302
    page = text(Client().get(url("topic", topic.pk)))
    assert "Айгүл С." in page and "Серікова" not in page and "1 supporter" in page
    assert "Ауладағы балалар" in text(Client().get(url("topics")))
    officer = login_verified(Client(), official)
    early = officer.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Қабылданды."})
    assert early.status_code == 409 and Topic.objects.get().status == "discussion"
    clock.set(dt.date(2026, 6, 1))
    assert "Ауладағы балалар" in text(officer.get(url("topics-body")))
    other = login_verified(Client(), staff(Role.OFFICIAL, state_body=StateBodyFactory(level="city", kind="akimat")))
    assert other.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Иә"}).status_code == 403
    assert officer.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Лотқа енеді."}).status_code == 302
    assert "Лотқа енеді." in text(Client().get(url("topic", topic.pk)))


def test_the_topic_links_to_its_lot_and_the_body_page_shows_the_winner_and_evaluation(clock):
    w = sso_world(clock)
    agreement = won_contract(w, clock)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    topic_page = text(Client().get(url("topic", w.topic.pk)))
    assert f"{w.call.code}/1" in topic_page
    call_page = text(Client().get(url("call", w.call.code)))
    assert w.topic.title in call_page and "Admissible bids" in call_page and "4,000,000" in call_page
    body_page = text(Client().get(url("body", w.body.pk)))
    assert agreement.number in body_page and w.organisations[1].name in body_page
    org_page = text(Client().get(url("organisation", w.organisations[1].bin)))
    assert agreement.number in org_page and "4,600,000" in org_page
    for user in (w.official, *w.reps):
        assert user.username not in body_page and user.username not in org_page


def test_where_the_money_went_adds_up_by_every_grouping(clock, funding_world):
    grant = running_agreement(funding_world, clock)  # a ministry's grant: republican budget, 3 m KZT
    w = sso_world(clock)
    sso = won_contract(w, clock)  # a regional akimat's contract: local budget, 4.6 m KZT
    assert Agreement.objects.get(pk=sso.pk).status == "draft"  # a draft never counts
    assert "4,600,000" not in text(Client().get(url("money")))
    services.agreement_sign(actor=w.official, agreement=sso)
    services.agreement_sign(actor=w.reps[1], agreement=sso)
    page = text(Client().get(url("money")))
    assert f"{4_600_000 + int(grant.amount):,}" in page

    def table(name):
        csv = Client().get(url("money", query=f"?table={name}&format=csv")).content.decode()
        return {row[0]: row[1] for row in list(csv_module.reader(io.StringIO(csv.lstrip("\ufeff"))))[1:]}

    mechanisms = table("mechanism")
    assert mechanisms == {"state social order": "4600000", "state grant": str(int(grant.amount))}
    budgets = table("budget")
    assert budgets["Local budgets (regions, cities, districts)"] == "4600000"
    assert budgets["Republican budget (central bodies)"] == str(int(grant.amount))
    assert sum(int(v) for v in table("region").values()) == 4_600_000 + int(grant.amount)
    assert sum(int(v) for v in table("direction").values()) == 4_600_000 + int(grant.amount)
    assert table("year") == {"2026": str(4_600_000 + int(grant.amount))}
    xlsx = Client().get(url("money", query="?table=mechanism&format=xlsx"))
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == sorted([4_600_000, int(grant.amount)])
    filtered = Client().get(url("money", query="?mechanism=social_order&table=budget&format=csv")).content.decode()
    assert "Republican budget" not in filtered and "4600000" in filtered
    assert Client().get(url("money", query="?table=nonsense&format=csv")).status_code == 404
