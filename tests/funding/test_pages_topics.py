"""The topic pages of the state social order (issue 5 "Topics, bottom up"): the public list with its filters,
proposing (for oneself or on behalf of a represented organisation), support, comments and the body's answer,
with the refusals shown at the field in the user's language and the input kept; the body's queue; no personal
data of proposers or commenters on public pages."""

import datetime as dt

import pytest
from django.test import Client

from qogam.accounts.models import Role
from qogam.accounts.permissions import mark_otp_verified
from qogam.funding import services
from qogam.funding.models import Topic, TopicComment, TopicSupport
from tests.accounts.helpers import login_verified
from tests.factories import OrganisationFactory, StateBodyFactory, UserFactory
from tests.funding.mechanism_world import PROBLEM
from tests.funding.stages import page_clock, text, url
from tests.funding.world import representative, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(funding_clock, monkeypatch):
    clock = page_clock(funding_clock, monkeypatch)
    original = clock.set

    def set_(today):
        original(today)
        monkeypatch.setattr("qogam.funding.views.topics.almaty_today", lambda: today)

    clock.set = set_
    clock.set(dt.date(2026, 5, 1))
    return clock


def _citizen(**kwargs):
    return mark_otp_verified(UserFactory(role=Role.NGO, **kwargs))


def _topic(body, *, title="Ауладағы балалар", proposer=None, direction="education", region=None):
    return services.topic_propose(actor=proposer or _citizen(), body=body, title=title, problem=PROBLEM,
                                  direction=direction, region=region)


def test_the_list_filters_by_status_body_direction_and_region_and_counts_support(clock):
    akimat, ministry = (StateBodyFactory(level="city", kind="akimat"),
                        StateBodyFactory(level="central", kind="ministry"))
    first = _topic(akimat, title="Балаларға оңалту", region="750000000")
    _topic(ministry, title="Жастар спорты", direction="youth")
    for _ in range(3):
        services.topic_support(actor=_citizen(), topic=first)
    page = text(Client().get(url("topics")))
    assert "Балаларға оңалту" in page and "Жастар спорты" in page and f'<option value="{ministry.pk}"' in page
    by_body = text(Client().get(url("topics", query=f"?body={ministry.pk}")))
    assert "Жастар спорты" in by_body and "Балаларға оңалту" not in by_body
    by_direction = text(Client().get(url("topics", query="?direction=education")))
    assert "Балаларға оңалту" in by_direction and "Жастар спорты" not in by_direction
    by_region = text(Client().get(url("topics", query="?region=750000000")))
    assert "Балаларға оңалту" in by_region and "Жастар спорты" not in by_region
    assert "No topic matches" in text(Client().get(url("topics", query="?status=accepted")))
    assert "Жастар спорты" in text(Client().get(url("topics", query="?status=discussion&body=nonsense")))
    row = page.split("Балаларға оңалту")[1].split("</tr>")[0]
    assert '<td class="num-cell">3</td>' in row


def test_the_list_is_paginated_keeping_the_filters(clock):
    body = StateBodyFactory(level="district", kind="akimat")
    proposer = _citizen()
    for i in range(52):
        _topic(body, title=f"Тақырып №{i:02d}", proposer=proposer)
    first = text(Client().get(url("topics", query="?direction=education")))
    assert "Page 1 of 2" in first and "direction=education" in first.split('rel="next"')[0].rsplit("<a", 1)[1]
    second = text(Client().get(url("topics", query="?direction=education&page=2")))
    assert "Page 2 of 2" in second and second.count("Тақырып №") == 2


def test_proposing_needs_a_sign_in_and_shows_errors_at_the_fields_with_the_input_kept(clock):
    body = StateBodyFactory(level="regional", kind="akimat")
    assert Client().get(url("topic-propose")).status_code == 302
    client = login_verified(Client(), _citizen())
    form = text(client.get(url("topic-propose")))
    assert f'<option value="{body.pk}"' in form and 'name="organisation"' not in form
    refused = client.post(url("topic-propose"), {"body": "", "title": "Саябақ жоқ", "problem": "Қысқа мәтін",
                                                 "direction": "nonsense"})
    page = text(refused)
    assert refused.status_code == 400 and Topic.objects.count() == 0
    assert "Choose the state body that should order this work." in page
    assert "Choose a direction from the list." in page and "at least 50 characters" in page
    assert 'value="Саябақ жоқ"' in page and "Қысқа мәтін</textarea>" in page
    # A quasi-public company is no customer of the state social order: it cannot be addressed.
    quasi = StateBodyFactory(level="quasi_public", kind="quasi_public")
    assert f'<option value="{quasi.pk}"' not in text(client.get(url("topic-propose")))
    page = text(client.post(url("topic-propose"), {"body": quasi.pk, "title": "Т", "problem": PROBLEM,
                                                   "direction": "education"}))
    assert "Choose the state body that should order this work." in page and Topic.objects.count() == 0


