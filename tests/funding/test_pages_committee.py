"""The competition committee's pages: only members of the call's committee open them; the ranking preview
shows what the funding rule would give; the decision and the answers to appeals write through the
services with audit entries, and bad input shows the error and writes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from qogam.accounts.models import Role
from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import Agreement, Decision
from tests.accounts.helpers import login_verified
from tests.factories import UserFactory
from tests.funding.stages import page_clock, to_evaluation
from tests.funding.world import apply, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


def in_evaluation(world, clock):
    """Two applications, one in each lot, scored 9 and 6 by all their experts."""
    applications = to_evaluation(world, clock, 2)
    for a, value in zip(applications, (9, 6), strict=True):
        score_all(world, a, value=value)
    return applications


def member(client, world):
    return login_verified(client, world.committee[0])


def test_pages_open_for_the_committee_member(client, world, clock):
    in_evaluation(world, clock)
    member(client, world)
    for url in (reverse("funding:committee-calls"), reverse("funding:committee-call", args=[world.call.pk]),
                reverse("funding:committee-appeals")):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("funding:committee-calls")).content.decode()
    assert world.call.code in page


@pytest.mark.parametrize("who", ["operator", "ngo", "expert"])
def test_other_roles_get_403(client, world, who):
    user = {"operator": world.operator, "ngo": world.reps[0], "expert": world.experts[0].user}[who]
    login_verified(client, user)
    for url in (reverse("funding:committee-calls"), reverse("funding:committee-call", args=[world.call.pk]),
                reverse("funding:committee-appeals")):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(reverse("funding:committee-call", args=[world.call.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_committee_member_of_another_call_gets_403(client, world, clock):
    in_evaluation(world, clock)
    outsider = UserFactory(role=Role.COMMITTEE)
    login_verified(client, outsider)
    assert client.get(reverse("funding:committee-calls")).status_code == 200
    assert world.call.code not in client.get(reverse("funding:committee-calls")).content.decode()
    assert client.get(reverse("funding:committee-call", args=[world.call.pk])).status_code == 403
    response = client.post(reverse("funding:committee-call", args=[world.call.pk]), {"minutes": "Хаттама"})
    assert response.status_code == 403 and not Decision.objects.exists()


def test_ranking_preview_shows_totals_and_what_would_be_funded(client, world, clock):
    a0, a1 = in_evaluation(world, clock)
    member(client, world)
    page = client.get(reverse("funding:committee-call", args=[world.call.pk])).content.decode()
    assert "Ranking preview" in page
    assert a0.reference in page and a1.reference in page
    assert "9.00" in page and "6.00" in page
    assert page.count('class="funded"') == 2  # each alone in its lot and within its budget
    assert "Record the committee" in page


def test_disagreement_is_flagged_in_the_preview(client, world, clock):
    applications = to_evaluation(world, clock, 1)
    from qogam.funding.models import Assignment
    from tests.accounts.helpers import verified

    for assignment, value in zip(Assignment.objects.filter(application=applications[0]).order_by("pk"), (2, 9, 9),
                                 strict=True):
        user = verified(assignment.expert.user)
        services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        services.scores_submit(actor=user, assignment=assignment, scores={
            c.code: {"value": str(value), "justification": "Жоба мақсаттары нақты және өлшенетін, негізделген."}
            for c in world.call.criteria.all()})
    member(client, world)
    page = client.get(reverse("funding:committee-call", args=[world.call.pk])).content.decode()
    assert 'class="badge warn">Relevance and social significance' in page


def test_decision_recorded_through_the_service(client, world, clock):
    a0, a1 = in_evaluation(world, clock)
    member(client, world)
    url = reverse("funding:committee-call", args=[world.call.pk])
    response = client.post(url, {"minutes": "Хаттама №1: барлығы қатысты.", "decided_on": ""})
    assert response.status_code == 302
    world.call.refresh_from_db()
    assert world.call.status == "decided" and Decision.objects.get().minutes.startswith("Хаттама №1")
    assert Agreement.objects.count() == 2
    assert AuditEntry.objects.filter(action="funding.call_decide").count() == 1
    page = client.get(url).content.decode()
    assert "Хаттама №1" in page and a0.reference in page


def test_decision_without_minutes_shows_the_error_and_writes_nothing(client, world, clock):
    in_evaluation(world, clock)
    member(client, world)
    entries = AuditEntry.objects.count()
    response = client.post(reverse("funding:committee-call", args=[world.call.pk]),
                           {"minutes": "  ", "decided_on": "2026-07-30"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Record the minutes of the committee" in text and 'value="2026-07-30"' in text
    assert not Decision.objects.exists() and AuditEntry.objects.count() == entries


def test_decision_waits_for_every_score(client, world, clock):
    applications = to_evaluation(world, clock, 2)
    score_all(world, applications[0])
    member(client, world)
    page = client.get(reverse("funding:committee-call", args=[world.call.pk])).content.decode()
    assert "not yet scored by all its experts" in page
    response = client.post(reverse("funding:committee-call", args=[world.call.pk]), {"minutes": "Хаттама"})
    assert response.status_code == 400
    assert "have not been scored by all their experts yet" in response.content.decode()
    assert not Decision.objects.exists()


def _appealed(world, clock):
    """Two applications to lot 1 (5 m), 3 m each: the second is not funded and appeals the result."""
    applications = [apply(world, i, world.lots[0], amount=3_000_000) for i in range(2)]
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    for a in applications:
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted", checklist={})
    services.evaluation_start(actor=world.operator, call=world.call)
    score_all(world, applications[0], value=9)
    score_all(world, applications[1], value=6)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама")
    loser = applications[1]
    loser.refresh_from_db()
    assert loser.status == "not_funded"
    return services.appeal_file(actor=world.reps[1], application=loser, grounds="Бағалау әділетсіз.")


def test_appeal_listed_and_decided(client, world, clock):
    appeal = _appealed(world, clock)
    member(client, world)
    page = client.get(reverse("funding:committee-appeals")).content.decode()
    assert appeal.application.reference in page
    url = reverse("funding:committee-appeal", args=[appeal.pk])
    page = client.get(url).content.decode()
    assert "Бағалау әділетсіз." in page
    entries = AuditEntry.objects.count()
    response = client.post(url, {"decision": "", "outcome": "Жауап"})
    assert response.status_code == 400 and "Choose: grant the appeal or refuse it." in response.content.decode()
    response = client.post(url, {"decision": "uphold", "outcome": " "})
    assert response.status_code == 400 and "it is published" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "filed" and AuditEntry.objects.count() == entries
    response = client.post(url, {"decision": "uphold", "outcome": "Бағалау ережеге сай жүргізілді."})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "upheld"
    assert appeal.outcome == "Бағалау ережеге сай жүргізілді."
    assert AuditEntry.objects.filter(action="funding.appeal_decide").count() == 1
    response = client.post(url, {"decision": "grant", "outcome": "Қайта"})
    assert response.status_code == 409


def test_appeal_pages_refuse_other_roles(client, world, clock):
    appeal = _appealed(world, clock)
    for user in (world.operator, world.reps[1], UserFactory(role=Role.COMMITTEE)):
        login_verified(client, user)
        assert client.get(reverse("funding:committee-appeal", args=[appeal.pk])).status_code == 403


def test_granted_result_appeal_is_rescored_and_decided_on_its_own(client, world, clock):
    appeal = _appealed(world, clock)
    services.appeal_decide(actor=world.committee[0], appeal=appeal, grant=True, outcome="Қайта бағалансын.")
    application = appeal.application
    application.refresh_from_db()
    score_all(world, application, value=8)
    application.refresh_from_db()
    assert application.status == "scored"
    member(client, world)
    page = client.get(reverse("funding:committee-call", args=[world.call.pk])).content.decode()
    assert "Re-scored after a granted appeal" in page and application.reference in page
    url = reverse("funding:committee-application-decide", args=[application.pk])
    response = client.post(url, {"minutes": ""})
    assert response.status_code == 400 and "Record the minutes of the committee" in response.content.decode()
    assert client.post(url, {"minutes": "Хаттама №2"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "not_funded"  # 2 m left in the lot, 3 m requested
