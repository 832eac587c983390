"""The customer body's cabinet (issue 5): a state-body official runs its own state social order through the
same pages as the grant operator, for its own body only; the operator does not run a body's tender; the
national-level rule of the strategic partnership is shown at the field."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

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


def test_the_operator_runs_no_bodys_tender_and_the_official_no_grant(clock, funding_world):
    w = sso_world(clock)
    operator = login_verified(Client(), w.operator)
    for name in ("operator-compliance", "operator-evaluation", "operator-progress", "operator-call-csv"):
        assert operator.get(url(name, w.call.pk)).status_code == 404, name
    assert operator.post(url("operator-call-action", w.call.pk, "publish")).status_code == 404
    assert w.programme.title_kk not in text(operator.get(url("operator-programmes")))
    assert Call.objects.get(pk=w.call.pk).status == "draft"
    official = login_verified(Client(), w.official)
    grant = funding_world.call
    assert grant.code not in text(official.get(url("operator-calls")))
    assert official.get(url("operator-call", grant.pk)).status_code == 404
    assert official.post(url("operator-call-action", grant.pk, "close")).status_code == 404
    form = text(official.get(url("operator-call-create", query=f"?programme={funding_world.programme.pk}")))
    assert f'<option value="{funding_world.programme.pk}"' not in form


def test_another_bodys_official_reaches_nothing_of_the_tender_or_its_contract(clock):
    from tests.funding.mechanism_world import won_contract

    w = sso_world(clock)
    agreement = won_contract(w, clock)
    tranche = agreement.tranches.order_by("number").first()
    other_body = StateBodyFactory(level="regional", kind="akimat")
    stranger = login_verified(Client(), staff(Role.OFFICIAL, state_body=other_body))
    for name in ("operator-call", "operator-compliance", "operator-evaluation", "operator-progress",
                 "operator-call-csv"):
        assert stranger.get(url(name, w.call.pk)).status_code == 404, name
    assert stranger.get(url("operator-agreement", agreement.pk)).status_code in (403, 404)
    assert stranger.post(url("operator-agreement-sign", agreement.pk)).status_code in (403, 404)
    assert stranger.post(url("operator-effect-start", agreement.pk)).status_code in (403, 404)
    assert stranger.post(url("operator-tranche-pay", tranche.pk), {"paid_on": "2026-07-10"}).status_code == 404
    assert agreement.number not in text(stranger.get(url("operator-agreements")))
    assert w.programme.title_kk not in text(stranger.get(url("operator-programmes")))
    form = text(stranger.get(url("operator-call-create", query=f"?programme={w.programme.pk}")))
    assert f'<option value="{w.programme.pk}"' not in form and "Terms of reference" not in form
    refused = stranger.post(url("operator-call-create"), {"programme": w.programme.pk, "title_kk": "Басып алу",
                                                          "lots-rows": "0", "criteria-rows": "0",
                                                          "documents-rows": "0", "action": "create"})
    assert refused.status_code == 400 and Call.objects.count() == 1
    # The programme form offers the official's own body only; another body is refused.
    page = text(stranger.get(url("operator-programme-create")))
    assert f'value="{other_body.pk}"' in page and f'value="{w.body.pk}"' not in page
    taken = stranger.post(url("operator-programme-create"), {
        "mechanism": "social_order", "year": "2026", "title_kk": "Бөтен", "budget": "1000000",
        "funder_kind": "akimat", "funder_body": w.body.pk, "directions": ["education"]})
    assert taken.status_code in (400, 403) and not Programme.objects.filter(title_kk="Бөтен").exists()
    unverified = Client()
    unverified.force_login(w.official)  # no second factor: nothing of the cabinet
    assert unverified.get(url("operator-calls")).status_code in (302, 403)


def test_the_official_signs_and_starts_the_effect_evaluation_showing_progress_without_scores(clock):
    from qogam.funding import services
    from qogam.funding.models import EffectReview
    from qogam.funding.rules import EFFECT_DIMENSIONS
    from tests.funding.mechanism_world import won_contract

    w = sso_world(clock)
    agreement = won_contract(w, clock)
    clock.set(agreement.start_on)
    official = login_verified(Client(), w.official)
    page = text(official.get(url("operator-agreement", agreement.pk)))
    assert agreement.number in page and "Start the evaluation of social effect" not in page
    assert official.post(url("operator-agreement-sign", agreement.pk)).status_code == 302
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "active" and agreement.signed_by_operator_id == w.official.pk
    assert agreement.number in text(official.get(url("operator-agreements")))
    page = text(official.get(url("operator-agreement", agreement.pk)))
    assert "Start the evaluation of social effect" in page
    assert official.post(url("operator-effect-start", agreement.pk)).status_code == 302
    reviews = list(EffectReview.objects.filter(agreement=agreement).order_by("pk"))
    assert len(reviews) == 3 and w.experts[0].pk not in {r.expert.user_id for r in reviews}  # the founder's expert
    again = official.post(url("operator-effect-start", agreement.pk))
    assert again.status_code == 409 and "has already started" in text(again)
    first = reviews[0]
    user = first.expert.user
    services.effect_declare(actor=user, review=first, no_conflict=True)
    services.effect_submit(actor=user, review=first, scores={
        code: {"value": 9, "justification": "Көрсеткіштер есептермен расталды."}
        for code, _label in EFFECT_DIMENSIONS})
    page = text(official.get(url("operator-agreement", agreement.pk)))
    assert "Start the evaluation of social effect" not in page and "Overall" not in page
    section = page.split("Evaluation of social effect by public experts")[1].split("</section>")[0]
    progress = section.split("Progress:")[1].split("</p>")[0]
    assert "assigned <strong>2</strong>" in progress and "scored <strong>1</strong>" in progress
    assert "recused <strong>0</strong>" in progress and "/ 10" not in section
    assert user.username not in section and user.email not in section


def test_the_official_gets_cabinet_links_to_the_calls_and_the_topic_queue(clock):
    w = sso_world(clock)
    page = text(login_verified(Client(), w.official).get(reverse("accounts:cabinet")))
    assert url("topics-body") in page and url("operator-home") in page
    citizen = text(login_verified(Client(), w.reps[0]).get(reverse("accounts:cabinet")))
    assert url("topics-body") not in citizen and url("operator-home") not in citizen


def test_the_call_form_explains_the_floor_and_shows_each_mechanisms_fields(clock, settings):
    from qogam.funding.mechanisms import mechanism

    w = sso_world(clock)
    official = login_verified(Client(), w.official)
    form = text(official.get(url("operator-call-create", query=f"?programme={w.programme.pk}")))
    assert 'value="0.80"' in form and "bids more than 20% below the planned amount are inadmissible" in form
    assert f'value="{w.commission[0].pk}"' in form and 'name="working_group"' not in form
    assert "unit_amount" not in form
    assert mechanism("social_order").default_price_floor is not None


def test_the_award_form_asks_for_the_working_group_and_the_award_and_the_partnership_for_36_months(clock):
    from tests.funding.mechanism_world import award_world, partnership_world

    award = award_world(clock)
    operator = login_verified(Client(), award.operator)
    form = text(operator.get(url("operator-call-create", query=f"?programme={award.programme.pk}")))
    assert 'name="working_group"' in form and f'value="{award.group[0].pk}"' in form
    assert 'name="lots-0-unit_amount"' in form and 'name="price_floor"' not in form
    partnership = partnership_world(clock)
    official = login_verified(Client(), partnership.official)
    form = text(official.get(url("operator-call-create", query=f"?programme={partnership.programme.pk}")))
    months = form.split('name="lots-0-max_months"')[1].split("</select>")[0]
    assert '<option value="36"' in months and '<option value="24"' not in months
    assert 'name="price_floor"' not in form and 'name="working_group"' not in form
    two_lots = official.post(url("operator-call-create"), {
        "programme": partnership.programme.pk, "title_kk": "Екінші", "opens_on": "2026-09-01",
        "closes_on": "2026-09-25", "scale_min": "0", "scale_max": "10", "lots-rows": "2",
        **{f"lots-{i}-{k}": v for i in (0, 1) for k, v in {
            "title": f"Лот {i}", "direction": "education", "region": "", "budget": "1000000",
            "rationale": "Негіздеме.", "max_months": "36", "terms_of_reference": "Тапсырма."}.items()},
        "criteria-rows": "0", "documents-rows": "0", "action": "create"})
    assert two_lots.status_code == 400 and Call.objects.filter(title_kk="Екінші").count() == 0
    assert "A call of this mechanism has at most 1 lot(s)." in text(two_lots)
