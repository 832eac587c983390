"""Reads of the competition engine, with permission filtering applied here once.

Public selectors read only public fields (ARCHITECTURE "Public data"): organisation names and BINs,
amounts, scores and statuses; never persons, IIN hashes, expert identities or uploaded documents.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)

from qogam.accounts.permissions import has_full_session
from qogam.accounts.selectors import represented_organisation_ids
from qogam.core.errors import NotFound, PermissionDeniedError
from qogam.funding import rules
from qogam.funding.models import (
    Agreement,
    Appeal,
    Application,
    Assignment,
    Call,
    ComplianceCheck,
    MonitoringReport,
    ReportSchedule,
    Tranche,
)
from qogam.funding.permissions import can, can_see_content, expert_of, is_committee_member, is_operator

S = rules.ApplicationStatus
PUBLIC_AGREEMENT_STATUSES = [rules.AgreementStatus.SIGNED, rules.AgreementStatus.ACTIVE,
                             rules.AgreementStatus.COMPLETED, rules.AgreementStatus.TERMINATED,
                             rules.AgreementStatus.CLOSED]
DECIDED = (rules.CallStatus.DECIDED, rules.CallStatus.ARCHIVED)


# --- Public -------------------------------------------------------------------------------------------


def public_calls():
    """Calls the public sees (announced or later; cancelled ones too, with their reason), open first."""
    is_open = Case(When(status=rules.CallStatus.OPEN, then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    return (Call.objects.exclude(status=rules.CallStatus.DRAFT)
            .select_related("programme", "programme__funder_body")
            .annotate(budget=Sum("lots__budget"), is_open=is_open)
            .order_by("-is_open", "-opens_on", "code"))


def public_call(code: str) -> Call:
    call = (Call.objects.filter(code=code).exclude(status=rules.CallStatus.DRAFT)
            .select_related("programme", "programme__funder_body", "decision")
            .prefetch_related("lots__direction", "lots__region", "criteria", "required_documents").first())
    if call is None:
        raise NotFound()
    return call


def call_results(call: Call) -> list[dict]:
    """The ranked results of a decided call, lot by lot, with scores (issue 4: published with scores)."""
    if call.status not in DECIDED:
        return []
    rows = []
    applications = (call.applications.filter(rank__isnull=False).select_related("organisation", "lot")
                    .order_by("lot__number", "rank", "pk"))
    for a in applications:
        rows.append({
            "reference": a.reference, "lot": a.lot.number, "lot_title": a.lot.title, "rank": a.rank,
            "organisation": a.organisation.name_kk or a.organisation.name_ru, "bin": a.organisation.bin,
            "title": a.title, "language": a.language, "total_score": a.total_score,
            "disagreement": bool(a.disagreement), "status": a.status, "status_label": a.get_status_display(),
            "requested_amount": a.requested_amount, "awarded_amount": a.awarded_amount,
        })
    return rows


def public_appeals(call: Call):
    """Decided appeals of a call with the committee's published answers."""
    return (Appeal.objects.filter(application__call=call).exclude(status=rules.AppealStatus.FILED)
            .select_related("application__organisation", "application__call").order_by("decided_at", "pk"))


def paid_amount():
    """The amount paid under each agreement, as a subquery (no GROUP BY over the selected columns)."""
    paid = (Tranche.objects.filter(agreement=OuterRef("pk"), paid_on__isnull=False).order_by()
            .values("agreement").annotate(total=Sum("amount")).values("total"))
    return Subquery(paid, output_field=DecimalField(max_digits=18, decimal_places=0))


def funded_projects(*, year=None, region=None, direction=None):
    """Agreements past the draft, with public fields only."""
    qs = (Agreement.objects.filter(status__in=PUBLIC_AGREEMENT_STATUSES)
          .select_related("application__organisation", "application__call__programme__funder_body",
                          "application__region", "application__direction", "application__lot")
          .defer("application__draft", "application__disagreement")
          .annotate(paid=paid_amount())
          .order_by("-start_on", "number"))
    if year:
        qs = qs.filter(application__call__programme__year=year)
    if region:
        qs = qs.filter(application__region_id=region)
    if direction:
        qs = qs.filter(application__direction_id=direction)
    return qs


