"""Pages of the selection of members and of the secretary: the working group and the state representatives
are tables (formsets); the two-thirds rules refuse on the page with every typed row kept and nothing
written; a full selection through the pages publishes first names and surname initials only, never
reasons or motivations; the cabinet pages open for those who may run them and for nobody else."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from qogam.councils import rules, services
from qogam.councils.models import MembershipApplication, WorkingGroupMember
from tests.accounts.helpers import login_verified
from tests.councils.test_pages import formset_data
from tests.councils.world import authorised, council_with_members, held_meeting, official_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
MOTIVATION = "Десять лет веду общественный мониторинг районных поликлиник и школ, знаю жалобы жителей."
APPLICANTS = ["Жұмабаев Арман", "Оспанова Дана", "Ким Виктор", "Нұрланов Ержан", "Петрова Ольга"]


def _call_with_applicants(names=APPLICANTS):
    """A district council forming its second convocation; a call closed in January 2025 with one
    application per name, submitted while it was open."""
    council, secretary, _members = council_with_members()
    admin = authorised()
    convocation = services.convocation_open(actor=admin, council=council, starts_on=D(2027, 1, 15))
    call = services.membership_call_open(actor=admin, convocation=convocation, closes_on=D(2025, 1, 31), seats=10,
                                         announced_on=D(2025, 1, 10))
    applications = [services.membership_apply(actor=UserFactory(), call=call, full_name=name,
                                              motivation=f"{MOTIVATION} ({i})", today=D(2025, 1, 20))
                    for i, name in enumerate(names)]
    return council, secretary, call, applications


def _group(civil: int, state: int) -> list[dict]:
    rows = [{"full_name": f"Әлиев Тимур {i}", "constituency": "civil_society", "affiliation": "ОО «Жария»"}
            for i in range(civil)]
    return rows + [{"full_name": f"Серіков Бекзат {i}", "constituency": "state", "affiliation": "Аким района"}
                   for i in range(state)]


def _reviewing(secretary, call):
    client = login_verified(Client(), secretary)
    assert client.post(reverse("councils:working-group", args=[call.pk]),
                       formset_data("members", _group(4, 2))).status_code == 302
    assert client.post(reverse("councils:review-start", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.status == rules.CallStatus.REVIEWING
    return client


def _decisions(applications, selected: int) -> dict:
    data = {}
    for i, application in enumerate(applications):
        data[f"choice_{application.pk}"] = "yes" if i < selected else "no"
        data[f"reason_{application.pk}"] = f"Причина решения {i}"
    return data


def test_the_working_group_table_refuses_the_two_thirds_rule_and_keeps_the_rows():
    _council, secretary, call, _apps = _call_with_applicants(APPLICANTS[:1])
    client = login_verified(Client(), secretary)
    url = reverse("councils:working-group", args=[call.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="members-TOTAL_FORMS"' in page.content.decode()
    refused = client.post(url, formset_data("members", _group(3, 2)))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "At least 2/3 of the working group must represent civil society: 3 of 5 do." in html
    assert 'value="Әлиев Тимур 2"' in html and 'value="Серіков Бекзат 1"' in html
    assert not WorkingGroupMember.objects.filter(call=call).exists()
    # 4 of 6 is two-thirds exactly: saved, and the call's page shows short names only.
    assert client.post(url, formset_data("members", _group(4, 2))).status_code == 302
    assert WorkingGroupMember.objects.filter(call=call).count() == 6
    public = Client().get(reverse("councils:call", args=[call.pk])).content.decode()
    assert "Тимур Ә." in public and "Әлиев Тимур" not in public
    # The saved group comes back in the table; "Add a row" keeps what was typed and saves nothing.
    assert 'value="Серіков Бекзат 1"' in client.get(url).content.decode()
    more = client.post(url, {**formset_data("members", _group(1, 0)), "action": "add-members"})
    assert more.status_code == 200 and 'value="Әлиев Тимур 0"' in more.content.decode()
    assert 'name="members-5-full_name"' in more.content.decode()
    assert WorkingGroupMember.objects.filter(call=call).count() == 6


def test_a_row_without_a_name_is_refused_by_the_service():
    _council, secretary, call, _apps = _call_with_applicants(APPLICANTS[:1])
    rows = _group(4, 1) + [{"full_name": "", "constituency": "state", "affiliation": "Аким района"}]
    page = login_verified(Client(), secretary).post(reverse("councils:working-group", args=[call.pk]),
                                                    formset_data("members", rows))
    assert page.status_code == 400 and "Give each member&#x27;s full name" in page.content.decode()
    assert not WorkingGroupMember.objects.filter(call=call).exists()


def test_the_selection_page_shows_the_composition_refusal_and_writes_nothing():
    council, secretary, call, applications = _call_with_applicants()
    client = _reviewing(secretary, call)
    url = reverse("councils:select", args=[call.pk])
    page = client.get(url).content.decode()
    assert all(a.full_name in page and a.motivation in page for a in applications)  # the working group reads them
    state = [{"full_name": f"Маратов Серік {i}", "affiliation": "Аким района"} for i in range(3)]
    refused = client.post(url, {**_decisions(applications, 2), **formset_data("state", state)})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "At least 2/3 of the council&#x27;s members must represent civil society: 2 of 5 do." in html
    assert 'value="Маратов Серік 2"' in html and 'value="Причина решения 4"' in html
    assert f'name="choice_{applications[1].pk}" value="yes" checked' in html
    convocation = call.convocation
    assert not convocation.members.exists()
    assert set(MembershipApplication.objects.filter(call=call).values_list("status", flat=True)) == {"submitted"}
    # A decision without its reason is refused beside that application.
    no_reason = {**_decisions(applications, 4), f"reason_{applications[3].pk}": ""}
    refused = client.post(url, {**no_reason, **formset_data("state", state[:2])})
    assert refused.status_code == 400 and "Give the reason for the decision" in refused.content.decode()
    assert not convocation.members.exists()
    # 4 selected and 2 state representatives: 4 of 6 is two-thirds, 6 is within 5 to 15 members.
    done = client.post(url, {**_decisions(applications, 4), **formset_data("state", state[:2])})
    assert done.status_code == 302 and done["Location"] == reverse("councils:chair", args=[council.pk])
    assert convocation.members.filter(constituency=rules.CIVIL_SOCIETY).count() == 4
    assert convocation.members.filter(constituency=rules.STATE).count() == 2
    public = Client().get(reverse("councils:call", args=[call.pk])).content.decode()
    assert "Арман Ж." in public and "Дана О." in public and "Ольга П." not in public
    assert "Жұмабаев Арман" not in public and "Причина решения" not in public and MOTIVATION not in public
    # The chair is elected from the civil-society members; the council's page names the chair briefly.
    chair = convocation.members.get(full_name="Оспанова Дана")
    assert client.post(reverse("councils:chair", args=[council.pk]),
                       {"member": chair.pk, "elected_on": "2027-01-15"}).status_code == 302
    detail = Client().get(council.get_absolute_url()).content.decode()
    assert "Дана О." in detail and "Оспанова Дана" not in detail


def test_the_rejected_applicant_sees_the_decision_in_the_cabinet_and_the_public_does_not():
    _council, secretary, call, applications = _call_with_applicants()
    client = _reviewing(secretary, call)
    state = [{"full_name": f"Маратов Серік {i}", "affiliation": "Аким района"} for i in range(2)]
    assert client.post(reverse("councils:select", args=[call.pk]),
                       {**_decisions(applications, 4), **formset_data("state", state)}).status_code == 302
    rejected = login_verified(Client(), applications[4].applicant)
    mine = rejected.get(reverse("councils:mine")).content.decode()
    assert "not selected" in mine and "Причина решения 4" in mine
    assert "Причина решения 4" not in Client().get(reverse("councils:call", args=[call.pk])).content.decode()


def test_only_those_who_run_the_selection_open_its_pages():
    council, secretary, call, _apps = _call_with_applicants(APPLICANTS[:1])
    other_council, other_secretary, _ = council_with_members()
    pages = [reverse("councils:selection", args=[council.pk]), reverse("councils:working-group", args=[call.pk]),
             reverse("councils:select", args=[call.pk]), reverse("councils:chair", args=[council.pk]),
             reverse("councils:call-open", args=[council.pk])]
    for user in (other_secretary, official_of(other_council.host_body), UserFactory()):
        client = login_verified(Client(), user)
        for url in pages:
            assert client.get(url).status_code == 403, (user.role, url)
        assert client.post(pages[1], formset_data("members", _group(4, 2))).status_code == 403
    assert not WorkingGroupMember.objects.filter(call=call).exists()
    for user in (secretary, official_of(council.host_body), authorised()):
        client = login_verified(Client(), user)
        assert client.get(pages[0]).status_code == 200 and client.get(pages[1]).status_code == 200
    assert Client().get(pages[0]).status_code == 302  # to the sign-in page


def test_the_secretary_pages_open_for_the_secretary_only():
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members)
    planned = services.meeting_schedule(actor=secretary, council=council, title="Слушания", agenda="1. Тарифы",
                                        held_on=D(2025, 4, 1), kind="hearing")
    pages = [reverse("councils:meeting-schedule", args=[council.pk]), reverse("councils:meeting-hold", args=[planned.pk]),
             reverse("councils:meeting-cancel", args=[planned.pk]), reverse("councils:minutes", args=[meeting.pk]),
             reverse("councils:document-add", args=[meeting.pk]), reverse("councils:recommend", args=[meeting.pk])]
    own = login_verified(Client(), secretary)
    for url in pages:
        assert own.get(url).status_code == 200, url
    hold = own.get(pages[1]).content.decode()
    assert "2/3" in hold and members[0].full_name in hold  # the secretary ticks members by full name
    _other, other_secretary, _ = council_with_members()
    for intruder in (other_secretary, official_of(council.host_body), authorised()):
        client = login_verified(Client(), intruder)
        for url in pages:
            assert client.get(url).status_code == 403, (intruder.role, url)
    public = Client().get(meeting.get_absolute_url()).content.decode()
    assert f"{len(members)} of {len(members)} members present" in public and members[0].full_name not in public
