"""Pages of the NGO Database: a representative's reports, the report form, exemption declarations,
receipts, the authorised body's review queue and overdue list, and the public foreign-funding
register and receipt check. Thin: services write, selectors read, rules judge."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from qogam.accounts.permissions import is_authorised_body, represents
from qogam.core.calendar import today as almaty_today
from qogam.core.downloads import csv_response, xlsx_response
from qogam.core.errors import Conflict, NotFound, PermissionDeniedError, ValidationFailed
from qogam.registry import selectors as registry_selectors
from qogam.reporting import forms, pdf, public, rules, selectors, services, xlsx
from qogam.reporting.models import AnnualReport, ReportVersion

PAGE_SIZE = 50


def _page(request, items, size=PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def authorised_body_required(view):
    """Signed in (else the sign-in page), and the authorised body (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_authorised_body(request.user):
            raise PermissionDenied(_("Only the authorised body can open this page."))
        return view(request, *args, **kwargs)

    return wrapper


def _report(request, pk) -> AnnualReport:
    try:
        return selectors.report_for(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None


def _version(request, pk) -> ReportVersion:
    try:
        return public.version_for(request.user, pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None


def _verification_url(request, number: str) -> str:
    return request.build_absolute_uri(reverse("reporting:verify") + "?number=" + number)


# --- A representative's reports ---------------------------------------------------------------------


def _report_rows(reports, today):
    rows = []
    for report in reports:
        state = selectors.report_state(report, today)
        rows.append({"report": report, "state": state, "versions": report.versions.count()})
    return rows


@login_required
def my_reports(request):
    today = almaty_today()
    organisations = list(public.represented_organisations(request.user))
    reports = selectors.reports_visible_to(request.user).filter(organisation__in=[o.pk for o in organisations])
    by_org = {o.pk: [] for o in organisations}
    for row in _report_rows(reports, today):
        by_org[row["report"].organisation_id].append(row)
    years = sorted({y for o in organisations for y in public.years_to_open(o, today)}, reverse=True)
    form = forms.OpenYearForm(organisations=organisations, years=years, initial={"year": years[0] if years else None})
    return render(request, "reporting/my_reports.html", {
        "groups": [{"organisation": o, "rows": by_org[o.pk]} for o in organisations],
        "open_form": form,
        "is_authorised_body": is_authorised_body(request.user),
        "today": today,
    })


@login_required
@require_POST
def report_open(request):
    organisations = list(public.represented_organisations(request.user))
    years = sorted({y for o in organisations for y in public.years_to_open(o, almaty_today())}, reverse=True)
    form = forms.OpenYearForm(request.POST, organisations=organisations, years=years)
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisations and a reporting year from the lists."))
        return redirect("reporting:my_reports")
    organisation = next(o for o in organisations if o.bin == form.cleaned_data["organisation"])
    try:
        report = services.report_open(actor=request.user, organisation=organisation, year=form.cleaned_data["year"])
    except (ValidationFailed, PermissionDeniedError) as exc:
        for message in _all_messages(exc):
            messages.error(request, message)
        return redirect("reporting:my_reports")
    return redirect("reporting:report_form", pk=report.pk)


def _all_messages(exc) -> list[str]:
    if not exc.fields:
        return [str(exc.message)]
    return [str(m) for values in exc.fields.values() for m in (values if isinstance(values, list) else [values])]


# --- The report form ------------------------------------------------------------------------------


def _form_context(request, report, *, raw, rows, issues=None, version=None, notice=None, notice_kind="info"):
    msgs = forms.Messages.build(issues.errors if issues else None, issues.warnings if issues else None, raw=raw)
    latest_review = None
    if report.latest_id:
        latest_review = report.latest.reviews.order_by("-reviewed_at", "-id").first()
    return {
        "report": report,
        "organisation": report.organisation,
        "sections": forms.sections(raw, rows=rows, messages=msgs, directions=registry_selectors.directions()),
        "messages_by_field": msgs,
        "summary": msgs.summary(),
        "general_warnings": msgs.general_warnings,
        "checked": issues is not None,
        "edit_version": version if version is not None else report.version,
        "editable": represents(request.user, report.organisation),
        "state": selectors.report_state(report, almaty_today()),
        "latest_review": latest_review,
        "notice": notice,
        "notice_kind": notice_kind,
        "rows_step": forms.ROWS_STEP,
    }


def _posted_version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
def report_form(request, pk):
    report = _report(request, pk)
    if request.method != "POST":
        raw = forms.raw_from_content(report.draft)
        context = _form_context(request, report, raw=raw, rows=forms.rows_for_content(raw))
        return render(request, "reporting/report_form.html", context)

    if not represents(request.user, report.organisation):
        raise PermissionDenied(_("Only an approved representative of this organisation can change its report."))
    raw, rows = forms.raw_from_post(request.POST)
    action = request.POST.get("action", "save")
    version = _posted_version(request)

    if action.startswith("add_rows:"):
        key = action.partition(":")[2]
        if key in rows:
            rows[key] = min(rows[key] + forms.ROWS_STEP, forms.ROWS_MAX)
        context = _form_context(request, report, raw=raw, rows=rows, version=version)
        context["focus"] = key
        return render(request, "reporting/report_form.html", context)

    if version is None:
        context = _form_context(request, report, raw=raw, rows=rows, notice=_(
            "The form is incomplete: reload the page and enter your changes again."), notice_kind="error")
        return render(request, "reporting/report_form.html", context, status=400)

    try:
        report = services.report_save_draft(actor=request.user, report=report, expected_version=version, content=raw)
    except Conflict:
        report.refresh_from_db()
        context = _form_context(request, report, raw=raw, rows=rows, version=report.version, notice=_(
            "Nothing was saved: someone else saved this report after you opened it. Your entries are kept "
            "below. Save again to replace the other version with yours, or open the report afresh to see "
            "theirs (your entries would then be lost)."), notice_kind="error")
        return render(request, "reporting/report_form.html", context, status=409)
    except ValidationFailed as exc:
        issues = rules.Issues(errors={k: list(v) for k, v in exc.fields.items()})
        context = _form_context(request, report, raw=raw, rows=rows, issues=issues, version=version, notice=_(
            "Nothing was saved: some values cannot be read. Correct the fields marked below and try again."),
            notice_kind="error")
        return render(request, "reporting/report_form.html", context, status=400)

    if action == "submit":
        try:
            filed = services.report_submit(actor=request.user, report=report, expected_version=report.version)
        except ValidationFailed:
            issues = selectors.report_issues(report)
            context = _form_context(request, report, raw=raw, rows=rows, issues=issues, notice=_(
                "The report is not submitted: correct the errors marked below, then submit again. Your "
                "entries are saved as a draft."), notice_kind="error")
            return render(request, "reporting/report_form.html", context, status=400)
        except Conflict as exc:
            report.refresh_from_db()
            context = _form_context(request, report, raw=raw, rows=rows, notice=str(exc.message), notice_kind="error")
            return render(request, "reporting/report_form.html", context, status=409)
        messages.success(request, _("The report is submitted. Keep the receipt: it proves the date of filing."))
        return redirect("reporting:receipt", pk=filed.pk)

    if action == "check":
        issues = selectors.report_issues(report)
        if issues.errors:
            count = len(forms.Messages.build(issues.errors, raw=raw).summary())
            notice = ngettext(
                "The draft is saved. The check found %(errors)d error to correct before you submit.",
                "The draft is saved. The check found %(errors)d errors to correct before you submit.",
                count,
            ) % {"errors": count}
            kind = "error"
        else:
            notice = _("The draft is saved and has no errors: you can submit it.")
            kind = "success"
        if issues.warnings:
            notice += " " + _("Read the warnings: they do not block submission, but check those values.")
        context = _form_context(request, report, raw=raw, rows=rows, issues=issues, notice=notice, notice_kind=kind)
        return render(request, "reporting/report_form.html", context)

    messages.success(request, _("The draft is saved."))
    return redirect("reporting:report_form", pk=report.pk)


# --- The report as an Excel workbook ------------------------------------------------------------------


@login_required
def report_xlsx(request, pk):
    """The XLSX template of this report, prefilled with the draft, labelled in the page's language."""
    report = _report(request, pk)
    response = HttpResponse(
        xlsx.template_workbook(report.organisation, report.year, content=report.draft),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(report.organisation, report.year)}"'
    return response


@login_required
@require_POST
def report_upload(request, pk):
    """File a filled-in template: read and validated like the form; problems are shown at the fields
    of the form and nothing is written; the same content as the latest filing files nothing new."""
    report = _report(request, pk)
    if not represents(request.user, report.organisation):
        raise PermissionDenied(_("Only an approved representative of this organisation can file its report."))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose the filled-in XLSX file of this report, then upload it."))
        return redirect("reporting:report_form", pk=report.pk)
    data = upload.read(settings.QOGAM_MAX_UPLOAD_BYTES + 1)
    content, problems = xlsx.read_workbook(data, organisation=report.organisation, year=report.year)
    if not problems:
        try:
            filed = services.report_submit_content(
                actor=request.user, organisation=report.organisation, year=report.year, content=content,
                source=ReportVersion.Source.XLSX,
            )
        except ValidationFailed as exc:
            problems = {key: list(values) for key, values in exc.fields.items()}
        else:
            if filed is None:
                messages.info(request, _(
                    "The workbook holds the same content as the latest filing, so nothing new was filed."))
                return redirect("reporting:history", pk=report.pk)
            messages.success(request, _("The report is filed from the workbook. Keep the receipt."))
            return redirect("reporting:receipt", pk=filed.pk)
    file_problems = problems.pop(xlsx.FILE, [])
    raw = forms.raw_from_content(content)
    notice = " ".join(file_problems) if file_problems else _(
        "Nothing was filed: the workbook has errors. They are shown below at their fields, with the sheet and "
        "cell they come from. Correct the workbook and upload it again, or correct the values here.")
    context = _form_context(request, report, raw=raw, rows=forms.rows_for_content(raw),
                            issues=None if file_problems else rules.Issues(errors=problems),
                            notice=notice, notice_kind="error")
    context["upload_open"] = True
    return render(request, "reporting/report_form.html", context, status=400)


# --- Exemption declaration ----------------------------------------------------------------------------


@login_required
def exemption(request, pk):
    report = _report(request, pk)
    editable = represents(request.user, report.organisation)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only an approved representative of this organisation can declare its exemption."))
        form = forms.ExemptionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                filed = services.exemption_submit(
                    actor=request.user, report=report, expected_version=form.cleaned_data["version"],
                    declaration=form.declaration(),
                )
            except ValidationFailed as exc:
                for key, values in exc.fields.items():
                    name = key.split(".", 1)[-1]
                    for message in values if isinstance(values, list) else [values]:
                        form.add_error(name if name in form.fields and name != "version" else None, str(message))
            except Conflict:
                report.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(report.version)
                form = forms.ExemptionForm(data)
                form.is_valid()
                form.add_error(None, _(
                    "Nothing was filed: this report changed after you opened the page. Check your answers "
                    "and file again."))
                status = 409
            else:
                messages.success(request, _("The exemption declaration is filed. Keep the receipt."))
                return redirect("reporting:receipt", pk=filed.pk)
    else:
        form = forms.ExemptionForm(initial={"version": report.version})
        status = 200
    return render(request, "reporting/exemption.html", {
        "report": report, "organisation": report.organisation, "form": form, "editable": editable,
        "state": selectors.report_state(report, almaty_today()),
    }, status=status)


# --- History, versions, receipts ----------------------------------------------------------------------


def _review_of(version):
    reviews = sorted(version.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
    return reviews[-1] if reviews else None


@login_required
def history(request, pk):
    report = _report(request, pk)
    versions = selectors.versions_of(request.user, report)
    rows = [{"version": v, "review": _review_of(v), "reviews": sorted(v.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))}
            for v in reversed(versions)]
    return render(request, "reporting/history.html", {
        "report": report, "organisation": report.organisation, "rows": rows,
        "state": selectors.report_state(report, almaty_today()),
        "editable": represents(request.user, report.organisation),
    })


@login_required
def version_detail(request, pk):
    version = _version(request, pk)
    report = version.report
    directions = registry_selectors.directions()
    reviews = sorted(version.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
    return render(request, "reporting/version.html", {
        "version": version,
        "report": report,
        "organisation": report.organisation,
        "sections": forms.content_sections(version.content, directions) if version.kind == "report" else None,
        "declaration": version.content if version.kind == "exemption" else None,
        "reviews": reviews,
        "can_review": public.can_review(request.user, version),
        "review_form": forms.ReviewForm(),
        "conditions": [
            (forms.ExemptionForm.base_fields[name].label, bool((version.content.get("exemption") or {}).get(name)))
            for name in forms.ExemptionForm.CONDITIONS
        ] if version.kind == "exemption" else [],
    })


@login_required
def receipt(request, pk):
    version = _version(request, pk)
    context = pdf.receipt_context(version, verification_url=_verification_url(request, version.receipt_number))
    return render(request, "reporting/receipt.html", context)


@login_required
def receipt_pdf(request, pk):
    version = _version(request, pk)
    body = pdf.receipt_pdf(version, verification_url=_verification_url(request, version.receipt_number))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{version.receipt_number}.pdf"'
    return response


def verify(request):
    """Anyone checks a receipt by its number: no sign-in, no content, no personal data."""
    found = None
    form = forms.ReceiptLookupForm(request.GET or None)
    if request.GET and form.is_valid():
        found = public.public_receipt(form.cleaned_data["number"])
    return render(request, "reporting/verify.html", {"form": form, "found": found, "searched": form.is_bound and form.is_valid()})


# --- The authorised body -------------------------------------------------------------------------------


@authorised_body_required
def review_queue(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    reports = public.review_queue(year=year)
    page = _page(request, reports, 25)
    return render(request, "reporting/review_queue.html", {
        "page": page, "count": page.paginator.count, "year": year, "review_form": forms.ReviewForm(),
    })


@authorised_body_required
@require_POST
def review_decide(request, pk):
    version = _version(request, pk)
    form = forms.ReviewForm(request.POST)
    back = request.POST.get("back") == "version"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:version", pk=version.pk) if back else redirect("reporting:review_queue")
    try:
        review = services.report_review(
            actor=request.user, version=version, decision=form.cleaned_data["decision"],
            reasons=form.cleaned_data["reasons"],
        )
    except (ValidationFailed, Conflict, PermissionDeniedError) as exc:
        for message in _all_messages(exc):
            messages.error(request, message)
        return redirect("reporting:version", pk=version.pk) if back else redirect("reporting:review_queue")
    messages.success(request, _("%(number)s: %(decision)s.") % {
        "number": version.receipt_number, "decision": review.get_decision_display()})
    return redirect("reporting:review_queue")


def _year_region(request, *, default_year, years, any_year=None):
    form = forms.RegionYearForm(request.GET or None, years=years, any_year=any_year)
    year, region = default_year, None
    if form.is_bound and form.is_valid():
        if form.cleaned_data.get("year") is not None or any_year:
            year = form.cleaned_data.get("year")
        region = form.cleaned_data.get("region") or None
    elif not form.is_bound:
        form = forms.RegionYearForm(initial={"year": default_year}, years=years, any_year=any_year)
    return form, year, region


def _overdue(request):
    today = almaty_today()
    default_year = selectors.last_closed_year(today)
    years = list(range(default_year, default_year - public.OPEN_YEARS_BACK, -1))
    form, year, region = _year_region(request, default_year=default_year, years=years)
    return form, year, region, public.overdue_rows(year=year, today=today, region=region)


OVERDUE_COLUMNS = ("bin", "name", "region_kato", "region", "legal_form", "year", "due_on", "status", "filed_on",
                   "days_overdue", "fine_mci", "mci_year", "mci_value_kzt", "fine_kzt")


def _overdue_table(rows) -> list[list]:
    table = []
    for row in rows:
        organisation = row["organisation"]
        table.append([
            row["bin"], row["name"], row["region"], organisation.region.name, row["legal_form"], row["year"],
            row["due_on"].isoformat(), row["status"], row["filed_on"].isoformat() if row["filed_on"] else "",
            row["days_overdue"], row["fine_mci"], row["mci_year"] or "", row["mci_value_kzt"] or "",
            row["fine_kzt"] if row["fine_kzt"] is not None else "",
        ])
    return table


@authorised_body_required
def overdue(request):
    form, year, region, rows = _overdue(request)
    page = _page(request, rows)
    return render(request, "reporting/overdue.html", {
        "form": form, "year": year, "region": region, "page": page, "totals": public.overdue_totals(rows),
        "mci_note": rows[0]["mci_note"] if rows else "", "due_on": selectors.due_on(year),
        "today": almaty_today(),
    })


REPORT_WIDTHS = (14, 48, 12, 24, 22, 6, 11, 11, 11, 8, 8, 8, 10, 12)


def _xlsx_response(filename, title, header, table):
    return xlsx_response(filename, title, header, table, widths=REPORT_WIDTHS)


@authorised_body_required
def overdue_csv(request):
    _form, year, region, rows = _overdue(request)
    suffix = f"-{region}" if region else ""
    return csv_response(f"qogam-overdue-{year}{suffix}.csv", OVERDUE_COLUMNS, _overdue_table(rows))


@authorised_body_required
def overdue_xlsx(request):
    _form, year, region, rows = _overdue(request)
    suffix = f"-{region}" if region else ""
    return _xlsx_response(f"qogam-overdue-{year}{suffix}.xlsx", f"overdue {year}", OVERDUE_COLUMNS,
                          _overdue_table(rows))


# --- Public: the open register of foreign-funding recipients ----------------------------------------------


FOREIGN_COLUMNS = ("bin", "name", "region_kato", "region", "year", "period_start", "period_end", "total_kzt",
                   "receipts", "countries")


def _foreign(request):
    today = almaty_today()
    last = today.year - 1
    years = list(range(last, last - public.OPEN_YEARS_BACK, -1))
    form, year, region = _year_region(request, default_year=None, years=years, any_year=_("All years"))
    return form, year, region, selectors.foreign_funding_register(year=year, region=region)


def foreign_funding(request):
    form, year, region, rows = _foreign(request)
    page = _page(request, rows)
    return render(request, "reporting/foreign_funding.html", {
        "form": form, "page": page, "count": len(rows), "year": year, "region": region,
        "total_kzt": sum(row["total_kzt"] for row in rows),
    })


def foreign_funding_csv(request):
    _form, year, region, rows = _foreign(request)
    table = [
        [row["bin"], row["name"], row["region"], row["region_name"], row["year"], row["period_start"].isoformat(),
         row["period_end"].isoformat(), row["total_kzt"], row["receipts"], ";".join(row["countries"])]
        for row in rows
    ]
    name = "qogam-foreign-funding" + (f"-{year}" if year else "") + (f"-{region}" if region else "") + ".csv"
    return csv_response(name, FOREIGN_COLUMNS, table)
