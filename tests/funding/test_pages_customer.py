"""The customer body's cabinet (issue 5): a state-body official runs its own state social order through the
same pages as the grant operator, for its own body only; the operator does not run a body's tender; the
national-level rule of the strategic partnership is shown at the field."""

import datetime as dt

import pytest
from django.test import Client

from qogam.accounts.models import Role
from qogam.funding.models import Call, Programme, Topic
from tests.accounts.helpers import login_verified
from tests.factories import StateBodyFactory
from tests.funding.mechanism_world import sso_world
from tests.funding.stages import page_clock, text, url
from tests.funding.world import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


def test_an_official_runs_its_bodys_tender_and_nobody_elses(clock):
    w = sso_world(clock)
    official = login_verified(Client(), w.official)
    assert w.call.code in text(official.get(url("operator-calls")))
    assert official.get(url("operator-call", w.call.pk)).status_code == 200
    assert official.post(url("operator-call-action", w.call.pk, "publish")).status_code == 302
    assert Call.objects.get(pk=w.call.pk).status in ("open", "published")

    stranger = login_verified(Client(), staff(Role.OFFICIAL, state_body=StateBodyFactory(level="regional",
                                                                                          kind="akimat")))
    assert w.call.code not in text(stranger.get(url("operator-calls")))
    assert stranger.get(url("operator-call", w.call.pk)).status_code == 404
    assert stranger.post(url("operator-call-action", w.call.pk, "cancel"), {"reason": "x"}).status_code == 404
    operator = login_verified(Client(), w.operator)
    assert w.call.code not in text(operator.get(url("operator-calls")))
    assert operator.get(url("operator-call", w.call.pk)).status_code == 404
    citizen = login_verified(Client(), w.reps[0])
    assert citizen.get(url("operator-calls")).status_code == 403


def test_an_official_creates_a_tender_with_a_topic_through_the_pages(clock):
    w = sso_world(clock)
    second = Topic.objects.create(body=w.body, title="Жастар орталығы", problem="п" * 60, direction_id="youth",
                                  proposed_at=w.topic.proposed_at, discussion_until=dt.date(2026, 5, 31),
                                  status="accepted", decision_reason="Иә")
    official = login_verified(Client(), w.official)
    form = text(official.get(url("operator-call-create", query=f"?programme={w.programme.pk}")))
    assert "Terms of reference" in form and "Жастар орталығы" in form and 'name="price_floor"' in form
    post = {"programme": w.programme.pk, "title_kk": "Жастар", "opens_on": "2026-06-10", "closes_on": "2026-07-05",
            "scale_min": "0", "scale_max": "10", "price_floor": "0.85", "committee": [m.pk for m in w.commission],
            "lots-rows": "1", "lots-0-title": "Орталық", "lots-0-direction": "youth", "lots-0-region": "",
            "lots-0-budget": "3000000", "lots-0-rationale": "Жастар орталығы жоқ.", "lots-0-max_months": "24",
            "lots-0-terms_of_reference": "", "lots-0-topic": str(second.pk),
            "documents-rows": "0", "action": "create", **_criteria()}
    refused = official.post(url("operator-call-create"), post)
    assert refused.status_code == 400 and "terms of reference" in text(refused).lower()
    post["lots-0-terms_of_reference"] = "Екі жыл бойы жастарға қызмет."
    done = official.post(url("operator-call-create"), post)
    assert done.status_code == 302
    call = Call.objects.exclude(pk=w.call.pk).get()
    assert call.mechanism == "social_order" and str(call.price_floor) == "0.85"
    assert Topic.objects.get(pk=second.pk).status == "in_lot" and call.lots.get().topic_id == second.pk


def _criteria():
    from qogam.funding.mechanisms import mechanism

    rows = {"criteria-rows": str(len(mechanism("social_order").criteria))}
    for i, c in enumerate(mechanism("social_order").criteria):
        rows.update({f"criteria-{i}-code": c.code, f"criteria-{i}-name_kk": c.name_kk,
                     f"criteria-{i}-name_ru": c.name_ru, f"criteria-{i}-name_en": c.name_en,
                     f"criteria-{i}-weight": str(c.weight)})
    return rows


def test_the_partnership_form_refuses_a_body_that_is_not_central(clock):
    clock.set(dt.date(2026, 6, 1))
    region = StateBodyFactory(level="regional", kind="akimat")
    official = login_verified(Client(), staff(Role.OFFICIAL, state_body=region))
    page = text(official.get(url("operator-programme-create")))
    options = page.split('name="mechanism"')[1].split("</select>")[0].lower()
    assert "strategic partnership" in options and "state social order" in options and "state grant" not in options
    response = official.post(url("operator-programme-create"), {
        "mechanism": "partnership", "year": "2026", "title_kk": "Әріптестік", "budget": "90000000",
        "funder_kind": "ministry", "funder_body": region.pk, "directions": ["education"]})
    assert response.status_code == 400 and "national level only" in text(response)
    assert not Programme.objects.filter(mechanism="partnership").exists()


def test_the_official_enrols_commission_members_but_not_public_experts(clock):
    from qogam.accounts.models import User
    from qogam.funding.models import Expert
    from tests.funding.mechanism_world import fresh_iin

    w = sso_world(clock)
    official = login_verified(Client(), w.official)
    member = staff(Role.COMMITTEE)
    public_expert = User.objects.create_user(username="public-expert", role=Role.EXPERT)
    page = text(official.get(url("operator-experts")))
    assert f'value="{member.pk}"' in page and f'value="{public_expert.pk}"' not in page
    refused = official.post(url("operator-experts"), {"user": public_expert.pk, "directions": ["education"],
                                                      "iin": fresh_iin()})
    assert refused.status_code == 400 and "Only the grant operator enrols public experts" in text(refused)
    done = official.post(url("operator-experts"), {"user": member.pk, "directions": ["education"], "iin": fresh_iin()})
    assert done.status_code == 302 and Expert.objects.filter(user=member).exists()
