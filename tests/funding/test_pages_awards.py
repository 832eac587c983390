"""The two stages of an NGO award through the pages (issue 5): the working group shortlists, the commission
picks awardees from the shortlist only, and each awardee's certificate is a public PDF without personal data;
the evaluation of social effect through the expert's pages, with the declaration before the contract's
reports, and its public result."""


import pytest
from django.test import Client

from qogam.funding import rules, services
from qogam.funding.models import Agreement, Application, EffectReview
from tests.accounts.helpers import login_verified
from tests.funding.mechanism_world import (
    JUSTIFICATION,
    award_world,
    scored_award_call,
    sso_world,
    won_contract,
)
from tests.funding.stages import page_clock, text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


def test_the_working_group_shortlists_and_the_commission_picks_from_the_shortlist(clock):
    world = award_world(clock)
    applications = scored_award_call(world, clock, [9, 8, 7, 6, 5, 4, 3, 2, 1])  # 4 awards: 8 shortlisted by default
    member = login_verified(Client(), world.group[0])
    page = text(member.get(url("working-group-call", world.call.pk)))
    assert page.count('name="shortlisted"') == 9 and page.count("checked") == 8
    assert login_verified(Client(), world.commission[0]).get(url("working-group-call", world.call.pk)).status_code == 403
    refused = member.post(url("working-group-call", world.call.pk), {"minutes": "", "shortlisted": []})
    assert refused.status_code == 400 and Application.objects.filter(status="shortlisted").count() == 0
    chosen = [a.pk for a in applications[:5]]
    done = member.post(url("working-group-call", world.call.pk), {"minutes": "Хаттама", "shortlisted": chosen})
    assert done.status_code == 302
    assert set(Application.objects.filter(status="shortlisted").values_list("pk", flat=True)) == set(chosen)

    chair = login_verified(Client(), world.commission[0])
    decision_page = text(chair.get(url("committee-call", world.call.pk)))
    assert decision_page.count('name="selected"') == 5  # only the shortlist
    assert login_verified(Client(), world.group[0]).get(url("committee-call", world.call.pk)).status_code == 403
    outside = chair.post(url("committee-call", world.call.pk), {"minutes": "Шешім",
                                                                 "selected": [applications[6].pk]})
    assert outside.status_code == 400 and "shortlist" in text(outside)
    too_many = chair.post(url("committee-call", world.call.pk), {"minutes": "Шешім", "selected": chosen})
    assert too_many.status_code == 400
    picked = [applications[0].pk, applications[2].pk, applications[4].pk]
    assert chair.post(url("committee-call", world.call.pk), {"minutes": "Шешім", "selected": picked}).status_code == 302
    assert set(Application.objects.filter(status="funded").values_list("pk", flat=True)) == set(picked)

    agreement = Agreement.objects.filter(application_id=picked[0]).get()
    services.agreement_sign(actor=world.operator, agreement=agreement)
    from qogam.accounts.models import Representation
    from qogam.accounts.permissions import mark_otp_verified

    rep = Representation.objects.filter(organisation=agreement.application.organisation).first().user
    services.agreement_sign(actor=mark_otp_verified(rep), agreement=agreement)
    project = text(Client().get(url("project", agreement.number)))
    assert "Award certificate" in project
    pdf = Client().get(url("award-certificate", agreement.number))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert rep.username.encode() not in pdf.content
    draft = Agreement.objects.filter(application_id=picked[1]).get()
    assert Client().get(url("award-certificate", draft.number)).status_code == 404  # not signed: not public


def test_the_effect_evaluation_through_the_pages(clock):
    from qogam.accounts.permissions import mark_otp_verified

    w = sso_world(clock)
    agreement = won_contract(w, clock)
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    clock.set(agreement.start_on)
    services.agreement_activate(actor=None, agreement=agreement)
    reviews = services.effect_evaluation_start(actor=w.official, agreement=agreement)
    assert "not complete yet" in text(Client().get(url("project", agreement.number)))
    for i, review in enumerate(reviews):
        expert = login_verified(Client(), mark_otp_verified(review.expert.user))
        page = text(expert.get(url("effect-review", review.pk)))
        assert "Declare your interests" in page and "Accepted monitoring reports" not in page
        other = [r for r in reviews if r.pk != review.pk][0]
        assert expert.get(url("effect-review", other.pk)).status_code == 404
        assert expert.post(url("effect-review", review.pk), {"action": "declare",
                                                             "declaration": "no_conflict"}).status_code == 302
        assert "Accepted monitoring reports" in text(expert.get(url("effect-review", review.pk)))
        scores = {f"{code}-value": str(6 + i) for code, _l in rules.EFFECT_DIMENSIONS}
        scores.update({f"{code}-justification": JUSTIFICATION for code, _l in rules.EFFECT_DIMENSIONS})
        bad = expert.post(url("effect-review", review.pk), {"action": "score", **scores, "culture-value": "12"})
        assert bad.status_code == 400 and EffectReview.objects.get(pk=review.pk).status == "declared"
        assert expert.post(url("effect-review", review.pk), {"action": "score", **scores}).status_code == 302
    public = text(Client().get(url("project", agreement.number)))
    assert "Evaluation of social effect by public experts" in public and "7.00" in public  # mean of 6, 7, 8
    for review in reviews:
        assert review.expert.user.username not in public
