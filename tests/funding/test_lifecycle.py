"""The whole lifecycle of a state grant through the engine's services: plan → call → applications →
compliance → experts → scores → decision → agreement → monitoring → closure; appeals; and the rules
each step enforces, with nothing written when a step is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from qogam.core.errors import Conflict, PermissionDeniedError, ValidationFailed
from qogam.core.models import AuditEntry
from qogam.funding import rules, services
from qogam.funding.models import (
    Agreement,
    Application,
    ApplicationVersion,
    Assignment,
    ComplianceCheck,
    MonitoringReport,
    RiskFlag,
)
from qogam.reporting.models import ActivitySign
from tests.funding.world import Clock, apply, build, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, dt.date(2026, 6, 10))


@pytest.fixture
def world(clock):
    world = build()
    services.call_publish(actor=world.operator, call=world.call)
    world.call.refresh_from_db()
    return world


def test_complete_lifecycle(world, clock, django_capture_on_commit_callbacks):
    call, lot1, lot2 = world.call, *world.lots
    assert call.status == "open"
    world.reps[0].email = "rep0@example.kz"
    world.reps[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        a0 = apply(world, 0, lot1, amount=3_000_000)
    assert [m.to for m in mail.outbox] == [["rep0@example.kz"]]
    assert a0.latest.receipt_number in mail.outbox[0].subject
    a1 = apply(world, 1, lot1, amount=3_000_000, language="ru")
    a2 = apply(world, 2, lot2, amount=2_000_000)
    version = a0.latest
    assert version.receipt_number.startswith("GA-2026-") and len(version.content_hash) == 64
    assert version.content["documents"] and version.content["organisation"] == world.organisations[0].bin

    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=call)
    call.refresh_from_db()
    assert call.status == "compliance"
    # 10 working days from 25 June 2026 (Thursday): 9 July; 6 July (Capital Day) is a holiday.
    assert call.compliance_due_on == dt.date(2026, 7, 10)
    for a in (a0, a1, a2):
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted",
                                   checklist={"documents": {"ok": True}})
    plan = services.evaluation_start(actor=world.operator, call=call)
    assert not plan.unstaffed
    assert Assignment.objects.filter(application__call=call).count() == 9
    loads = sorted(Assignment.objects.filter(application__call=call).values_list("expert_id", flat=True))
    assert max(loads.count(e) for e in set(loads)) - min(loads.count(e) for e in set(loads)) <= 1

    score_all(world, a0, value=9)
    score_all(world, a1, value=7)
    score_all(world, a2, value=6)
    for a in (a0, a1, a2):
        a.refresh_from_db()
        assert a.status == "scored"
    assert a0.total_score == Decimal("9.00")

    decision = services.call_decide(actor=world.committee[0], call=call, minutes="Хаттама №1")
    a0.refresh_from_db(), a1.refresh_from_db(), a2.refresh_from_db()
    # Lot 1 has 5 m: a0 (9.00) takes 3 m, a1 (7.00) asks 3 m and no longer fits.
    assert (a0.status, a0.rank, a0.awarded_amount) == ("funded", 1, Decimal(3_000_000))
    assert (a1.status, a1.rank) == ("not_funded", 2)
    assert a2.status == "funded"
    assert decision.call_id == call.pk

    agreement = a0.agreement
    assert agreement.status == "draft" and agreement.tranches.count() == 1
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "draft"
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert ActivitySign.objects.get(organisation=world.organisations[0], year=agreement.start_on.year).funding_agreement
    services.tranche_pay(actor=world.operator, tranche=agreement.tranches.first())

    final = agreement.schedule.get(kind="final")
    content = {"indicators": [{"indicator": "оқытылған мұғалімдер", "target": "120", "achieved": "118"}],
               "beneficiaries": "640", "spending": {"Тренерлер": "1500000", "Материалдар": "1500000"},
               "narrative": "Барлығы орындалды."}
    report = services.monitoring_report_submit(actor=world.reps[0], due=final, content=content)
    services.monitoring_report_review(actor=world.operator, report=report, accept=False, note="Актілерді қосыңыз")
    with pytest.raises(Conflict):
        services.agreement_complete(actor=world.operator, agreement=agreement)
    second = services.monitoring_report_submit(actor=world.reps[0], due=final, content=content)
    assert (report.number, second.number) == (1, 2)
    report.refresh_from_db()
    assert report.status == "returned" and report.content == second.content
    services.monitoring_report_review(actor=world.operator, report=second, accept=True)
    services.agreement_complete(actor=world.operator, agreement=agreement)
    services.agreement_close(actor=world.operator, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == "closed"

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    for action in ("funding.application_submit", "funding.compliance_decide", "funding.experts_assign",
                   "funding.scores_submit", "funding.call_decide", "funding.agreement_sign",
                   "funding.monitoring_report_review", "funding.agreement_close"):
        assert action in actions


def test_late_submission_refused_with_a_clear_message_and_nothing_written(world, clock):
    application = apply(world, 0, world.lots[0], submit=False)
    clock.set(dt.date(2026, 6, 26))
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=world.reps[0], application=application)
    assert "2026-06-25" in str(exc.value.message) and "Late applications" in str(exc.value.message)
    application.refresh_from_db()
    assert application.status == "draft" and not ApplicationVersion.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_withdraw_only_before_the_deadline(world, clock):
    first = apply(world, 0, world.lots[0])
    services.application_withdraw(actor=world.reps[0], application=first)
    first.refresh_from_db()
    assert first.status == "withdrawn"
    second = apply(world, 0, world.lots[1])
    clock.set(dt.date(2026, 6, 26))
    with pytest.raises(Conflict):
        services.application_withdraw(actor=world.reps[0], application=second)


def test_one_organisation_may_file_several_applications(world):
    apply(world, 0, world.lots[0])
    apply(world, 0, world.lots[1])
    assert Application.objects.filter(organisation=world.organisations[0], status="submitted").count() == 2


def test_stale_edit_is_refused_and_loses_nothing(world):
    from tests.funding.world import application_data

    application = apply(world, 0, world.lots[0], submit=False)
    version = application.version
    services.application_update(actor=world.reps[0], application=application, expected_version=version,
                                title="Бірінші", data=application_data(amount=2_000_000))
    with pytest.raises(Conflict):
        services.application_update(actor=world.reps[0], application=application, expected_version=version,
                                    title="Екінші", data=application_data(amount=1_000_000))
    application.refresh_from_db()
    assert application.title == "Бірінші" and application.requested_amount == 2_000_000


def test_incomplete_application_errors_by_field(world):
    application = services.application_create(actor=world.reps[0], call=world.call, lot=world.lots[0],
                                              organisation=world.organisations[0], language="kk", title="Жоба",
                                              data={"months": "48", "requested_amount": "9000000"})
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=world.reps[0], application=application)
    fields = exc.value.fields
    assert {"summary", "goals", "budget_lines", "months", "documents.project", "documents.budget"} <= set(fields)
    assert not ApplicationVersion.objects.exists()


def test_only_a_representative_applies(world, make_user):
    outsider = world.reps[1]
    with pytest.raises(PermissionDeniedError):
        services.application_create(actor=outsider, call=world.call, lot=world.lots[0],
                                    organisation=world.organisations[0], language="kk", title="x", data={})


def test_automatic_compliance_blocks_admission(world, clock):
    organisation = world.organisations[0]
    organisation.directions.set(["youth"])  # the project's direction is no longer in the charter
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    check = ComplianceCheck.objects.get(application=application)
    assert [a["code"] for a in check.automatic] == ["direction_outside_charter"]
    with pytest.raises(ValidationFailed):
        services.compliance_decide(actor=world.operator, application=application, outcome="admitted", checklist={})
    services.compliance_decide(actor=world.operator, application=application, outcome="rejected", checklist={})
    check.refresh_from_db()
    assert check.outcome == "rejected" and "charter" in check.reasons


def test_annual_report_required_for_organisations_registered_before_the_last_closed_year(world, clock):
    organisation = world.organisations[0]
    organisation.registered_on = dt.date(2020, 1, 1)
    organisation.save()
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    check = ComplianceCheck.objects.get(application=application)
    assert [a["code"] for a in check.automatic] == ["annual_report_missing"]
    assert "2025" in check.automatic[0]["message"]


def _to_evaluation(world, clock, applications):
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    for a in applications:
        services.compliance_decide(actor=world.operator, application=a, outcome="admitted", checklist={})
    services.evaluation_start(actor=world.operator, call=world.call)


def test_conflicted_expert_is_never_assigned(world, clock):
    from qogam.core.personal import iin_hash
    from qogam.registry.models import Founder

    expert = world.experts[0]
    Founder.objects.create(organisation=world.organisations[0], kind="individual", full_name="X",
                           iin_hash=expert.iin_hash)
    assert iin_hash  # the expert's IIN is stored only as this keyed hash
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    assigned = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    assert expert.pk not in assigned and len(assigned) == 3


def test_declaration_required_before_content_and_recusal_reassigns(world, clock):
    from qogam.accounts.permissions import mark_otp_verified
    from qogam.funding import selectors

    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    assignment = Assignment.objects.filter(application=application).order_by("pk").first()
    user = mark_otp_verified(assignment.expert.user)
    with pytest.raises(PermissionDeniedError):
        selectors.application_for_expert(user, assignment.pk)
    services.assignment_declare(actor=user, assignment=assignment, no_conflict=False, text="Мен бұрын осында жұмыс істедім")
    assignment.refresh_from_db()
    assert assignment.status == "recused"
    open_ = Assignment.objects.filter(application=application).exclude(status="recused")
    assert open_.count() == 3 and assignment.expert_id not in set(open_.values_list("expert_id", flat=True))


def test_other_expert_cannot_score(world, clock):
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    assigned = set(Assignment.objects.filter(application=application).values_list("expert_id", flat=True))
    outsider = next(e for e in world.experts if e.pk not in assigned)
    from qogam.accounts.permissions import mark_otp_verified

    with pytest.raises(PermissionDeniedError):
        services.assignment_declare(actor=mark_otp_verified(outsider.user),
                                    assignment=Assignment.objects.filter(application=application).first(),
                                    no_conflict=True)


def test_score_needs_justification_and_scale(world, clock):
    from qogam.accounts.permissions import mark_otp_verified

    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    assignment = Assignment.objects.filter(application=application).first()
    user = mark_otp_verified(assignment.expert.user)
    services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
    scores = {c.code: {"value": "8", "justification": "Жақсы"} for c in world.call.criteria.all()}
    scores["relevance"] = {"value": "11", "justification": "Өте өзекті жоба, себебі мұғалімдер жетіспейді."}
    with pytest.raises(ValidationFailed) as exc:
        services.scores_submit(actor=user, assignment=assignment, scores=scores)
    assert "relevance.value" in exc.value.fields and "feasibility.justification" in exc.value.fields
    assignment.refresh_from_db()
    assert assignment.status == "declared" and not assignment.scores.exists()


def test_disagreement_flagged(world, clock):
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    from qogam.accounts.permissions import mark_otp_verified

    for value, assignment in zip((2, 8, 8), Assignment.objects.filter(application=application).order_by("pk"),
                                 strict=True):
        user = mark_otp_verified(assignment.expert.user)
        services.assignment_declare(actor=user, assignment=assignment, no_conflict=True)
        services.scores_submit(actor=user, assignment=assignment, scores={
            c.code: {"value": str(value), "justification": "Негіздеме жеткілікті ұзын мәтін."}
            for c in world.call.criteria.all()})
    application.refresh_from_db()
    assert application.status == "scored" and application.total_score == Decimal("6.00")
    assert application.disagreement == ["cost", "feasibility", "innovation", "relevance"]


def test_appeal_of_a_rejection_within_five_working_days(world, clock):
    application = apply(world, 0, world.lots[0])
    clock.set(dt.date(2026, 6, 26))
    services.call_close(actor=world.operator, call=world.call)
    services.compliance_decide(actor=world.operator, application=application, outcome="rejected",
                               checklist={"budget": {"ok": False, "reason": "Смета толық емес"}})
    decided = ComplianceCheck.objects.get(application=application).checked_at
    assert decided is not None
    # Decision on Friday 26 June 2026: 5 working days → Friday 3 July; Monday 6 July (Capital Day) is late.
    clock.set(dt.date(2026, 7, 6))
    with pytest.raises(ValidationFailed) as exc:
        services.appeal_file(actor=world.reps[0], application=application, grounds="Смета толық берілген")
    assert "2026-07-03" in str(exc.value.message)
    clock.set(dt.date(2026, 7, 3))
    appeal = services.appeal_file(actor=world.reps[0], application=application, grounds="Смета толық берілген")
    services.appeal_decide(actor=world.committee[0], appeal=appeal, grant=True, outcome="Смета толық, қабылданды.")
    application.refresh_from_db()
    assert application.status == "admitted"


def test_terminate_with_refund_at_most_paid(world, clock):
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    score_all(world, application)
    services.call_decide(actor=world.committee[1], call=world.call, minutes="Хаттама")
    agreement = Agreement.objects.get(application=application)
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    services.tranche_pay(actor=world.operator, tranche=agreement.tranches.first())
    with pytest.raises(ValidationFailed):
        services.agreement_terminate(actor=world.operator, agreement=agreement, reason="Бұзушылық",
                                     refund=agreement.amount + 1)
    services.agreement_terminate(actor=world.operator, agreement=agreement, reason="Бұзушылық", refund=1_000_000)
    agreement.refresh_from_db()
    assert agreement.status == "terminated" and agreement.refund_amount == 1_000_000


def test_overspending_raises_a_risk_flag(world, clock):
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    score_all(world, application)
    services.call_decide(actor=world.committee[1], call=world.call, minutes="Хаттама")
    agreement = Agreement.objects.get(application=application)
    clock.set(agreement.start_on)
    services.agreement_sign(actor=world.reps[0], agreement=agreement)
    services.agreement_sign(actor=world.operator, agreement=agreement)
    report = services.monitoring_report_submit(
        actor=world.reps[0], due=agreement.schedule.first(),
        content={"indicators": [{"indicator": "x", "target": "10", "achieved": "5"}], "beneficiaries": "10",
                 "spending": {"Тренерлер": "2500000"}})
    assert {w["code"] for w in report.warnings} == {"line_overspent"}
    assert RiskFlag.objects.filter(agreement=agreement, code="overspent").exists()
    assert MonitoringReport.objects.count() == 1


def test_committee_only_decides(world, clock):
    application = apply(world, 0, world.lots[0])
    _to_evaluation(world, clock, [application])
    score_all(world, application)
    with pytest.raises(PermissionDeniedError):
        services.call_decide(actor=world.operator, call=world.call, minutes="x")
    assert world.call.applications.get().status == "scored"
    assert rules.can_transition("call", "evaluation", "decided")