def test_refusals_are_in_the_users_language(clock):
    body = StateBodyFactory(level="regional", kind="akimat")
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    rep = representative(mine)
    client = login_verified(Client(), rep)
    response = client.post(url("topic-propose", lang="ru"), {
        "body": body.pk, "title": "Тема", "problem": PROBLEM, "direction": "education", "organisation": theirs.pk})
    assert response.status_code == 400
    assert "Выберите одну из организаций, которые Вы представляете." in text(response)
    assert Topic.objects.count() == 0


def test_a_representative_proposes_on_behalf_of_the_organisation_and_the_page_names_it_not_the_person(clock):
    body = StateBodyFactory(level="city", kind="akimat")
    organisation = OrganisationFactory(name_ru="Қамқор қоры", name_kk="Қамқор қоры")
    rep = representative(organisation, first_name="Болат", last_name="Жақсыбеков")
    client = login_verified(Client(), rep)
    form = text(client.get(url("topic-propose")))
    assert f'<option value="{organisation.pk}"' in form
    done = client.post(url("topic-propose"), {"body": body.pk, "title": "Қарттар үйі", "problem": PROBLEM,
                                              "direction": "education", "region": "750000000",
                                              "organisation": organisation.pk})
    topic = Topic.objects.get()
    assert done.status_code == 302 and topic.organisation_id == organisation.pk and topic.proposed_by_id == rep.pk
    page = text(Client().get(url("topic", topic.pk)))
    assert "Қамқор қоры" in page and "Болат" not in page and "Жақсыбеков" not in page and rep.username not in page
    assert rep.email not in page


def test_support_is_counted_once_and_needs_a_post_and_a_sign_in(clock):
    topic = _topic(StateBodyFactory(level="city", kind="akimat"))
    assert Client().post(url("topic-support", topic.pk)).status_code == 302  # to the sign-in page
    assert not TopicSupport.objects.exists()
    client = login_verified(Client(), _citizen())
    assert client.get(url("topic-support", topic.pk)).status_code == 405
    assert client.post(url("topic-support", topic.pk), follow=True).status_code == 200
    again = text(client.post(url("topic-support", topic.pk), follow=True))
    assert "You already support this topic." in again and TopicSupport.objects.count() == 1
    assert "You support this topic." in again and "1 supporter" in again


