"""The pages of an NGO's representatives: who may open them, and that every form writes through its
service (with an audit entry) or, on bad input, shows the error beside the field, keeps the input and
writes nothing. Messages are checked on the English pages; every page also opens in kk and ru."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qogam.accounts.models import Role
from qogam.core.models import AuditEntry
from qogam.funding import services
from qogam.funding.models import (
    Appeal,
    Application,
    ApplicationDocument,
    MonitoringReport,
    ReportSchedule,
)
from tests.accounts.helpers import login_verified
from tests.factories import UserFactory
from tests.funding.stages import (
    audit,
    decided,
    page_clock,
    running_agreement,
    text,
    to_compliance,
    url,
)
from tests.funding.world import PDF, application_data, apply

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")


# --- Local test data (the stages of a call are in tests/funding/stages.py) ---------------------------


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


def draft(world, index=0, lot=None, **kwargs):
    return services.application_create(actor=world.reps[index], call=world.call, lot=lot or world.lots[0],
                                       organisation=world.organisations[index], language="kk",
                                       title=kwargs.pop("title", "Оқу сауаттылығы"),
                                       data=kwargs.pop("data", application_data()))


def form_post(data: dict, *, title="Оқу сауаттылығы", language="kk", version=1, action="save", extra_rows=1):
    """What the application form posts for `data` (the keys of `services.application_create`'s data)."""
    post = {"title": title, "language": language, "expected_version": str(version), "action": action,
            "summary": data["summary"], "goals": "\n".join(data["goals"]), "months": str(data["months"]),
            "requested_amount": str(data["requested_amount"]), "beneficiaries": str(data["beneficiaries"]),
            "beneficiaries_text": data["beneficiaries_text"], "region": data["region"],
            "direction": data["direction"]}
    for name in ("activities", "budget_lines", "results"):
        rows = data[name]
        post[f"{name}-rows"] = str(len(rows) + extra_rows)
        for i, row in enumerate(rows):
            for part, value in row.items():
                post[f"{name}-{i}-{part}"] = str(value)
    return post


def upload_all(world, application, index=0):
    for doc in world.call.required_documents.filter(mandatory=True):
        services.document_upload(actor=world.reps[index], application=application, required_document=doc,
                                 upload=SimpleUploadedFile(f"{doc.code}.pdf", PDF, "application/pdf"))


# --- Who may open the pages ---------------------------------------------------------------------------


def _pages(application, agreement=None, due=None):
    pages = [url("my-applications"), url("application-start"), url("application", application.pk),
             url("application-documents", application.pk)]
    if application.status == "draft":
        pages.append(url("application-edit", application.pk))
    if application.latest_id:
        pages.append(url("application-receipt", application.pk))
    if agreement is not None:
        pages.append(url("agreement", agreement.pk))
    if due is not None:
        pages.append(url("monitoring-report", due.pk))
    return pages


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_opens_for_the_representative_in_each_language(client, world, clock, lang):
    unfinished = draft(world, 0, world.lots[1])
    agreement = running_agreement(world, clock)
    application = agreement.application
    due = agreement.schedule.order_by("due_on").first()
    login_verified(client, world.reps[0])
    for page in _pages(application, agreement, due):
        localised = page.replace("/en/", f"/{lang}/", 1)
        assert client.get(localised).status_code == 200, localised
    assert client.get(url("application-edit", unfinished.pk, lang=lang)).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, world):
    application = draft(world)
    for page in _pages(application):
        response = client.get(page)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], page


@pytest.mark.parametrize("who", ["other_rep", "operator", "expert", "committee"])
def test_others_get_403_on_an_organisations_application(client, world, clock, who):
    agreement = running_agreement(world, clock)
    application = agreement.application
    due = agreement.schedule.first()
    user = {"other_rep": world.reps[1], "operator": world.operator, "expert": world.experts[0].user,
            "committee": world.committee[0]}[who]
    login_verified(client, user)
    for page in _pages(application, agreement, due)[2:]:
        assert client.get(page).status_code == 403, page


def test_missing_records_are_404(client, world):
    login_verified(client, world.reps[0])
    for name in ("application", "application-edit", "application-documents", "application-receipt", "agreement",
                 "monitoring-report", "application-document"):
        assert client.get(url(name, 999999)).status_code == 404, name


