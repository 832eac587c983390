"""Who may do what in the mechanisms of issue 5, for the new roles: the customer body's official (of the
call's body, of another body), the tender commission member, the award working-group member (of the call,
of another call), beside the grant operator, an expert, an NGO representative and the public. Each action is
tried through the service (refused with PermissionDeniedError) and, where it has one, through the API."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.core.errors import PermissionDeniedError
from qogam.funding import permissions, services
from qogam.funding.models import Topic
from tests.accounts.helpers import login_verified
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.mechanism_world import PROBLEM, award_world, enrolled, scored_award_call, sso_world
from tests.funding.world import staff

pytestmark = pytest.mark.django_db


def _roles(w, extra):
    other_body = staff(Role.OFFICIAL, state_body=StateBodyFactory(level="regional", kind="akimat"))
    return {
        "anonymous": None,
        "ngo": w.reps[0],
        "expert": w.experts[0],
        "official": w.official,
        "official_other_body": other_body,
        "operator": w.operator,
        "commission": w.commission[0],
        "commission_other_call": staff(Role.COMMITTEE),
        "working_group_other_call": extra,
        "admin": staff(Role.ADMIN),
    }


def _allowed(user, action, obj) -> bool:
    return user is not None and permissions.can(user, action, obj)


def test_running_a_tender_belongs_to_the_customer_body(funding_clock):
    w = sso_world(funding_clock)
    group_member = staff(Role.WORKING_GROUP)
    roles = _roles(w, group_member)
    allowed = {name for name, user in roles.items() if _allowed(user, "call.manage", w.call)}
    assert allowed == {"official", "admin"}
    for name, user in roles.items():
        if name in allowed or user is None:
            continue
        with pytest.raises(PermissionDeniedError):
            services.call_publish(actor=user, call=w.call)
    decide = {name for name, user in roles.items() if _allowed(user, "call.decide", w.call)}
    assert decide == {"commission"}
    assert {n for n, u in roles.items() if _allowed(u, "call.shortlist", w.call)} == set()


def test_a_grant_call_is_the_operators_not_an_officials(funding_world):
    official = staff(Role.OFFICIAL, state_body=funding_world.programme.funder_body)
    assert permissions.can(funding_world.operator, "call.manage", funding_world.call)
    assert not permissions.can(official, "call.manage", funding_world.call)
    with pytest.raises(PermissionDeniedError):
        services.call_cancel(actor=official, call=funding_world.call, reason="Жоқ")


def test_the_two_stages_of_an_award_each_belong_to_their_body(funding_clock):
    world = award_world(funding_clock)
    scored_award_call(world, funding_clock, [9, 8, 7])
    other_group = enrolled(Role.WORKING_GROUP, world.operator)[0]
    member, chair = world.group[0], world.commission[0]
    assert permissions.can(member, "call.shortlist", world.call)
    for user in (chair, other_group, world.operator, staff(Role.OFFICIAL, state_body=world.ministry)):
        with pytest.raises(PermissionDeniedError):
            services.shortlist_decide(actor=user, call=world.call, minutes="Хаттама")
    with pytest.raises(PermissionDeniedError):
        services.call_decide(actor=member, call=world.call, minutes="Хаттама")
    api = login_verified(APIClient(), chair)
    assert api.post(f"/api/funding/calls/{world.call.code}/shortlist/", {"minutes": "x"},
                    format="json").status_code == 403
    member_api = login_verified(APIClient(), member)
    assert member_api.post(f"/api/funding/calls/{world.call.code}/shortlist/", {"minutes": "Хаттама"},
                           format="json").status_code == 201
    assert member_api.post(f"/api/funding/calls/{world.call.code}/decision/", {"minutes": "Хаттама"},
                           format="json").status_code == 403
    assert login_verified(APIClient(), chair).post(f"/api/funding/calls/{world.call.code}/decision/",
                                                   {"minutes": "Хаттама"}, format="json").status_code == 201


def test_topics_are_answered_only_by_the_body_they_are_addressed_to(funding_clock):
    funding_clock.set(dt.date(2026, 5, 1))
    body = StateBodyFactory(level="district", kind="akimat")
    citizen = mark_otp_verified(UserFactory(role=Role.NGO))
    topic = services.topic_propose(actor=citizen, body=body, title="Жол", problem=PROBLEM, direction="education")
    funding_clock.set(dt.date(2026, 6, 5))
    for user in (citizen, staff(Role.OPERATOR), staff(Role.OFFICIAL, state_body=StateBodyFactory(level="district",
                                                                                                  kind="akimat"))):
        with pytest.raises(PermissionDeniedError):
            services.topic_decide(actor=user, topic=topic, accept=True, reason="Иә")
        assert login_verified(APIClient(), user).post(f"/api/funding/topics/{topic.pk}/decision/",
                                                      {"accept": True, "reason": "Иә"}, format="json").status_code == 403
    assert APIClient().post(f"/api/funding/topics/{topic.pk}/support/").status_code == 403
    official = staff(Role.OFFICIAL, state_body=body)
    response = login_verified(APIClient(), official).post(f"/api/funding/topics/{topic.pk}/decision/",
                                                          {"accept": True, "reason": "Иә"}, format="json")
    assert response.status_code == 200 and Topic.objects.get().status == "accepted"
    assert APIClient().get(f"/api/funding/topics/{topic.pk}/").json()["status"] == "accepted"


def test_an_expert_sees_only_the_effect_reviews_assigned_to_them_and_none_in_conflict(funding_clock):
    from tests.funding.mechanism_world import won_contract

    w = sso_world(funding_clock)
    agreement = won_contract(w, funding_clock)  # public expert 0 founded the winner
    services.agreement_sign(actor=w.official, agreement=agreement)
    services.agreement_sign(actor=w.reps[1], agreement=agreement)
    funding_clock.set(agreement.start_on)
    services.agreement_activate(actor=None, agreement=agreement)
    for user in (w.operator, w.commission[0], w.reps[1], staff(Role.OFFICIAL, state_body=StateBodyFactory(
            level="regional", kind="akimat"))):
        with pytest.raises(PermissionDeniedError):
            services.effect_evaluation_start(actor=user, agreement=agreement)
    reviews = services.effect_evaluation_start(actor=w.official, agreement=agreement)
    assigned = {r.expert.user_id for r in reviews}
    conflicted = w.experts[0]
    assert conflicted.pk not in assigned
    assert login_verified(APIClient(), conflicted).get("/api/funding/effect-reviews/").json() == []
    mine = next(u for u in w.experts if u.pk in assigned)
    listed = login_verified(APIClient(), mine).get("/api/funding/effect-reviews/").json()
    assert len(listed) == 1 and listed[0]["agreement"] == agreement.number
    other = next(r for r in reviews if r.expert.user_id != mine.pk)
    assert login_verified(APIClient(), mine).post(f"/api/funding/effect-reviews/{other.pk}/declaration/",
                                                  {"no_conflict": True}, format="json").status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.effect_declare(actor=mine, review=other, no_conflict=True)
