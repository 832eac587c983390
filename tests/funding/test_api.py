"""The competition engine's API: the whole lifecycle of a state grant driven through it, the error shape
and "nothing written" of refused input at each step, public reads without personal data, and an
OpenAPI schema without warnings (fuzzed with schemathesis)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    ApplicationDocument,
    ApplicationVersion,
    Assignment,
    MonitoringReport,
    Score,
)
from tests.accounts.helpers import login_verified
from tests.funding.world import PDF, application_data, apply, score_all
from tests.fuzzing import CHECKS, CSRF_SECRET, fuzz_settings
from tests.fuzzing import api as fuzz_api

pytestmark = pytest.mark.django_db

API = "/api/funding/"
CLOSED = dt.date(2026, 6, 26)  # the day after the call's deadline (25 June 2026)


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"], body
    if code:
        assert body["code"] == code, body
    return body


def client_for(user):
    return login_verified(APIClient(), user)


def new_application(client, world, index=0, lot=1, **data):
    body = {"call": world.call.code, "lot": lot, "organisation": world.organisations[index].bin, "language": "kk",
            "title": f"Жоба {index}", **application_data(), **data}
    response = client.post(f"{API}applications/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def upload(client, application_id, code, name=None, content=PDF):
    return client.post(f"{API}applications/{application_id}/documents/", {
        "file": SimpleUploadedFile(name or f"{code}.pdf", content, "application/pdf"), "required_document": code,
    }, format="multipart")


def complete_application(client, world, index=0, lot=1, **data):
    body = new_application(client, world, index, lot, **data)
    for code in ("project", "budget"):
        assert upload(client, body["id"], code).status_code == 201
    return body


def personal_strings(world) -> list[str]:
    """What must never appear in public answers: people's names, logins and e-mails."""
    people = [*world.reps, world.operator, *world.committee, *(e.user for e in world.experts)]
    values = []
    for user in people:
        values += [user.username, user.email, user.first_name, user.last_name]
    return [v for v in values if v and len(v) > 2]


def snapshot():
    return {model.__name__: model.objects.count() for model in (
        Application, ApplicationVersion, ApplicationDocument, Assignment, Score, Agreement, MonitoringReport,
        Appeal, AuditEntry)}


# --- The lifecycle ---------------------------------------------------------------------------------------


