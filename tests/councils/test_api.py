"""The public API of councils and the Civil Forum: anonymous, paginated lists with filters and activity read
in a bounded number of queries, council and meeting details, members shown by first name and surname
initial only (never full names, the secretary or e-mails), and the Civil Forum with its action plan."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from rest_framework.test import APIClient

from qogam.core.models import Region
from qogam.councils import services
from qogam.councils.models import Council
from qogam.recommendations import services as rec_services
from qogam.registry.models import StateBody
from tests.councils.world import HELD_ON, authorised, council_with_members, held_meeting, official_of
from tests.factories import StateBodyFactory
from tests.fuzzing import CHECKS, fuzz_settings
from tests.fuzzing import api as fuzz_api

pytestmark = pytest.mark.django_db

API = "/api/councils/"
FORUMS = "/api/forums/"
TODAY = dt.date(2025, 5, 15)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MINUTES = "Протокол заседания: рассмотрены вопросы освещения дворов."


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("qogam.recommendations.api.almaty_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def world(clock):
    """A district council with 8 civil-society and 3 state members: a meeting (minutes on time, a document,
    a recommendation answered), a hearing (minutes late, a recommendation overdue), a meeting held with
    minutes not yet published, and a monitoring planned. A central council with no active convocation."""
    council, secretary, members = council_with_members()
    body = StateBodyFactory()
    meeting = held_meeting(council, secretary, members)
    hearing = held_meeting(council, secretary, members, kind="hearing")
    meeting = services.minutes_publish(actor=secretary, meeting=meeting, minutes=MINUTES,
                                       published_on=HELD_ON + dt.timedelta(days=3))
    hearing = services.minutes_publish(actor=secretary, meeting=hearing, minutes=MINUTES,
                                       published_on=dt.date(2025, 3, 31))
    document = services.document_add(actor=secretary, meeting=meeting, title="Протокол",
                                     upload=SimpleUploadedFile("minutes.pdf", PDF, "application/pdf"))
    answered = services.meeting_recommend(actor=secretary, meeting=meeting, addressee=body, title="Освещение",
                                          text="Установить освещение", sent_on=dt.date(2025, 3, 5))
    rec_services.recommendation_answer(actor=official_of(body), recommendation=answered, verdict="accepted",
                                       text="Примем меры.", answered_on=dt.date(2025, 3, 10))
    overdue = services.meeting_recommend(actor=secretary, meeting=hearing, addressee=body, title="Тротуары",
                                         text="Отремонтировать тротуары", sent_on=dt.date(2025, 3, 5))
    unpublished = held_meeting(council, secretary, members, held_on=dt.date(2025, 4, 10))
    planned = services.meeting_schedule(actor=secretary, council=council, title="Мониторинг услуги",
                                        agenda="Мониторинг", held_on=dt.date(2025, 5, 20), kind="monitoring",
                                        subject="Выдача справок")
    ministry = StateBodyFactory(level=StateBody.Level.CENTRAL, kind=StateBody.Kind.MINISTRY, region=None)
    central = services.council_create(actor=authorised(), host_body=ministry, name_ru="Общественный совет министерства",
                                      size=15, established_on=dt.date(2016, 1, 1))
    return SimpleNamespace(council=council, secretary=secretary, members=members, body=body, meeting=meeting,
                           hearing=hearing, unpublished=unpublished, planned=planned, document=document,
                           answered=answered, overdue=overdue, central=central, ministry=ministry)


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"], body
    if code:
        assert body["code"] == code, body
    return body


def assert_no_personal_data(world, response):
    text = response.content.decode()
    for member in world.members:
        assert member.full_name not in text
        assert member.full_name.split()[0] not in text, member.full_name  # the surname
    for value in (world.secretary.username, world.secretary.email, "full_name", "secretary", "@"):
        assert value not in text, value


def get(path, params=None):
    response = APIClient().get(path, params or {})
    assert response.status_code == 200, response.content
    return response


# --- Councils --------------------------------------------------------------------------------------------


def test_the_list_is_public_with_convocation_and_activity(world):
    response = get(API)
    body = response.json()
    assert body["count"] == 2
    assert [c["id"] for c in body["results"]] == [world.central.pk, world.council.pk]  # central before district
    council = body["results"][1]
    host = world.council.host_body
    assert council["name"] == world.council.name_ru and council["name_kk"] == world.council.name_kk
    assert (council["level"], council["level_name"]) == ("district", "district")
    assert council["host_body"] == {"id": host.pk, "bin": host.bin, "name": host.name}
    assert council["region"] == "350000000" and council["region_name"]
    assert council["size"] == 11
    assert council["convocation"] == {"number": 1, "starts_on": "2024-01-15", "ends_on": "2027-01-14",
                                      "chair": "Айгерим А.", "chair_elected_on": "2024-01-15"}
    assert council["activity"] == {"meetings_held": 2, "hearings": 1, "monitoring": 0, "minutes_late": 1,
                                   "recommendations": 2, "answered": 1, "overdue": 1, "implemented": 0,
                                   "members": 11, "civil_society_members": 8}
    assert council["url"] == f"http://testserver{API}{world.council.pk}/"
    central = body["results"][0]
    assert central["convocation"] is None and central["region"] is None
    assert central["activity"]["meetings_held"] == 0 and central["activity"]["recommendations"] == 0
    assert_no_personal_data(world, response)


def test_the_list_reads_a_bounded_number_of_queries(world):
    client = APIClient()
    with CaptureQueriesContext(connection) as few:
        assert client.get(API).status_code == 200
    for _ in range(3):
        council, secretary, members = council_with_members()
        held_meeting(council, secretary, members)
    with CaptureQueriesContext(connection) as many:
        body = client.get(API).json()
    assert body["count"] == 5 and all(c["convocation"] for c in body["results"][1:])
    assert len(many) == len(few) <= 10, [q["sql"] for q in many.captured_queries]


def test_pagination(world):
    client = APIClient()
    first = client.get(API, {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and "page=2" in first["next"]
    second = client.get(API, {"page_size": 1, "page": 2}).json()
    assert [c["id"] for c in second["results"]] == [world.council.pk] and second["next"] is None
    assert "page" in assert_error(client.get(API, {"page": 5}), 400, "invalid")["fields"]


def test_filters(world):
    def ids(params):
        return [c["id"] for c in get(API, params).json()["results"]]

    assert ids({"level": "central"}) == [world.central.pk]
    assert ids({"level": "district", "region": "350000000"}) == [world.council.pk]
    assert ids({"region": "710000000"}) == []
    assert ids({"q": "министерства"}) == [world.central.pk]
    assert ids({"q": world.council.host_body.name_ru}) == [world.council.pk]
    in_2024 = get(API, {"year": 2024}).json()["results"]
    assert len(in_2024) == 2 and all(c["activity"]["meetings_held"] == 0 for c in in_2024)
    assert get(API, {"year": 2025}).json()["results"][1]["activity"]["hearings"] == 1


@pytest.mark.parametrize(("params", "field"), [
    ({"level": "galactic"}, "level"), ({"region": "1"}, "region"), ({"year": "soon"}, "year"),
])
def test_invalid_filters_are_named(world, params, field):
    assert list(assert_error(APIClient().get(API, params), 400, "invalid")["fields"]) == [field]


def test_detail_with_members_and_meetings(world):
    response = get(f"{API}{world.council.pk}/")
    body = response.json()
    assert body["id"] == world.council.pk and body["convocation"]["chair"] == "Айгерим А."
    assert body["activity"]["meetings_held"] == 2
    members = body["members"]
    assert len(members) == 11
    assert members[0] == {"public_name": "Айгерим А.", "constituency": "civil_society", "affiliation": "ОФ «Тест»",
                          "joined_on": "2024-01-15", "is_chair": True}
    assert sum(m["is_chair"] for m in members) == 1
    assert [m["constituency"] for m in members].count("state") == 3
    assert {m["public_name"] for m in members} == {"Айгерим А.", "Нұрлан С."}
    meetings = body["meetings"]
    assert [m["id"] for m in meetings] == [world.planned.pk, world.unpublished.pk, world.hearing.pk, world.meeting.pk]
    assert meetings[0] == {"id": world.planned.pk, "kind": "monitoring", "title": "Мониторинг услуги",
                           "held_on": "2025-05-20", "status": "planned", "quorate": None,
                           "minutes_published_on": None, "minutes_late": False,
                           "url": f"http://testserver{API}meetings/{world.planned.pk}/"}
    assert (meetings[2]["kind"], meetings[2]["status"], meetings[2]["minutes_late"]) == ("hearing", "published", True)
    assert meetings[3]["quorate"] is True and meetings[3]["minutes_published_on"] == "2025-03-07"
    assert_no_personal_data(world, response)


def test_a_council_without_convocation_has_no_members(world):
    body = get(f"{API}{world.central.pk}/").json()
    assert body["convocation"] is None and body["members"] == [] and body["meetings"] == []


def test_unknown_council_and_meeting_are_404(world):
    assert_error(APIClient().get(f"{API}999999/"), 404, "not_found")
    assert_error(APIClient().get(f"{API}meetings/999999/"), 404, "not_found")
    assert_error(APIClient().get(f"{API}abc/"), 404, "not_found")


def test_meeting_detail(world):
    response = get(f"{API}meetings/{world.meeting.pk}/")
    body = response.json()
    assert body["council"] == {"id": world.council.pk, "name": world.council.name_ru,
                               "url": f"http://testserver{API}{world.council.pk}/"}
    assert (body["convocation"], body["kind"], body["status"]) == (1, "meeting", "published")
    assert (body["agenda"], body["held_on"]) == ("1. Вопросы", HELD_ON.isoformat())
    assert (body["present"], body["members_total"], body["quorate"]) == (11, 11, True)
    assert body["decisions"] == [{"number": 1, "text": "Рекомендовать"}]
    assert body["minutes"] == MINUTES and body["minutes_published_on"] == "2025-03-07"
    assert body["minutes_late"] is False and body["minutes_due_on"]
    assert body["recommendations"] == [world.answered.number]
    [document] = body["documents"]
    doc = world.document
    assert {k: document[k] for k in ("title", "file_name", "content_type", "size", "sha256")} == {
        "title": "Протокол", "file_name": doc.original_name, "content_type": "application/pdf", "size": len(PDF),
        "sha256": doc.sha256}
    try:
        page = reverse("councils:document", args=[doc.pk])
    except NoReverseMatch:
        assert "url" not in document
    else:
        assert document["url"] == f"http://testserver{page}"
    assert_no_personal_data(world, response)


def test_minutes_are_shown_only_once_published(world):
    held = get(f"{API}meetings/{world.unpublished.pk}/").json()
    assert held["status"] == "held" and held["minutes"] is None and held["minutes_published_on"] is None
    assert held["recommendations"] == [] and held["documents"] == []
    planned = get(f"{API}meetings/{world.planned.pk}/").json()
    assert planned["status"] == "planned" and planned["minutes"] is None and planned["present"] is None
    assert planned["subject"] == "Выдача справок" and planned["decisions"] == []
    hearing = get(f"{API}meetings/{world.hearing.pk}/").json()
    assert hearing["minutes"] == MINUTES and hearing["minutes_late"] is True
    assert hearing["recommendations"] == [world.overdue.number]


# --- The Civil Forum --------------------------------------------------------------------------------------


@pytest.fixture
def forum(world):
    admin = authorised()
    edition = services.forum_edition_create(actor=admin, year=2023, title="Гражданский форум 2023",
                                            organiser="Гражданский альянс", city="Астана",
                                            held_from=dt.date(2023, 11, 16), held_to=dt.date(2023, 11, 17),
                                            participants=1500)
    for kato, day, issue in (("350000000", 20, "Экология"), ("710000000", 5, "Транспорт")):
        services.regional_forum_record(actor=admin, edition=edition, region=Region.objects.get(kato=kato),
                                       held_on=dt.date(2023, 6, day), issue_title=issue)
    recommendation = services.forum_recommend(actor=admin, edition=edition, addressee=world.ministry,
                                              title="Гранты", text="Увеличить гранты", sent_on=dt.date(2023, 11, 20))
    plan = services.action_plan_create(actor=admin, edition=edition, title="План действий на 2024–2025 годы",
                                       first_year=2024, last_year=2025, approved_on=dt.date(2023, 12, 20))
    measure = services.measure_add(actor=admin, plan=plan, text="Увеличить гранты на 10%", responsible=world.ministry,
                                   due_on=dt.date(2024, 6, 28), based_on=recommendation)
    services.forum_edition_create(actor=admin, year=2021, title="Гражданский форум 2021", organiser="Альянс",
                                  city="Нур-Султан", held_from=dt.date(2021, 11, 18), held_to=dt.date(2021, 11, 19))
    return SimpleNamespace(edition=edition, recommendation=recommendation, plan=plan, measure=measure)


def test_forum_editions(world, forum):
    response = get(FORUMS)
    body = response.json()
    assert body["count"] == 2 and [e["year"] for e in body["results"]] == [2023, 2021]
    edition = body["results"][0]
    assert (edition["title"], edition["city"], edition["participants"]) == ("Гражданский форум 2023", "Астана", 1500)
    assert [(f["region"], f["held_on"], f["issue_title"]) for f in edition["regional_forums"]] == [
        ("710000000", "2023-06-05", "Транспорт"), ("350000000", "2023-06-20", "Экология")]
    assert (edition["recommendations_count"], edition["measures_count"]) == (1, 1)
    assert edition["url"] == f"http://testserver{FORUMS}2023/"
    assert body["results"][1]["regional_forums"] == [] and body["results"][1]["measures_count"] == 0


def test_forum_edition_with_its_action_plan(world, forum):
    body = get(f"{FORUMS}2023/").json()
    assert body["recommendations"] == [forum.recommendation.number]
    plan = body["action_plan"]
    assert (plan["title"], plan["first_year"], plan["last_year"], plan["approved_on"]) == (
        "План действий на 2024–2025 годы", 2024, 2025, "2023-12-20")
    ministry = world.ministry
    assert plan["measures"] == [{
        "number": 1, "text": "Увеличить гранты на 10%",
        "responsible": {"id": ministry.pk, "bin": ministry.bin, "name": ministry.name},
        "due_on": "2024-06-28", "recommendation": forum.measure.tracked.number, "status": "sent",
        "deadline_state": "overdue", "based_on": forum.recommendation.number,
    }]
    report = plan["report"]
    assert (report["received"], report["unanswered"], report["overdue"], report["on_time_percent"]) == (
        1, 1, 1, "0.0")
    assert get(f"{FORUMS}2021/").json()["action_plan"] is None


def test_unknown_forum_is_404(world, forum):
    assert "1999" in assert_error(APIClient().get(f"{FORUMS}1999/"), 404, "not_found")["message"]


def test_every_read_is_read_only(world):
    assert_error(APIClient().post(API, {}, format="json"), 405, "method_not_allowed")
    assert_error(APIClient().put(f"{API}{world.council.pk}/", {}, format="json"), 405, "method_not_allowed")


# --- Schema --------------------------------------------------------------------------------------------


def test_schema_documents_councils_and_the_forum(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (API, f"{API}{{id}}/", f"{API}meetings/{{id}}/", FORUMS, f"{FORUMS}{{year}}/"):
        assert list(paths[path]) == ["get"], path
        operation = paths[path]["get"]
        assert operation["summary"] and operation["tags"] and "200" in operation["responses"], path
    assert {"level", "region", "year", "q", "page", "page_size"} <= {p["name"] for p in paths[API]["get"]["parameters"]}
    components = schema["components"]["schemas"]
    assert "full_name" not in components["CouncilMember"]["properties"]
    assert components["CouncilLevelEnum"]["enum"] == [value for value, _ in Council.Level.choices]
    assert "url" not in components["MeetingDocument"]["required"]


# --- Fuzzing from the OpenAPI schema ------------------------------------------------------------------

council_reads = fuzz_api.include(path_regex=r"^/api/(councils|forums)/")


@pytest.mark.fuzz
@council_reads.parametrize()
@fuzz_settings(ci=20, local=40)
def test_council_reads_fuzzed_anonymously(case, keep_the_test_connection, world, forum):
    """Generated filters and ids, half of the ids real: no server error, every answer as documented."""
    params = dict(case.path_parameters or {})
    if isinstance(params.get("id"), int) and params["id"] % 2 == 0:
        params["id"] = world.meeting.pk if "/meetings/" in case.path else world.council.pk
    if isinstance(params.get("year"), int) and params["year"] % 2 == 0:
        params["year"] = 2023
    case.path_parameters = params or case.path_parameters
    case.call_and_validate(checks=CHECKS)
