"""Pages for the grant operator (DOMAIN §1, §4.2): grant programmes, calls and their transitions, the
compliance check (10 working days), the start of the expert evaluation, the expert pool, the progress
of the experts (counts only), agreements, tranches and monitoring; the CSV of a call's applications;
and the agreement PDF for everyone allowed to see the agreement.

Thin: parse the request, call one service or selector, render. Domain errors are shown beside the
fields they name and the input is kept; nothing is written when a service refuses.
"""

from __future__ import annotations

import csv
import io
import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qogam.accounts.models import Role, User
from qogam.core import config
from qogam.core.calendar import WorkingCalendar
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.models import Direction, Region
from qogam.funding import pdf, rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid, obj_or_404, posted_rows
from qogam.funding.mechanisms import MECHANISMS, mechanism
from qogam.funding.models import (
    MECHANISM_CHOICES,
    Agreement,
    Application,
    Assignment,
    Call,
    ComplianceCheck,
    Expert,
    MonitoringReport,
    Programme,
    RiskFlag,
    SiteVisitPhoto,
    Tranche,
)
from qogam.funding.permissions import is_customer_official, is_operator, manages
from qogam.registry.models import StateBody

C = rules.CallStatus
S = rules.ApplicationStatus
G = rules.AgreementStatus
_FORMULA = re.compile(r"^[=+\-@\t\r]")

# The operator's compliance checklist (DOMAIN §4.2: "form and plan compliance").
CHECKLIST = (
    ("form", gettext_lazy("The application form is complete, in Kazakh or Russian")),
    ("documents", gettext_lazy("The mandatory documents are attached and readable")),
    ("budget", gettext_lazy("The budget lines add up to the requested amount, within the lot's budget")),
    ("plan", gettext_lazy("The project fits the lot's direction and region in the grant plan")),
    ("duration", gettext_lazy("The project lasts from one to three years, within the lot's limit")),
)

RISK_CODES = (
    ("misuse", gettext_lazy("suspected misuse of funds")),
    ("late_report", gettext_lazy("late report")),
    ("overspent", gettext_lazy("spending over the budget")),
    ("low_achievement", gettext_lazy("indicators far below their targets")),
    ("delays", gettext_lazy("activities behind schedule")),
    ("other", gettext_lazy("other risk")),
)
RISK_LABELS = dict(RISK_CODES)
MONTH_CHOICES = (12, 18, 24, 30, 36)


def _input_rows(rows: list[dict], blank: dict, *, errors: Errors | None = None, name: str = "", extra: int = 1,
                minimum: int = 1) -> list[dict]:
    """Rows for a table of inputs: the filled ones with their errors, then `extra` blank ones."""
    out = [{**row, "errors": errors.row(name, i) if errors else {}} for i, row in enumerate(rows)]
    while len(out) < max(len(rows) + extra, minimum):
        out.append({**blank, "errors": {}})
    return out


def operator_required(view):
    """Signed in (else the sign-in page), and someone who runs calls with a verified second factor (else
    403): the grant operator's staff, or the officials of a customer body for their body's state social
    order and strategic partnerships (issue 5). Each object is checked again (`_managed`)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not manages(request.user):
            raise PermissionDenied(_("Only the grant operator's staff or a customer body's officials can open this "
                                     "page."))
        return view(request, *args, **kwargs)

    return wrapper


def _managed(request, obj):
    """`obj` if the user runs its call; 404 otherwise (another body's call is not shown to exist)."""
    if not manages(request.user, obj):
        raise Http404(_("Not found."))
    return obj


def _render(request, template, context, status=200):
    return render(request, f"funding/operator/{template}", context, status=status)


def _calendar_state(today, due_on, done: bool) -> dict:
    """Days left to a working-day deadline, and whether it is overdue."""
    if due_on is None:
        return {"due_on": None, "overdue": False, "days_left": None}
    overdue = not done and rules.is_overdue(today, due_on)
    days_left = None if done or overdue else WorkingCalendar.load().working_days_between(today, due_on)
    return {"due_on": due_on, "overdue": overdue, "days_left": days_left}


def _directions():
    return list(Direction.objects.order_by("code"))


def _regions():
    return list(Region.objects.order_by("-kind", "name_en"))


# --- Home ---------------------------------------------------------------------------------------------


@operator_required
def home(request):
    calls = selectors.operator_calls(request.user)
    by_status = {row["status"]: row["n"] for row in calls.order_by().values("status")
                 .annotate(n=Count("pk", distinct=True))}
    monitored = selectors.monitoring_list(request.user)
    return _render(request, "home.html", {
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in Call._meta.get_field("status").choices],
        "pending_reports": sum(a.pending for a in monitored),
        "open_flags": sum(a.open_flags for a in monitored),
        "drafts": Agreement.objects.filter(selectors.managed(request.user, "application__call__"),
                                           status=G.DRAFT).count(),
    })


# --- Programmes ---------------------------------------------------------------------------------------


def _funder_bodies():
    return list(StateBody.objects.filter(kind__in=[StateBody.Kind.MINISTRY, StateBody.Kind.AKIMAT,
                                                   StateBody.Kind.COMMITTEE])
                .order_by("kind", "name_ru", "pk"))