def test_whole_lifecycle_through_the_api(funding_world, funding_clock):
    world, clock = funding_world, funding_clock
    call = world.call
    public, rep_a, rep_b = APIClient(), client_for(world.reps[0]), client_for(world.reps[1])
    operator, committee = client_for(world.operator), client_for(world.committee[0])

    calls = public.get(f"{API}calls/").json()
    assert [c["code"] for c in calls["results"]] == [call.code] and calls["results"][0]["status"] == "open"
    assert calls["results"][0]["budget"] == 9_000_000
    detail = public.get(f"{API}calls/{call.code}/").json()
    assert detail["accepting_applications"] is True and detail["results_url"] is None
    assert [(lot["number"], lot["budget"]) for lot in detail["lots"]] == [(1, 5_000_000), (2, 4_000_000)]
    assert detail["lots"][0]["rationale"] and detail["lots"][0]["direction"]["code"] == "education"
    assert [c["code"] for c in detail["criteria"]] == ["relevance", "innovation", "feasibility", "cost"]
    assert {d["code"]: d["mandatory"] for d in detail["required_documents"]} == {
        "project": True, "budget": True, "letters": False}
    assert (detail["opens_on"], detail["closes_on"]) == ("2026-06-01", "2026-06-25")

    # Two organisations apply to lot 1; each sees only its own applications.
    a = complete_application(rep_a, world, 0)
    b = complete_application(rep_b, world, 1, language="ru")
    assert [x["id"] for x in rep_a.get(f"{API}applications/").json()["results"]] == [a["id"]]
    receipt = rep_a.post(f"{API}applications/{a['id']}/submit/", {"version": a["version"]}, format="json")
    assert receipt.status_code == 201, receipt.content
    receipt = receipt.json()
    version = ApplicationVersion.objects.get(application_id=a["id"])
    assert receipt["receipt_number"] == version.receipt_number == f"GA-2026-{a['id']:06d}-01"
    assert receipt["content_hash"] == version.content_hash and len(receipt["content_hash"]) == 64
    assert receipt["submitted_at"] and receipt["reference"] == a["reference"]
    assert rep_b.post(f"{API}applications/{b['id']}/submit/", {}, format="json").status_code == 201
    mine = rep_a.get(f"{API}applications/{a['id']}/").json()
    assert mine["status"] == "submitted" and mine["receipt"]["receipt_number"] == version.receipt_number
    assert [d["required_document"] for d in mine["documents"]] == ["project", "budget"]

    # The window closes (`qogam daily`); the operator admits both and starts the evaluation.
    clock.set(CLOSED)
    services.call_close(actor=world.operator, call=call)
    queue = operator.get(f"{API}calls/{call.code}/compliance/").json()
    assert [row["application"] for row in queue] == [a["reference"], b["reference"]]
    for application in (a, b):
        response = operator.post(f"{API}applications/{application['id']}/compliance/", {
            "outcome": "admitted", "checklist": {"documents": {"ok": True}}}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["outcome"] == "admitted"
    started = operator.post(f"{API}calls/{call.code}/evaluation/")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "evaluation"
    assert [row["experts"] for row in started.json()["applications"]] == [3, 3]

    # Each expert declares, reads the content, and scores.
    for application, value in ((a, "9"), (b, "7")):
        for assignment in Assignment.objects.filter(application_id=application["id"]).select_related("expert__user"):
            expert = client_for(assignment.expert.user)
            listed = expert.get(f"{API}assignments/").json()["results"]
            assert assignment.pk in [row["id"] for row in listed]
            assert "content" not in listed[0] and "title" not in listed[0]
            assert_error(expert.get(f"{API}assignments/{assignment.pk}/"), 403, "declaration_required")
            declared = expert.post(f"{API}assignments/{assignment.pk}/declaration/", {"no_conflict": True},
                                   format="json")
            assert declared.status_code == 200 and declared.json()["status"] == "declared"
            content = expert.get(f"{API}assignments/{assignment.pk}/").json()
            assert content["content"]["title"] == application["title"]
            assert content["content"]["summary"] and len(content["criteria"]) == 4
            scored = expert.post(f"{API}assignments/{assignment.pk}/scores/", {"scores": {
                code: {"value": value, "justification": "Мақсаттары нақты, іс-шаралары негізделген."}
                for code in ("relevance", "innovation", "feasibility", "cost")}}, format="json")
            assert scored.status_code == 200, scored.content
            assert scored.json()["status"] == "scored" and len(scored.json()["scores"]) == 4

    assert_error(public.get(f"{API}calls/{call.code}/results/"), 404, "not_found")
    decided = committee.post(f"{API}calls/{call.code}/decision/", {"minutes": "Хаттама №1"}, format="json")
    assert decided.status_code == 201, decided.content
    assert (decided.json()["funded"], decided.json()["not_funded"]) == (1, 1)

    results = public.get(f"{API}calls/{call.code}/results/").json()
    assert [(r["reference"], r["rank"], r["status"], r["total_score"]) for r in results["results"]] == [
        (a["reference"], 1, "funded", "9.00"), (b["reference"], 2, "not_funded", "7.00")]
    assert results["results"][0]["awarded_amount"] == 3_000_000 and results["results"][1]["awarded_amount"] is None

    # B appeals the result; the committee refuses; the answer is public.
    appeal = rep_b.post(f"{API}applications/{b['id']}/appeal/", {"grounds": "Бюджет дұрыс есептелген."},
                        format="json")
    assert appeal.status_code == 201, appeal.content
    assert (appeal.json()["kind"], appeal.json()["status"]) == ("result", "filed")
    answer = committee.post(f"{API}appeals/{appeal.json()['id']}/decision/", {
        "grant": False, "outcome": "Бағалау ережеге сай жүргізілді."}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "upheld"
    assert public.get(f"{API}calls/{call.code}/results/").json()["appeals"][0]["outcome"] == (
        "Бағалау ережеге сай жүргізілді.")

    # The agreement: the operator sets two tranches, both parties sign, a tranche is paid.
    agreement_id = rep_a.get(f"{API}applications/{a['id']}/").json()["agreement"]
    agreement = Agreement.objects.get(pk=agreement_id)
    second = (agreement.start_on + dt.timedelta(days=180)).isoformat()
    prepared = operator.post(f"{API}agreements/{agreement_id}/prepare/", {
        "start_on": agreement.start_on.isoformat(), "end_on": agreement.end_on.isoformat(),
        "tranches": [{"due_on": agreement.start_on.isoformat(), "amount": 2_000_000},
                     {"due_on": second, "amount": 1_000_000}]}, format="json")
    assert prepared.status_code == 200, prepared.content
    assert [t["amount"] for t in prepared.json()["tranches"]] == [2_000_000, 1_000_000]
    signed = rep_a.post(f"{API}agreements/{agreement_id}/sign/")
    assert signed.status_code == 200 and signed.json()["status"] == "draft" and signed.json()["signed_by_ngo_at"]
    clock.set(agreement.start_on)
    signed = operator.post(f"{API}agreements/{agreement_id}/sign/")
    assert signed.status_code == 200 and signed.json()["status"] == "active"
    paid = operator.post(f"{API}agreements/{agreement_id}/tranches/1/pay/", {}, format="json")
    assert paid.status_code == 200 and paid.json()["paid_on"] == agreement.start_on.isoformat()

    # The final report, accepted; then public.
    final = next(d for d in rep_a.get(f"{API}agreements/{agreement_id}/").json()["schedule"] if d["kind"] == "final")
    report = rep_a.post(f"{API}agreements/{agreement_id}/reports/", {
        "due": final["id"], "indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "118"}],
        "beneficiaries": "640", "spending": {"Тренерлер": "1500000", "Материалдар": "1400000"},
        "narrative": "Барлығы орындалды."}, format="json")
    assert report.status_code == 201, report.content
    assert report.json()["status"] == "submitted" and report.json()["kind"] == "final"
    reviewed = operator.post(f"{API}monitoring-reports/{report.json()['id']}/review/", {"accept": True},
                             format="json")
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "accepted"

    projects = public.get(f"{API}projects/").json()
    assert [p["number"] for p in projects["results"]] == [agreement.number]
    project = public.get(f"{API}projects/{agreement.number}/").json()
    assert project["organisation"] == {"bin": world.organisations[0].bin, "name": world.organisations[0].name}
    assert (project["amount"], project["paid"], project["status"]) == (3_000_000, 2_000_000, "active")
    assert project["reports"][0]["beneficiaries"] == 640 and project["reports"][0]["indicators"][0]["achieved"] == 118
    public_text = str(projects) + str(project) + str(results) + str(public.get(f"{API}calls/{call.code}/").json())
    for value in personal_strings(world):
        assert value not in public_text
    for key in ("signed_by_ngo", "submitted_by", "documents", "iin", "expert", "minutes"):
        assert f"'{key}'" not in public_text


# --- Applications: bad input writes nothing -----------------------------------------------------------


def test_application_input_errors_name_their_fields_and_write_nothing(funding_world):
    world = funding_world
    rep = client_for(world.reps[0])
    before = snapshot()
    body = assert_error(rep.post(f"{API}applications/", {
        "call": world.call.code, "lot": 9, "organisation": world.organisations[0].bin, "language": "kk",
        "title": "Жоба"}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"lot"}
    body = assert_error(rep.post(f"{API}applications/", {
        "call": world.call.code, "lot": 1, "organisation": world.organisations[0].bin, "language": "en",
        "title": "", "budget_lines": [{"item": "x", "amount": "10", "colour": "red"}], "nonsense": 1,
    }, format="json"), 400, "invalid")
    assert {"language", "title", "budget_lines.0.colour", "nonsense"} <= set(body["fields"])
    body = assert_error(rep.post(f"{API}applications/", {
        "call": world.call.code, "lot": 1, "organisation": world.organisations[0].bin, "language": "kk",
        "title": "Жоба", "budget_lines": [{"item": "Тренерлер", "amount": "он мың"}]}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"budget_lines.0.amount"}
    assert_error(rep.post(f"{API}applications/", [1, 2], format="json"), 400, "invalid")
    assert_error(rep.post(f"{API}applications/", {
        "call": world.call.code, "lot": 1, "organisation": world.organisations[1].bin, "language": "kk",
        "title": "Жоба"}, format="json"), 403, "permission_denied")
    assert snapshot() == before


def test_stale_update_is_a_conflict_and_changes_only_what_is_sent(funding_world):
    world = funding_world
    rep, colleague = client_for(world.reps[0]), client_for(world.reps[0])
    created = new_application(rep, world)
    url = f"{API}applications/{created['id']}/"
    changed = rep.patch(url, {"version": created["version"], "title": "Жаңа атауы", "requested_amount": "2000000",
                              "budget_lines": [{"item": "Тренерлер", "amount": "2000000"}]}, format="json")
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["version"] == created["version"] + 1 and body["title"] == "Жаңа атауы"
    assert body["requested_amount"] == "2000000" and body["summary"] == created["summary"]
    before = snapshot()
    assert_error(colleague.patch(url, {"version": created["version"], "title": "Ескі"}, format="json"), 409,
                 "conflict")
    assert_error(rep.patch(url, {"title": "Нұсқасыз"}, format="json"), 400, "invalid")
    assert_error(client_for(world.reps[1]).patch(url, {"version": body["version"], "title": "Бөтен"},
                                                 format="json"), 403, "permission_denied")
    assert snapshot() == before
    assert Application.objects.get(pk=created["id"]).title == "Жаңа атауы"


def test_documents_are_checked_by_content_and_removable_in_a_draft(funding_world):
    world = funding_world
    rep = client_for(world.reps[0])
    created = new_application(rep, world)
    before = snapshot()
    body = assert_error(upload(rep, created["id"], "project", name="project.pdf", content=b"MZ\x90\x00 not a pdf"),
                        400, "invalid")
    assert "file" in body["fields"]
    body = assert_error(upload(rep, created["id"], "passport"), 400, "invalid")
    assert "required_document" in body["fields"]
    assert_error(rep.post(f"{API}applications/{created['id']}/documents/", {"required_document": "project"},
                          format="multipart"), 400, "invalid")
    assert snapshot() == before
    uploaded = upload(rep, created["id"], "project")
    assert uploaded.status_code == 201 and uploaded.json()["content_type"] == "application/pdf"
    assert len(uploaded.json()["sha256"]) == 64
    url = f"{API}applications/{created['id']}/documents/{uploaded.json()['id']}/"
    assert_error(client_for(world.reps[1]).delete(url), 403, "permission_denied")
    assert rep.delete(url).status_code == 204
    assert not ApplicationDocument.objects.exists()


def test_incomplete_and_late_submissions_are_refused_with_nothing_written(funding_world, funding_clock):
    world = funding_world
    rep = client_for(world.reps[0])
    created = new_application(rep, world, summary="", months=48)
    before = snapshot()
    body = assert_error(rep.post(f"{API}applications/{created['id']}/submit/", {}, format="json"), 400, "invalid")
    assert {"summary", "months", "documents.project", "documents.budget"} <= set(body["fields"])
    complete = complete_application(rep, world, lot=2)
    funding_clock.set(CLOSED)
    before = snapshot()
    body = assert_error(rep.post(f"{API}applications/{complete['id']}/submit/", {}, format="json"), 400,
                        "window_closed")
    assert "2026-06-25" in body["message"] and "call" in body["fields"]
    assert snapshot() == before
    assert Application.objects.get(pk=complete["id"]).status == "draft"


def test_withdraw_before_the_deadline_only(funding_world, funding_clock):
    world = funding_world
    rep = client_for(world.reps[0])
    first = apply(world, 0, world.lots[0])
    withdrawn = rep.post(f"{API}applications/{first.pk}/withdraw/", {"reason": "Серіктес шықты"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    second = apply(world, 0, world.lots[1])
    funding_clock.set(CLOSED)
    before = snapshot()
    assert_error(rep.post(f"{API}applications/{second.pk}/withdraw/", {}, format="json"), 409, "withdraw_closed")
    assert snapshot() == before


# --- Experts --------------------------------------------------------------------------------------------


def _in_evaluation(world, clock, applications):
    clock.set(CLOSED)
    services.call_close(actor=world.operator, call=world.call)
    for application in applications:
        services.compliance_decide(actor=world.operator, application=application, outcome="admitted", checklist={})
    services.evaluation_start(actor=world.operator, call=world.call)


def test_declared_conflict_recuses_and_reassigns(funding_world, funding_clock):
    world = funding_world
    application = apply(world, 0, world.lots[0])
    _in_evaluation(world, funding_clock, [application])
    assignment = Assignment.objects.filter(application=application).order_by("pk").first()
    expert = client_for(assignment.expert.user)
    answer = expert.post(f"{API}assignments/{assignment.pk}/declaration/", {
        "no_conflict": False, "text": "Мен осы ұйымда жұмыс істедім."}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "recused"
    assert assignment.pk not in [row["id"] for row in expert.get(f"{API}assignments/").json()["results"]]
    assert_error(expert.get(f"{API}assignments/{assignment.pk}/"), 404, "not_found")
    active = Assignment.objects.filter(application=application).exclude(status="recused")
    assert active.count() == 3 and assignment.expert_id not in set(active.values_list("expert_id", flat=True))


def test_score_errors_are_keyed_by_criterion_and_write_nothing(funding_world, funding_clock):
    world = funding_world
    application = apply(world, 0, world.lots[0])
    _in_evaluation(world, funding_clock, [application])
    assignment = Assignment.objects.filter(application=application).order_by("pk").first()
    expert = client_for(assignment.expert.user)
    url = f"{API}assignments/{assignment.pk}/scores/"
    scores = {"relevance": {"value": "11", "justification": "Өте өзекті жоба, мұғалімдер жетіспейді."},
              "innovation": {"value": "8", "justification": "Жақсы"}}
    before = snapshot()
    assert_error(expert.post(url, {"scores": scores}, format="json"), 409, "invalid_transition")
    expert.post(f"{API}assignments/{assignment.pk}/declaration/", {"no_conflict": True}, format="json")
    before = snapshot()
    body = assert_error(expert.post(url, {"scores": scores}, format="json"), 400, "invalid")
    assert {"scores.relevance.value", "scores.innovation.justification", "scores.feasibility.value",
            "scores.cost.value"} <= set(body["fields"])
    body = assert_error(expert.post(url, {"scores": {"relevance": {"value": "ten", "justification": ""}}},
                                    format="json"), 400, "invalid")
    assert "scores.relevance.value" in body["fields"]
    assert snapshot() == before


# --- Agreements and monitoring ----------------------------------------------------------------------------


def _active_agreement(world, clock) -> Agreement:
    application = apply(world, 0, world.lots[0])
    _in_evaluation(world, clock, [application])
    score_all(world, application)
    services.call_decide(actor=world.committee[0], call=world.call, minutes="Хаттама")
    agreement = Agreement.objects.get(application=application)
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    return agreement


def test_monitoring_report_errors_and_termination_with_refund(funding_world, funding_clock):
    world = funding_world
    agreement = _active_agreement(world, funding_clock)
    rep, operator = client_for(world.reps[0]), client_for(world.operator)
    due = agreement.schedule.first()
    before = snapshot()
    body = assert_error(rep.post(f"{API}agreements/{agreement.pk}/reports/", {
        "due": due.pk, "indicators": [{"indicator": "", "target": "сто", "achieved": "5"}],
        "beneficiaries": "көп"}, format="json"), 400, "invalid")
    assert {"indicators.0.indicator", "indicators.0.target", "beneficiaries"} <= set(body["fields"])
    body = assert_error(rep.post(f"{API}agreements/{agreement.pk}/reports/", {
        "due": 999999, "indicators": [], "beneficiaries": "1"}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"due"}
    assert snapshot() == before

    operator.post(f"{API}agreements/{agreement.pk}/tranches/1/pay/", {}, format="json")
    assert_error(operator.post(f"{API}agreements/{agreement.pk}/tranches/1/pay/", {}, format="json"), 409,
                 "already_paid")
    assert_error(operator.post(f"{API}agreements/{agreement.pk}/tranches/7/pay/", {}, format="json"), 404)
    body = assert_error(operator.post(f"{API}agreements/{agreement.pk}/terminate/", {
        "reason": "Мақсатсыз жұмсалды", "refund": int(agreement.amount) + 1}, format="json"), 400, "invalid")
    assert "refund" in body["fields"]
    assert_error(rep.post(f"{API}agreements/{agreement.pk}/terminate/", {
        "reason": "x", "refund": 0}, format="json"), 403, "permission_denied")
    terminated = operator.post(f"{API}agreements/{agreement.pk}/terminate/", {
        "reason": "Мақсатсыз жұмсалды", "refund": 1_000_000}, format="json")
    assert terminated.status_code == 200, terminated.content
    assert (terminated.json()["status"], terminated.json()["refund_amount"]) == ("terminated", 1_000_000)
    assert APIClient().get(f"{API}projects/{agreement.number}/").json()["refund_amount"] == 1_000_000


def test_agreement_is_private_to_its_parties(funding_world, funding_clock):
    world = funding_world
    agreement = _active_agreement(world, funding_clock)
    assert client_for(world.reps[0]).get(f"{API}agreements/{agreement.pk}/").status_code == 200
    assert client_for(world.operator).get(f"{API}agreements/{agreement.pk}/").status_code == 200
    assert_error(client_for(world.reps[1]).get(f"{API}agreements/{agreement.pk}/"), 403, "permission_denied")
    assert_error(client_for(world.experts[0].user).get(f"{API}agreements/{agreement.pk}/"), 403)
    assert_error(APIClient().get(f"{API}agreements/{agreement.pk}/"), 403, "not_authenticated")
    assert [row["number"] for row in client_for(world.operator).get(f"{API}agreements/").json()["results"]] == [
        agreement.number]
    assert client_for(world.reps[0]).get(f"{API}agreements/").json()["results"] == []


# --- Public reads ----------------------------------------------------------------------------------------


def test_public_reads_hide_drafts_and_check_their_filters(funding_world):
    world = funding_world
    public = APIClient()
    draft = services.call_create(
        actor=world.operator, programme=world.programme, title_kk="Жоба", opens_on=dt.date(2026, 7, 1),
        closes_on=dt.date(2026, 7, 25), lots=[{"title": "Лот", "direction": "education", "budget": 1_000_000,
                                               "rationale": "Себебі"}])
    assert_error(public.get(f"{API}calls/{draft.code}/"), 404, "not_found")
    assert draft.code not in str(public.get(f"{API}calls/").json())
    assert_error(public.get(f"{API}calls/{world.call.code}/results/"), 404, "not_found")
    assert_error(public.get(f"{API}projects/GR-2026-001-999/"), 404, "not_found")
    assert "region" in assert_error(public.get(f"{API}projects/", {"region": "1"}), 400, "invalid")["fields"]
    assert "direction" in assert_error(public.get(f"{API}projects/", {"direction": "x"}), 400, "invalid")["fields"]
    assert "year" in assert_error(public.get(f"{API}projects/", {"year": "soon"}), 400, "invalid")["fields"]
    assert public.get(f"{API}projects/", {"year": 2026, "region": "750000000"}).json()["count"] == 0
    assert_error(public.get(f"{API}calls/", {"page": 9}), 400, "invalid")
    assert_error(public.post(f"{API}calls/", {}, format="json"), 405, "method_not_allowed")


# --- Schema ------------------------------------------------------------------------------------------------


def test_schema_generates_without_warnings(tmp_path):
    """`qogam spectacular --validate --fail-on-warn` for the whole API: a warning fails the test."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_schema_documents_every_funding_operation(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [(path, method, op) for path, item in schema["paths"].items() if path.startswith(API)
                  for method, op in item.items()]
    assert len(operations) == 43  # 31 of issue 4, 12 of issue 5
    for path, method, operation in operations:
        assert operation.get("summary") and operation.get("tags"), (path, method)
        codes = set(operation["responses"])
        public_read = method == "get" and path in (f"{API}topics/", f"{API}topics/{{id}}/")
        if not path.startswith((f"{API}calls/{{code}}/results/", f"{API}projects/")) and path not in (
                f"{API}calls/", f"{API}calls/{{code}}/") and not public_read:
            assert "403" in codes, (path, method)
        if method in ("post", "patch") and "requestBody" in operation:
            assert "400" in codes, (path, method)
    assert schema["components"]["schemas"]["CallStatusEnum"]["enum"][0] == "draft"
    upload_body = schema["paths"][f"{API}applications/{{id}}/documents/"]["post"]["requestBody"]["content"]
    assert list(upload_body) == ["multipart/form-data"]


# --- Fuzzing from the OpenAPI schema ----------------------------------------------------------------------

FUZZ = fuzz_settings(ci=20, local=40)
funding_operations = fuzz_api.include(path_regex=r"^/api/funding/")


@pytest.fixture
def fuzz_world(keep_the_test_connection, funding_world, funding_clock):
    """A decided call with an active agreement and a submitted report, and the representative's session."""
    agreement = _active_agreement(funding_world, funding_clock)
    services.monitoring_report_submit(actor=funding_world.reps[0], due=agreement.schedule.first(), content={
        "indicators": [{"indicator": "x", "target": "10", "achieved": "5"}], "beneficiaries": "10"})
    client = login_verified(APIClient(), funding_world.reps[0])
    return {"agreement": agreement, "application": agreement.application, "call": funding_world.call,
            "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
            "headers": {"X-CSRFToken": CSRF_SECRET}}


@pytest.mark.fuzz
@funding_operations.parametrize()
@FUZZ
def test_funding_api_fuzzed_as_a_representative(case, fuzz_world):
    """Generated input, half of it aimed at the representative's real records: no server error, every
    response as documented."""
    params = dict(case.path_parameters or {})
    if isinstance(params.get("id"), int) and params["id"] % 2 == 0:
        params["id"] = fuzz_world["agreement"].pk if "/agreements/" in case.path else fuzz_world["application"].pk
    if "code" in params and len(str(params["code"])) % 2 == 0:
        params["code"] = fuzz_world["call"].code
    if "number" in params and "/projects/" in case.path and len(str(params["number"])) % 2 == 0:
        params["number"] = fuzz_world["agreement"].number
    case.path_parameters = params or case.path_parameters
    case.call_and_validate(checks=CHECKS, cookies=fuzz_world["cookies"], headers=fuzz_world["headers"])


@pytest.mark.fuzz
@funding_operations.parametrize()
@FUZZ
def test_funding_api_fuzzed_anonymously(case, keep_the_test_connection, funding_world):
    case.call_and_validate(checks=CHECKS)
