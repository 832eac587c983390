"""Public pages of the competition engine (issue 4 "Public"): the calls, each call with its lots and their
published rationale, criteria, required documents and, once decided, its results with scores and the
answers to appeals; every funded project with its agreement, tranches and public monitoring summaries.

No sign-in. Everything comes through the public selectors, which never read persons, IINs, expert
identities or uploaded documents (ARCHITECTURE "Public data").
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from qogam.core.calendar import today as almaty_today
from qogam.core.models import Direction, Region
from qogam.funding import forms, rules, selectors
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import Programme
from qogam.funding.views.applicant import bid_terms

PAGE_SIZE = 50
C = rules.CallStatus


def _render(request, template, context, status=200):
    return render(request, f"funding/public/{template}", context, status=status)


def calls(request):
    rows = selectors.public_calls()
    return _render(request, "calls.html", {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "today": almaty_today(),
    })


def _lots_with_results(call, results: list[dict]) -> list[dict]:
    by_lot: dict[int, list[dict]] = {}
    for row in results:
        by_lot.setdefault(row["lot"], []).append(row)
    out = []
    for lot in call.lots.all():
        rows = by_lot.get(lot.number, [])
        awarded = sum((r["awarded_amount"] or 0 for r in rows), 0)
        out.append({"lot": lot, "results": rows, "awarded": awarded, "bid": bid_terms(call, lot)})
    return out


def call_detail(request, code):
    call = forms.read(selectors.public_call, code)
    results = selectors.call_results(call)
    criteria = list(call.criteria.all())
    return _render(request, "call.html", {
        "call": call,
        "lots": _lots_with_results(call, results),
        "budget": sum((lot.budget for lot in call.lots.all()), 0),
        "criteria": criteria,
        "documents": list(call.required_documents.all()),
        "decided": call.status in selectors.DECIDED,
        "decision": getattr(call, "decision", None),
        "results": results,
        "appeals": list(selectors.public_appeals(call)),
        "is_open": call.status == C.OPEN,
        "eligibility": call.eligibility or {},
        "mechanism": mechanism(call.mechanism),
        "today": almaty_today(),
    })


def _filters(request) -> dict:
    """The filters of the funded projects, each ignored unless it is a value from its list."""
    years = sorted(set(Programme.objects.values_list("year", flat=True)), reverse=True)
    regions = list(Region.objects.order_by("-kind", "name_en"))
    directions = list(Direction.objects.order_by("code"))
    year = request.GET.get("year", "")
    region = request.GET.get("region", "")
    direction = request.GET.get("direction", "")
    return {
        "year": int(year) if year.isdigit() and len(year) == 4 else None,
        "region": region if region in {r.kato for r in regions} else None,
        "direction": direction if direction in {d.code for d in directions} else None,
        "years": years, "regions": regions, "directions": directions,
    }


def projects(request):
    chosen = _filters(request)
    rows = selectors.funded_projects(year=chosen["year"], region=chosen["region"], direction=chosen["direction"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "projects.html", {"page": page, "filters": chosen, "count": page.paginator.count})


def project_detail(request, number):
    agreement = forms.read(selectors.funded_project, number)
    application = agreement.application
    content = application.latest.content if application.latest_id else {}
    tranches = list(agreement.tranches.all())
    return _render(request, "project.html", {
        "agreement": agreement, "application": application, "organisation": application.organisation,
        "call": application.call, "summary": content.get("summary", ""), "results": content.get("results") or [],
        "months": application.months, "tranches": tranches,
        "paid": sum((t.amount for t in tranches if t.paid_on), 0),
        "reports": [{**r, "percent": None if r["achievement"] is None else r["achievement"] * 100}
                    for r in selectors.public_reports(agreement)],
        "terminated": agreement.status == rules.AgreementStatus.TERMINATED or agreement.terminated_on is not None,
        "is_award": application.call.mechanism == "award",
        "effect_evaluation": mechanism(application.call.mechanism).effect_evaluation,
        "effect": selectors.effect_results(agreement),
    })


urlpatterns = [
    path("calls/", calls, name="calls"),
    path("calls/<str:code>/", call_detail, name="call"),
    path("projects/", projects, name="projects"),
    path("projects/<str:number>/", project_detail, name="project"),
]