def funded_project(number: str) -> Agreement:
    agreement = (funded_projects().filter(number=number)
                 .prefetch_related(Prefetch("tranches", queryset=Tranche.objects.order_by("number"))).first())
    if agreement is None:
        raise NotFound()
    return agreement


def public_reports(agreement: Agreement) -> list[dict]:
    """What the public sees of the monitoring: accepted reports' indicators and beneficiaries."""
    rows = []
    for report in (MonitoringReport.objects.filter(due__agreement=agreement, status=MonitoringReport.Status.ACCEPTED)
                   .select_related("due").order_by("due__due_on", "number")):
        rows.append({"kind": report.due.get_kind_display(), "period_start": report.due.period_start,
                     "period_end": report.due.period_end, "indicators": report.content.get("indicators", []),
                     "beneficiaries": report.content.get("beneficiaries", 0),
                     "achievement": rules.indicator_achievement(
                         [(i["target"], i["achieved"]) for i in report.content.get("indicators", [])])})
    return rows


# --- NGO ----------------------------------------------------------------------------------------------


def represented_organisations(user):
    from qogam.registry.models import Organisation

    if not has_full_session(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=represented_organisation_ids(user)).order_by("name_kk", "name_ru", "pk")


def applications_for(user):
    """The applications of the organisations the user represents."""
    return (Application.objects.filter(organisation__in=represented_organisations(user))
            .select_related("call", "lot", "organisation", "latest").order_by("-created_at", "-pk"))


def application_for(user, pk) -> Application:
    """An application its organisation's representatives, the operator or the call's committee may see."""
    application = (Application.objects.filter(pk=pk)
                   .select_related("call", "lot", "organisation", "latest", "region", "direction").first())
    if application is None:
        raise NotFound()
    if not can(user, "application.view", application):
        raise PermissionDeniedError()
    return application


def agreement_for(user, pk) -> Agreement:
    agreement = (Agreement.objects.filter(pk=pk).select_related("application__organisation", "application__call")
                 .prefetch_related("tranches", "schedule").first())
    if agreement is None:
        raise NotFound()
    if not can(user, "agreement.view", agreement):
        raise PermissionDeniedError()
    return agreement


def due_reports(agreement: Agreement):
    return agreement.schedule.prefetch_related(
        Prefetch("reports", queryset=MonitoringReport.objects.order_by("number"))).order_by("due_on")


# --- Experts ------------------------------------------------------------------------------------------


def assignments_for(user):
    """The expert's assignments, open ones first; none for anyone else."""
    expert = expert_of(user)
    if expert is None:
        return Assignment.objects.none()
    return (Assignment.objects.filter(expert=expert).exclude(status=rules.AssignmentStatus.RECUSED)
            .select_related("application__call", "application__organisation", "application__lot")
            .order_by("status", "due_on", "pk"))


def assignment_for(user, pk) -> Assignment:
    """One of the expert's own assignments (recused ones are gone from view); anything else is not found."""
    assignment = assignments_for(user).filter(pk=pk).first()
    if assignment is None:
        raise NotFound()
    return assignment


def application_for_expert(user, pk) -> tuple[Assignment, dict]:
    """The assignment and the application's submitted content, only after the declaration (issue 4:
    a declaration is required before any content is shown)."""
    assignment = assignment_for(user, pk)
    if not can_see_content(user, assignment):
        raise PermissionDeniedError(code="declaration_required")
    application = assignment.application
    return assignment, (application.latest.content if application.latest else {})


# --- Operator and committee ---------------------------------------------------------------------------


