"""Pages of the sector dashboards (issue 7): the public dashboard with its charts, every chart's data as
CSV or XLSX, the PDF sector report made on the task queue with a page that shows its progress, and the
ministry's recomputation of the indicators. Pages read saved snapshots only."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.analytics import dashboard, selectors, services
from qogam.analytics.models import Job
from qogam.analytics.permissions import is_ministry
from qogam.core import downloads
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import QogamError
from qogam.core.models import Region


def _choice(request, available: list[int]) -> tuple[int | None, str | None, list[str]]:
    """The year and region asked for, with what was wrong with them (an unknown value falls back to the
    default and says so)."""
    problems = []
    year = selectors.default_year(almaty_today(), available)
    raw = request.GET.get("year", "").strip()
    if raw:
        if raw.isdigit() and int(raw) in available:
            year = int(raw)
        else:
            problems.append(_("There are no indicators for the year %(year)s; showing %(default)s.")
                            % {"year": raw[:8], "default": year})
    region = request.GET.get("region", "").strip() or None
    if region and not Region.objects.filter(pk=region).exists():
        problems.append(_("There is no region with the KATO code %(code)s; showing all of Kazakhstan.")
                        % {"code": region[:9]})
        region = None
    return year, region, problems


def dashboard_page(request):
    available = selectors.years()
    year, region, problems = _choice(request, available)
    ministry = is_ministry(request.user)
    board = dashboard.Board.load(year, region) if year else None
    context = {
        "years": list(reversed(available)), "year": year, "region": region, "problems": problems,
        "regions": Region.objects.all(), "ministry": ministry,
        "region_obj": Region.objects.filter(pk=region).first() if region else None,
        "sections": dashboard.sections(board, ministry=ministry) if board else [],
        "basis": services.basis(), "refresh": selectors.latest_refresh(),
        "query": f"year={year}" + (f"&region={region}" if region else ""),
        "incomplete": year is not None and year > _last_closed(),
        "languages": (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")),
    }
    if ministry:
        context["jobs"] = selectors.recent_jobs()
    return render(request, "analytics/dashboard.html", context)


def _last_closed() -> int:
    from qogam.reporting.selectors import last_closed_year

    return last_closed_year(almaty_today())


def panel_download(request, key, fmt):
    available = selectors.years()
    year, region, _problems = _choice(request, available)
    if year is None:
        raise Http404(_("The indicators have not been computed yet."))
    built = dashboard.panel(key, dashboard.Board.load(year, region), ministry=is_ministry(request.user))
    if built is None:
        raise Http404(_("There is no such chart."))
    name = f"qogam-{key}-{year}-{region or 'KZ'}"
    if fmt == "csv":
        return downloads.csv_response(f"{name}.csv", built.header, built.rows)
    if fmt == "xlsx":
        return downloads.xlsx_response(f"{name}.xlsx", built.title, built.header, built.rows)
    raise Http404(_("Choose CSV or XLSX."))


@require_POST
def report_request(request):
    year = request.POST.get("year", "")
    region = request.POST.get("region", "").strip() or None
    language = request.POST.get("language") or (get_language() or "kk")[:2]
    back = reverse("analytics:dashboard") + f"?year={year[:8]}" + (f"&region={region[:9]}" if region else "")
    try:
        job = services.request_report(year=int(year) if year.isdigit() else 0, region=region, language=language,
                                      actor=request.user)
    except QogamError as error:
        for messages_of_field in error.fields.values():
            for message in messages_of_field:
                messages.error(request, message)
        if not error.fields:
            messages.error(request, error.message)
        return redirect(back)
    return redirect("analytics:job", pk=job.pk)


@require_POST
def refresh_request(request):
    try:
        job = services.request_refresh(actor=request.user)
    except QogamError as error:
        messages.error(request, error.message)
        return redirect("analytics:dashboard")
    return redirect("analytics:job", pk=job.pk)


def job_page(request, pk):
    job = selectors.job(pk)
    if job is None or (job.kind == Job.Kind.REFRESH and not is_ministry(request.user)):
        raise Http404(_("There is no such job."))
    region = Region.objects.filter(pk=job.region).first() if job.region else None
    return render(request, "analytics/job.html", {"job": job, "region": region, "ministry": is_ministry(request.user)})


def job_file(request, pk):
    job = selectors.job(pk)
    if job is None or job.kind != Job.Kind.REPORT or job.status != Job.Status.DONE or not job.file:
        raise Http404(_("The report is not ready."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1],
                        content_type="application/pdf")


app_name = "analytics"
urlpatterns = [
    path("", dashboard_page, name="dashboard"),
    path("data/<slug:key>.<str:fmt>", panel_download, name="download"),
    path("report/", report_request, name="report"),
    path("refresh/", refresh_request, name="refresh"),
    path("jobs/<str:pk>/", job_page, name="job"),
    path("jobs/<str:pk>/report.pdf", job_file, name="job-file"),
]
