"""The grant operator's pages: who may open them, and that every form writes through its service (with an
audit entry) or, on bad input, shows the error beside the field, keeps the input and writes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qogam.accounts.models import Role
from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import (
    Assignment,
    Call,
    ComplianceCheck,
    Expert,
    MonitoringReport,
    Programme,
    RiskFlag,
    SiteVisit,
)
from qogam.registry.models import StateBody
from tests.accounts.helpers import login_verified
from tests.factories import StateBodyFactory, UserFactory
from tests.funding.stages import audit, decided, page_clock, running_agreement, to_compliance, to_evaluation
from tests.funding.world import apply

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


# --- Local test data ----------------------------------------------------------------------------------


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


def valid_iin(seed: int = 900101300000) -> str:
    from qogam.core.rules import with_check_digit

    n = seed
    while not with_check_digit(f"{n:011d}"[:11]):
        n += 1
    return with_check_digit(f"{n:011d}"[:11])


def operator_client(client, world):
    return login_verified(client, world.operator)


# --- Who may open the pages ---------------------------------------------------------------------------


def _pages(world):
    call = world.call
    return [reverse("funding:operator-home"), reverse("funding:operator-programmes"),
            reverse("funding:operator-programme-create"), reverse("funding:operator-calls"),
            reverse("funding:operator-call-create"), reverse("funding:operator-call", args=[call.pk]),
            reverse("funding:operator-compliance", args=[call.pk]),
            reverse("funding:operator-evaluation", args=[call.pk]),
            reverse("funding:operator-progress", args=[call.pk]),
            reverse("funding:operator-call-csv", args=[call.pk]), reverse("funding:operator-experts"),
            reverse("funding:operator-agreements")]


def test_every_operator_page_opens_for_the_operator(client, world):
    operator_client(client, world)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["ngo", "expert", "committee"])
def test_other_roles_get_403(client, world, who):
    user = {"ngo": world.reps[0], "expert": world.experts[0].user, "committee": world.committee[0]}[who]
    login_verified(client, user)
    for url in _pages(world):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url


def test_operator_without_second_factor_holds_no_powers(client, world):
    client.force_login(world.operator)
    response = client.get(reverse("funding:operator-calls"))
    assert response.status_code != 200


def test_posts_need_a_csrf_token(world):
    from django.test import Client

    client = login_verified(Client(enforce_csrf_checks=True), world.operator)
    response = client.post(reverse("funding:operator-call-action", args=[world.call.pk, "cancel"]),
                           {"reason": "Бюджет қысқарды"})
    assert response.status_code == 403
    world.call.refresh_from_db()
    assert world.call.status == "open"


# --- Programmes ---------------------------------------------------------------------------------------


def test_programme_created_through_the_service(client, world):
    operator_client(client, world)
    body = StateBodyFactory(level="central", kind=StateBody.Kind.MINISTRY)
    response = client.post(reverse("funding:operator-programme-create"), {
        "mechanism": "grant", "year": "2027", "title_kk": "Гранттар 2027", "budget": "50000000",
        "funder_kind": "ministry", "funder_body": str(body.pk), "directions": ["education", "youth"],
        "regions": ["750000000"]})
    programme = Programme.objects.get(year=2027)
    assert response.status_code == 302 and f"programme={programme.pk}" in response["Location"]
    assert programme.funder_body == body and set(programme.directions.values_list("code", flat=True)) == {
        "education", "youth"}
    assert audit("funding.programme_create") == 2  # the world's programme and this one


def test_programme_bad_input_shows_errors_and_writes_nothing(client, world):
    operator_client(client, world)
    before = (Programme.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("funding:operator-programme-create"), {
        "mechanism": "grant", "year": "2027", "title_kk": "Менің бағдарламам", "budget": "12abc",
        "funder_kind": "non_state", "funder_name": "", "directions": []})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give the amount in whole tenge, digits only." in text
    assert "Give the non-state funder&#x27;s name." in text
    assert "Choose at least one direction from the list." in text
    assert 'value="Менің бағдарламам"' in text and 'value="12abc"' in text
    assert (Programme.objects.count(), AuditEntry.objects.count()) == before


# --- Calls --------------------------------------------------------------------------------------------


def _call_post(world, **overrides):
    data = {
        "programme": str(world.programme.pk), "title_kk": "Жастар гранттары", "title_ru": "", "description": "",
        "opens_on": "2026-07-01", "closes_on": "2026-07-25", "scale_min": "0", "scale_max": "10",
        "committee": [str(world.committee[0].pk)],
        "lots-rows": "2", "lots-0-title": "Жастар", "lots-0-direction": "education", "lots-0-region": "750000000",
        "lots-0-budget": "3000000", "lots-0-rationale": "Жастар арасында жұмыссыздық жоғары.",
        "lots-0-max_months": "24",
        "criteria-rows": "4",
        "documents-rows": "1", "documents-0-code": "project", "documents-0-name": "Жоба сипаттамасы",
        "documents-0-mandatory": "on",
    }
    for i, (code, weight) in enumerate((("relevance", 30), ("innovation", 20), ("feasibility", 30), ("cost", 20))):
        data.update({f"criteria-{i}-code": code, f"criteria-{i}-name_kk": code, f"criteria-{i}-name_ru": code,
                     f"criteria-{i}-name_en": code, f"criteria-{i}-weight": str(weight)})
    data.update(overrides)
    return data


def test_call_created_through_the_service(client, world):
    operator_client(client, world)
    response = client.post(reverse("funding:operator-call-create"), _call_post(world))
    call = Call.objects.exclude(pk=world.call.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("funding:operator-call", args=[call.pk])
    assert call.status == "draft" and call.lots.get().max_months == 24
    assert list(call.criteria.values_list("code", flat=True)) == ["relevance", "innovation", "feasibility", "cost"]
    assert list(call.committee.all()) == [world.committee[0]]
    assert call.required_documents.get().mandatory
    assert audit("funding.call_create") == 2


def test_call_window_outside_20_to_30_days_is_refused_beside_the_deadline(client, world):
    operator_client(client, world)
    before = (Call.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse("funding:operator-call-create"), _call_post(
        world, closes_on="2026-07-05", **{"lots-0-rationale": ""}))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Publish the rationale for the lot." in text
    assert 'value="2026-07-05"' in text and 'value="Жастар"' in text
    assert "days" in text  # the window message
    assert (Call.objects.count(), AuditEntry.objects.count()) == before


def test_adding_a_lot_row_writes_nothing(client, world):
    operator_client(client, world)
    response = client.post(reverse("funding:operator-call-create"), {**_call_post(world), "action": "add-lots"})
    assert response.status_code == 200
    assert 'name="lots-1-title"' in response.content.decode()
    assert Call.objects.count() == 1


def test_call_transitions_from_its_page(client, world):
    operator_client(client, world)
    draft = services.call_create(actor=world.operator, programme=world.programme, title_kk="Екінші",
                                 opens_on=dt.date(2026, 6, 5), closes_on=dt.date(2026, 6, 30),
                                 lots=[{"title": "Лот", "direction": "education", "budget": 1_000_000,
                                        "rationale": "Негіздеме"}])
    page = client.get(reverse("funding:operator-call", args=[draft.pk])).content.decode()
    assert reverse("funding:operator-call-action", args=[draft.pk, "publish"]) in page

    response = client.post(reverse("funding:operator-call-action", args=[draft.pk, "publish"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "open"  # the window has begun
    assert audit("funding.call_publish") == 2

    response = client.post(reverse("funding:operator-call-action", args=[draft.pk, "close"]))
    assert response.status_code == 400
    assert "the call closes after that day" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "open"

    response = client.post(reverse("funding:operator-call-action", args=[draft.pk, "cancel"]), {"reason": " "})
    assert response.status_code == 400 and "Give the reason for cancelling the call" in response.content.decode()
    response = client.post(reverse("funding:operator-call-action", args=[draft.pk, "cancel"]),
                           {"reason": "Бюджет қысқарды"})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.status == "cancelled"
    assert audit("funding.call_cancel") == 1
    assert client.post(reverse("funding:operator-call-action", args=[draft.pk, "explode"])).status_code == 404


def test_closing_from_the_page_opens_the_compliance_check(client, world, clock):
    apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    operator_client(client, world)
    response = client.post(reverse("funding:operator-call-action", args=[world.call.pk, "close"]))
    assert response.status_code == 302
    world.call.refresh_from_db()
    assert world.call.status == "compliance" and ComplianceCheck.objects.count() == 1


# --- Compliance check ---------------------------------------------------------------------------------


def test_compliance_queue_shows_deadline_and_overdue(client, world, clock):
    a0, a1 = to_compliance(world, clock)
    operator_client(client, world)
    page = client.get(reverse("funding:operator-compliance", args=[world.call.pk])).content.decode()
    assert a0.reference in page and a1.reference in page and world.organisations[0].bin in page
    assert "working days left" in page and 'class="overdue"' not in page
    clock.set(world.call.compliance_due_on + dt.timedelta(days=1))
    page = client.get(reverse("funding:operator-compliance", args=[world.call.pk])).content.decode()
    assert 'class="overdue"' in page


def test_compliance_decision_through_the_service(client, world, clock):
    a0, a1 = to_compliance(world, clock)
    operator_client(client, world)
    url = reverse("funding:operator-compliance-decide", args=[a0.pk])
    assert client.get(url).status_code == 200
    posted = {f"item-{code}-ok": "on" for code in ("form", "documents", "budget", "plan", "duration")}
    response = client.post(url, {**posted, "outcome": "admitted"})
    assert response.status_code == 302
    a0.refresh_from_db()
    assert a0.status == "admitted" and a0.compliance.checklist["budget"] == {"ok": True, "reason": ""}
    assert audit("funding.compliance_decide") == 1


def test_compliance_bad_input_shows_errors_and_writes_nothing(client, world, clock):
    a0, _a1 = to_compliance(world, clock)
    operator_client(client, world)
    url = reverse("funding:operator-compliance-decide", args=[a0.pk])
    entries = AuditEntry.objects.count()
    posted = {f"item-{code}-ok": "on" for code in ("form", "documents", "plan", "duration")}
    response = client.post(url, {**posted, "item-budget-reason": "", "outcome": "rejected",
                                 "reasons": "Шағын қате"})
    assert response.status_code == 400
    assert "Say why this item is not met." in response.content.decode()
    assert "Шағын қате" in response.content.decode()
    response = client.post(url, {**posted, "item-budget-ok": "on"})
    assert response.status_code == 400 and "Choose: admitted or rejected." in response.content.decode()
    a0.refresh_from_db()
    assert a0.status == "submitted" and a0.compliance.outcome == ""
    assert AuditEntry.objects.count() == entries


# --- Evaluation, progress, expert pool ----------------------------------------------------------------


def test_evaluation_starts_from_the_page_and_shows_the_plan(client, world, clock):
    applications = to_compliance(world, clock)
    for a in applications:
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted", checklist={})
    operator_client(client, world)
    url = reverse("funding:operator-evaluation", args=[world.call.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert Assignment.objects.filter(application__call=world.call).count() == 6
    assert audit("funding.evaluation_start") == 1
    page = client.get(url).content.decode()
    assert applications[0].reference in page and str(world.experts[0]) in page


def test_unstaffed_applications_are_named_and_nothing_starts(client, world, clock):
    applications = to_compliance(world, clock)
    for a in applications:
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted", checklist={})
    Expert.objects.filter(pk__in=[e.pk for e in world.experts[1:]]).update(active=False)
    operator_client(client, world)
    response = client.post(reverse("funding:operator-evaluation", args=[world.call.pk]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "The evaluation has not started" in text
    assert applications[0].reference in text and applications[1].reference in text
    world.call.refresh_from_db()
    assert world.call.status == "compliance" and not Assignment.objects.exists()


def test_progress_shows_counts_and_no_scores(client, world, clock):
    applications = to_evaluation(world, clock, 1)
    assignment = Assignment.objects.filter(application=applications[0]).order_by("pk").first()
    user = assignment.expert.user
    services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
    justification = "Мақсаттар нақты, бірақ бюджет тым жоғары бағаланған."
    services.scores_submit(actor=user, assignment=assignment, scores={
        c.code: {"value": "7.5", "justification": justification} for c in world.call.criteria.all()})
    operator_client(client, world)
    page = client.get(reverse("funding:operator-progress", args=[world.call.pk])).content.decode()
    assert applications[0].reference in page
    assert '<td class="num-cell">1</td>' in page  # one expert has scored
    assert justification not in page and "7.5" not in page and "7,5" not in page


def test_expert_enrolled_and_the_iin_never_shown(client, world):
    operator_client(client, world)
    person = UserFactory(role=Role.EXPERT, first_name="Айгүл", last_name="Сәрсенова")
    iin = valid_iin()
    response = client.post(reverse("funding:operator-experts"), {"user": str(person.pk), "directions": ["youth"],
                                                                   "iin": iin})
    assert response.status_code == 302
    expert = Expert.objects.get(user=person)
    assert expert.iin_hash and expert.iin_hash != iin
    page = client.get(reverse("funding:operator-experts")).content.decode()
    assert "Сәрсенова" in page and iin not in page and expert.iin_hash not in page
    assert audit("funding.expert_enrol") == 5  # the world's four and this one


def test_expert_bad_iin_is_refused_and_not_echoed(client, world):
    operator_client(client, world)
    person = UserFactory(role=Role.EXPERT)
    entries = AuditEntry.objects.count()
    response = client.post(reverse("funding:operator-experts"), {"user": str(person.pk), "directions": ["youth"],
                                                                   "iin": "123456789012"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "123456789012" not in text and 'id="iin"' in text
    assert not Expert.objects.filter(user=person).exists() and AuditEntry.objects.count() == entries
    response = client.post(reverse("funding:operator-experts"), {"user": "", "iin": valid_iin()})
    assert response.status_code == 400 and "Choose a person from the list." in response.content.decode()


# --- CSV ----------------------------------------------------------------------------------------------


def test_csv_of_applications_has_no_personal_data(client, world, clock):
    applications = decided(world, clock)
    rep = world.reps[0]
    rep.first_name, rep.last_name = "Дәурен", "Жақсыбеков"
    rep.save()
    operator_client(client, world)
    response = client.get(reverse("funding:operator-call-csv", args=[world.call.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("reference,call,lot")
    assert len(lines) == 3 and applications[0].reference in text and world.organisations[0].bin in text
    assert "funded" in text and "3000000" in text
    for private in ("Дәурен", "Жақсыбеков", rep.username, rep.email, world.experts[0].user.username):
        assert private not in text


# --- Agreements and monitoring ------------------------------------------------------------------------


def test_agreement_prepare_and_sign(client, world, clock):
    application = decided(world, clock, 1)[0]
    agreement = application.agreement
    operator_client(client, world)
    assert client.get(reverse("funding:operator-agreement", args=[agreement.pk])).status_code == 200
    url = reverse("funding:operator-agreement-prepare", args=[agreement.pk])
    assert client.get(url).status_code == 200
    start = agreement.start_on
    entries = AuditEntry.objects.count()
    bad = {"start_on": start.isoformat(), "end_on": (start.replace(year=start.year + 1) - dt.timedelta(days=1))
           .isoformat(), "tranches-rows": "2", "tranches-0-due_on": start.isoformat(), "tranches-0-amount": "1000000",
           "tranches-1-due_on": (start + dt.timedelta(days=100)).isoformat(), "tranches-1-amount": "1000000"}
    response = client.post(url, bad)
    assert response.status_code == 400 and "add up to 2000000 tenge" in response.content.decode()
    assert AuditEntry.objects.count() == entries and agreement.tranches.count() == 1
    good = {**bad, "tranches-1-amount": "2000000"}
    assert client.post(url, good).status_code == 302
    assert list(agreement.tranches.values_list("amount", flat=True)) == [1_000_000, 2_000_000]
    assert audit("funding.agreement_prepare") == 1

    assert client.post(reverse("funding:operator-agreement-sign", args=[agreement.pk])).status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_by_operator_at is not None and agreement.status == "draft"
    response = client.post(reverse("funding:operator-agreement-sign", args=[agreement.pk]))
    assert response.status_code == 409 and "The funder has already signed." in response.content.decode()


def test_tranche_paid_from_the_page(client, world, clock):
    agreement = running_agreement(world, clock)
    tranche = agreement.tranches.first()
    operator_client(client, world)
    url = reverse("funding:operator-tranche-pay", args=[tranche.pk])
    response = client.post(url, {"paid_on": "не дата"})
    assert response.status_code == 400 and "Enter a date as YYYY-MM-DD." in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.paid_on is None
    assert client.post(url, {"paid_on": agreement.start_on.isoformat()}).status_code == 302
    tranche.refresh_from_db()
    assert tranche.paid_on == agreement.start_on and audit("funding.tranche_pay") == 1


def test_site_visit_with_photo_and_bad_photo(client, world, clock):
    agreement = running_agreement(world, clock)
    operator_client(client, world)
    url = reverse("funding:operator-site-visit", args=[agreement.pk])
    response = client.post(url, {"visited_on": agreement.start_on.isoformat(), "findings": "Тренинг өтті.",
                                 "photos": [SimpleUploadedFile("notes.png", b"not an image", "image/png")]})
    assert response.status_code == 400
    assert "Photo 1: This file is not an accepted type." in response.content.decode()
    assert "Тренинг өтті." in response.content.decode() and not SiteVisit.objects.exists()
    response = client.post(url, {"visited_on": agreement.start_on.isoformat(), "findings": "Тренинг өтті.",
                                 "photos": [SimpleUploadedFile("hall.png", PNG, "image/png")]})
    assert response.status_code == 302
    visit = SiteVisit.objects.get()
    photo = visit.photos.get()
    assert photo.content_type == "image/png" and audit("funding.site_visit_record") == 1
    response = client.get(reverse("funding:operator-visit-photo", args=[photo.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    login_verified(client, world.reps[0])
    assert client.get(reverse("funding:operator-visit-photo", args=[photo.pk])).status_code == 403


def test_risk_flags_raised_and_cleared(client, world, clock):
    agreement = running_agreement(world, clock)
    operator_client(client, world)
    url = reverse("funding:operator-risk-raise", args=[agreement.pk])
    response = client.post(url, {"code": "misuse", "note": ""})
    assert response.status_code == 400 and "Name the risk and describe it." in response.content.decode()
    assert client.post(url, {"code": "misuse", "note": "Чектер жоқ"}).status_code == 302
    flag = RiskFlag.objects.get(agreement=agreement)
    response = client.post(url, {"code": "misuse", "note": "Тағы"})
    assert response.status_code == 409 and "This risk is already flagged." in response.content.decode()
    assert client.post(reverse("funding:operator-risk-clear", args=[flag.pk])).status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_at is not None and audit("funding.risk_flag_clear") == 1


def test_monitoring_report_reviewed_from_the_page(client, world, clock):
    agreement = running_agreement(world, clock)
    final = agreement.schedule.get(kind="final")
    report = services.monitoring_report_submit(actor=world.reps[0], due=final, content={
        "indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "118"}],
        "beneficiaries": "640", "spending": {"Тренерлер": "1500000", "Материалдар": "1500000"}, "narrative": "Иә"})
    operator_client(client, world)
    url = reverse("funding:operator-report", args=[report.pk])
    page = client.get(url).content.decode()
    assert "оқытылған мұғалімдер" in page and "Тренерлер" in page
    response = client.post(url, {"decision": "return", "note": ""})
    assert response.status_code == 400 and "Say what must be corrected." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    assert client.post(url, {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.ACCEPTED and audit("funding.monitoring_report_review") == 1

    assert client.post(reverse("funding:operator-agreement-complete", args=[agreement.pk])).status_code == 302
    assert client.post(reverse("funding:operator-agreement-close", args=[agreement.pk])).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "closed"


def test_termination_with_refund(client, world, clock):
    agreement = running_agreement(world, clock)
    services.tranche_pay(actor=world.operator, tranche=agreement.tranches.first())
    operator_client(client, world)
    url = reverse("funding:operator-agreement-terminate", args=[agreement.pk])
    response = client.post(url, {"reason": "Мақсатсыз жұмсау", "refund": str(int(agreement.amount) + 1)})
    assert response.status_code == 400 and "is more than the" in response.content.decode()
    assert "Мақсатсыз жұмсау" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert client.post(url, {"reason": "Мақсатсыз жұмсау", "refund": "1000000"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "terminated" and agreement.refund_amount == 1_000_000
    assert audit("funding.agreement_terminate") == 1


def test_agreements_list_shows_drafts_and_running(client, world, clock):
    applications = decided(world, clock)
    operator_client(client, world)
    page = client.get(reverse("funding:operator-agreements")).content.decode()
    for a in applications:
        assert a.agreement.number in page


def test_pages_render_in_kazakh(client, world, clock):
    to_compliance(world, clock)
    operator_client(client, world)
    url = reverse("funding:operator-compliance", args=[world.call.pk]).replace("/en/", "/kk/", 1)
    response = client.get(url)
    assert response.status_code == 200 and 'lang="kk"' in response.content.decode()


def test_home_counts_calls_by_status(client, world):
    apply(world, 0, world.lots[0])
    apply(world, 1, world.lots[1])
    operator_client(client, world)
    page = client.get(reverse("funding:operator-home")).content.decode()
    assert '<th scope="row">Open for applications</th><td class="num-cell">1</td>' in page
