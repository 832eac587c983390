"""The expert's pages: only their own assignments, recused ones gone; only the applicant's name and the
call before the declaration; the content and the scoring form after it; recusal with reassignment; and
declared relations. Every form writes through its service or, on bad input, shows the error beside the
field and writes nothing."""

import pytest
from django.test import Client

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.core.models import AuditEntry
from qogam.funding.models import Assignment, ExpertRelation, Score
from tests.accounts.helpers import login_verified
from tests.factories import UserFactory
from tests.funding.stages import audit, page_clock, text, to_evaluation, url

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")
JUSTIFICATION = "Мақсаттар нақты, әрекеттер жоспары мен бюджеті негізделген."


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


@pytest.fixture
def evaluation(world, clock):
    """Two applications under expert evaluation; each has three of the four experts."""
    return to_evaluation(world, clock)


def first_assignment(application) -> Assignment:
    return Assignment.objects.filter(application=application).select_related("expert__user").order_by("pk").first()


def expert_client(client, assignment):
    return login_verified(client, assignment.expert.user)


def declared(assignment) -> Assignment:
    from qogam.funding import services

    services.assignment_declare(actor=mark_otp_verified(assignment.expert.user), assignment=assignment,
                                no_conflict=True)
    assignment.refresh_from_db()
    return assignment


def score_post(call, value="8", justification=JUSTIFICATION, **overrides):
    post = {}
    for c in call.criteria.all():
        post[f"score-{c.code}"] = value
        post[f"justification-{c.code}"] = justification
    post.update(overrides)
    return post


# --- Who may open the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_opens_for_the_expert_in_each_language(client, evaluation, lang):
    assignment = first_assignment(evaluation[0])
    expert_client(client, assignment)
    for name, args in (("expert-assignments", ()), ("expert-assignment", (assignment.pk,)),
                       ("expert-relations", ())):
        assert client.get(url(name, *args, lang=lang)).status_code == 200, name
    declared(assignment)
    assert client.get(url("expert-assignment", assignment.pk, lang=lang)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, evaluation):
    assignment = first_assignment(evaluation[0])
    for page in (url("expert-assignments"), url("expert-assignment", assignment.pk), url("expert-relations")):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/" in response["Location"], page


@pytest.mark.parametrize("who", ["ngo", "operator", "committee", "expert_without_pool"])
def test_non_experts_get_403(client, world, evaluation, who):
    assignment = first_assignment(evaluation[0])
    user = {"ngo": world.reps[0], "operator": world.operator, "committee": world.committee[0],
            "expert_without_pool": UserFactory(role=Role.EXPERT)}[who]
    login_verified(client, user)
    for page in (url("expert-assignments"), url("expert-assignment", assignment.pk), url("expert-relations")):
        assert client.get(page).status_code == 403, page


def test_an_expert_never_reaches_an_assignment_of_another(client, world, evaluation):
    assignment = first_assignment(evaluation[0])
    other = next(e for e in world.experts if e.pk != assignment.expert_id)
    login_verified(client, other.user)
    assert client.get(url("expert-assignment", assignment.pk)).status_code == 404
    assert client.post(url("expert-declare", assignment.pk), {"declaration": "no_conflict"}).status_code == 404
    assert client.post(url("expert-score", assignment.pk), score_post(assignment.application.call)).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "assigned"


def test_posts_need_a_csrf_token(evaluation):
    assignment = first_assignment(evaluation[0])
    client = login_verified(Client(enforce_csrf_checks=True), assignment.expert.user)
    assert client.post(url("expert-declare", assignment.pk), {"declaration": "no_conflict"}).status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == "assigned"


# --- Declaration --------------------------------------------------------------------------------------


def test_list_and_page_show_only_the_applicant_and_the_call_before_the_declaration(client, evaluation):
    application = evaluation[0]
    assignment = first_assignment(application)
    expert_client(client, assignment)
    listing = text(client.get(url("expert-assignments")))
    assert application.organisation.name in listing and application.call.code in listing
    assert application.title not in listing
    page = text(client.get(url("expert-assignment", assignment.pk)))
    assert application.organisation.name in page and application.call.code in page
    content = application.latest.content
    for secret in (application.title, content["summary"], content["budget_lines"][0]["item"],
                   content["results"][0]["indicator"]):
        assert secret not in page
    assert "/documents/" not in page and url("expert-score", assignment.pk) not in page
    document = application.documents.first()
    assert client.get(url("expert-document", assignment.pk, document.pk)).status_code == 403


def test_declaring_no_conflict_opens_the_content(client, evaluation):
    application = evaluation[0]
    assignment = first_assignment(application)
    expert_client(client, assignment)
    response = client.post(url("expert-declare", assignment.pk), {"declaration": "no_conflict", "text": ""})
    assert response.status_code == 302 and response["Location"] == url("expert-assignment", assignment.pk)
    assignment.refresh_from_db()
    assert assignment.status == "declared" and assignment.declared_at is not None
    assert audit("funding.assignment_declare") == 1
    page = text(client.get(url("expert-assignment", assignment.pk)))
    assert application.title in page and application.latest.content["summary"] in page
    assert url("expert-score", assignment.pk) in page
    document = application.documents.first()
    download = client.get(url("expert-document", assignment.pk, document.pk))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    other = evaluation[1].documents.first()
    assert client.get(url("expert-document", assignment.pk, other.pk)).status_code == 404