@operator_required
def programmes(request):
    rows = (selectors.managed_programmes(request.user).select_related("funder_body").prefetch_related("directions")
            .annotate(calls_count=Count("calls")).order_by("-year", "pk"))
    return _render(request, "programmes.html", {"programmes": rows})


PROGRAMME_FIELDS = ("mechanism", "year", "title_kk", "title_ru", "budget", "funder_kind", "funder_body",
                    "funder_name", "funder_bin", "directions", "regions")


@operator_required
def programme_create(request):
    data = {"mechanism": (_mechanisms(request.user) or [("grant", "")])[0][0], "year": str(almaty_today().year),
            "directions": [], "regions": [], "funder_body": str(request.user.state_body_id or "")}
    errors, status = Errors(), 200
    if request.method == "POST":
        post = request.POST
        data = {key: (post.get(key) or "").strip() for key in PROGRAMME_FIELDS if key not in ("directions", "regions")}
        data["directions"], data["regions"] = post.getlist("directions"), post.getlist("regions")
        body = StateBody.objects.filter(pk=data["funder_body"]).first() if data["funder_body"].isdigit() else None
        programme, exc, status = attempt(
            services.programme_create, actor=request.user, mechanism=data["mechanism"], year=data["year"],
            title_kk=data["title_kk"], title_ru=data["title_ru"], budget=data["budget"],
            funder_kind=data["funder_kind"], funder_body=body, funder_name=data["funder_name"],
            funder_bin=data["funder_bin"], directions=data["directions"], regions=data["regions"])
        if exc is None:
            messages.success(request, _("The programme is created. Announce its calls from here."))
            return redirect(f"{reverse('funding:operator-call-create')}?programme={programme.pk}")
        errors = Errors(exc, shown=PROGRAMME_FIELDS)
    bodies = _funder_bodies()
    if is_customer_official(request.user) and not is_operator(request.user):
        bodies = list(StateBody.objects.filter(pk=request.user.state_body_id))
    return _render(request, "programme_form.html", {
        "data": data, "errors": errors, "mechanisms": _mechanisms(request.user),
        "funder_kinds": Programme.FunderKind.choices, "bodies": bodies, "directions": _directions(),
        "regions": _regions(),
    }, status=status)


def _mechanisms(user):
    """The mechanisms the user runs (`qogam.funding.mechanisms`): the operator's, or a customer body's."""
    mechanism("grant")
    return [(code, label) for code, label in MECHANISM_CHOICES
            if code in MECHANISMS and manages(user, _Probe(code, getattr(user, "state_body_id", None)))]


class _Probe:
    def __init__(self, mechanism_code, body_id):
        self.mechanism, self.funder_body_id = mechanism_code, body_id


# --- Calls --------------------------------------------------------------------------------------------


@operator_required
def calls(request):
    return _render(request, "calls.html", {"calls": selectors.operator_calls(request.user)})


CALL_FIELDS = ("programme", "title_kk", "title_ru", "description", "opens_on", "closes_on", "scale_min",
               "scale_max", "price_floor", "committee", "working_group", "lots", "criteria", "documents")
LOT_PARTS = ("title", "direction", "region", "budget", "rationale", "max_months", "terms_of_reference", "topic",
             "unit_amount")
CRITERION_PARTS = ("code", "name_kk", "name_ru", "name_en", "weight")
DOCUMENT_PARTS = ("code", "name", "mandatory")


def _criteria_defaults(code: str = "grant") -> list[dict]:
    return [{"code": c.code, "name_kk": c.name_kk, "name_ru": c.name_ru, "name_en": c.name_en,
             "weight": str(c.weight.normalize() if c.weight == c.weight.to_integral() else c.weight)}
            for c in mechanism(code).criteria]


def _documents_defaults(code: str = "grant") -> list[dict]:
    return [{"code": d.code, "name": d.name, "mandatory": d.mandatory} for d in mechanism(code).documents]


