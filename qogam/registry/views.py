"""Public pages of the register: organisations and state bodies. Thin: selectors do the reading."""

import csv
import re

from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from qogam.core.calendar import today
from qogam.core.errors import NotFound
from qogam.registry import selectors
from qogam.registry.search import Mode
from qogam.reporting.public import profile_context

PAGE_SIZE = 25
CSV_COLUMNS = (
    "bin",
    "name_ru",
    "name_kk",
    "legal_form",
    "is_ngo",
    "registered_on",
    "liquidated_on",
    "status",
    "region_kato",
    "address",
    "territorial_level",
    "branch_regions",
    "directions",
    "email",
    "phone",
    "website",
)
_PHONE = re.compile(r"^[+\d][\d\s()\-]*$")


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def organisation_list(request):
    filters = selectors.organisation_search(request.GET)
    page = _page(request, filters.qs)
    return render(
        request,
        "registry/organisation_list.html",
        {
            "filter": filters,
            "page": page,
            "count": page.paginator.count,
            "fuzzy": filters.search.mode == Mode.FUZZY,
            "query": filters.form.cleaned_data.get("q", "") if filters.form.is_valid() else request.GET.get("q", ""),
        },
    )


def organisation_detail(request, bin):
    try:
        organisation = selectors.public_organisation(bin)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None
    context = {"organisation": organisation, **profile_context(organisation, today=today())}
    return render(request, "registry/organisation_detail.html", context)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (text[:1] in ("+", "-") and not _PHONE.match(text)):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def _csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for organisation in queryset.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    organisation.bin,
                    organisation.name_ru,
                    organisation.name_kk,
                    organisation.legal_form.code,
                    organisation.legal_form.is_ngo,
                    organisation.registered_on.isoformat(),
                    organisation.liquidated_on.isoformat() if organisation.liquidated_on else "",
                    organisation.status,
                    organisation.region.kato,
                    organisation.address,
                    organisation.territorial_level,
                    ";".join(sorted(r.kato for r in organisation.branch_regions.all())),
                    ";".join(sorted(d.code for d in organisation.directions.all())),
                    organisation.email,
                    organisation.phone,
                    organisation.website,
                )
            ]
        )


def organisation_csv(request):
    """The current filtered list as CSV (UTF-8), public fields only."""
    filters = selectors.organisation_search(request.GET, with_lists=True)
    response = StreamingHttpResponse(_csv_rows(filters.qs), content_type="text/csv; charset=utf-8")
    filename = f"qogam-register-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def statebody_list(request):
    filters = selectors.state_body_search(request.GET)
    page = _page(request, filters.qs)
    return render(
        request,
        "registry/statebody_list.html",
        {"filter": filters, "page": page, "count": page.paginator.count},
    )


def statebody_detail(request, bin):
    try:
        body = selectors.public_state_body(bin)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None
    return render(request, "registry/statebody_detail.html", {"body": body})