def test_the_forms_need_the_csrf_token(clock):
    topic = _topic(StateBodyFactory(level="city", kind="akimat"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(_citizen())
    assert client.post(url("topic-support", topic.pk)).status_code == 403
    assert client.post(url("topic-comment", topic.pk), {"text": "Қолдаймын."}).status_code == 403
    page = text(client.get(url("topic", topic.pk)))
    assert page.count("csrfmiddlewaretoken") >= 2
    assert not TopicSupport.objects.exists() and not TopicComment.objects.exists()


def test_comments_show_first_name_and_initial_and_refusals_keep_the_text(clock):
    topic = _topic(StateBodyFactory(level="city", kind="akimat"))
    author = _citizen(first_name="Динара", last_name="Оспанова", email="dinara@example.kz")
    client = login_verified(Client(), author)
    empty = client.post(url("topic-comment", topic.pk), {"text": " "})
    assert empty.status_code == 400 and "Write a comment of up to 4,000 characters." in text(empty)
    too_long = client.post(url("topic-comment", topic.pk), {"text": "ә" * 4001})
    assert too_long.status_code == 400 and "ә" * 4001 in text(too_long)
    assert client.post(url("topic-comment", topic.pk), {"text": "Бұл мәселе біздің ауылда да бар."}).status_code == 302
    page = text(Client().get(url("topic", topic.pk)))
    assert "Динара О." in page and "Оспанова" not in page and "dinara@example.kz" not in page
    assert author.username not in page and "Бұл мәселе біздің ауылда да бар." in page


def test_after_the_discussion_no_support_or_comment_is_taken(clock):
    topic = _topic(StateBodyFactory(level="city", kind="akimat"))
    client = login_verified(Client(), _citizen())
    clock.set(topic.discussion_until + dt.timedelta(days=1))
    page = text(client.get(url("topic", topic.pk)))
    assert "Support this topic" not in page and 'name="text"' not in page
    late = client.post(url("topic-comment", topic.pk), {"text": "Кешігіп қалдым ба?"})
    assert late.status_code == 409 and "The public discussion of this topic has ended." in text(late)
    assert "Кешігіп қалдым ба?" in text(late)
    assert "has ended" in text(client.post(url("topic-support", topic.pk), follow=True))
    assert not TopicComment.objects.exists() and not TopicSupport.objects.exists()


def test_the_body_answers_from_its_queue_and_errors_are_shown_at_the_fields(clock):
    body = StateBodyFactory(level="regional", kind="akimat")
    official = staff(Role.OFFICIAL, state_body=body)
    topic = _topic(body, title="Оңалту орталығы")
    later = _topic(body, title="Кейінгі тақырып")
    elsewhere = _topic(StateBodyFactory(level="regional", kind="akimat"), title="Басқа облыс")
    clock.set(dt.date(2026, 6, 1))
    later.discussion_until = dt.date(2026, 6, 20)
    later.save(update_fields=["discussion_until"])
    officer = login_verified(Client(), official)
    queue = text(officer.get(url("topics-body")))
    to_decide, in_discussion = queue.split("Discussion ended: answer them")[1].split("In public discussion")
    assert "Оңалту орталығы" in to_decide and "Кейінгі тақырып" in in_discussion and "Басқа облыс" not in queue
    assert "Answer the topic" in text(officer.get(url("topic", topic.pk)))
    assert "Answer the topic" not in text(officer.get(url("topic", elsewhere.pk)))
    no_choice = officer.post(url("topic-decide", topic.pk), {"reason": "Жауап."})
    assert no_choice.status_code == 400 and "Choose: accept the topic or reject it." in text(no_choice)
    assert "Жауап.</textarea>" in text(no_choice)
    no_reason = officer.post(url("topic-decide", topic.pk), {"decision": "reject", "reason": ""})
    assert no_reason.status_code == 400 and "Write the body&#x27;s answer" in text(no_reason)
    assert 'value="reject" checked' in text(no_reason)
    assert Topic.objects.get(pk=topic.pk).status == "discussion"
    done = officer.post(url("topic-decide", topic.pk), {"decision": "reject", "reason": "Бюджетте қаражат жоқ."})
    assert done.status_code == 302 and Topic.objects.get(pk=topic.pk).status == "rejected"
    public = text(Client().get(url("topic", topic.pk)))
    assert "Бюджетте қаражат жоқ." in public and "Answer the topic" not in public
    answered = text(officer.get(url("topics-body"))).split("Answered")[-1]
    assert "Оңалту орталығы" in answered
    again = officer.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Қайта қарадық."})
    assert again.status_code in (400, 409) and "The answer is not recorded" in text(again)
    assert Topic.objects.get(pk=topic.pk).status == "rejected"


def test_only_officials_open_the_queue_and_only_the_addressees_decide(clock):
    body = StateBodyFactory(level="regional", kind="akimat")
    topic = _topic(body)
    clock.set(dt.date(2026, 6, 1))
    assert Client().get(url("topics-body")).status_code == 302
    citizen = login_verified(Client(), _citizen())
    assert citizen.get(url("topics-body")).status_code == 403
    refused = citizen.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Иә"})
    assert refused.status_code == 403
    unverified = Client()
    unverified.force_login(staff(Role.OFFICIAL, state_body=body))  # no second factor
    sent_away = unverified.get(url("topics-body"))  # to set up the second factor first
    assert sent_away.status_code == 302 and "/otp/" in sent_away["Location"]
    assert unverified.post(url("topic-decide", topic.pk), {"decision": "accept", "reason": "Иә"}).status_code in (
        302, 403)
    assert Topic.objects.get(pk=topic.pk).status == "discussion"
    assert Client().get(url("topic", 999999)).status_code == 404