def operator_calls(user):
    if not is_operator(user):
        return Call.objects.none()
    return (Call.objects.select_related("programme").annotate(
        applications_count=Count("applications", filter=~Q(applications__status=S.DRAFT), distinct=True))
        .order_by("-opens_on", "code"))


def compliance_queue(user, call: Call):
    if not is_operator(user):
        raise PermissionDeniedError()
    return (ComplianceCheck.objects.filter(application__call=call)
            .select_related("application__organisation", "application__lot").order_by("outcome", "application_id"))


def call_progress(user, call: Call) -> list[dict]:
    """Per application: experts assigned, declared, scored and recused (no scores before the decision)."""
    if not (is_operator(user) or is_committee_member(user, call)):
        raise PermissionDeniedError()
    rows = []
    for a in (call.applications.exclude(status=S.DRAFT).select_related("organisation", "lot")
              .annotate(**{status: Count("assignments", filter=Q(assignments__status=status))
                           for status in ("assigned", "declared", "scored", "recused")})
              .order_by("lot__number", "pk")):
        rows.append({"application": a, "assigned": a.assigned, "declared": a.declared, "scored": a.scored,
                     "recused": a.recused})
    return rows


def monitoring_list(user):
    if not is_operator(user):
        return Agreement.objects.none()
    return (Agreement.objects.exclude(status=rules.AgreementStatus.DRAFT)
            .select_related("application__organisation")
            .annotate(open_flags=Count("risk_flags", filter=Q(risk_flags__cleared_at__isnull=True), distinct=True),
                      pending=Count("schedule__reports", filter=Q(
                          schedule__reports__status=MonitoringReport.Status.SUBMITTED), distinct=True))
            .order_by("-pending", "-open_flags", "number"))


def reports_due(agreement: Agreement):
    return ReportSchedule.objects.filter(agreement=agreement).order_by("due_on")


def committee_calls(user):
    if not has_full_session(user):
        return Call.objects.none()
    return Call.objects.filter(committee=user).select_related("programme").order_by("-opens_on", "code")


def appeals_for_committee(user):
    if not has_full_session(user):
        return Appeal.objects.none()
    return (Appeal.objects.filter(application__call__committee=user).select_related("application__call",
                                                                                    "application__organisation")
            .order_by("status", "-filed_at"))


# --- Issue 5: effect evaluation, awards, working groups -------------------------------------------------


def effect_results(agreement: Agreement) -> dict | None:
    """The public result of the evaluation of social effect: the mean of each dimension and overall, once
    every expert on it (recusals aside) has scored; None before. Experts are never named."""
    from qogam.funding.models import EffectReview

    reviews = list(EffectReview.objects.filter(agreement=agreement).exclude(status=rules.AssignmentStatus.RECUSED)
                   .values_list("status", "scores"))
    if not reviews or any(status != rules.AssignmentStatus.SCORED for status, _scores in reviews):
        return None
    averages = rules.effect_average([scores for _status, scores in reviews])
    return {"experts": len(reviews), "total": averages["total"],
            "dimensions": [{"code": code, "label": label, "mean": averages[code]}
                           for code, label in rules.EFFECT_DIMENSIONS]}


def effect_reviews_for(user):
    """The evaluations of social effect assigned to the user as an expert."""
    from qogam.funding.models import EffectReview

    expert = expert_of(user)
    if expert is None:
        return EffectReview.objects.none()
    return (EffectReview.objects.filter(expert=expert).select_related("agreement__application__organisation")
            .order_by("status", "due_on", "pk"))


def working_group_calls(user):
    if not has_full_session(user):
        return Call.objects.none()
    return Call.objects.filter(working_group=user).select_related("programme").order_by("-opens_on", "code")


def award_certificate(number: str) -> Agreement:
    """A public award (an agreement of an NGO award past the draft), for its certificate."""
    agreement = funded_projects().filter(number=number, application__call__mechanism="award").first()
    if agreement is None:
        raise NotFound()
    return agreement
