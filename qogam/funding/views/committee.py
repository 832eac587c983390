"""Pages for the competition committee (DOMAIN §4.2): the calls its members sit on, the ranking of
each lot with what the funding rule would give within the lot's budget, the decision with its
minutes; applications re-scored after a granted appeal; and the appeals, answered in public.

Members are users with the committee role (a staff role: signed in with a second factor) listed on
the call. Thin: one service or selector per action; refusals are shown beside the fields.
"""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.accounts.models import Role
from qogam.accounts.permissions import has_full_session
from qogam.core import config
from qogam.funding import rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid, obj_or_404
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import Appeal, Application, Call
from qogam.funding.permissions import can, is_committee_member

C = rules.CallStatus
S = rules.ApplicationStatus


def committee_required(view):
    """Signed in (else the sign-in page), and a committee member with a verified second factor
    (else 403). Membership of a particular call is checked by each page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (has_full_session(user) and user.role == Role.COMMITTEE):
            raise PermissionDenied(_("Only members of a competition committee can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _member_call(request, pk) -> Call:
    call = obj_or_404(Call.objects.select_related("programme"), pk)
    if not is_committee_member(request.user, call):
        raise PermissionDenied(_("You are not on the competition committee of this call."))
    return call


def _render(request, template, context, status=200):
    return render(request, f"funding/committee/{template}", context, status=status)


@committee_required
def calls(request):
    rows = list(selectors.committee_calls(request.user))
    return _render(request, "calls.html", {
        "to_decide": [c for c in rows if c.status == _deciding_status(c)],
        "others": [c for c in rows if c.status != _deciding_status(c)],
        "appeals": selectors.appeals_for_committee(request.user).filter(status=rules.AppealStatus.FILED).count(),
    })


def _deciding_status(call: Call) -> str:
    """An award call is decided after the working group's shortlist; the others after the evaluation."""
    return C.SHORTLISTED if mechanism(call.mechanism).stages == 2 else C.EVALUATION


def _mode(call: Call) -> str:
    spec = mechanism(call.mechanism)
    if spec.stages == 2:
        return "award"
    return "winner" if spec.places_per_lot else "budget"


def _ranking(call: Call, selected=None) -> list[dict]:
    """Lot by lot: the scored applications best first, and what funding down the ranking within the
    lot's budget would give each (issue 4 "Scoring")."""
    ranked, funded = services.ranking(call), services.allocation(call, selected)
    criteria = {c.code: c.name for c in call.criteria.all()}
    applications = {a.pk: a for a in call.applications.filter(status__in=[S.SCORED, S.ADMITTED, S.SHORTLISTED])
                    .select_related("organisation")}
    places = services.award_places(call) if _mode(call) == "award" else {}
    lots = []
    for lot in call.lots.select_related("direction", "region").order_by("number"):
        gives = {f.id: f for f in funded.get(lot.pk, [])}
        rows = []
        for position, item in enumerate(ranked.get(lot.pk, []), start=1):
            application = applications[item.id]
            rows.append({"position": position, "application": application, "total": item.total,
                         "requested": item.requested, "funded": gives.get(item.id),
                         "disagreement": [criteria.get(code, code) for code in application.disagreement or []]})
        allocated = sum((f.amount for f in gives.values()), Decimal(0))
        lots.append({"lot": lot, "rows": rows, "allocated": allocated, "left": lot.budget - allocated,
                     "places": places.get(lot.pk),
                     "unscored": [a for a in applications.values() if a.lot_id == lot.pk and a.status == S.ADMITTED]})
    return lots


def _call_page(request, call, *, errors=None, data=None, status=200, rescored_errors=None, rescored_pk=None,
               rescored_minutes=""):
    call = Call.objects.select_related("programme").get(pk=call.pk)
    data = data or {"minutes": "", "decided_on": "", "selected": None}
    context = {
        "call": call, "errors": errors or Errors(), "data": data, "mode": _mode(call),
        "deciding": call.status == _deciding_status(call), "decided": call.status in (C.DECIDED, C.ARCHIVED),
        "progress": selectors.call_progress(request.user, call),
        "rules": {"skip_to_fit": bool(config.get("funding.skip_to_fit")),
                  "partial": bool(config.get("funding.partial_funding")),
                  "threshold": Decimal(str(config.get("funding.disagreement_threshold"))) * 100},
        "rescored_errors": rescored_errors or Errors(), "rescored_pk": rescored_pk,
        "rescored_minutes": rescored_minutes,
    }
    if context["deciding"]:
        context["lots"] = _ranking(call, data.get("selected"))
        context["unscored"] = sum(len(lot["unscored"]) for lot in context["lots"])
    if context["decided"]:
        context["decision"] = getattr(call, "decision", None)
        context["results"] = selectors.call_results(call)
        context["rescored"] = list(call.applications.filter(status=S.SCORED).select_related("organisation", "lot")
                                   .order_by("lot__number", "pk"))
    return _render(request, "call.html", context, status=status)