def test_receipt_of_a_draft_is_404(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    assert client.get(url("application-receipt", application.pk)).status_code == 404


def test_a_user_without_an_organisation_is_told_how_to_get_one(client, world):
    login_verified(client, UserFactory(role=Role.NGO))
    for name in ("my-applications", "application-start"):
        response = client.get(url(name))
        assert response.status_code == 200
        assert "You do not represent any organisation yet" in text(response)


def test_posts_need_a_csrf_token(world):
    application = draft(world)
    client = login_verified(Client(enforce_csrf_checks=True), world.reps[0])
    response = client.post(url("application-edit", application.pk), form_post(application_data(amount=1_000_000)))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.version == 1 and application.requested_amount == 3_000_000


# --- My applications and a new application ------------------------------------------------------------


def test_my_applications_lists_the_organisations_applications_and_open_calls(client, world):
    mine, theirs = draft(world, 0, title="Біздің жоба"), draft(world, 1, title="Басқа жоба")
    login_verified(client, world.reps[0])
    page = text(client.get(url("my-applications")))
    assert mine.reference in page and "Біздің жоба" in page
    assert theirs.reference not in page and "Басқа жоба" not in page
    assert world.call.code in page and url("application-start", query=f"?call={world.call.code}") in page


def test_start_creates_the_draft_through_the_service(client, world):
    login_verified(client, world.reps[0])
    page = text(client.get(url("application-start", query=f"?call={world.call.code}")))
    assert f'value="{world.lots[0].pk}" selected' in page
    response = client.post(url("application-start"), {
        "organisation": str(world.organisations[0].pk), "lot": str(world.lots[1].pk), "language": "ru",
        "title": "Проект грамотности"})
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == url("application-edit", application.pk)
    assert (application.organisation, application.lot, application.language, application.status) == (
        world.organisations[0], world.lots[1], "ru", "draft")
    assert audit("funding.application_create") == 1


def test_start_with_bad_input_shows_errors_and_writes_nothing(client, world):
    login_verified(client, world.reps[0])
    entries = AuditEntry.objects.count()
    response = client.post(url("application-start"), {
        "organisation": str(world.organisations[0].pk), "lot": str(world.lots[0].pk), "language": "en",
        "title": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "Give the project a title." in page and "Applications are written in Kazakh or Russian." in page
    response = client.post(url("application-start"), {
        "organisation": str(world.organisations[1].pk), "lot": str(world.lots[0].pk), "language": "kk",
        "title": "Бөтен ұйым"})
    assert response.status_code == 400
    assert "Choose one of the organisations you represent." in text(response)
    assert 'value="Бөтен ұйым"' in text(response)
    assert Application.objects.count() == 0 and AuditEntry.objects.count() == entries


def test_start_after_the_deadline_shows_the_services_message(client, world, clock):
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    login_verified(client, world.reps[0])
    response = client.post(url("application-start"), {
        "organisation": str(world.organisations[0].pk), "lot": str(world.lots[0].pk), "language": "kk",
        "title": "Кеш"})
    assert response.status_code == 400
    assert "The deadline for this call was 2026-06-25. Late applications cannot be accepted." in text(response)
    assert Application.objects.count() == 0


# --- The application form -----------------------------------------------------------------------------


def test_form_shows_the_saved_draft(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    page = text(client.get(url("application-edit", application.pk)))
    assert 'value="Тренерлер"' in page and 'value="1500000"' in page and 'value="3000000"' in page
    assert 'name="expected_version" value="1"' in page
    assert "Оқу сауаттылығын арттыру" in page


def test_save_writes_through_the_service(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    data = application_data(amount=2_000_000, months=18)
    data["activities"].append({"name": "Конференция", "start_month": "17", "end_month": "18"})
    response = client.post(url("application-edit", application.pk), form_post(data, title="Жаңа атау"))
    assert response.status_code == 302 and response["Location"] == url("application-edit", application.pk)
    application.refresh_from_db()
    assert application.version == 2 and application.title == "Жаңа атау"
    assert application.requested_amount == Decimal(2_000_000) and application.months == 18
    assert [a["name"] for a in application.draft["activities"]] == ["Тренингтер", "Конференция"]
    assert audit("funding.application_update") == 1


def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    data = application_data()
    data["requested_amount"] = "3 млн"
    data["budget_lines"][1]["amount"] = "бір миллион"
    entries = AuditEntry.objects.count()
    response = client.post(url("application-edit", application.pk), form_post(data, title="Өзгертілген"))
    assert response.status_code == 400
    page = text(response)
    assert 'id="e-requested_amount"' in page and "Give the amount in whole tenge, digits only." in page
    assert 'id="e-budget_lines-1-amount"' in page and "Enter a whole number." in page
    assert 'value="бір миллион"' in page and 'value="3 млн"' in page and 'value="Өзгертілген"' in page
    application.refresh_from_db()
    assert application.version == 1 and application.title == "Оқу сауаттылығы"
    assert AuditEntry.objects.count() == entries


def test_a_stale_save_keeps_the_input_and_writes_nothing(client, world):
    application = draft(world)
    services.application_update(actor=world.reps[0], application=application, expected_version=1,
                                title="Әріптестің нұсқасы", data=application_data())
    login_verified(client, world.reps[0])
    response = client.post(url("application-edit", application.pk),
                           form_post(application_data(), title="Менің нұсқам", version=1))
    assert response.status_code == 409
    page = text(response)
    assert "someone else saved this application after you opened it" in page
    assert 'value="Менің нұсқам"' in page and 'name="expected_version" value="2"' in page
    application.refresh_from_db()
    assert application.title == "Әріптестің нұсқасы" and application.version == 2


def test_adding_a_row_writes_nothing(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    response = client.post(url("application-edit", application.pk),
                           form_post(application_data(), title="Жазылмайды", action="add-activities"))
    assert response.status_code == 200
    assert 'name="activities-2-name"' in text(response)
    application.refresh_from_db()
    assert application.version == 1 and application.title == "Оқу сауаттылығы"


def test_submit_gives_the_receipt(client, world):
    application = draft(world)
    upload_all(world, application)
    login_verified(client, world.reps[0])
    response = client.post(url("application-edit", application.pk), form_post(application_data(), action="submit"))
    assert response.status_code == 302 and response["Location"] == url("application-receipt", application.pk)
    application.refresh_from_db()
    version = application.latest
    assert application.status == "submitted" and audit("funding.application_submit") == 1
    page = text(client.get(response["Location"]))
    assert version.receipt_number in page and version.content_hash in page
    assert "10.06.2026 11:00:00 (Asia/Almaty, UTC+05:00)" in page
    assert client.get(url("application-edit", application.pk)).status_code == 302


def test_submit_with_missing_documents_and_duration_shows_each_beside_its_field(client, world):
    application = draft(world)
    login_verified(client, world.reps[0])
    data = application_data(months=48)
    response = client.post(url("application-edit", application.pk), form_post(data, action="submit"))
    assert response.status_code == 400
    page = text(response)
    assert 'id="e-months"' in page and "it must last from 12 to 36 months" in page
    assert "Upload this document: Жоба сипаттамасы / Описание проекта." in page
    assert "The application is not submitted" in page and "Your entries are saved as a draft." in page
    assert 'value="48"' in page
    application.refresh_from_db()
    assert application.status == "draft" and application.latest is None and application.months == 48


def test_a_late_submission_is_refused_with_the_services_message(client, world, clock):
    application = draft(world)
    upload_all(world, application)
    clock.set(dt.date(2026, 6, 26))
    login_verified(client, world.reps[0])
    page = text(client.get(url("application-edit", application.pk)))
    assert "The deadline for this call was 2026-06-25. Late applications cannot be accepted." in page
    assert 'value="submit"' not in page
    response = client.post(url("application-edit", application.pk), form_post(application_data(), action="submit"))
    assert response.status_code == 400
    assert "The deadline for this call was 2026-06-25. Late applications cannot be accepted." in text(response)
    application.refresh_from_db()
    assert application.status == "draft" and audit("funding.application_submit") == 0


# --- Documents ----------------------------------------------------------------------------------------


def test_upload_download_and_delete_a_document(client, world):
    application = draft(world)
    required = world.call.required_documents.get(code="project")
    login_verified(client, world.reps[0])
    response = client.post(url("application-documents", application.pk), {
        "required_document": str(required.pk), "file": SimpleUploadedFile("жоба.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert document.required_document == required and audit("funding.document_upload") == 1
    download = client.get(url("application-document", document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    login_verified(client, world.reps[1])
    assert client.get(url("application-document", document.pk)).status_code == 403
    assert client.post(url("application-document-delete", document.pk)).status_code == 403
    login_verified(client, world.reps[0])
    response = client.post(url("application-document-delete", document.pk))
    assert response.status_code == 302 and not ApplicationDocument.objects.exists()
    assert audit("funding.document_delete") == 1


def test_a_file_of_the_wrong_type_is_refused_beside_its_document(client, world):
    application = draft(world)
    required = world.call.required_documents.get(code="budget")
    login_verified(client, world.reps[0])
    response = client.post(url("application-documents", application.pk), {
        "required_document": str(required.pk),
        "file": SimpleUploadedFile("budget.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert response.status_code == 400
    page = text(response)
    assert "This file is not an accepted type. Upload one of:" in page and 'id="e-file"' in page
    assert not ApplicationDocument.objects.exists() and audit("funding.document_upload") == 0


def test_documents_of_a_submitted_application_cannot_change(client, world):
    application = apply(world, 0, world.lots[0])
    login_verified(client, world.reps[0])
    page = text(client.get(url("application-documents", application.pk)))
    assert 'type="file"' not in page
    document = application.documents.first()
    response = client.post(url("application-document-delete", document.pk), follow=True)
    assert "it can no longer be changed" in text(response)
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()


# --- Status, withdrawal and appeal --------------------------------------------------------------------


def test_withdraw_before_the_deadline(client, world):
    application = apply(world, 0, world.lots[0])
    login_verified(client, world.reps[0])
    page = text(client.get(url("application", application.pk)))
    assert application.latest.receipt_number in page and url("application-withdraw", application.pk) in page
    response = client.post(url("application-withdraw", application.pk), {"reason": "Серіктес бас тартты"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn" and audit("funding.application_withdraw") == 1


def test_withdraw_after_the_deadline_is_refused(client, world, clock):
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    login_verified(client, world.reps[0])
    assert url("application-withdraw", application.pk) not in text(client.get(url("application", application.pk)))
    response = client.post(url("application-withdraw", application.pk), {"reason": ""})
    assert response.status_code == 409
    assert "The deadline has passed; an application can be withdrawn only before it." in text(response)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_rejection_reasons_and_an_appeal_in_time(client, world, clock):
    a0, _a1 = to_compliance(world, clock)
    services.compliance_decide(actor=world.operator, application=a0, outcome="rejected",
                               checklist={"budget": {"ok": False, "reason": "Смета толық емес."}})
    login_verified(client, world.reps[0])
    page = text(client.get(url("application", a0.pk)))
    assert "Смета толық емес." in page and url("application-appeal", a0.pk) in page

    response = client.post(url("application-appeal", a0.pk), {"grounds": "  "})
    assert response.status_code == 400 and "State the grounds of the appeal." in text(response)
    assert not Appeal.objects.exists()

    response = client.post(url("application-appeal", a0.pk), {"grounds": "Смета толық, 3-бетті қараңыз."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.kind == "compliance" and appeal.grounds == "Смета толық, 3-бетті қараңыз."
    a0.refresh_from_db()
    assert a0.status == "appealed" and audit("funding.appeal_file") == 1


def test_a_late_appeal_is_refused(client, world, clock):
    a0, _a1 = to_compliance(world, clock)
    services.compliance_decide(actor=world.operator, application=a0, outcome="rejected",
                               checklist={"budget": {"ok": False, "reason": "Смета толық емес."}})
    clock.set(dt.date(2026, 7, 20))
    login_verified(client, world.reps[0])
    page = text(client.get(url("application", a0.pk)))
    assert "The time to appeal ended on" in page and url("application-appeal", a0.pk) not in page
    response = client.post(url("application-appeal", a0.pk), {"grounds": "Кеш шағым"})
    assert response.status_code == 400 and "The time to appeal ended on" in text(response)
    assert not Appeal.objects.exists()


def test_scores_and_rank_are_shown_once_decided(client, world, clock):
    a0, _a1 = decided(world, clock)
    login_verified(client, world.reps[0])
    page = text(client.get(url("application", a0.pk)))
    assert "Total score" in page and str(a0.total_score) in page and "Rank in the lot" in page
    assert url("agreement", a0.agreement.pk) in page


# --- Agreement and monitoring -------------------------------------------------------------------------


def test_agreement_page_downloads_and_signs(client, world, clock):
    a0 = decided(world, clock, 1)[0]
    agreement = a0.agreement
    login_verified(client, world.reps[0])
    page = text(client.get(url("agreement", agreement.pk)))
    assert agreement.number in page and url("agreement-pdf", agreement.pk) in page
    assert url("agreement-sign", agreement.pk) in page
    document = client.get(url("agreement-pdf", agreement.pk))
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert document.content.startswith(b"%PDF")
    response = client.post(url("agreement-sign", agreement.pk))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_by_ngo_at is not None and agreement.status == "draft"
    assert audit("funding.agreement_sign") == 1
    response = client.post(url("agreement-sign", agreement.pk))
    assert response.status_code == 409 and "The organisation has already signed." in text(response)
    assert audit("funding.agreement_sign") == 1


def _report_post(due, agreement, *, achieved="130", beneficiaries="640", spent=("1500000", "1400000")):
    lines = list(services.budget_lines(agreement))
    post = {"indicators-rows": "2", "indicators-0-indicator": "оқытылған мұғалімдер", "indicators-0-target": "120",
            "indicators-0-achieved": achieved, "beneficiaries": beneficiaries,
            "narrative": "Тренингтер өтті.", "spending-rows": str(len(lines))}
    for i, (item, amount) in enumerate(zip(lines, spent, strict=True)):
        post[f"spending-{i}-item"] = item
        post[f"spending-{i}-amount"] = amount
    return post


def test_monitoring_report_is_submitted_and_a_returned_note_is_shown(client, world, clock):
    agreement = running_agreement(world, clock)
    due = agreement.schedule.order_by("due_on").first()
    login_verified(client, world.reps[0])
    page = text(client.get(url("monitoring-report", due.pk)))
    assert 'value="оқытылған мұғалімдер"' in page and 'value="Тренерлер"' in page
    assert url("monitoring-report", due.pk) in text(client.get(url("my-applications")))

    response = client.post(url("monitoring-report", due.pk), _report_post(due, agreement))
    assert response.status_code == 302 and response["Location"] == url("agreement", agreement.pk)
    report = MonitoringReport.objects.get()
    assert report.content["beneficiaries"] == 640 and report.content["indicators"][0]["achieved"] == 130
    assert report.content["spending"] == {"Тренерлер": "1500000", "Материалдар": "1400000"}
    assert audit("funding.monitoring_report_submit") == 1

    services.monitoring_report_review(actor=world.operator, report=report, accept=False,
                                      note="Шығыс құжаттарын қосыңыз.")
    page = text(client.get(url("monitoring-report", due.pk)))
    assert "Шығыс құжаттарын қосыңыз." in page and 'value="130"' in page


def test_monitoring_report_bad_input_writes_nothing(client, world, clock):
    agreement = running_agreement(world, clock)
    due = agreement.schedule.order_by("due_on").first()
    login_verified(client, world.reps[0])
    response = client.post(url("monitoring-report", due.pk),
                           _report_post(due, agreement, achieved="көп", beneficiaries="", spent=("1500000", "x")))
    assert response.status_code == 400
    page = text(response)
    assert 'id="e-indicators-0-achieved"' in page and "Enter a whole number." in page
    assert 'id="e-beneficiaries"' in page
    assert "Give the amount in whole tenge, digits only." in page and 'value="көп"' in page
    assert not MonitoringReport.objects.exists() and audit("funding.monitoring_report_submit") == 0


def test_reports_cannot_be_submitted_before_the_agreement_is_signed(client, world, clock):
    agreement = decided(world, clock, 1)[0].agreement
    due = ReportSchedule.objects.filter(agreement=agreement).first()
    login_verified(client, world.reps[0])
    page = text(client.get(url("monitoring-report", due.pk)))
    assert "Reports are submitted once the agreement is signed by both parties." in page
    response = client.post(url("monitoring-report", due.pk), _report_post(due, agreement))
    assert response.status_code == 409 and "Reports are submitted under a running agreement." in text(response)
    assert not MonitoringReport.objects.exists()
