"""The recommendation tracker's API: anonymous, paginated reads with filters, each recommendation's history
and evidence, no personal data in any answer, the responsiveness scoreboard against hand-computed
figures, the answer of the addressee body's officials only, and the OpenAPI schema."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from qogam.core.calendar import WorkingCalendar
from qogam.core.models import Parameter, Region
from qogam.recommendations import services
from qogam.recommendations.models import Recommendation
from qogam.registry.models import StateBody
from tests.accounts.helpers import login_verified
from tests.councils.world import council_with_members, held_meeting, official_of
from tests.factories import StateBodyFactory
from tests.fuzzing import CHECKS, CSRF_SECRET, fuzz_settings
from tests.fuzzing import api as fuzz_api

pytestmark = pytest.mark.django_db

API = "/api/recommendations/"
TODAY = dt.date(2025, 7, 1)  # a Tuesday
# Weekends only: the working days below are counted by hand.
PLAIN = WorkingCalendar([], [])
SENT = dt.date(2025, 6, 2)  # a Monday
DUE = dt.date(2025, 6, 23)  # 15 working days later
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REASONS = "The budget of 2025 has no funds for it; we will plan it for 2026."


@pytest.fixture
def clock(monkeypatch):
    for module in ("qogam.recommendations.api", "qogam.recommendations.services"):
        monkeypatch.setattr(f"{module}.almaty_today", lambda: TODAY)
    return TODAY


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"], body
    if code:
        assert body["code"] == code, body
    return body


def send(world, body, *, sent_on=SENT, due_on=DUE, title="Освещение дворов", source="council_meeting"):
    return services.recommendation_send(
        actor=world.secretary, source=source, source_object=world.meeting, source_title=world.made_by,
        title=title, text="Установить освещение во дворах", addressee=body, sent_on=sent_on, due_on=due_on,
        notify=False)


def answer(world, rec, verdict, on, text="Примем меры в этом году."):
    return services.recommendation_answer(actor=world.officials[rec.addressee_id], recommendation=rec,
                                          verdict=verdict, text=text, answered_on=on, calendar=PLAIN)


@pytest.fixture
def world(clock):
    """Three bodies and their recommendations, with the scoreboard figures computed by hand:

    A (district, region 350000000): a1 accepted on 4 June (2 working days, on time); a2 rejected on
      24 June (16, late); a3 partly accepted on 9 June (5, on time), then implemented
      with a link and a document; a4 unanswered, overdue.
    B (district, same region): b1 accepted on 3 June (1, on time); b2 sent 25 June, due 16 July: pending.
    C (central, no region): c0 sent in November 2024, unanswered, overdue; c1 accepted on its due date
      (15, on time).
    """
    # These bodies receive one or two recommendations each: rank them all by their answers alone.
    Parameter.objects.create(key="recommendations.rank_min_received", value=0)
    council, secretary, members = council_with_members()
    meeting = held_meeting(council, secretary, members)
    a = StateBodyFactory(level=StateBody.Level.DISTRICT, region=Region.objects.get(kato="350000000"))
    b = StateBodyFactory(level=StateBody.Level.DISTRICT, region=Region.objects.get(kato="350000000"))
    c = StateBodyFactory(level=StateBody.Level.CENTRAL, kind=StateBody.Kind.MINISTRY, region=None)
    w = SimpleNamespace(council=council, secretary=secretary, members=members, meeting=meeting, a=a, b=b, c=c,
                        made_by=f"{council.name_ru} — Заседание", officials={})
    w.officials = {body.pk: official_of(body, email=f"official{body.pk}@gov.example.kz") for body in (a, b, c)}
    a1, a2, a3, a4 = (send(w, a, title=f"A{i}") for i in range(1, 5))
    answer(w, a1, "accepted", dt.date(2025, 6, 4))
    answer(w, a2, "rejected", dt.date(2025, 6, 24), text=REASONS)
    a3 = answer(w, a3, "partly_accepted", dt.date(2025, 6, 9), text=REASONS)
    official = w.officials[a.pk]
    services.evidence_add(actor=official, recommendation=a3, kind="link", url="https://akimat.example.kz/report",
                          note="Отчёт")
    services.evidence_add(actor=official, recommendation=a3, kind="document",
                          upload=SimpleUploadedFile("act.pdf", PDF, "application/pdf"))
    services.recommendation_implement(actor=official, recommendation=a3, note="Освещение установлено",
                                      implemented_on=TODAY)
    b1 = send(w, b, title="B1")
    answer(w, b1, "accepted", dt.date(2025, 6, 3))
    b2 = send(w, b, title="B2", sent_on=dt.date(2025, 6, 25), due_on=dt.date(2025, 7, 16))
    c0 = send(w, c, title="C0", sent_on=dt.date(2024, 11, 4), due_on=dt.date(2024, 11, 25), source="civil_forum")
    c1 = send(w, c, title="C1")
    answer(w, c1, "accepted", DUE)
    w.recs = {r.title: Recommendation.objects.get(pk=r.pk) for r in (a1, a2, a3, a4, b1, b2, c0, c1)}
    return w


def personal_strings(w) -> list[str]:
    values = [m.full_name for m in w.members] + [m.full_name.split()[0] for m in w.members]
    for user in (w.secretary, *w.officials.values()):
        values += [user.username, user.email]
    return [v for v in values if v]


def assert_no_personal_data(w, response):
    text = response.content.decode()
    for value in personal_strings(w):
        assert value not in text, value
    assert "answered_by" not in text and "full_name" not in text and "created_by" not in text


# --- List and detail ---------------------------------------------------------------------------------


def test_the_list_is_public_newest_first_with_public_fields(world):
    response = APIClient().get(API)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 8
    assert [r["title"] for r in body["results"]][:2] == ["B2", "C1"]  # sent 25 June, then 2 June by number desc
    a2 = next(r for r in body["results"] if r["title"] == "A2")
    rec = world.recs["A2"]
    assert a2 == {
        "number": rec.number, "source": "council_meeting", "made_by": world.made_by, "title": "A2",
        "text": "Установить освещение во дворах",
        "addressee": {"id": world.a.pk, "bin": world.a.bin, "name": world.a.name, "level": "district",
                      "region": "350000000"},
        "sent_on": "2025-06-02", "due_on": "2025-06-23", "status": "answered", "deadline_state": "answered",
        "verdict": "rejected", "answer": REASONS, "answered_on": "2025-06-24", "answered_late": True,
        "working_days_to_answer": 16, "implemented_on": None, "implementation_note": "",
        "url": f"http://testserver{API}{rec.number}/",
    }
    states = {r["title"]: (r["status"], r["deadline_state"], r["verdict"]) for r in body["results"]}
    assert states["A4"] == ("sent", "overdue", None)
    assert states["B2"] == ("sent", "pending", None)
    assert states["A3"] == ("implemented", "implemented", "partly_accepted")
    assert_no_personal_data(world, response)


def test_the_list_reads_a_bounded_number_of_queries(world):
    client = APIClient()
    with CaptureQueriesContext(connection) as few:
        assert client.get(API, {"page_size": 2}).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(API, {"page_size": 8}).status_code == 200
    assert len(many) == len(few) <= 4, [q["sql"] for q in many.captured_queries]


def test_pagination(world):
    client = APIClient()
    first = client.get(API, {"page_size": 3}).json()
    assert first["count"] == 8 and len(first["results"]) == 3 and first["previous"] is None
    assert "page=2" in first["next"]
    last = client.get(API, {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 2 and last["next"] is None
    seen = [r["number"] for p in (1, 2, 3) for r in client.get(API, {"page_size": 3, "page": p}).json()["results"]]
    assert sorted(seen) == sorted(r.number for r in world.recs.values())
    assert "page" in assert_error(client.get(API, {"page": 9}), 400, "invalid")["fields"]


@pytest.mark.parametrize(("params", "titles"), [
    ({"year": 2024}, {"C0"}),
    ({"source": "civil_forum"}, {"C0"}),
    ({"level": "central"}, {"C0", "C1"}),
    ({"region": "350000000"}, {"A1", "A2", "A3", "A4", "B1", "B2"}),
    ({"status": "pending"}, {"B2"}),
    ({"status": "overdue"}, {"A4", "C0"}),
    ({"status": "implemented"}, {"A3"}),
    ({"status": "answered"}, {"A1", "A2", "B1", "C1"}),
    ({"q": "B1"}, {"B1"}),
    ({"year": 2025, "level": "district", "status": "sent"}, {"A4", "B2"}),
])
def test_filters(world, params, titles):
    body = APIClient().get(API, params).json()
    assert {r["title"] for r in body["results"]} == titles and body["count"] == len(titles)


def test_filters_by_addressee_and_exact_number(world):
    client = APIClient()
    assert {r["title"] for r in client.get(API, {"addressee": world.b.pk}).json()["results"]} == {"B1", "B2"}
    number = world.recs["A2"].number
    assert [r["number"] for r in client.get(API, {"q": number}).json()["results"]] == [number]


@pytest.mark.parametrize(("params", "field"), [
    ({"year": "soon"}, "year"),
    ({"source": "rumour"}, "source"),
    ({"level": "galactic"}, "level"),
    ({"region": "123"}, "region"),
    ({"addressee": 999999}, "addressee"),
    ({"status": "lost"}, "status"),
])
def test_invalid_filters_are_named(world, params, field):
    body = assert_error(APIClient().get(API, params), 400, "invalid")
    assert list(body["fields"]) == [field] and body["fields"][field][0]


def test_detail_with_history_and_evidence(world):
    rec = world.recs["A3"]
    response = APIClient().get(f"{API}{rec.number}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == rec.number and body["status"] == "implemented"
    assert body["implemented_on"] == TODAY.isoformat() and body["implementation_note"] == "Освещение установлено"
    assert body["working_days_to_answer"] == 5 and body["answered_late"] is False
    assert [(e["kind"], e["on"]) for e in body["history"]] == [
        ("sent", "2025-06-02"), ("answered", "2025-06-09"), ("evidence", TODAY.isoformat()),
        ("evidence", TODAY.isoformat()), ("implemented", TODAY.isoformat())]
    assert body["history"][1]["note"].endswith(REASONS)
    link, document = body["evidence"]
    assert (link["kind"], link["url"], link["note"], link["file_name"]) == (
        "link", "https://akimat.example.kz/report", "Отчёт", "")
    evidence = rec.evidence.get(kind="document")
    assert (document["kind"], document["file_name"], document["size"], document["sha256"]) == (
        "document", "act.pdf", len(PDF), evidence.sha256)
    assert len(document["sha256"]) == 64 and document["url"] == ""
    assert body["version"] == rec.version
    assert_no_personal_data(world, response)


def test_unknown_number_is_404(world):
    body = assert_error(APIClient().get(f"{API}R-1999-000001/"), 404, "not_found")
    assert "R-1999-000001" in body["message"]


def test_reads_are_read_only(world):
    rec = world.recs["A1"]
    assert_error(APIClient().post(API, {}, format="json"), 405, "method_not_allowed")
    assert_error(APIClient().delete(f"{API}{rec.number}/"), 405, "method_not_allowed")


# --- The scoreboard --------------------------------------------------------------------------------


def line(body, **figures):
    base = {"received": 0, "answered_on_time": 0, "answered_late": 0, "unanswered": 0, "overdue": 0,
            "accepted": 0, "partly_accepted": 0, "rejected": 0, "implemented": 0}
    return {"body": body.pk, **base, **figures}


def board(params=None):
    response = APIClient().get(f"{API}scoreboard/", params or {})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    return [{"body": r["body"]["id"], **{k: v for k, v in r.items() if k != "body"}} for r in rows]


def test_scoreboard_equals_hand_computed_figures(world):
    a = line(world.a, received=4, answered_on_time=2, answered_late=1, unanswered=1, overdue=1, accepted=1,
             partly_accepted=1, rejected=1, implemented=1, on_time_percent="50.0", answered_percent="75.0",
             median_working_days="5.0", rank=1, region_rank=1)
    b = line(world.b, received=2, answered_on_time=1, unanswered=1, accepted=1, on_time_percent="50.0",
             answered_percent="50.0", median_working_days="1.0", rank=2, region_rank=2)
    c = line(world.c, received=2, answered_on_time=1, unanswered=1, overdue=1, accepted=1, on_time_percent="50.0",
             answered_percent="50.0", median_working_days="15.0", rank=1, region_rank=1)
    # Equal on-time share: A answered more; B and C answered as much, B quicker (median 1 against 15).
    assert board() == [a, b, c]


def test_scoreboard_filters(world):
    c_2025 = line(world.c, received=1, answered_on_time=1, accepted=1, on_time_percent="100.0",
                  answered_percent="100.0", median_working_days="15.0", rank=1, region_rank=1)
    assert [r["body"] for r in board({"year": 2025})] == [world.c.pk, world.a.pk, world.b.pk]
    assert board({"year": 2025})[0] == c_2025
    assert board({"level": "central", "year": 2025}) == [c_2025]
    assert [r["body"] for r in board({"region": "350000000"})] == [world.a.pk, world.b.pk]
    only_forum = board({"source": "civil_forum"})
    assert only_forum == [line(world.c, received=1, unanswered=1, overdue=1, on_time_percent="0.0",
                               answered_percent="0.0", median_working_days=None, rank=1, region_rank=1)]
    assert board({"year": 2003}) == []
    assert "level" in assert_error(APIClient().get(f"{API}scoreboard/", {"level": "x"}), 400, "invalid")["fields"]


def test_scoreboard_pagination(world):
    client = APIClient()
    page = client.get(f"{API}scoreboard/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and [r["body"]["id"] for r in page["results"]] == [world.c.pk]
    body = assert_error(client.get(f"{API}scoreboard/", {"page_size": 2, "page": 3}), 400, "invalid")
    assert "1 to 2" in body["fields"]["page"][0]


def test_scoreboard_decimal_figures_are_exact(world):
    """Percentages are decimals with one place, rounded half up: 2 of 3 is 66.7."""
    rec = send(world, world.b, title="B3")
    answer(world, rec, "accepted", dt.date(2025, 6, 5))
    b = next(r for r in board() if r["body"] == world.b.pk)
    assert (b["received"], b["answered_on_time"]) == (3, 2)
    assert Decimal(b["on_time_percent"]) == Decimal("66.7") and b["median_working_days"] == "2.0"


# --- The answer --------------------------------------------------------------------------------------


def answer_url(rec):
    return f"{API}{rec.number}/answer/"


def test_an_official_of_the_addressee_answers(world):
    rec = world.recs["A4"]
    client = login_verified(APIClient(), world.officials[world.a.pk])
    response = client.post(answer_url(rec), {"verdict": "accepted", "text": "Примем меры.",
                                              "version": rec.version}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["verdict"], body["answer"]) == ("answered", "accepted", "Примем меры.")
    assert body["answered_on"] == TODAY.isoformat() and body["answered_late"] is True
    assert [e["kind"] for e in body["history"]][-1] == "answered"
    assert body["version"] == rec.version + 1
    assert_no_personal_data(world, response)
    rec.refresh_from_db()
    assert rec.answered_by == world.officials[world.a.pk]
    again = client.post(answer_url(rec), {"verdict": "accepted", "text": "Ещё раз.", "version": rec.version},
                        format="json")
    assert_error(again, 409, "invalid_transition")


def test_another_bodys_official_is_refused(world):
    rec = world.recs["A4"]
    client = login_verified(APIClient(), world.officials[world.b.pk])
    response = client.post(answer_url(rec), {"verdict": "accepted", "text": "Примем меры.", "version": rec.version},
                           format="json")
    assert_error(response, 403, "permission_denied")
    rec.refresh_from_db()
    assert rec.status == "sent" and rec.verdict == ""


def test_an_anonymous_answer_is_refused(world):
    rec = world.recs["A4"]
    response = APIClient().post(answer_url(rec), {"verdict": "accepted", "text": "x", "version": 1}, format="json")
    assert_error(response, 403, "not_authenticated")


def test_a_rejection_without_reasons_names_the_field(world):
    rec = world.recs["A4"]
    client = login_verified(APIClient(), world.officials[world.a.pk])
    body = assert_error(client.post(answer_url(rec), {"verdict": "rejected", "text": "Нет.", "version": rec.version},
                                    format="json"), 400, "invalid")
    assert list(body["fields"]) == ["text"] and "20" in body["fields"]["text"][0]
    body = assert_error(client.post(answer_url(rec), {"verdict": "maybe", "text": "", "version": rec.version},
                                    format="json"), 400, "invalid")
    assert set(body["fields"]) == {"verdict", "text"}
    body = assert_error(client.post(answer_url(rec), {"verdict": "accepted", "text": "Да.", "why": "x"},
                                    format="json"), 400, "invalid")
    assert set(body["fields"]) == {"version", "why"}
    rec.refresh_from_db()
    assert rec.status == "sent"


def test_a_stale_version_is_a_conflict(world):
    rec = world.recs["A4"]
    client = login_verified(APIClient(), world.officials[world.a.pk])
    response = client.post(answer_url(rec), {"verdict": "accepted", "text": "Примем меры.",
                                             "version": rec.version + 5}, format="json")
    assert_error(response, 409, "conflict")


def test_answer_to_an_unknown_number_is_404(world):
    client = login_verified(APIClient(), world.officials[world.a.pk])
    assert_error(client.post(answer_url(SimpleNamespace(number="R-1999-000001")),
                             {"verdict": "accepted", "text": "Да.", "version": 1}, format="json"), 404, "not_found")


def test_the_answer_needs_the_csrf_token_of_the_session(world):
    rec = world.recs["A4"]
    client = login_verified(APIClient(enforce_csrf_checks=True), world.officials[world.a.pk])
    response = client.post(answer_url(rec), {"verdict": "accepted", "text": "Да.", "version": rec.version},
                           format="json")
    assert_error(response, 403)
    rec.refresh_from_db()
    assert rec.status == "sent"


# --- Schema --------------------------------------------------------------------------------------------


def test_schema_documents_the_tracker(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (API, f"{API}{{number}}/", f"{API}scoreboard/", f"{API}{{number}}/answer/"):
        assert path in paths, path
        for method, operation in paths[path].items():
            assert operation.get("summary") and operation.get("tags"), (path, method)
    listing = {p["name"] for p in paths[API]["get"]["parameters"]}
    assert {"year", "source", "level", "region", "addressee", "status", "q", "page", "page_size"} <= listing
    board_params = {p["name"] for p in paths[f"{API}scoreboard/"]["get"]["parameters"]}
    assert {"year", "source", "level", "region", "page"} <= board_params
    assert set(paths[f"{API}{{number}}/answer/"]["post"]["responses"]) >= {"200", "400", "403", "404", "409"}
    properties = schema["components"]["schemas"]["Recommendation"]["properties"]
    assert "answered_by" not in properties and "deadline_state" in properties
    assert schema["components"]["schemas"]["RecommendationStatusEnum"]["enum"] == [
        "sent", "overdue", "answered", "implemented"]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


# --- Fuzzing from the OpenAPI schema ------------------------------------------------------------------

tracker = fuzz_api.include(path_regex=r"^/api/recommendations/")
answers = fuzz_api.include(path_regex=r"^/api/recommendations/", method="POST")


def aim_half_at(case, rec):
    number = (case.path_parameters or {}).get("number")
    if number is not None and len(str(number)) % 2 == 0:
        case.path_parameters = {**case.path_parameters, "number": rec.number}


@pytest.mark.fuzz
@tracker.parametrize()
@fuzz_settings(ci=20, local=40)
def test_tracker_fuzzed_anonymously(case, keep_the_test_connection, world):
    """Generated filters and numbers, half of the numbers real: no server error, every answer as documented."""
    aim_half_at(case, world.recs["A3"])
    case.call_and_validate(checks=CHECKS)


@pytest.mark.fuzz
@answers.parametrize()
@fuzz_settings(ci=20, local=40)
def test_answers_fuzzed_as_the_addressees_official(case, keep_the_test_connection, world):
    """Generated answers, half of them to a recommendation the official may answer."""
    client = login_verified(APIClient(), world.officials[world.a.pk])
    aim_half_at(case, world.recs["A4"])
    case.call_and_validate(checks=CHECKS, cookies={"sessionid": client.cookies["sessionid"].value,
                                                   "csrftoken": CSRF_SECRET}, headers={"X-CSRFToken": CSRF_SECRET})
