"""The public pages of the competition engine: calls, a call with its lots, criteria, documents and, once
decided, its results with scores and the answers to appeals; funded projects with filters, and a project
with its agreement, tranches and public monitoring summaries. No sign-in, and no personal data: no names
of persons, no IINs, no expert identities, no uploaded documents."""

import datetime as dt

import pytest
from django.urls import reverse

from qogam.funding import services
from qogam.funding.models import Appeal
from tests.funding.stages import (
    decided,
    page_clock,
    running_agreement,
    text,
    to_compliance,
    url,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")


@pytest.fixture
def clock(funding_clock, monkeypatch):
    return page_clock(funding_clock, monkeypatch)


@pytest.fixture
def world(funding_world, clock):
    return funding_world


def has_money(page: str, amount: int) -> bool:
    """The amount as the page's language writes it (grouped by spaces, commas, or not at all)."""
    return any(f"{amount:,}".replace(",", sep) in page for sep in ("\u00a0", ",", " ", ""))


def persons(world) -> list[str]:
    """Names and logins of every person in the world: none may appear on a public page."""
    users = [*world.reps, world.operator, *world.committee, *(e.user for e in world.experts)]
    out = []
    for user in users:
        out += [user.username, user.email]
        out += [name for name in (user.first_name, user.last_name) if name]
    return out


def assert_no_personal_data(world, page: str):
    for value in persons(world):
        assert value not in page, value
    for application in world.call.applications.all():
        for document in application.documents.all():
            assert document.original_name not in page and document.sha256 not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_calls_and_a_call_open_for_anyone_in_each_language(client, world, lang):
    page = text(client.get(url("calls", lang=lang)))
    assert world.call.code in page and url("call", world.call.code, lang=lang) in page
    response = client.get(url("call", world.call.code, lang=lang))
    assert response.status_code == 200
    page = text(response)
    assert "Ауыл мектептерінде сауаттылық төмен." in page  # each lot's published rationale
    assert has_money(page, 5_000_000)
    assert_no_personal_data(world, page)


def test_call_page_shows_lots_criteria_documents_window_and_eligibility(client, world):
    page = text(client.get(url("call", world.call.code)))
    for criterion in world.call.criteria.all():
        assert criterion.name_en in page
    assert ">30<" in page and ">20<" in page  # weights
    for document in world.call.required_documents.all():
        assert document.name in page
    assert "25.06.2026" in page and "01.06.2026" in page
    assert "The project's direction must be one of the directions in the organisation's charter." in page
    assert url("application-start", query=f"?call={world.call.code}") in page


def test_open_calls_come_first_and_drafts_are_not_public(client, world):
    later = services.call_create(actor=world.operator, programme=world.programme, title_kk="Жоба жоспары",
                                 opens_on=dt.date(2026, 9, 1), closes_on=dt.date(2026, 9, 25),
                                 lots=[{"title": "Лот", "direction": "education", "budget": 1_000_000,
                                        "rationale": "Негіздеме"}])
    page = text(client.get(url("calls")))
    assert later.code not in page
    assert client.get(url("call", later.code)).status_code == 404
    services.call_publish(actor=world.operator, call=later)
    page = text(client.get(url("calls")))
    assert page.index(world.call.code) < page.index(later.code)  # open first, then the announced one
    assert client.get(url("call", "GR-1999-999")).status_code == 404


def test_results_with_scores_and_published_appeal_outcomes(client, world, clock):
    a0, a1 = decided(world, clock)
    page = text(client.get(url("call", world.call.code)))
    for application in (a0, a1):
        assert application.reference in page and str(application.total_score) in page
        assert application.organisation.bin in page
    assert has_money(page, 3_000_000)
    assert "Хаттама" not in page  # the minutes are not published, only the date of the decision
    assert_no_personal_data(world, page)


def test_decided_appeals_are_published_without_the_grounds(client, world, clock):
    a0, _a1 = to_compliance(world, clock)
    services.compliance_decide(actor=world.operator, application=a0, outcome="rejected",
                               checklist={"budget": {"ok": False, "reason": "Смета толық емес."}})
    appeal = services.appeal_file(actor=world.reps[0], application=a0, grounds="Біздің дәлелдер құпия.")
    assert "Шағым" not in text(client.get(url("call", world.call.code)))
    services.appeal_decide(actor=world.committee[0], appeal=appeal, grant=False,
                           outcome="Шағым қанағаттандырылмады: смета толық емес.")
    assert Appeal.objects.get().status == "upheld"
    page = text(client.get(url("call", world.call.code)))
    assert "Шағым қанағаттандырылмады: смета толық емес." in page and a0.reference in page
    assert "Біздің дәлелдер құпия." not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_funded_projects_and_a_project_in_each_language(client, world, clock, lang):
    agreement = running_agreement(world, clock)
    response = client.get(url("projects", lang=lang))
    assert response.status_code == 200 and agreement.number in text(response)
    response = client.get(url("project", agreement.number, lang=lang))
    assert response.status_code == 200
    page = text(response)
    assert agreement.application.title in page and agreement.application.organisation.bin in page
    assert_no_personal_data(world, page)


def test_drafts_are_not_funded_projects(client, world, clock):
    agreement = decided(world, clock, 1)[0].agreement
    assert agreement.number not in text(client.get(url("projects")))
    assert client.get(url("project", agreement.number)).status_code == 404


def test_project_filters(client, world, clock):
    agreement = running_agreement(world, clock)
    for query, shown in (("?year=2026", True), ("?year=2025", False), ("?region=750000000", True),
                         ("?region=710000000", False), ("?direction=education", True), ("?direction=youth", False),
                         ("?year=abc&region=xyz", True)):
        page = text(client.get(url("projects", query=query)))
        assert (agreement.number in page) is shown, query


def test_project_shows_tranches_paid_and_accepted_reports_only(client, world, clock):
    agreement = running_agreement(world, clock)
    first = agreement.tranches.order_by("number").first()
    services.tranche_pay(actor=world.operator, tranche=first, paid_on=agreement.start_on)
    first.refresh_from_db()
    due = agreement.schedule.order_by("due_on").first()
    report = services.monitoring_report_submit(actor=world.reps[0], due=due, content={
        "indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "97"}],
        "beneficiaries": "612", "spending": {}, "narrative": "Ішкі есеп мәтіні."})
    page = text(client.get(url("project", agreement.number)))
    assert first.paid_on.strftime("%d.%m.%Y") in page
    assert "No report has been accepted yet." in page and "612" not in page
    services.monitoring_report_review(actor=world.operator, report=report, accept=True)
    page = text(client.get(url("project", agreement.number)))
    assert "612" in page and ">97<" in page and "оқытылған мұғалімдер" in page
    assert "Ішкі есеп мәтіні." not in page  # the narrative is not part of the public summary
    assert_no_personal_data(world, page)


def test_a_terminated_project_shows_its_refund(client, world, clock):
    agreement = running_agreement(world, clock)
    services.tranche_pay(actor=world.operator, tranche=agreement.tranches.order_by("number").first(),
                         paid_on=agreement.start_on)
    services.agreement_terminate(actor=world.operator, agreement=agreement, reason="Қаражат мақсатсыз жұмсалды.",
                                 refund="500000")
    page = text(client.get(url("project", agreement.number)))
    assert "Termination" in page and "Қаражат мақсатсыз жұмсалды." in page
    assert has_money(page, 500_000)


def test_public_pages_need_no_sign_in(client, world):
    for page in (url("calls"), url("call", world.call.code), url("projects")):
        response = client.get(page)
        assert response.status_code == 200 and reverse("accounts:login") not in response.get("Location", "")
