"""Transparency pages of every financing mechanism (issue 5): each customer body's plans, lots, winners,
amounts and evaluations; everything an organisation won under every mechanism; and "where the money went"
by mechanism, year, region, direction and budget (republican, local, non-state), with charts, tables and
CSV/XLSX downloads. Public: only agreements in a public status, organisations and bodies, never persons.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.core.downloads import csv_response, xlsx_response
from qogam.core.models import Direction, Region
from qogam.funding import selectors
from qogam.funding.models import MECHANISM_CHOICES, Programme
from qogam.registry.models import Organisation, StateBody

BUDGET_LABELS = {
    "republican": gettext_lazy("Republican budget (central bodies)"),
    "local": gettext_lazy("Local budgets (regions, cities, districts)"),
    "non_state": gettext_lazy("Non-state funders"),
}
TABLES = {
    "mechanism": gettext_lazy("By mechanism"),
    "year": gettext_lazy("By year of the programme"),
    "region": gettext_lazy("By region of the project"),
    "direction": gettext_lazy("By direction"),
    "budget": gettext_lazy("Republican and local budgets"),
}


def _labels(table: str) -> dict:
    if table == "mechanism":
        return dict(MECHANISM_CHOICES)
    if table == "region":
        return {r.kato: r.name for r in Region.objects.all()}
    if table == "direction":
        return {d.code: d.name for d in Direction.objects.all()}
    if table == "budget":
        return BUDGET_LABELS
    return {}


def _chart(table: str, rows: list[dict]) -> dict:
    labels = _labels(table)
    top = max((int(r["amount"]) for r in rows), default=0) or 1
    total = sum(int(r["amount"]) for r in rows)
    items = [{"key": r["key"], "label": str(labels.get(r["key"], r["key"])), "amount": int(r["amount"]),
              "count": r["count"], "width": round(int(r["amount"]) * 100 / top, 1),
              "share": round(int(r["amount"]) * 100 / total, 1) if total else 0}
             for r in rows]
    if table != "year":
        items.sort(key=lambda i: -i["amount"])
    return {"table": table, "title": TABLES[table], "items": items, "total": total,
            "count": sum(r["count"] for r in rows)}


def _filters(request) -> dict:
    years = sorted(set(Programme.objects.values_list("year", flat=True)), reverse=True)
    year = request.GET.get("year", "")
    mechanism = request.GET.get("mechanism", "")
    return {"year": int(year) if year.isdigit() and int(year) in years else None,
            "mechanism": mechanism if mechanism in dict(MECHANISM_CHOICES) else None,
            "years": years, "mechanisms": MECHANISM_CHOICES}


def money(request):
    chosen = _filters(request)
    totals = selectors.money_totals(year=chosen["year"], mechanism=chosen["mechanism"])
    charts = [_chart(table, totals[table]) for table in TABLES]
    wanted, fmt = request.GET.get("table", ""), request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        chart = next((c for c in charts if c["table"] == wanted), None)
        if chart is None:
            raise Http404(_("There is no such table."))
        header = [str(chart["title"]), _("Amount, KZT"), _("Agreements"), _("Share, %")]
        rows = [[i["label"], i["amount"], i["count"], i["share"]] for i in chart["items"]]
        name = f"qogam-money-{wanted}"
        if fmt == "csv":
            return csv_response(f"{name}.csv", header, rows)
        return xlsx_response(f"{name}.xlsx", str(chart["title"])[:31], header, rows, widths=(48, 18, 12, 10))
    query = "&".join(f"{k}={v}" for k, v in (("year", chosen["year"]), ("mechanism", chosen["mechanism"])) if v)
    return render(request, "funding/transparency/money.html", {
        "charts": charts, "filters": chosen, "query": query,
        "total": charts[0]["total"], "count": charts[0]["count"],
    })


def bodies(request):
    page = Paginator(selectors.funding_bodies(), 50).get_page(request.GET.get("page"))
    return render(request, "funding/transparency/bodies.html", {"page": page})


def body_detail(request, pk):
    body = get_object_or_404(StateBody, pk=pk)
    agreements = list(selectors.body_agreements(body))
    effects = {a.pk: selectors.effect_results(a) for a in agreements if a.application.call.mechanism == "social_order"}
    return render(request, "funding/transparency/body.html", {
        "body": body, "programmes": list(selectors.body_programmes(body)),
        "agreements": [{"agreement": a, "effect": effects.get(a.pk)} for a in agreements],
        "total": sum(a.amount for a in agreements),
    })


def organisation_detail(request, bin):
    organisation = get_object_or_404(Organisation, bin=bin)
    wins = selectors.organisation_wins(organisation)
    by_mechanism = {r["application__call__mechanism"]: r for r in wins.values("application__call__mechanism")
                    .annotate(amount=Sum("amount"), count=Count("pk")).order_by()}
    return render(request, "funding/transparency/organisation.html", {
        "organisation": organisation, "wins": list(wins),
        "by_mechanism": [{"label": label, "amount": by_mechanism.get(code, {}).get("amount") or 0,
                          "count": by_mechanism.get(code, {}).get("count") or 0} for code, label in MECHANISM_CHOICES],
        "total": sum((r["amount"] or 0 for r in by_mechanism.values()), 0),
    })


urlpatterns = [
    path("money/", money, name="money"),
    path("bodies/", bodies, name="bodies"),
    path("bodies/<int:pk>/", body_detail, name="body"),
    path("organisations/<str:bin>/", organisation_detail, name="organisation"),
]