def _as_int(value: str):
    """An integer where the text is one; the text as typed otherwise (the service explains)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _document_codes(rows: list[dict]) -> list[dict]:
    """Each document row keeps its code; new or repeated ones get a code from their position."""
    seen, out = set(), []
    for i, row in enumerate(rows):
        code = re.sub(r"[^a-z0-9_-]", "", row.get("code", "").lower())[:40]
        if not code or code in seen:
            code = f"document-{i + 1}"
        seen.add(code)
        out.append({**row, "code": code})
    return out


def _committee_candidates(role=Role.COMMITTEE):
    return list(User.objects.filter(role=role, is_active=True).order_by("last_name", "first_name", "username"))


def _programme_of(request, value):
    return selectors.managed_programmes(request.user).filter(pk=value).first() if str(value).isdigit() else None


def _call_form_context(request, data, errors):
    from qogam.funding.models import Topic

    programme = _programme_of(request, data["programme"])
    spec = mechanism(programme.mechanism) if programme else None
    topics = (list(Topic.objects.filter(body_id=programme.funder_body_id, status=rules.TopicStatus.ACCEPTED)
                   .order_by("-decided_at")) if programme and programme.funder_body_id else [])
    return {
        "data": data, "errors": errors, "spec": spec, "programme": programme, "topics": topics,
        "programmes": list(selectors.managed_programmes(request.user).order_by("-year", "pk")),
        "directions": _directions(), "regions": _regions(),
        "months": [m for m in MONTH_CHOICES if spec is None or spec.month_range is None
                   or spec.month_range[0] <= m <= spec.month_range[1]] or [36],
        "candidates": _committee_candidates(), "group_candidates": _committee_candidates(Role.WORKING_GROUP),
        "lots": _input_rows(data["lots"], dict.fromkeys(LOT_PARTS, ""), errors=errors, name="lots"),
        "criteria": _input_rows(data["criteria"], dict.fromkeys(CRITERION_PARTS, ""), errors=errors,
                               name="criteria", extra=0),
        "documents": _input_rows(data["documents"], {"code": "", "name": "", "mandatory": True}, errors=errors,
                                name="documents"),
        "window": (config.get("funding.window_min_days"), config.get("funding.window_max_days")),
        "floor": ({"share": f"{spec.default_price_floor:.2f}", "percent": rules.percent_below(spec.default_price_floor)}
                  if spec is not None and spec.default_price_floor is not None else None),
    }


@operator_required
def call_create(request):
    errors, status = Errors(), 200
    if request.method != "POST":
        programme = _programme_of(request, request.GET.get("programme", ""))
        code = programme.mechanism if programme else "grant"
        floor = mechanism(code).default_price_floor
        data = {"programme": str(programme.pk) if programme else "", "title_kk": "", "title_ru": "",
                "description": "", "opens_on": "", "closes_on": "", "scale_min": "0", "scale_max": "10",
                "price_floor": f"{floor:.2f}" if floor is not None else "", "committee": [], "working_group": [],
                "lots": [], "criteria": _criteria_defaults(code), "documents": _documents_defaults(code)}
        return _render(request, "call_form.html", _call_form_context(request, data, errors))
    post = request.POST
    data = {key: (post.get(key) or "").strip() for key in CALL_FIELDS[:9]}
    data["committee"] = [v for v in post.getlist("committee") if v.isdigit()]
    data["working_group"] = [v for v in post.getlist("working_group") if v.isdigit()]
    data["lots"] = posted_rows(post, "lots", LOT_PARTS)
    data["criteria"] = posted_rows(post, "criteria", CRITERION_PARTS)
    data["documents"] = _document_codes(posted_rows(post, "documents", DOCUMENT_PARTS, checkboxes=("mandatory",)))
    action = post.get("action", "")
    if action.startswith("add-"):
        context = _call_form_context(request, data, errors)
        key = action[4:]
        if key in ("lots", "criteria", "documents"):
            blank = {"code": "", "name": "", "mandatory": True} if key == "documents" else dict.fromkeys(
                LOT_PARTS if key == "lots" else CRITERION_PARTS, "")
            context[key].append({**blank, "errors": {}})
        context["focus"] = key
        return _render(request, "call_form.html", context)
    programme = _programme_of(request, data["programme"])
    if programme is None:
        exc, status = invalid("programme", _("Choose the grant programme of the call.")), 400
    else:
        lots = [{**row, "region": row["region"] or None, "topic": row["topic"] or None,
                 "unit_amount": row["unit_amount"] or None,
                 "max_months": int(row["max_months"]) if row["max_months"].isdigit() else None} for row in data["lots"]]
        call, exc, status = attempt(
            services.call_create, actor=request.user, programme=programme, title_kk=data["title_kk"],
            title_ru=data["title_ru"], description=data["description"], opens_on=data["opens_on"],
            closes_on=data["closes_on"], lots=lots, criteria=data["criteria"], documents=data["documents"],
            committee=list(User.objects.filter(pk__in=data["committee"]).order_by("pk")),
            working_group=list(User.objects.filter(pk__in=data["working_group"]).order_by("pk")),
            price_floor=data["price_floor"] or None,
            scale_min=_as_int(data["scale_min"]), scale_max=_as_int(data["scale_max"]))
        if exc is None:
            messages.success(request, _("Call %(code)s is created as a draft. Publish it when it is ready.")
                             % {"code": call.code})
            return redirect("funding:operator-call", pk=call.pk)
    errors = Errors(exc, shown=CALL_FIELDS, rows=("lots", "criteria", "documents"))
    return _render(request, "call_form.html", _call_form_context(request, data, errors), status=status)


CALL_ACTIONS = {
    "publish": services.call_publish,
    "open": services.call_open,
    "close": services.call_close,
    "cancel": services.call_cancel,
}


def _call_actions(call: Call) -> list[str]:
    """The transitions the operator may try from the call's status; the services check dates."""
    out = []
    if call.status == C.DRAFT:
        out.append("publish")
    if call.status == C.PUBLISHED:
        out.append("open")
    if call.status == C.OPEN:
        out.append("close")
    if rules.can_transition("call", call.status, C.CANCELLED):
        out.append("cancel")
    return out