@committee_required
def call_detail(request, pk):
    call = _member_call(request, pk)
    if request.method != "POST":
        return _call_page(request, call)
    data = {"minutes": (request.POST.get("minutes") or "").strip(),
            "decided_on": (request.POST.get("decided_on") or "").strip(), "selected": None}
    if _mode(call) == "award":
        data["selected"] = [int(v) for v in request.POST.getlist("selected") if v.isdigit()]
    decision, exc, status = attempt(services.call_decide, actor=request.user, call=call, minutes=data["minutes"],
                                    decided_on=data["decided_on"] or None, selected=data["selected"])
    if exc is not None:
        return _call_page(request, call, errors=Errors(exc, shown=("minutes", "decided_on", "selected")), data=data,
                          status=status)
    messages.success(request, _("The decision of %(date)s is recorded and the results are published.")
                     % {"date": decision.decided_on.strftime("%d.%m.%Y")})
    return redirect("funding:committee-call", pk=call.pk)


@committee_required
@require_POST
def application_decide(request, pk):
    application = obj_or_404(Application.objects.select_related("call"), pk)
    call = _member_call(request, application.call_id)
    minutes = (request.POST.get("minutes") or "").strip()
    done, exc, status = attempt(services.application_decide, actor=request.user, application=application,
                                minutes=minutes)
    if exc is not None:
        return _call_page(request, call, rescored_errors=Errors(exc, shown=("minutes",)), rescored_pk=application.pk,
                          rescored_minutes=minutes, status=status)
    messages.success(request, _("%(reference)s: %(status)s.") % {"reference": done.reference,
                                                                   "status": done.get_status_display()})
    return redirect("funding:committee-call", pk=call.pk)


@committee_required
def appeals(request):
    return _render(request, "appeals.html", {"appeals": selectors.appeals_for_committee(request.user)})


@committee_required
def appeal_detail(request, pk):
    appeal = obj_or_404(Appeal.objects.select_related("application__call", "application__organisation",
                                                      "application__lot", "application__compliance"), pk)
    if not can(request.user, "appeal.decide", appeal):
        raise PermissionDenied(_("You are not on the competition committee of this call."))
    data = {"decision": "", "outcome": ""}
    errors, status = Errors(), 200
    if request.method == "POST":
        data = {"decision": request.POST.get("decision", ""), "outcome": (request.POST.get("outcome") or "").strip()}
        if data["decision"] not in ("grant", "uphold"):
            exc, status = invalid("decision", _("Choose: grant the appeal or refuse it.")), 400
        else:
            _done, exc, status = attempt(services.appeal_decide, actor=request.user, appeal=appeal,
                                         grant=data["decision"] == "grant", outcome=data["outcome"])
            if exc is None:
                messages.success(request, _("The appeal is decided and the answer is published."))
                return redirect("funding:committee-appeals")
        errors = Errors(exc, shown=("decision", "outcome"))
    application = appeal.application
    return _render(request, "appeal.html", {
        "appeal": appeal, "application": application, "call": application.call,
        "compliance": getattr(application, "compliance", None), "decision": getattr(application.call, "decision", None),
        "data": data, "errors": errors, "open": appeal.status == rules.AppealStatus.FILED,
    }, status=status)


urlpatterns = [
    path("committee/", calls, name="committee-calls"),
    path("committee/calls/<int:pk>/", call_detail, name="committee-call"),
    path("committee/applications/<int:pk>/decide/", application_decide, name="committee-application-decide"),
    path("committee/appeals/", appeals, name="committee-appeals"),
    path("committee/appeals/<int:pk>/", appeal_detail, name="committee-appeal"),
]
