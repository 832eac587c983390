"""NGO awards (issue 5; DOMAIN §4.3): the working group's pages (the award calls it sits on, the ranking of
each category by its scores, and the shortlist it sends to the expert commission, with minutes) and the
public award certificate (PDF) of each awardee.

Working-group members (role `working_group`, a staff role with a second factor) score through the experts'
assignment pages; the commission decides on the committee's pages. Thin: one service or selector per action.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from qogam.accounts.models import Role
from qogam.accounts.permissions import has_full_session
from qogam.core import config
from qogam.funding import forms, pdf, rules, selectors, services
from qogam.funding.forms import Errors, attempt, obj_or_404
from qogam.funding.models import Call
from qogam.funding.permissions import is_working_group_member

C = rules.CallStatus
S = rules.ApplicationStatus


def working_group_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (has_full_session(request.user) and request.user.role == Role.WORKING_GROUP):
            raise PermissionDenied(_("Only members of an award working group can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


@working_group_required
def calls(request):
    return render(request, "funding/awards/calls.html", {"calls": list(selectors.working_group_calls(request.user))})


def _categories(call: Call, chosen=None) -> list[dict]:
    """Each category with its scored applications best first, the number of awards, and which are on the
    shortlist (the working group's choice, or by default funding.shortlist_per_award per award)."""
    ranked = services.ranking(call, S.SCORED)
    places = services.award_places(call)
    per = config.get("funding.shortlist_per_award")
    applications = {a.pk: a for a in call.applications.filter(status__in=[S.SCORED, S.ADMITTED, S.SHORTLISTED,
                                                                          S.NOT_FUNDED])
                    .select_related("organisation")
                    .annotate(scored=Count("assignments", filter=Q(assignments__status="scored")),
                              pending=Count("assignments", filter=Q(assignments__status__in=["assigned", "declared"])))}
    out = []
    for lot in call.lots.order_by("number"):
        items = ranked.get(lot.pk, [])
        default = set(rules.shortlist(items, per * places[lot.pk]))
        rows = [{"position": i, "application": applications[item.id], "total": item.total,
                 "checked": (item.id in chosen) if chosen is not None else item.id in default}
                for i, item in enumerate(items, start=1)]
        out.append({"lot": lot, "places": places[lot.pk], "rows": rows,
                    "unscored": [a for a in applications.values() if a.lot_id == lot.pk and a.status == S.ADMITTED]})
    return out


@working_group_required
def call_detail(request, pk):
    call = obj_or_404(Call.objects.select_related("programme"), pk)
    if not is_working_group_member(request.user, call):
        raise PermissionDenied(_("You are not on the working group of this call."))
    errors, status, data = Errors(), 200, {"minutes": "", "shortlisted": None}
    if request.method == "POST":
        data = {"minutes": (request.POST.get("minutes") or "").strip(),
                "shortlisted": [int(v) for v in request.POST.getlist("shortlisted") if v.isdigit()]}
        _row, exc, status = attempt(services.shortlist_decide, actor=request.user, call=call,
                                    minutes=data["minutes"], shortlisted=data["shortlisted"])
        if exc is None:
            messages.success(request, _("The shortlist is recorded and goes to the expert commission."))
            return redirect("funding:working-group-call", pk=call.pk)
        errors = Errors(exc, shown=("minutes", "shortlisted"))
        call.refresh_from_db()
    context = {"call": call, "errors": errors, "data": data, "shortlisting": call.status == C.EVALUATION,
               "shortlist": getattr(call, "shortlist", None)}
    if context["shortlisting"]:
        chosen = set(data["shortlisted"]) if data["shortlisted"] is not None else None
        context["categories"] = _categories(call, chosen)
        context["unscored"] = sum(len(c["unscored"]) for c in context["categories"])
    else:
        context["results"] = list(call.applications.exclude(status=S.DRAFT).filter(total_score__isnull=False)
                                  .select_related("organisation", "lot").order_by("lot__number", "rank", "pk"))
    return render(request, "funding/awards/call.html", context, status=status)


def certificate(request, number):
    """The award certificate of an awardee, public (organisations only, no persons)."""
    agreement = forms.read(selectors.award_certificate, number)
    body = pdf.award_certificate_pdf(agreement)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="award-{pdf.filename(agreement)[len("agreement-"):]}"'
    return response


urlpatterns = [
    path("working-group/", calls, name="working-group-calls"),
    path("working-group/calls/<int:pk>/", call_detail, name="working-group-call"),
    path("awards/<str:number>/certificate.pdf", certificate, name="award-certificate"),
]
