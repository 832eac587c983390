"""Pages of the recommendation tracker: public list, detail with history, answer flow in the cabinet,
scoreboard and downloads."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from qogam.accounts.models import Role
from qogam.recommendations import services
from qogam.recommendations.models import Recommendation
from tests.accounts.helpers import login_verified
from tests.councils.world import authorised, official_of, staff
from tests.factories import StateBodyFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("qogam.recommendations.views.almaty_today", lambda: TODAY)
    monkeypatch.setattr("qogam.recommendations.services.almaty_today", lambda: TODAY)
    return TODAY


def send(body, *, sent_on, title="Освещение дворов", text="Установить освещение во дворах"):
    return services.recommendation_send(actor=authorised(), source="council_meeting", source_title="Совет — заседание",
                                        title=title, text=text, addressee=body, sent_on=sent_on)


def test_the_addressee_official_answers_and_the_public_page_shows_the_answer_and_history(today):
    body = StateBodyFactory()
    r = send(body, sent_on=dt.date(2025, 5, 20))
    anonymous = Client().get(reverse("recommendations:detail", args=[r.number]))
    assert anonymous.status_code == 200 and 'name="verdict"' not in anonymous.content.decode()
    official = official_of(body, first_name="Ержан", last_name="Бекұлы")
    client = login_verified(Client(), official)
    page = client.get(reverse("recommendations:inbox"))
    assert r.number in page.content.decode()
    refused = client.post(reverse("recommendations:answer", args=[r.number]),
                          {"verdict": "rejected", "text": "Нет", "version": r.version})
    assert refused.status_code == 400
    assert "Нет</textarea>" in refused.content.decode()
    done = client.post(reverse("recommendations:answer", args=[r.number]),
                       {"verdict": "accepted", "text": "Примем меры до конца года", "version": r.version})
    assert done.status_code == 302
    html = Client().get(reverse("recommendations:detail", args=[r.number])).content.decode()
    assert "Примем меры до конца года" in html and "Бекұлы" not in html and official.email not in html
    assert Recommendation.objects.get(pk=r.pk).status == "answered"


def test_an_official_of_another_body_cannot_answer(today):
    r = send(StateBodyFactory(), sent_on=dt.date(2025, 5, 20))
    other = login_verified(Client(), official_of(StateBodyFactory()))
    page = other.get(reverse("recommendations:detail", args=[r.number]))
    assert 'name="verdict"' not in page.content.decode()
    response = other.post(reverse("recommendations:answer", args=[r.number]),
                          {"verdict": "accepted", "text": "Примем меры", "version": r.version})
    assert response.status_code == 403
    assert Recommendation.objects.get(pk=r.pk).status == "sent"
    assert login_verified(Client(), staff(Role.NGO)).get(reverse("recommendations:inbox")).status_code == 403


def test_evidence_and_implementation_through_the_page(today):
    body = StateBodyFactory()
    r = send(body, sent_on=dt.date(2025, 5, 20))
    client = login_verified(Client(), official_of(body))
    client.post(reverse("recommendations:answer", args=[r.number]),
                {"verdict": "accepted", "text": "Примем меры", "version": r.version})
    r.refresh_from_db()
    assert client.post(reverse("recommendations:implement", args=[r.number]),
                       {"note": "Сделано", "version": r.version}).status_code == 409
    client.post(reverse("recommendations:evidence-add", args=[r.number]),
                {"kind": "link", "url": "https://akimat.example.kz/news/1", "note": "Новость"})
    r.refresh_from_db()
    assert client.post(reverse("recommendations:implement", args=[r.number]),
                       {"note": "Освещение установлено", "version": r.version}).status_code == 302
    html = Client().get(reverse("recommendations:detail", args=[r.number])).content.decode()
    assert "https://akimat.example.kz/news/1" in html and "Освещение установлено" in html


def test_scoreboard_and_downloads(today):
    fast, slow = StateBodyFactory(), StateBodyFactory()
    a = send(fast, sent_on=dt.date(2025, 5, 2))
    services.recommendation_answer(actor=official_of(fast), recommendation=a, verdict="accepted", text="Да",
                                   answered_on=dt.date(2025, 5, 6))
    send(slow, sent_on=dt.date(2025, 4, 1))
    services.mark_overdue(today=TODAY)
    page = Client().get(reverse("recommendations:scoreboard"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and fast.name_en in html
    rows = list(csv.DictReader(io.StringIO(Client().get(
        reverse("recommendations:scoreboard-export", args=["csv"])).content.decode("utf-8-sig"))))
    by_body = {row["body_bin"]: row for row in rows}
    assert by_body[fast.bin]["answered_on_time"] == "1" and by_body[fast.bin]["on_time_percent"] == "100.0"
    assert by_body[slow.bin]["overdue"] == "1" and by_body[slow.bin]["rank"] == "2"
    listing = json.loads(Client().get(reverse("recommendations:export", args=["json"])).content)
    assert {row["number"] for row in listing} == {a.number, Recommendation.objects.exclude(pk=a.pk).get().number}
    assert "answered_by" not in listing[0]
    book = openpyxl.load_workbook(io.BytesIO(Client().get(
        reverse("recommendations:export", args=["xlsx"]) + "?status=overdue").content))
    assert book.active.max_row == 2
    assert Client().get(reverse("recommendations:list") + "?status=overdue&level=district").status_code == 200
    assert Client().get(reverse("recommendations:body", args=[slow.pk]) + "?year=2025").status_code == 200
