"""Public open data: the 360Giving package (JSON and CSV), the index of open data, and the grant operator's
annual public report with its CSV and XLSX downloads. No sign-in; public fields only."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from qogam.core import config
from qogam.core.downloads import csv_response, xlsx_response
from qogam.opendata import giving360, grants_report, ocds

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _package(request) -> dict:
    try:
        return giving360.grants_package(base_url=request.build_absolute_uri("/"))
    except giving360.NoGrants:
        raise Http404(_("No grant has been published yet.")) from None


@require_safe
def index(request):
    grants, amount = giving360.published_totals()
    return render(request, "opendata/index.html", {
        "grants": grants,
        "amount": amount,
        "years": grants_report.report_years(),
        "schema_version": giving360.SCHEMA_RELEASE,
        "license": giving360.LICENSE,
        "ocds_processes": ocds.totals()[0],
        "ocds_contracts": ocds.totals()[1],
        "ocds_version": ocds.SCHEMA_RELEASE,
        "ocid_prefix": config.get("opendata.ocid_prefix"),
        "ocds_years": ocds.years(),
    })


@require_safe
def ocds_json(request):
    """The state social order as an OCDS 1.1 release package (issue 5), one programme year a file
    (`?year=`, the latest by default) so that a request stays small; `qogam export-ocds` writes every year."""
    available = ocds.years()
    raw = request.GET.get("year", "").strip()
    if not available:
        year = None
    elif not raw:
        year = available[0]
    elif raw.isdigit() and int(raw) in available:
        year = int(raw)
    else:
        raise Http404(_("There are no state social order data for that year. The years with data are listed on "
                        "the open data page."))
    package = ocds.release_package(base_url=request.build_absolute_uri("/"), year=year)
    response = HttpResponse(json.dumps(package, ensure_ascii=False, indent=2), content_type=JSON_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="qogam-ocds-{year or "empty"}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def giving_json(request):
    package = _package(request)
    body = json.dumps(package, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=JSON_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="qogam-360giving.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def giving_csv(request):
    header, rows = giving360.grants_rows(_package(request))
    response = csv_response("qogam-360giving.csv", header, rows)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- The operator's annual public report --------------------------------------------------------------


def _year(request, years: list[int]) -> tuple[int | None, str]:
    """The requested year if it has data, else the latest year with data; and a notice when the request
    could not be followed."""
    default = years[0] if years else None
    raw = request.GET.get("year", "").strip()
    if not raw:
        return default, ""
    try:
        year = int(raw)
    except ValueError:
        return default, _("“%(value)s” is not a year. The latest year with data is shown.") % {"value": raw[:20]}
    if year not in years:
        return default, _("There are no grant data for %(year)s. The latest year with data is shown.") % {
            "year": year}
    return year, ""


def _download_year(request) -> int:
    years = grants_report.report_years()
    year, notice = _year(request, years)
    if year is None or notice:
        raise Http404(_("There are no grant data for this year."))
    return year


def indicator_labels() -> dict[str, str]:
    return {
        "applications": _("Applications"),
        "applications_kk": _("Applications in Kazakh"),
        "applications_kk_percent": _("Share of applications in Kazakh, %"),
        "applications_astana_almaty": _("Applications from organisations of Astana and Almaty"),
        "applications_astana_almaty_percent": _("Share of applications from Astana and Almaty, %"),
        "grants": _("Grants"),
        "amount_kzt": _("Amount of grants, KZT"),
        "grants_astana_almaty": _("Grants to organisations of Astana and Almaty"),
        "grants_astana_almaty_percent": _("Share of grants won by Astana and Almaty, %"),
        "amount_astana_almaty_percent": _("Share of the amount won by Astana and Almaty, %"),
        "state_amount_kzt": _("State support (ministry and akimats), KZT"),
        "terminated": _("Agreements terminated"),
        "beneficiaries": _("Beneficiaries reached"),
    }


@require_safe
def annual_report(request):
    years = grants_report.report_years()
    year, notice = _year(request, years)
    figures = grants_report.annual_report(year) if year is not None else None
    return render(request, "opendata/annual_report.html", {
        "years": years,
        "year": year,
        "notice": notice,
        "figures": figures,
        "trend": grants_report.trend(years) if years else [],
        "download_query": f"?year={year}" if year is not None else "",
        "giving_url": reverse("opendata:360giving_json"),
    })


def _report_table(year: int):
    figures = grants_report.annual_report(year)
    return grants_report.TABLE_COLUMNS, grants_report.table(figures, indicator_labels())


@require_safe
def annual_report_csv(request):
    year = _download_year(request)
    header, rows = _report_table(year)
    return csv_response(f"qogam-grants-annual-report-{year}.csv", header, rows)


@require_safe
def annual_report_xlsx(request):
    year = _download_year(request)
    header, rows = _report_table(year)
    return xlsx_response(f"qogam-grants-annual-report-{year}.xlsx", _("Grants %(year)s") % {"year": year},
                         header, rows, widths=(8, 14, 22, 48, 14, 10, 18, 12))

