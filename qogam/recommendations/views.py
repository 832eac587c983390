"""Pages of the recommendation tracker: the public list and each recommendation with its full history,
the responsiveness scoreboard with charts, each body's page, downloads (CSV, XLSX, JSON), and the
cabinet where the addressee body's officials answer and report implementation.

Thin: one service or selector per action; refusals are shown beside the fields with the input kept.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.core import charts, downloads
from qogam.core.calendar import today as almaty_today
from qogam.core.models import Region
from qogam.funding.forms import Errors, attempt
from qogam.recommendations import permissions, rules, selectors, services
from qogam.recommendations.models import Evidence, Recommendation
from qogam.registry.models import StateBody

STATES = (("pending", "pending"), ("overdue", "overdue"), (rules.Status.ANSWERED, "answered"),
          (rules.Status.IMPLEMENTED, "implemented"))


def _state_labels() -> list[tuple[str, str]]:
    return [("pending", _("pending: awaiting an answer, not yet due")), ("overdue", _("overdue")),
            (rules.Status.ANSWERED, _("answered")), (rules.Status.IMPLEMENTED, _("implemented"))]


def _int(value) -> int | None:
    return int(value) if (value or "").isdigit() else None


def _filters(request, *, statuses: bool = True) -> selectors.Filters:
    get = request.GET
    sources = dict(Recommendation.Source.choices)
    levels = dict(StateBody.Level.choices)
    status = get.get("status") if statuses and get.get("status") in dict(STATES) else None
    return selectors.Filters(
        year=_int(get.get("year")), source=get.get("source") if get.get("source") in sources else None,
        level=get.get("level") if get.get("level") in levels else None,
        region=get.get("region") if Region.objects.filter(kato=get.get("region") or "").exists() else None,
        addressee=_int(get.get("addressee")), status=status, q=(get.get("q") or "").strip()[:200],
    )


def _choices() -> dict:
    return {
        "years": selectors.years(), "sources": Recommendation.Source.choices, "levels": StateBody.Level.choices,
        "regions": list(Region.objects.order_by("-kind", "name_en")),
        "states": _state_labels(),
    }


def _filter_values(filters: selectors.Filters) -> dict:
    return {k: ("" if v is None else str(v)) for k, v in filters.__dict__.items()}


def recommendation_list(request):
    today = almaty_today()
    filters = _filters(request)
    rows = selectors.public_recommendations(filters, today=today)
    return render(request, "recommendations/list.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "today": today,
        "filters": _filter_values(filters), "query": request.GET.urlencode(), **_choices(),
    })


def _source_url(recommendation: Recommendation) -> str:
    source = recommendation.source_object if recommendation.source_type_id else None
    try:
        return source.get_absolute_url() if source is not None and hasattr(source, "get_absolute_url") else ""
    except NoReverseMatch:
        return ""


def _detail(request, recommendation, *, form: str = "", errors=None, data=None, status: int = 200):
    today = almaty_today()
    can_act = permissions.can_answer(request.user, recommendation)
    return render(request, "recommendations/detail.html", {
        "r": recommendation, "state": recommendation.deadline_state(today), "today": today,
        "events": list(recommendation.events.all()), "evidence": list(recommendation.evidence.all()),
        "source_url": _source_url(recommendation),
        "can_answer": can_act and recommendation.status in rules.UNANSWERED,
        "can_implement": can_act and recommendation.status == rules.Status.ANSWERED
        and recommendation.verdict in rules.IMPLEMENTABLE,
        "verdicts": Recommendation.Verdict.choices, "evidence_kinds": Evidence.Kind.choices,
        "form": form, "errors": errors or Errors(), "data": data or {},
    }, status=status)


def _public(number: str) -> Recommendation:
    recommendation = selectors.public_recommendation(number)
    if recommendation is None:
        raise Http404(_("There is no recommendation with this number."))
    return recommendation


def recommendation_detail(request, number):
    return _detail(request, _public(number))


def _version(request) -> int | None:
    return _int(request.POST.get("version"))


@require_POST
@login_required
def recommendation_answer(request, number):
    recommendation = _public(number)
    if not permissions.can_answer(request.user, recommendation):
        raise PermissionDenied(_("Only an official of the body the recommendation is addressed to can answer it."))
    data = {"verdict": request.POST.get("verdict", ""), "text": request.POST.get("text", "")}
    _result, refusal, status = attempt(services.recommendation_answer, actor=request.user,
                                       recommendation=recommendation, verdict=data["verdict"], text=data["text"],
                                       expected_version=_version(request))
    if refusal:
        return _detail(request, _public(number), form="answer", data=data, status=status,
                       errors=Errors(refusal, shown=("verdict", "text")))
    messages.success(request, _("The answer is published."))
    return redirect("recommendations:detail", number)


@require_POST
@login_required
def evidence_add(request, number):
    recommendation = _public(number)
    if not permissions.can_report_implementation(request.user, recommendation):
        raise PermissionDenied(_("Only an official of the body the recommendation is addressed to can report its "
                                 "implementation."))
    data = {"kind": request.POST.get("kind", ""), "url": request.POST.get("url", ""),
            "note": request.POST.get("note", "")}
    _result, refusal, status = attempt(services.evidence_add, actor=request.user, recommendation=recommendation,
                                       kind=data["kind"], upload=request.FILES.get("file"), url=data["url"],
                                       note=data["note"])
    if refusal:
        return _detail(request, recommendation, form="evidence", data=data, status=status,
                       errors=Errors(refusal, shown=("kind", "file", "url", "note")))
    messages.success(request, _("The evidence is added."))
    return redirect("recommendations:detail", number)


@require_POST
@login_required
def recommendation_implement(request, number):
    recommendation = _public(number)
    if not permissions.can_report_implementation(request.user, recommendation):
        raise PermissionDenied(_("Only an official of the body the recommendation is addressed to can report its "
                                 "implementation."))
    data = {"note": request.POST.get("note", "")}
    _result, refusal, status = attempt(services.recommendation_implement, actor=request.user,
                                       recommendation=recommendation, note=data["note"],
                                       expected_version=_version(request))
    if refusal:
        return _detail(request, _public(number), form="implement", data=data, status=status,
                       errors=Errors(refusal, shown=("note",)))
    messages.success(request, _("The recommendation is reported as implemented."))
    return redirect("recommendations:detail", number)


def evidence_file(request, number, pk):
    evidence = get_object_or_404(Evidence, pk=pk, recommendation__number=number)
    if not evidence.file:
        raise Http404(_("This evidence is a link, not a file."))
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type or "application/octet-stream",
                            as_attachment=evidence.content_type not in ("image/png", "image/jpeg"),
                            filename=evidence.original_name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _download(rows: list[dict], header, fmt: str, name: str, title: str) -> HttpResponse:
    if fmt == "csv":
        return downloads.csv_response(f"{name}.csv", header, ([row[k] for k in header] for row in rows))
    if fmt == "xlsx":
        return downloads.xlsx_response(f"{name}.xlsx", title, header, ([row[k] for k in header] for row in rows))
    if fmt == "json":
        response = HttpResponse(json.dumps(rows, ensure_ascii=False, indent=1, default=str),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    raise Http404(_("Choose CSV, XLSX or JSON."))


def recommendation_export(request, fmt):
    filters = _filters(request)
    rows = list(selectors.export_rows(filters, today=almaty_today()))
    return _download(rows, selectors.EXPORT_HEADER, fmt, "qogam-recommendations", "Recommendations")


SCOREBOARD_HEADER = ("rank", "region_rank", "body_bin", "body", "level", "region", "received", "answered_on_time",
                     "answered_late", "unanswered", "overdue", "accepted", "partly_accepted", "rejected",
                     "implemented", "on_time_percent", "median_working_days")


def _board_rows(lines) -> list[dict]:
    return [{
        "rank": line.rank, "region_rank": line.region_rank, "body_bin": line.body.bin, "body": str(line.body),
        "level": line.body.level, "region": line.body.region_id or "", **line.score.as_dict(),
    } for line in lines]


def _board_charts(lines, trend, filters) -> dict:
    by_level: dict[str, list] = {}
    for line in lines:
        by_level.setdefault(line.body.level, []).append(line.score)
    level_names = dict(StateBody.Level.choices)
    level_rows = []
    for level, _label in StateBody.Level.choices:
        scores = by_level.get(level)
        if not scores:
            continue
        level_rows.append((str(level_names[level]), [
            charts.Segment(_("answered on time"), sum(s.answered_on_time for s in scores), charts.ON_TIME),
            charts.Segment(_("answered late"), sum(s.answered_late for s in scores), charts.LATE),
            charts.Segment(_("unanswered"), sum(s.unanswered for s in scores), charts.UNANSWERED),
        ]))
    ranked = [line for line in lines if line.score.received >= 3]
    return {
        "levels": charts.stacked_bars(level_rows, title=_("Answers by level of the addressee body")),
        "trend": charts.columns([p for p, _s in trend], [
            (_("received"), charts.RECEIVED, [s.received for _p, s in trend]),
            (_("answered on time"), charts.ON_TIME, [s.answered_on_time for _p, s in trend]),
        ], title=_("Recommendations received and answered on time, by period")),
        "top": charts.value_bars([(str(line.body), line.score.on_time_percent) for line in ranked[:10]],
                                 title=_("The ten most responsive bodies")),
        "bottom": charts.value_bars([(str(line.body), line.score.on_time_percent) for line in ranked[-10:][::-1]],
                                    title=_("The ten least responsive bodies"), colour=charts.UNANSWERED),
    }


def scoreboard(request):
    today = almaty_today()
    filters = _filters(request, statuses=False)
    lines, facts = selectors.board(filters, today=today)
    trend = rules.trend(facts, today, by="quarter" if filters.year else "year")
    total = rules.score(facts, today)
    return render(request, "recommendations/scoreboard.html", {
        "page": Paginator(lines, 100).get_page(request.GET.get("page")), "total": total, "trend": trend,
        "charts": _board_charts(lines, trend, filters), "filters": _filter_values(filters),
        "query": request.GET.urlencode(), "today": today, **_choices(),
    })


def scoreboard_export(request, fmt):
    filters = _filters(request, statuses=False)
    rows = _board_rows(selectors.scoreboard(filters, today=almaty_today()))
    return _download(rows, SCOREBOARD_HEADER, fmt, "qogam-responsiveness", "Responsiveness")


def body(request, pk):
    body = get_object_or_404(StateBody.objects.select_related("region", "parent"), pk=pk)
    today = almaty_today()
    filters = _filters(request, statuses=False)
    line, trend_by_year = selectors.body_summary(body, selectors.Filters(source=filters.source), today=today)
    quarterly = None
    if filters.year:
        _line, quarterly = selectors.body_summary(body, filters, today=today, by="quarter")
    rows = selectors.public_recommendations(selectors.Filters(**{**filters.__dict__, "addressee": body.pk}),
                                            today=today)
    trend = quarterly if quarterly is not None else trend_by_year
    return render(request, "recommendations/body.html", {
        "body": body, "line": line, "trend": trend,
        "chart": charts.columns([p for p, _s in trend], [
            (_("received"), charts.RECEIVED, [s.received for _p, s in trend]),
            (_("answered on time"), charts.ON_TIME, [s.answered_on_time for _p, s in trend]),
            (_("answered late"), charts.LATE, [s.answered_late for _p, s in trend]),
        ], title=_("Recommendations received and answered, by period")),
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "filters": _filter_values(filters),
        "today": today, **_choices(),
    })


@login_required
def inbox(request):
    if not permissions.is_body_official(request.user):
        raise PermissionDenied(_("The cabinet of recommendations is for officials of a state body."))
    today = almaty_today()
    state = request.GET.get("state") if request.GET.get("state") in ("open", "pending", "overdue", "all") else "open"
    rows = selectors.inbox(request.user, state=state, today=today)
    line = rules.score(selectors.facts(selectors.Filters(addressee=request.user.state_body_id), today=today), today)
    return render(request, "recommendations/inbox.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "state": state, "today": today,
        "body": request.user.state_body, "line": line,
    })


app_name = "recommendations"
urlpatterns = [
    path("", recommendation_list, name="list"),
    path("export.<str:fmt>", recommendation_export, name="export"),
    path("scoreboard/", scoreboard, name="scoreboard"),
    path("scoreboard.<str:fmt>", scoreboard_export, name="scoreboard-export"),
    path("bodies/<int:pk>/", body, name="body"),
    path("cabinet/", inbox, name="inbox"),
    path("<str:number>/", recommendation_detail, name="detail"),
    path("<str:number>/answer/", recommendation_answer, name="answer"),
    path("<str:number>/evidence/", evidence_add, name="evidence-add"),
    path("<str:number>/evidence/<int:pk>/", evidence_file, name="evidence"),
    path("<str:number>/implemented/", recommendation_implement, name="implement"),
]