def _call_page(request, call, *, errors=None, reason="", status=200):
    call = (Call.objects.select_related("programme", "programme__funder_body")
            .prefetch_related("lots__direction", "lots__region", "criteria", "required_documents", "committee")
            .get(pk=call.pk))
    counts = dict(call.applications.order_by().values_list("status").annotate(n=Count("pk")))
    return _render(request, "call_detail.html", {
        "call": call, "actions": _call_actions(call), "errors": errors or Errors(), "reason": reason,
        "counts": [(label, counts.get(value, 0)) for value, label in Application._meta.get_field("status").choices
                   if counts.get(value)],
        "agreements": Agreement.objects.filter(application__call=call).select_related("application__organisation")
                      .order_by("number"),
        "lots_total": sum(lot.budget for lot in call.lots.all()),
        "stage": {"compliance": call.status in (C.COMPLIANCE, C.EVALUATION, C.DECIDED, C.ARCHIVED),
                  "evaluation": call.status in (C.COMPLIANCE, C.EVALUATION, C.DECIDED, C.ARCHIVED),
                  "progress": call.status in (C.EVALUATION, C.DECIDED, C.ARCHIVED)},
    }, status=status)


@operator_required
def call_detail(request, pk):
    return _call_page(request, _managed(request, obj_or_404(Call.objects, pk)))


@operator_required
@require_POST
def call_action(request, pk, action):
    call = _managed(request, obj_or_404(Call.objects, pk))
    service = CALL_ACTIONS.get(action)
    if service is None:
        raise Http404(_("Not found."))
    kwargs = {"actor": request.user, "call": call}
    reason = (request.POST.get("reason") or "").strip()
    if action == "cancel":
        kwargs["reason"] = reason
    done, exc, status = attempt(service, **kwargs)
    if exc is not None:
        return _call_page(request, call, errors=Errors(exc, shown=("reason",)), reason=reason, status=status)
    messages.success(request, _("Call %(code)s: %(status)s.") % {"code": done.code, "status": done.get_status_display()})
    return redirect("funding:operator-call", pk=call.pk)


# --- CSV export of a call's applications (no personal data) -------------------------------------------

CSV_COLUMNS = ("reference", "call", "lot", "lot_title", "organisation", "bin", "region_kato", "region", "direction",
               "language", "title", "requested_amount_kzt", "months", "status", "submitted_at", "compliance",
               "total_score", "rank", "awarded_amount_kzt")


def _cell(value):
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


