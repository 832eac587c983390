"""Pages of public councils: public pages never show members' full names or motivations; only the
council's secretary publishes minutes; citizens apply; refusals of the two-thirds rules are shown."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from qogam.councils import services
from qogam.councils.models import Meeting, MembershipApplication
from tests.accounts.helpers import login_verified
from tests.councils.world import authorised, council_with_members, held_meeting, official_of
from tests.factories import StateBodyFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def formset_data(prefix: str, rows: list[dict], *, blank: int = 1) -> dict:
    """What a page posts for a table of people: the management form, the filled rows, blank rows."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows) + blank), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "100"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_public_pages_show_short_names_only():
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members)
    services.meeting_recommend(actor=secretary, meeting=meeting, addressee=StateBodyFactory(), title="Освещение",
                               text="Установить освещение", sent_on=D(2025, 3, 5))
    client = Client()
    for url in (reverse("councils:list"), reverse("councils:list") + "?by=region", council.get_absolute_url(),
                meeting.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Ахметова Айгерим" not in html and "Серікбаев Нұрлан" not in html, url
    detail = client.get(council.get_absolute_url()).content.decode()
    assert "Айгерим А." in detail and "R-2025-" in detail
    listing = client.get(reverse("councils:list")).content.decode()
    assert council.name_en in listing or council.name_ru in listing


def test_only_the_secretary_publishes_minutes_through_the_page():
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members)
    url = reverse("councils:minutes", args=[meeting.pk])
    _other, other_secretary, _ = council_with_members()
    for intruder in (other_secretary, official_of(council.host_body)):
        response = login_verified(Client(), intruder).post(url, {"minutes": "Протокол заседания совета №1"})
        assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
    own = login_verified(Client(), secretary)
    refused = own.post(url, {"minutes": "Коротко", "version": meeting.version})
    assert refused.status_code == 400 and "Коротко</textarea>" in refused.content.decode()
    assert own.post(url, {"minutes": "Протокол заседания совета №1", "version": meeting.version}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == "published"
    assert "Протокол заседания совета №1" in Client().get(meeting.get_absolute_url()).content.decode()


def test_a_citizen_applies_and_the_working_group_rule_is_shown(monkeypatch):
    monkeypatch.setattr("qogam.councils.services.almaty_today", lambda: D(2026, 11, 10))
    monkeypatch.setattr("qogam.councils.views.public.almaty_today", lambda: D(2026, 11, 10))
    council, secretary, _members = council_with_members()
    admin = authorised()
    convocation = services.convocation_open(actor=admin, council=council, starts_on=D(2027, 1, 15))
    call = services.membership_call_open(actor=admin, convocation=convocation, closes_on=D(2026, 12, 1), seats=10,
                                         announced_on=D(2026, 11, 1))
    citizen = UserFactory()
    client = login_verified(Client(), citizen)
    refused = client.post(reverse("councils:call-apply", args=[call.pk]), {"full_name": "Жұмабаев Арман",
                                                                            "motivation": "Коротко"})
    assert refused.status_code == 400 and "at least 50 characters" in refused.content.decode()
    motivation = "Двенадцать лет работаю в НПО по защите прав людей с инвалидностью в районе."
    assert client.post(reverse("councils:call-apply", args=[call.pk]),
                       {"full_name": "Жұмабаев Арман", "motivation": motivation}).status_code == 302
    assert MembershipApplication.objects.filter(call=call, applicant=citizen).exists()
    mine = client.get(reverse("councils:mine")).content.decode()
    assert reverse("councils:call", args=[call.pk]) in mine and "submitted" in mine
    own = client.get(reverse("councils:call", args=[call.pk])).content.decode()
    assert "Your application" in own and "Submit the application" not in own
    public = Client().get(reverse("councils:call", args=[call.pk])).content.decode()
    assert motivation not in public and "Жұмабаев Арман" not in public
    sec = login_verified(Client(), secretary)
    rows = [{"full_name": f"Ахметов Ерлан{i}", "constituency": "civil_society", "affiliation": "ОФ"} for i in range(2)]
    rows += [{"full_name": f"Серіков Бекзат{i}", "constituency": "state", "affiliation": "акимат"} for i in range(2)]
    page = sec.post(reverse("councils:working-group", args=[call.pk]), formset_data("members", rows))
    assert page.status_code == 400 and "2/3" in page.content.decode()
    assert 'value="Серіков Бекзат1"' in page.content.decode()
    assert not call.working_group.exists()


def test_forum_page_lists_regional_forums_and_tracked_measures():
    from qogam.core.models import Region

    admin = authorised()
    edition = services.forum_edition_create(actor=admin, year=2023, title="XI Гражданский форум", organiser="ГА",
                                            city="Астана", held_from=D(2023, 11, 16), held_to=D(2023, 11, 17))
    for kato, issue in (("350000000", "Доступ к услугам на селе"), ("750000000", "Экология города")):
        services.regional_forum_record(actor=admin, edition=edition, region=Region.objects.get(kato=kato),
                                       held_on=D(2023, 6, 1), issue_title=issue)
    plan = services.action_plan_create(actor=admin, edition=edition, title="План 2024–2025", first_year=2024,
                                       last_year=2025, approved_on=D(2024, 2, 1))
    measure = services.measure_add(actor=admin, plan=plan, text="Единая форма отчёта",
                                   responsible=StateBodyFactory(level="central"), due_on=D(2024, 12, 20))
    html = Client().get(reverse("councils:forum", args=[2023])).content.decode()
    assert "Доступ к услугам на селе" in html and "Экология города" in html
    assert measure.tracked.number in html and "overdue" in html
