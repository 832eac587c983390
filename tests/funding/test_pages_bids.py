"""The applicant's form for the mechanisms of issue 5: a tender bid explains the dumping floor before
submission and a dumping bid is refused with the message at the price; an award application describes the
contribution already made, with the category's fixed amount."""

import datetime as dt

import pytest
from django.test import Client

from qogam.funding import services
from qogam.funding.models import Application
from tests.accounts.helpers import login_verified
from tests.funding.mechanism_world import award_application, award_world, bid, sso_world
from tests.funding.stages import page_clock, text, url
from tests.funding.world import application_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


def _post(application, data, action="submit", version=None):
    payload = {"expected_version": version or application.version, "action": action, "title": application.title,
               "language": application.language}
    for key, value in data.items():
        if isinstance(value, list):
            if value and isinstance(value[0], dict):
                payload[f"{key}-rows"] = str(len(value))
            for i, row in enumerate(value):
                if isinstance(row, dict):
                    for part, v in row.items():
                        payload[f"{key}-{i}-{part}"] = v
            if key == "goals":
                payload["goals"] = "\n".join(value)
        else:
            payload[key] = value
    return payload


def test_the_bid_form_explains_the_floor_and_refuses_dumping_at_the_price(clock):
    w = sso_world(clock)
    services.call_publish(actor=w.official, call=w.call)
    clock.set(dt.date(2026, 6, 10))
    application = bid(w.call, w.lot, w.organisations[0], w.reps[0], amount=4_500_000, submit=False)
    client = login_verified(Client(), w.reps[0])
    page = text(client.get(url("application-edit", application.pk)))
    assert "Price of the bid, KZT" in page
    assert "4,000,000" in page and "5,000,000" in page and "20%" in page  # the admissible range, before submission
    assert "any non-profit organisation whose charter covers the lot" in page
    data = application_data(amount=3_900_000, months=30)
    response = client.post(url("application-edit", application.pk), _post(application, data))
    assert response.status_code == 400
    body = text(response)
    assert "price dumping" in body and "id=\"e-requested_amount\"" in body
    application.refresh_from_db()
    assert application.status == "draft" and application.requested_amount == 3_900_000  # saved, not submitted
    ok = client.post(url("application-edit", application.pk),
                     _post(application, application_data(amount=4_000_000, months=30)))
    assert ok.status_code == 302
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_the_award_form_asks_for_the_contribution_already_made(clock):
    world = award_world(clock)
    application, rep = award_application(world, submit=False, data={})
    client = login_verified(Client(), rep)
    page = text(client.get(url("application-edit", application.pk)))
    assert "Contribution already made" in page and "Budget lines" not in page
    assert "1,000,000" in page  # the category's award
    payload = {"expected_version": application.version, "action": "submit", "title": "Үлес", "language": "kk",
               "summary": "Жастарға тегін білім беру", "recognition": "Министрліктің алғысы",
               "innovation": "", "efficiency": "", "years_active": "6", "beneficiaries": "1200",
               "region": "750000000", "direction": "education",
               "achievements-rows": "1", "achievements-0-year": str(dt.date.today().year + 1), "achievements-0-achievement": "Мектеп",
               "achievements-0-evidence": "https://example.org"}
    refused = client.post(url("application-edit", application.pk), payload)
    assert refused.status_code == 400 and "give a past year" in text(refused)
    payload["achievements-0-year"] = "2024"
    payload["expected_version"] = Application.objects.get(pk=application.pk).version
    done = client.post(url("application-edit", application.pk), payload)
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.requested_amount == 1_000_000
    receipt = text(client.get(url("application", application.pk)))
    assert "Achievements" in receipt and "Мектеп" in receipt