@operator_required
def call_csv(request, pk):
    call = _managed(request, obj_or_404(Call.objects, pk))
    decided = call.status in (C.DECIDED, C.ARCHIVED)
    rows = (call.applications.exclude(status=S.DRAFT)
            .select_related("organisation", "lot", "region", "direction", "compliance")
            .order_by("lot__number", "pk"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for a in rows:
        compliance = getattr(a, "compliance", None)
        writer.writerow([_cell(v) for v in (
            a.reference, call.code, a.lot.number, a.lot.title, a.organisation.name_kk or a.organisation.name_ru,
            a.organisation.bin, a.region_id, a.region.name_en or a.region.name_ru, a.direction_id, a.language, a.title,
            int(a.requested_amount), a.months, a.status, a.submitted_at.isoformat() if a.submitted_at else "",
            compliance.outcome if compliance else "",
            a.total_score if decided and a.total_score is not None else "",
            a.rank if decided and a.rank is not None else "",
            int(a.awarded_amount) if decided and a.awarded_amount is not None else "",
        )])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qogam-{call.code}-applications.csv"'
    return response


# --- Compliance check ---------------------------------------------------------------------------------


@operator_required
def compliance(request, pk):
    call = _managed(request, obj_or_404(Call.objects, pk))
    today = almaty_today()
    rows = [{"check": check, "application": check.application,
             **_calendar_state(today, check.due_on, bool(check.outcome))}
            for check in selectors.compliance_queue(request.user, call)]
    return _render(request, "compliance.html", {
        "call": call, "rows": rows, "undecided": sum(1 for r in rows if not r["check"].outcome),
        "overdue": sum(1 for r in rows if r["overdue"]), "today": today,
        "deadline": _calendar_state(today, call.compliance_due_on, not any(not r["check"].outcome for r in rows)),
    })


def _application(request, pk) -> Application:
    try:
        return _managed(request, selectors.application_for(request.user, pk))
    except NotFound:
        raise Http404(_("Not found.")) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None


@operator_required
def compliance_decide(request, pk):
    application = _application(request, pk)
    check = ComplianceCheck.objects.filter(application=application).first()
    if check is None:
        raise Http404(_("This application has no compliance check: it was not submitted to a closed call."))
    data = {"outcome": "", "reasons": "",
            "items": {code: {"ok": True, "reason": ""} for code, _label in CHECKLIST}}
    errors, status = Errors(), 200
    if request.method == "POST":
        post = request.POST
        data = {"outcome": post.get("outcome", ""), "reasons": (post.get("reasons") or "").strip(),
                "items": {code: {"ok": post.get(f"item-{code}-ok") == "on",
                                 "reason": (post.get(f"item-{code}-reason") or "").strip()}
                          for code, _label in CHECKLIST}}
        _done, exc, status = attempt(services.compliance_decide, actor=request.user, application=application,
                                     checklist=data["items"], outcome=data["outcome"], reasons=data["reasons"])
        if exc is None:
            messages.success(request, _("%(reference)s: %(outcome)s.") % {
                "reference": application.reference, "outcome": _("admitted") if data["outcome"] == "admitted"
                else _("rejected; the reasons are sent to the applicant")})
            return redirect("funding:operator-compliance", pk=application.call_id)
        errors = Errors(exc, shown=("outcome", "reasons", *(f"checklist.{code}" for code, _l in CHECKLIST)))
    items = [{"code": code, "label": label, **data["items"][code],
              "errors": errors.fields.get(f"checklist.{code}", [])} for code, label in CHECKLIST]
    stored = [{"label": dict(CHECKLIST).get(code, code), **value} for code, value in (check.checklist or {}).items()]
    return _render(request, "compliance_decide.html", {
        "application": application, "call": application.call, "check": check, "items": items, "data": data,
        "errors": errors, "stored": stored, "content": application.latest.content if application.latest else {},
        "documents": application.documents.select_related("required_document").order_by("pk"),
        **_calendar_state(almaty_today(), check.due_on, bool(check.outcome)),
    }, status=status)


# --- Expert evaluation: start, plan, progress ----------------------------------------------------------


def _evaluation_page(request, call, *, errors=None, status=200):
    per = config.get("funding.experts_per_application")
    checks = dict(ComplianceCheck.objects.filter(application__call=call).order_by()
                  .values_list("outcome").annotate(n=Count("pk")))
    admitted = list(call.applications.filter(Q(compliance__outcome=ComplianceCheck.Outcome.ADMITTED)
                                             | Q(assignments__isnull=False)).distinct()
                    .select_related("organisation", "lot", "direction").order_by("lot__number", "submitted_at", "pk"))
    pool = Expert.objects.filter(active=True, user__is_active=True)
    by_direction = dict(pool.order_by().values_list("directions").annotate(n=Count("pk", distinct=True)))
    needed = {}
    for a in admitted:
        needed.setdefault(a.direction_id, {"direction": a.direction, "applications": 0,
                                           "experts": by_direction.get(a.direction_id, 0)})
        needed[a.direction_id]["applications"] += 1
    plan = []
    if call.status in (C.EVALUATION, C.DECIDED, C.ARCHIVED):
        assignments = {}
        for row in (Assignment.objects.filter(application__call=call).select_related("expert__user")
                    .order_by("application_id", "round", "pk")):
            assignments.setdefault(row.application_id, []).append(row)
        for a in admitted:
            rows = assignments.get(a.pk, [])
            current = max((r.round for r in rows), default=1)
            active = [r for r in rows if r.round == current and r.status != rules.AssignmentStatus.RECUSED]
            plan.append({"application": a, "assignments": rows, "short": max(0, per - len(active))})
    return _render(request, "evaluation.html", {
        "call": call, "errors": errors or Errors(), "per": per, "admitted": admitted,
        "undecided": checks.get("", 0), "rejected": checks.get(ComplianceCheck.Outcome.REJECTED, 0),
        "pool_size": pool.count(), "needed": sorted(needed.values(), key=lambda n: n["direction"].code),
        "plan": plan, "unstaffed": sum(1 for p in plan if p["short"]),
        "can_start": call.status == C.COMPLIANCE,
    }, status=status)


@operator_required
def evaluation(request, pk):
    call = _managed(request, obj_or_404(Call.objects, pk))
    if request.method != "POST":
        return _evaluation_page(request, call)
    plan, exc, status = attempt(services.evaluation_start, actor=request.user, call=call)
    if exc is not None:
        return _evaluation_page(request, call, errors=Errors(exc), status=status)
    call.refresh_from_db()
    messages.success(request, _("The expert evaluation has started: %(n)s assignments, due on %(date)s.") % {
        "n": sum(len(v) for v in plan.assignments.values()), "date": call.evaluation_due_on.strftime("%d.%m.%Y")})
    return redirect("funding:operator-evaluation", pk=call.pk)


@operator_required
def progress(request, pk):
    call = _managed(request, obj_or_404(Call.objects, pk))
    try:
        rows = selectors.call_progress(request.user, call)
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    per = config.get("funding.experts_per_application")
    today = almaty_today()
    for row in rows:
        row["done"] = row["application"].status != S.ADMITTED
        row["short"] = max(0, per - row["assigned"] - row["declared"] - row["scored"])
    return _render(request, "progress.html", {
        "call": call, "rows": rows, "per": per,
        "deadline": _calendar_state(today, call.evaluation_due_on, call.status != C.EVALUATION or all(
            r["done"] for r in rows)),
        "totals": {key: sum(r[key] for r in rows) for key in ("assigned", "declared", "scored", "recused")},
    })


# --- Expert pool --------------------------------------------------------------------------------------


def _enrollable_roles(user) -> list[str]:
    """The operator enrols public experts and panel members; a customer body its commission members."""
    roles = [Role.COMMITTEE, Role.WORKING_GROUP]
    return [Role.EXPERT, *roles] if is_operator(user) else roles


@operator_required
def experts(request):
    data = {"user": "", "directions": []}
    errors, status = Errors(), 200
    if request.method == "POST":
        data = {"user": request.POST.get("user", ""), "directions": request.POST.getlist("directions")}
        user = User.objects.filter(pk=data["user"]).first() if data["user"].isdigit() else None
        if user is None:
            exc, status = invalid("user", _("Choose a person from the list.")), 400
        else:
            expert, exc, status = attempt(services.expert_enrol, actor=request.user, user=user,
                                          directions=data["directions"], iin=request.POST.get("iin", ""))
            if exc is None:
                messages.success(request, _("%(name)s is in the expert pool.") % {"name": str(expert)})
                return redirect("funding:operator-experts")
        errors = Errors(exc, shown=("user", "directions", "iin"))
    open_states = [rules.AssignmentStatus.ASSIGNED, rules.AssignmentStatus.DECLARED]
    pool = (Expert.objects.select_related("user").prefetch_related("directions")
            .annotate(open_count=Count("assignments", filter=Q(assignments__status__in=open_states)),
                      scored_count=Count("assignments", filter=Q(assignments__status=rules.AssignmentStatus.SCORED)),
                      recused_count=Count("assignments",
                                          filter=Q(assignments__status=rules.AssignmentStatus.RECUSED)))
            .order_by("user__last_name", "user__first_name", "user__username"))
    return _render(request, "experts.html", {
        "pool": pool, "data": data, "errors": errors, "directions": _directions(),
        "candidates": User.objects.filter(role__in=_enrollable_roles(request.user), is_active=True,
                                          expert__isnull=True).order_by("last_name", "first_name", "username"),
    }, status=status)


# --- Agreements ---------------------------------------------------------------------------------------


@operator_required
def agreements(request):
    drafts = (Agreement.objects.filter(selectors.managed(request.user, "application__call__"), status=G.DRAFT)
              .select_related("application__organisation", "application__call")
              .order_by("number"))
    return _render(request, "agreements.html", {"drafts": drafts,
                                                 "running": selectors.monitoring_list(request.user)})


def _agreement(request, pk) -> Agreement:
    try:
        return _managed(request, selectors.agreement_for(request.user, pk))
    except NotFound:
        raise Http404(_("Not found.")) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None


FORMS = ("visit", "risk", "terminate", "pay", "action")


def _photo_errors(exc):
    """The problems of each uploaded photo ("photos.1"), beside the photos input, numbered."""
    fields = {}
    for key, found in (getattr(exc, "fields", None) or {}).items():
        head, _dot, index = str(key).partition(".")
        if head == "photos" and index.isdigit():
            found = [_("Photo %(n)s: %(message)s") % {"n": int(index) + 1, "message": m}
                     for m in (found if isinstance(found, list | tuple) else [found])]
            fields.setdefault("photos", []).extend(found)
        else:
            fields.setdefault(str(key), []).extend(found if isinstance(found, list | tuple) else [found])
    return ValidationFailed(exc.message, fields=fields) if fields else exc


def _agreement_page(request, agreement, *, form: str = "", exc=None, data=None, status=200, tranche=None):
    today = almaty_today()
    agreement = _agreement(request, agreement.pk)
    due_rows = []
    for due in selectors.due_reports(agreement):
        reports = list(due.reports.all())
        latest = reports[-1] if reports else None
        waiting = latest is None or latest.status == MonitoringReport.Status.RETURNED
        due_rows.append({"due": due, "reports": reports, "latest": latest,
                         "overdue": waiting and rules.is_overdue(today, due.due_on)})
    if form == "visit" and exc is not None:
        exc = _photo_errors(exc)
    fields = {"visit": ("visited_on", "findings", "photos"), "risk": ("code", "note"),
              "terminate": ("reason", "refund", "terminated_on"), "pay": ("paid_on",), "action": ()}
    forms = {name: {"errors": Errors(exc, shown=fields[name]) if name == form else Errors(),
                    "data": (data or {}) if name == form else {}} for name in FORMS}
    paid = services.paid(agreement)
    flags = list(agreement.risk_flags.order_by("cleared_at", "-raised_at"))
    return _render(request, "agreement_detail.html", {
        "agreement": agreement, "application": agreement.application, "organisation": agreement.application.organisation,
        "tranches": list(agreement.tranches.order_by("number")), "paid": paid, "due_rows": due_rows,
        "visits": agreement.site_visits.prefetch_related("photos").order_by("-visited_on", "-pk"),
        "flags": [{"flag": f, "label": RISK_LABELS.get(f.code, f.code)} for f in flags],
        "risk_codes": RISK_CODES, "forms": forms, "form": form, "error_tranche": tranche, "today": today,
        "editable": agreement.status == G.DRAFT and not (agreement.signed_by_ngo_at or agreement.signed_by_operator_at),
        "can_sign": agreement.status == G.DRAFT and not agreement.signed_by_operator_at,
        "running": agreement.status in (G.SIGNED, G.ACTIVE),
        "can_terminate": rules.can_transition("agreement", agreement.status, G.TERMINATED),
        "can_complete": rules.can_transition("agreement", agreement.status, G.COMPLETED),
        "can_close": rules.can_transition("agreement", agreement.status, G.CLOSED),
        "effect_evaluation": mechanism(agreement.application.call.mechanism).effect_evaluation,
        "effect_reviews": list(agreement.effect_reviews.order_by("pk")),
        "effect_counts": _effect_counts(agreement),
        "effect_result": selectors.effect_results(agreement),
        "can_start_effect": (mechanism(agreement.application.call.mechanism).effect_evaluation
                             and agreement.status in services.EFFECT_STATUSES and not agreement.effect_reviews.exists()),
    }, status=status)


def _effect_counts(agreement) -> list[tuple[str, int]]:
    """The evaluation of social effect's progress: how many reviews are in each status (no scores)."""
    from qogam.funding.models import EffectReview

    found = dict(agreement.effect_reviews.order_by().values_list("status").annotate(n=Count("pk")))
    return [(label, found.get(value, 0)) for value, label in EffectReview._meta.get_field("status").choices]


@operator_required
def agreement_detail(request, pk):
    return _agreement_page(request, _agreement(request, pk))


@operator_required
def agreement_prepare(request, pk):
    agreement = _agreement(request, pk)
    errors, status = Errors(), 200
    if request.method == "POST":
        post = request.POST
        data = {"start_on": (post.get("start_on") or "").strip(), "end_on": (post.get("end_on") or "").strip(),
                "tranches": posted_rows(post, "tranches", ("due_on", "amount"))}
        if post.get("action") == "add-tranches":
            return _render(request, "agreement_prepare.html", {
                "agreement": agreement, "data": data, "errors": errors, "focus": "tranches",
                "tranches": _input_rows(data["tranches"], {"due_on": "", "amount": ""}, extra=1)})
        _done, exc, status = attempt(
            services.agreement_prepare, actor=request.user, agreement=agreement, start_on=data["start_on"],
            end_on=data["end_on"], tranches=[(row["due_on"], row["amount"]) for row in data["tranches"]])
        if exc is None:
            messages.success(request, _("The agreement's period and tranches are saved."))
            return redirect("funding:operator-agreement", pk=agreement.pk)
        errors = Errors(exc, shown=("start_on", "end_on", "tranches"), rows=("tranches",))
    else:
        data = {"start_on": agreement.start_on.isoformat(), "end_on": agreement.end_on.isoformat(),
                "tranches": [{"due_on": t.due_on.isoformat(), "amount": str(int(t.amount))}
                             for t in agreement.tranches.order_by("number")]}
    return _render(request, "agreement_prepare.html", {
        "agreement": agreement, "data": data, "errors": errors,
        "tranches": _input_rows(data["tranches"], {"due_on": "", "amount": ""}, errors=errors, name="tranches"),
    }, status=status)


def _agreement_action(request, pk, service, success, *, form="action", data=None, **kwargs):
    agreement = _agreement(request, pk)
    _done, exc, status = attempt(service, actor=request.user, agreement=agreement, **kwargs)
    if exc is not None:
        return _agreement_page(request, agreement, form=form, exc=exc, data=data, status=status)
    messages.success(request, success)
    return redirect("funding:operator-agreement", pk=agreement.pk)


@operator_required
@require_POST
def agreement_sign(request, pk):
    return _agreement_action(request, pk, services.agreement_sign, _("The agreement is signed for the funder."))


@operator_required
@require_POST
def effect_start(request, pk):
    return _agreement_action(request, pk, services.effect_evaluation_start,
                             _("Public experts are assigned to evaluate the social effect."))


@operator_required
@require_POST
def agreement_complete(request, pk):
    return _agreement_action(request, pk, services.agreement_complete, _("The agreement is completed."))


@operator_required
@require_POST
def agreement_close(request, pk):
    return _agreement_action(request, pk, services.agreement_close, _("The agreement is closed."))


@operator_required
@require_POST
def agreement_terminate(request, pk):
    data = {key: (request.POST.get(key) or "").strip() for key in ("reason", "refund", "terminated_on")}
    return _agreement_action(request, pk, services.agreement_terminate, _("The agreement is terminated."),
                             form="terminate", data=data, reason=data["reason"], refund=data["refund"],
                             terminated_on=data["terminated_on"] or None)


@operator_required
@require_POST
def site_visit(request, pk):
    data = {key: (request.POST.get(key) or "").strip() for key in ("visited_on", "findings")}
    return _agreement_action(request, pk, services.site_visit_record, _("The site visit is recorded."),
                             form="visit", data=data, visited_on=data["visited_on"], findings=data["findings"],
                             photos=request.FILES.getlist("photos"))


@operator_required
@require_POST
def risk_raise(request, pk):
    data = {key: (request.POST.get(key) or "").strip() for key in ("code", "note")}
    return _agreement_action(request, pk, services.risk_flag_raise, _("The risk flag is raised."),
                             form="risk", data=data, code=data["code"], note=data["note"])


@operator_required
@require_POST
def risk_clear(request, pk):
    flag = obj_or_404(RiskFlag.objects.select_related("agreement"), pk)
    _managed(request, flag.agreement)
    _done, exc, status = attempt(services.risk_flag_clear, actor=request.user, flag=flag)
    if exc is not None:
        return _agreement_page(request, flag.agreement, form="action", exc=exc, status=status)
    messages.success(request, _("The risk flag is cleared."))
    return redirect("funding:operator-agreement", pk=flag.agreement_id)


@operator_required
@require_POST
def tranche_pay(request, pk):
    tranche = obj_or_404(Tranche.objects.select_related("agreement"), pk)
    _managed(request, tranche.agreement)
    data = {"paid_on": (request.POST.get("paid_on") or "").strip()}
    _done, exc, status = attempt(services.tranche_pay, actor=request.user, tranche=tranche,
                                 paid_on=data["paid_on"] or None)
    if exc is not None:
        return _agreement_page(request, tranche.agreement, form="pay", exc=exc, data=data, status=status,
                               tranche=tranche.pk)
    messages.success(request, _("Tranche %(number)s is recorded as paid.") % {"number": tranche.number})
    return redirect("funding:operator-agreement", pk=tranche.agreement_id)


@operator_required
def visit_photo(request, pk):
    photo = obj_or_404(SiteVisitPhoto.objects.select_related("visit__agreement"), pk)
    _managed(request, photo.visit.agreement)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Not found.")) from None
    return FileResponse(handle, content_type=photo.content_type)


# --- Monitoring reports -------------------------------------------------------------------------------


@operator_required
def report_review(request, pk):
    report = obj_or_404(MonitoringReport.objects.select_related("due__agreement__application__organisation"), pk)
    _managed(request, report.due.agreement)
    agreement = report.due.agreement
    data = {"decision": "", "note": ""}
    errors, status = Errors(), 200
    if request.method == "POST":
        data = {"decision": request.POST.get("decision", ""), "note": (request.POST.get("note") or "").strip()}
        if data["decision"] not in ("accept", "return"):
            exc, status = invalid("decision", _("Choose: accept the report or return it for correction.")), 400
        else:
            _done, exc, status = attempt(services.monitoring_report_review, actor=request.user, report=report,
                                         accept=data["decision"] == "accept", note=data["note"])
            if exc is None:
                messages.success(request, _("The report is accepted.") if data["decision"] == "accept"
                                 else _("The report is returned; the organisation sees your note."))
                return redirect("funding:operator-agreement", pk=agreement.pk)
        errors = Errors(exc, shown=("decision", "note"))
    lines = services.budget_lines(agreement)
    spent = report.content.get("spending") or {}
    spending = [{"item": item, "budget": amount, "spent": spent.get(item, "")} for item, amount in lines.items()]
    spending += [{"item": item, "budget": None, "spent": value} for item, value in spent.items() if item not in lines]
    indicators = [{**i, "percent": round(100 * i["achieved"] / i["target"]) if i.get("target") else None}
                  for i in report.content.get("indicators", [])]
    return _render(request, "report_review.html", {
        "report": report, "due": report.due, "agreement": agreement, "organisation": agreement.application.organisation,
        "indicators": indicators, "spending": spending, "data": data, "errors": errors,
        "versions": report.due.reports.order_by("number"),
        "reviewable": report.status == MonitoringReport.Status.SUBMITTED,
    }, status=status)


# --- The agreement PDF (operator, committee, the grantee's representatives) -----------------------------


@login_required
def agreement_pdf(request, pk):
    """For everyone allowed to see the agreement (`agreement.view`), not only those who run it."""
    try:
        agreement = selectors.agreement_for(request.user, pk)
    except NotFound:
        raise Http404(_("Not found.")) from None
    except PermissionDeniedError as exc:
        raise PermissionDenied(str(exc.message)) from None
    response = HttpResponse(pdf.agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(agreement)}"'
    return response


urlpatterns = [
    path("operator/", home, name="operator-home"),
    path("operator/programmes/", programmes, name="operator-programmes"),
    path("operator/programmes/new/", programme_create, name="operator-programme-create"),
    path("operator/calls/", calls, name="operator-calls"),
    path("operator/calls/new/", call_create, name="operator-call-create"),
    path("operator/calls/<int:pk>/", call_detail, name="operator-call"),
    path("operator/calls/<int:pk>/do/<slug:action>/", call_action, name="operator-call-action"),
    path("operator/calls/<int:pk>/compliance/", compliance, name="operator-compliance"),
    path("operator/calls/<int:pk>/evaluation/", evaluation, name="operator-evaluation"),
    path("operator/calls/<int:pk>/progress/", progress, name="operator-progress"),
    path("operator/calls/<int:pk>/applications.csv", call_csv, name="operator-call-csv"),
    path("operator/applications/<int:pk>/compliance/", compliance_decide, name="operator-compliance-decide"),
    path("operator/experts/", experts, name="operator-experts"),
    path("operator/agreements/", agreements, name="operator-agreements"),
    path("operator/agreements/<int:pk>/", agreement_detail, name="operator-agreement"),
    path("operator/agreements/<int:pk>/prepare/", agreement_prepare, name="operator-agreement-prepare"),
    path("operator/agreements/<int:pk>/sign/", agreement_sign, name="operator-agreement-sign"),
    path("operator/agreements/<int:pk>/effect/", effect_start, name="operator-effect-start"),
    path("operator/agreements/<int:pk>/terminate/", agreement_terminate, name="operator-agreement-terminate"),
    path("operator/agreements/<int:pk>/complete/", agreement_complete, name="operator-agreement-complete"),
    path("operator/agreements/<int:pk>/close/", agreement_close, name="operator-agreement-close"),
    path("operator/agreements/<int:pk>/visits/", site_visit, name="operator-site-visit"),
    path("operator/agreements/<int:pk>/risks/", risk_raise, name="operator-risk-raise"),
    path("operator/risks/<int:pk>/clear/", risk_clear, name="operator-risk-clear"),
    path("operator/tranches/<int:pk>/pay/", tranche_pay, name="operator-tranche-pay"),
    path("operator/reports/<int:pk>/", report_review, name="operator-report"),
    path("operator/photos/<int:pk>/", visit_photo, name="operator-visit-photo"),
    path("agreements/<int:pk>/agreement.pdf", agreement_pdf, name="agreement-pdf"),
]