def test_declaring_a_conflict_recuses_and_reassigns(client, evaluation):
    application = evaluation[0]
    assignment = first_assignment(application)
    expert_client(client, assignment)
    response = client.post(url("expert-declare", assignment.pk),
                           {"declaration": "conflict", "text": "Бұрын осы ұйымда жұмыс істедім."})
    assert response.status_code == 302 and response["Location"] == url("expert-assignments")
    assignment.refresh_from_db()
    assert assignment.status == "recused" and assignment.recusal_reason == "Бұрын осы ұйымда жұмыс істедім."
    active = Assignment.objects.filter(application=application).exclude(status="recused")
    assert active.count() == 3 and not active.filter(expert=assignment.expert).exists()
    assert client.get(url("expert-assignment", assignment.pk)).status_code == 404
    assert url("expert-assignment", assignment.pk) not in text(client.get(url("expert-assignments")))


def test_a_declaration_without_a_choice_writes_nothing(client, evaluation):
    assignment = first_assignment(evaluation[0])
    expert_client(client, assignment)
    entries = AuditEntry.objects.count()
    response = client.post(url("expert-declare", assignment.pk), {"text": "Ойланып жатырмын"})
    assert response.status_code == 400
    page = text(response)
    assert "Choose: no conflict of interest, or a conflict of interest." in page and "Ойланып жатырмын" in page
    assignment.refresh_from_db()
    assert assignment.status == "assigned" and AuditEntry.objects.count() == entries


def test_a_conflict_in_the_register_refuses_a_no_conflict_declaration(client, evaluation):
    application = evaluation[0]
    assignment = first_assignment(application)
    ExpertRelation.objects.create(expert=assignment.expert, bin=application.organisation.bin, kind="member",
                                  declared_at=assignment.assigned_at)
    expert_client(client, assignment)
    response = client.post(url("expert-declare", assignment.pk), {"declaration": "no_conflict"})
    assert response.status_code == 400
    page = text(response)
    assert "The expert declared a relation with the applicant or an organisation linked to it." in page
    assignment.refresh_from_db()
    assert assignment.status == "assigned"
    assert application.latest.content["summary"] not in page


# --- Scoring and recusal ------------------------------------------------------------------------------


def test_scores_are_submitted_through_the_service(client, evaluation):
    assignment = declared(first_assignment(evaluation[0]))
    call = assignment.application.call
    expert_client(client, assignment)
    response = client.post(url("expert-score", assignment.pk), score_post(call, value="7,5"))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "scored" and audit("funding.scores_submit") == 1
    scores = Score.objects.filter(assignment=assignment)
    assert scores.count() == call.criteria.count() and {str(s.value) for s in scores} == {"7.50"}
    page = text(client.get(url("expert-assignment", assignment.pk)))
    assert JUSTIFICATION in page and url("expert-score", assignment.pk) not in page


def test_bad_scores_are_shown_beside_their_criterion_and_nothing_is_written(client, evaluation):
    assignment = declared(first_assignment(evaluation[0]))
    call = assignment.application.call
    expert_client(client, assignment)
    entries = AuditEntry.objects.count()
    response = client.post(url("expert-score", assignment.pk), score_post(
        call, **{"score-relevance": "11", "justification-cost": "Жақсы", "score-innovation": "жоғары"}))
    assert response.status_code == 400
    page = text(response)
    assert 'id="e-score-relevance"' in page and 'id="e-justification-cost"' in page
    assert 'id="e-score-innovation"' in page and "Give a score from 0 to 10." in page
    assert 'value="11"' in page and 'value="жоғары"' in page and ">Жақсы</textarea>" in page
    assignment.refresh_from_db()
    assert assignment.status == "declared" and not Score.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_scoring_before_the_declaration_is_refused(client, evaluation):
    assignment = first_assignment(evaluation[0])
    expert_client(client, assignment)
    response = client.post(url("expert-score", assignment.pk), score_post(assignment.application.call))
    assert response.status_code == 409
    assert "Declare that you have no conflict of interest before scoring." in text(response)
    assert not Score.objects.exists()


def test_recusal_after_the_declaration(client, evaluation):
    assignment = declared(first_assignment(evaluation[0]))
    expert_client(client, assignment)
    response = client.post(url("expert-recuse", assignment.pk), {"reason": " "})
    assert response.status_code == 400 and "Say why you recuse yourself." in text(response)
    assignment.refresh_from_db()
    assert assignment.status == "declared"
    response = client.post(url("expert-recuse", assignment.pk), {"reason": "Жетекшісі туысым екенін білдім."})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "recused" and audit("funding.assignment_recuse") == 1
    assert client.get(url("expert-assignment", assignment.pk)).status_code == 404


# --- Declared relations -------------------------------------------------------------------------------


def test_relations_are_declared_through_the_service(client, world, evaluation):
    expert = world.experts[0]
    login_verified(client, expert.user)
    bin_ = world.organisations[1].bin
    response = client.post(url("expert-relations"), {"bin": bin_, "kind": "employee", "note": "2019–2021"})
    assert response.status_code == 302
    relation = ExpertRelation.objects.get(expert=expert)
    assert (relation.bin, relation.kind, relation.note) == (bin_, "employee", "2019–2021")
    assert audit("funding.relation_declare") == 1
    assert bin_ in text(client.get(url("expert-relations")))


def test_a_bad_relation_is_shown_beside_its_field_and_nothing_is_written(client, world, evaluation):
    login_verified(client, world.experts[0].user)
    response = client.post(url("expert-relations"), {"bin": "123456789012", "kind": "cousin", "note": "x"})
    assert response.status_code == 400
    page = text(response)
    assert 'id="e-bin"' in page and 'id="e-kind"' in page and "Choose the kind of relation." in page
    assert 'value="123456789012"' in page
    assert not ExpertRelation.objects.exists()
