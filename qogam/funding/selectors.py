"""Reads of the competition engine, with permission filtering applied here once.

Public selectors read only public fields (ARCHITECTURE "Public data"): organisation names and BINs,
amounts, scores and statuses; never persons, IIN hashes, expert identities or uploaded documents.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
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
    Programme,
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
            .prefetch_related("lots__direction", "lots__region", "lots__topic", "criteria", "required_documents").first())
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


def managed(user, prefix: str = "", body: str | None = None) -> Q | None:
    """The calls `user` runs, as a filter on `<prefix>mechanism` and `<prefix>programme__funder_body`:
    operators the operator-run mechanisms, a customer body's officials their body's customer-run ones,
    administrators all (issue 5). None: nothing."""
    from qogam.funding.mechanisms import all_mechanisms
    from qogam.funding.permissions import is_admin, is_customer_official

    if is_admin(user):
        return Q()
    run_by = {code: spec.managed_by for code, spec in all_mechanisms().items()}
    if is_operator(user):
        return Q(**{f"{prefix}mechanism__in": [c for c, who in run_by.items() if who == "operator"]})
    if is_customer_official(user):
        return Q(**{f"{prefix}mechanism__in": [c for c, who in run_by.items() if who == "customer"],
                    (body or f"{prefix}programme__funder_body_id"): user.state_body_id})
    return None


def managed_programmes(user):
    from qogam.funding.models import Programme

    found = managed(user, body="funder_body_id")
    return Programme.objects.none() if found is None else Programme.objects.filter(found)


def operator_calls(user):
    found = managed(user)
    if found is None:
        return Call.objects.none()
    return (Call.objects.filter(found).select_related("programme").annotate(
        applications_count=Count("applications", filter=~Q(applications__status=S.DRAFT), distinct=True))
        .order_by("-opens_on", "code"))


def compliance_queue(user, call: Call):
    if not can(user, "call.manage", call):
        raise PermissionDeniedError()
    return (ComplianceCheck.objects.filter(application__call=call)
            .select_related("application__organisation", "application__lot").order_by("outcome", "application_id"))


def call_progress(user, call: Call) -> list[dict]:
    """Per application: experts assigned, declared, scored and recused (no scores before the decision)."""
    if not (can(user, "call.manage", call) or is_committee_member(user, call)):
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
    found = managed(user, "application__call__")
    if found is None:
        return Agreement.objects.none()
    return (Agreement.objects.filter(found).exclude(status=rules.AgreementStatus.DRAFT)
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


# --- Transparency (issue 5): per body, per organisation, where the money went ---------------------------

BUDGET_LEVELS = ("republican", "local", "non_state")


def public_agreements():
    """Agreements in a public status, every mechanism; public fields only."""
    return Agreement.objects.filter(status__in=PUBLIC_AGREEMENT_STATUSES)


def _budget_level_expression():
    level = "application__call__programme__funder_body__level"
    return Case(When(**{f"{level}__isnull": True}, then=Value("non_state")),
                When(**{f"{level}__in": ["central", "quasi_public"]}, then=Value("republican")),
                default=Value("local"), output_field=CharField())


def money_totals(*, year=None, mechanism=None) -> dict[str, list[dict]]:
    """Where the money went: the amount and number of public agreements by mechanism, year, region (of the
    project), direction and budget (republican, local or non-state), aggregated in the database."""
    qs = public_agreements()
    if year:
        qs = qs.filter(application__call__programme__year=year)
    if mechanism:
        qs = qs.filter(application__call__mechanism=mechanism)
    groupings = {
        "mechanism": "application__call__mechanism",
        "year": "application__call__programme__year",
        "region": "application__region_id",
        "direction": "application__direction_id",
    }
    out = {}
    for name, field in groupings.items():
        rows = qs.values(key=F(field)).annotate(amount=Sum("amount"), count=Count("pk")).order_by("key")
        out[name] = [{"key": r["key"], "amount": r["amount"] or 0, "count": r["count"]} for r in rows]
    rows = (qs.annotate(level=_budget_level_expression()).values("level")
            .annotate(amount=Sum("amount"), count=Count("pk")).order_by("level"))
    out["budget"] = [{"key": r["level"], "amount": r["amount"] or 0, "count": r["count"]} for r in rows]
    return out


def funding_bodies():
    """State bodies that fund under any mechanism, with their public totals."""
    from qogam.registry.models import StateBody

    agreements = Q(programmes__calls__applications__agreement__status__in=PUBLIC_AGREEMENT_STATUSES)
    return (StateBody.objects.filter(programmes__isnull=False).distinct()
            .annotate(amount=Sum("programmes__calls__applications__agreement__amount", filter=agreements),
                      contracts=Count("programmes__calls__applications__agreement", filter=agreements, distinct=True))
            .order_by("-amount", "name_ru"))


def body_programmes(body):
    return (Programme.objects.filter(funder_body=body).prefetch_related("calls__lots__topic")
            .order_by("-year", "id"))


def body_agreements(body):
    return (public_agreements().filter(application__call__programme__funder_body=body)
            .select_related("application__organisation", "application__call", "application__lot")
            .order_by("-start_on", "number"))


def organisation_wins(organisation):
    """Everything an organisation won, under every mechanism (public agreements)."""
    return (public_agreements().filter(application__organisation=organisation)
            .select_related("application__call__programme__funder_body", "application__lot")
            .order_by("-start_on", "number"))


# --- Topics of the state social order (issue 5) --------------------------------------------------------


def public_topics(*, status=None, body=None, direction=None, region=None):
    """Topics with their support and comment counts; proposers are never read."""
    from qogam.funding.models import Topic

    qs = (Topic.objects.select_related("body", "direction", "region")
          .annotate(support_count=Count("supports", distinct=True), comment_count=Count("comments", distinct=True))
          .order_by("-proposed_at", "-pk"))
    if status:
        qs = qs.filter(status=status)
    if body:
        qs = qs.filter(body_id=body)
    if direction:
        qs = qs.filter(direction_id=direction)
    if region:
        qs = qs.filter(region_id=region)
    return qs


def public_topic(pk) -> object:
    topic = public_topics().filter(pk=pk).first()
    if topic is None:
        raise NotFound()
    return topic


def topic_comments(topic) -> list[dict]:
    """The discussion, each author shown as first name and surname initial only (no other personal data)."""
    from qogam.funding.models import TopicComment

    rows = []
    for comment in TopicComment.objects.filter(topic=topic).select_related("author").order_by("created_at", "pk"):
        author = comment.author
        first = (author.first_name or "").strip() if author else ""
        last = (author.last_name or "").strip() if author else ""
        name = f"{first} {last[:1]}.".strip() if first and last else (first or "—")
        rows.append({"author": name, "text": comment.text, "created_at": comment.created_at})
    return rows


def topics_for_body(user):
    """The topics addressed to the official's body."""
    from qogam.funding.models import Topic
    from qogam.funding.permissions import is_customer_official

    if not is_customer_official(user):
        return Topic.objects.none()
    return public_topics(body=user.state_body_id)
