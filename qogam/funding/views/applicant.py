"""Pages for an NGO's representatives (DOMAIN §4.2; issue 4 "NGO: applies, follows status, signs, and
reports"): their organisations' applications; a new application to a lot of an open call; the form for
its whole content, saved with an optimistic version; its documents; submission with a receipt and
withdrawal before the deadline; the status with the compliance reasons, the scores and an appeal within
the time limit; the agreement to read, download and sign; and the monitoring reports.

Thin: parse the request (`funding.forms`), call one service or selector, render. A refusal is shown
beside the fields it names with the input kept; nothing is written when a service refuses.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qogam.accounts.permissions import represents
from qogam.core import config
from qogam.core.calendar import ALMATY, WorkingCalendar
from qogam.core.calendar import today as almaty_today
from qogam.core.models import Direction, Region
from qogam.funding import forms, pdf, rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import Agreement, ApplicationDocument, Lot, MonitoringReport, ReportSchedule
from qogam.funding.permissions import can

S = rules.ApplicationStatus
C = rules.CallStatus
G = rules.AgreementStatus


def _render(request, template, context, status=200):
    return render(request, f"funding/applicant/{template}", context, status=status)


def _application(request, pk):
    """An application of an organisation the user represents: 404 when there is none, 403 for anyone
    else (the operator and the committee have their own pages)."""
    application = forms.read(selectors.application_for, request.user, pk)
    if not can(request.user, "application.edit", application):
        raise PermissionDenied(_("Only an approved representative of the applicant organisation can open this page."))
    return application


def _agreement(request, pk) -> Agreement:
    agreement = forms.read(selectors.agreement_for, request.user, pk)
    if not represents(request.user, agreement.application.organisation_id):
        raise PermissionDenied(_("Only an approved representative of the grantee can open this page."))
    return agreement


def _window(call, today) -> dict:
    """Whether the call takes submissions today, and the service's words when it does not."""
    problem = rules.submission_problem(today, call.opens_on, call.closes_on)
    if problem is None and call.status != C.OPEN:
        problem = _("This call is not open for applications.")
    return {"open": problem is None, "problem": problem, "closes_on": call.closes_on}


# --- My applications ----------------------------------------------------------------------------------


def _open_calls():
    return selectors.public_calls().filter(status=C.OPEN).prefetch_related("lots__direction", "lots__region")


@login_required
def my_applications(request):
    organisations = list(selectors.represented_organisations(request.user))
    applications = list(selectors.applications_for(request.user).select_related("agreement"))
    agreements = [a.agreement for a in applications if hasattr(a, "agreement")]
    today = almaty_today()
    running = []
    for agreement in agreements:
        if agreement.status in (G.SIGNED, G.ACTIVE):
            for due in selectors.due_reports(agreement):
                reports = list(due.reports.all())
                last = reports[-1] if reports else None
                if last is None or last.status == MonitoringReport.Status.RETURNED:
                    running.append({"agreement": agreement, "due": due, "last": last,
                                    "overdue": rules.is_overdue(today, due.due_on)})
    return _render(request, "my_applications.html", {
        "organisations": organisations, "applications": applications, "agreements": agreements,
        "reports_due": running, "open_calls": list(_open_calls()) if organisations else [], "today": today,
    })


# --- A new application --------------------------------------------------------------------------------


def _start_context(request, data, errors):
    calls = list(_open_calls())
    return {"organisations": list(selectors.represented_organisations(request.user)), "calls": calls,
            "data": data, "errors": errors, "languages": forms.LANGUAGES}


@login_required
def application_start(request):
    if request.method != "POST":
        data = {"organisation": "", "lot": request.GET.get("lot", ""), "language": "kk", "title": "",
                "call": request.GET.get("call", "")}
        return _render(request, "start.html", _start_context(request, data, Errors()))
    post = request.POST
    data = {key: forms.text(post, key) for key in ("organisation", "lot", "language", "title")}
    organisation = next((o for o in selectors.represented_organisations(request.user)
                         if str(o.pk) == data["organisation"]), None)
    lot = Lot.objects.select_related("call").filter(pk=data["lot"]).first() if data["lot"].isdigit() else None
    if organisation is None:
        exc, status = invalid("organisation", _("Choose one of the organisations you represent.")), 400
    elif lot is None:
        exc, status = invalid("lot", _("Choose a lot of an open call.")), 400
    else:
        application, exc, status = attempt(
            services.application_create, actor=request.user, call=lot.call, lot=lot, organisation=organisation,
            language=data["language"], title=data["title"], data={})
        if exc is None:
            messages.success(request, _("The draft application is created. Fill in the form and save it; "
                                        "upload the documents; then submit it before the deadline."))
            return redirect("funding:application-edit", pk=application.pk)
    errors = Errors(exc, shown=("organisation", "lot", "call", "language", "title"))
    return _render(request, "start.html", _start_context(request, data, errors), status=status)


# --- The application form -----------------------------------------------------------------------------


def _documents(application, errors: Errors) -> list[dict]:
    """The call's required documents with what is uploaded for each and the messages about them."""
    uploaded = {}
    for document in application.documents.select_related("required_document").order_by("uploaded_at", "pk"):
        uploaded.setdefault(document.required_document_id, []).append(document)
    rows = [{"required": r, "files": uploaded.get(r.pk, []), "errors": errors.get(f"documents.{r.code}")}
            for r in application.call.required_documents.all()]
    return rows + ([{"required": None, "files": uploaded[None], "errors": []}] if uploaded.get(None) else [])


# The award criteria (DOMAIN §4.3) the applicant describes in words.
CONTRIBUTION_TEXTS = (
    ("recognition", gettext_lazy("Public recognition"),
     gettext_lazy("Awards, publications, the opinion of partners and of the people you serve.")),
    ("innovation", gettext_lazy("Innovation"), gettext_lazy("What you did that others had not.")),
    ("efficiency", gettext_lazy("Performance efficiency"),
     gettext_lazy("What was achieved for the money and the people involved.")),
)


def _contribution(application) -> bool:
    return mechanism(application.call.mechanism).content == "contribution"


def bid_terms(call, lot) -> dict | None:
    """Issue 5 "Dumping floor", explained before submission: the planned amount and the admissible range."""
    if call.price_floor is None:
        return None
    return {"planned": lot.budget, "lowest": rules.lowest_admissible_bid(lot.budget, call.price_floor),
            "percent": rules.percent_below(call.price_floor)}


def _form_page(request, application, data, *, errors=None, version=None, notice=None, notice_kind="error",
               errors_title=None, add="", status=200):
    errors = errors or Errors()
    lot = application.lot
    spec = mechanism(application.call.mechanism)
    months = spec.month_range or (0, 0)
    return _render(request, "form.html", {
        "application": application, "call": application.call, "lot": lot, "data": data, "errors": errors,
        "rows": forms.application_rows(data, errors, add=add, contribution=_contribution(application)),
        "contribution": _contribution(application), "bid": bid_terms(application.call, lot),
        "contribution_texts": CONTRIBUTION_TEXTS,
        "tender": spec.places_per_lot is not None and spec.rank_by_price,
        "version": application.version if version is None else version,
        "documents": _documents(application, errors), "notice": notice, "notice_kind": notice_kind,
        "errors_title": errors_title,
        "regions": list(Region.objects.order_by("-kind", "name_en")),
        "directions": list(Direction.objects.order_by("code")), "languages": forms.LANGUAGES,
        "min_months": months[0],
        "max_months": min(months[1], lot.max_months or months[1]),
        "window": _window(application.call, almaty_today()),
    }, status=status)


def _posted_version(request) -> int | None:
    value = request.POST.get("expected_version", "")
    return int(value) if value.isdigit() else None


def _stale() -> str:
    return _("Nothing was saved: someone else saved this application after you opened it. Your entries are kept "
             "below. Save again to replace the other version with yours, or open the application afresh to see "
             "theirs (your entries would then be lost).")


@login_required
def application_edit(request, pk):
    application = _application(request, pk)
    if application.status != S.DRAFT:
        messages.info(request, _("The application has been submitted; it can no longer be changed."))
        return redirect("funding:application", pk=application.pk)
    contribution = _contribution(application)
    if request.method != "POST":
        return _form_page(request, application, forms.application_input(application, contribution))
    data = forms.application_from_post(request.POST, contribution)
    version = _posted_version(request)
    action = request.POST.get("action", "save")
    if action.startswith("add-") and action[4:] in {**forms.APPLICATION_ROWS, **forms.CONTRIBUTION_ROWS}:
        return _form_page(request, application, data, version=version, add=action[4:])
    if version is None:
        return _form_page(request, application, data, status=400, notice=_(
            "The form is incomplete: reload the page and enter your changes again."))
    saved, exc, status = attempt(
        services.application_update, actor=request.user, application=application, expected_version=version,
        title=data["title"], language=data["language"], data=forms.application_content(data, contribution))
    if exc is not None:
        if status == 409 and exc.code == "conflict":
            application.refresh_from_db()
            return _form_page(request, application, data, version=application.version, status=409,
                              notice=_stale())
        return _form_page(request, application, data, version=version, status=status,
                          errors=Errors(exc, shown=forms.APPLICATION_SHOWN))
    if action != "submit":
        messages.success(request, _("The draft is saved."))
        return redirect("funding:application-edit", pk=saved.pk)
    # "Save and submit": what the user sees is saved first, so a refused submission loses nothing.
    _filed, exc, status = attempt(services.application_submit, actor=request.user, application=saved,
                                 expected_version=saved.version)
    if exc is not None:
        return _form_page(request, saved, data, status=status, errors=Errors(exc, shown=forms.APPLICATION_SHOWN),
                          errors_title=_("The application is not submitted"), notice_kind="info",
                          notice=_("Your entries are saved as a draft. Correct what is marked below, then submit "
                                   "again."))
    messages.success(request, _("The application is submitted. Keep the receipt: it proves what you filed and when."))
    return redirect("funding:application-receipt", pk=saved.pk)


# --- Documents ----------------------------------------------------------------------------------------


def _documents_page(request, application, *, errors=None, target="", status=200):
    errors = errors or Errors()
    return _render(request, "documents.html", {
        "application": application, "call": application.call, "documents": _documents(application, Errors()),
        "errors": errors, "target": target, "editable": application.status == S.DRAFT,
        "max_mb": f"{settings.QOGAM_MAX_UPLOAD_BYTES / 1048576:.0f}",
    }, status=status)


@login_required
def application_documents(request, pk):
    application = _application(request, pk)
    if request.method != "POST":
        return _documents_page(request, application)
    wanted = forms.text(request.POST, "required_document")
    required = None
    if wanted:
        required = application.call.required_documents.filter(pk=wanted).first() if wanted.isdigit() else None
        if required is None:
            return _documents_page(request, application, target=wanted, status=400, errors=Errors(invalid(
                "required_document", _("Choose a document required by this call.")), shown=("required_document",)))
    document, exc, status = attempt(services.document_upload, actor=request.user, application=application,
                                    required_document=required, upload=request.FILES.get("file"))
    if exc is not None:
        return _documents_page(request, application, target=wanted or "other", status=status,
                               errors=Errors(exc, shown=("file", "required_document")))
    messages.success(request, _("Uploaded: %(name)s.") % {"name": document.original_name})
    return redirect("funding:application-documents", pk=application.pk)


def _document(request, pk) -> ApplicationDocument:
    document = ApplicationDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404(_("Not found."))
    _application(request, document.application_id)
    return document


@login_required
@require_POST
def document_delete(request, pk):
    document = _document(request, pk)
    _done, exc, _status = attempt(services.document_delete, actor=request.user, document=document)
    if exc is not None:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Deleted: %(name)s.") % {"name": document.original_name})
    return redirect("funding:application-documents", pk=document.application_id)


@login_required
def document_download(request, pk):
    document = _document(request, pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Not found.")) from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


# --- Status, receipt, withdrawal and appeal -----------------------------------------------------------


def _appeal_state(application, today) -> dict | None:
    """What may be appealed, until when, and whether it already is (issue 4 "Appeals")."""
    found = services.appeal_decided_on(application)
    if found is None:
        return None
    kind, decided_on = found
    days = config.get("funding.appeal_working_days")
    calendar = WorkingCalendar.load()
    return {"kind": kind, "decided_on": decided_on, "days": days,
            "deadline": rules.appeal_deadline(decided_on, calendar, days),
            "in_time": rules.appeal_in_time(today, decided_on, calendar, days),
            "filed": application.appeals.filter(kind=kind).exists()}


def _status_page(request, application, *, form="", errors=None, data=None, status=200):
    today = almaty_today()
    call = application.call
    version = application.latest
    compliance = getattr(application, "compliance", None)
    return _render(request, "status.html", {
        "application": application, "call": call, "lot": application.lot, "organisation": application.organisation,
        "version": version, "content": version.content if version else application.draft,
        "compliance": compliance if compliance and compliance.outcome else None,
        "compliance_pending": compliance if compliance and not compliance.outcome else None,
        "decided": call.status in selectors.DECIDED and application.total_score is not None,
        "window": _window(call, today),
        "can_withdraw": application.status == S.SUBMITTED and call.status == C.OPEN
        and rules.can_withdraw(today, call.closes_on),
        "appeal": _appeal_state(application, today), "appeals": list(application.appeals.order_by("filed_at")),
        "agreement": getattr(application, "agreement", None),
        "files": list(application.documents.select_related("required_document").order_by("uploaded_at", "pk")),
        "form": form, "errors": errors or Errors(), "data": data or {},
    }, status=status)


@login_required
def application_detail(request, pk):
    return _status_page(request, _application(request, pk))


@login_required
@require_POST
def application_withdraw(request, pk):
    application = _application(request, pk)
    data = {"reason": (request.POST.get("reason") or "").strip()}
    _done, exc, status = attempt(services.application_withdraw, actor=request.user, application=application,
                                 reason=data["reason"])
    if exc is not None:
        return _status_page(request, application, form="withdraw", errors=Errors(exc, shown=("reason",)),
                            data=data, status=status)
    messages.success(request, _("The application is withdrawn."))
    return redirect("funding:application", pk=application.pk)


@login_required
@require_POST
def application_appeal(request, pk):
    application = _application(request, pk)
    data = {"grounds": (request.POST.get("grounds") or "").strip()}
    appeal, exc, status = attempt(services.appeal_file, actor=request.user, application=application,
                                  grounds=data["grounds"])
    if exc is not None:
        return _status_page(request, application, form="appeal", errors=Errors(exc, shown=("grounds",)), data=data,
                            status=status)
    messages.success(request, _("The appeal is filed. The competition committee reviews it and publishes its answer."))
    return redirect("funding:application", pk=application.pk)


@login_required
def application_receipt(request, pk):
    application = _application(request, pk)
    version = application.latest
    if version is None:
        raise Http404(_("This application has not been submitted."))
    submitted_at = timezone.localtime(version.submitted_at, ALMATY)
    return _render(request, "receipt.html", {
        "application": application, "call": application.call, "lot": application.lot,
        "organisation": application.organisation, "version": version, "submitted_at": submitted_at,
        "utc_offset": submitted_at.strftime("%z")[:3] + ":" + submitted_at.strftime("%z")[3:],
    })


# --- The agreement ------------------------------------------------------------------------------------


def _agreement_page(request, agreement, *, errors=None, status=200):
    today = almaty_today()
    dues = []
    for due in selectors.due_reports(agreement):
        reports = list(due.reports.all())
        last = reports[-1] if reports else None
        dues.append({"due": due, "reports": reports, "last": last,
                     "to_submit": agreement.status in (G.SIGNED, G.ACTIVE)
                     and (last is None or last.status == MonitoringReport.Status.RETURNED),
                     "overdue": last is None and rules.is_overdue(today, due.due_on)})
    return _render(request, "agreement.html", {
        **pdf.agreement_context(agreement), "dues": dues, "errors": errors or Errors(),
        "can_sign": agreement.status == G.DRAFT and agreement.signed_by_ngo_at is None,
    }, status=status)


@login_required
def agreement_detail(request, pk):
    return _agreement_page(request, _agreement(request, pk))


@login_required
@require_POST
def agreement_sign(request, pk):
    agreement = _agreement(request, pk)
    signed, exc, status = attempt(services.agreement_sign, actor=request.user, agreement=agreement)
    if exc is not None:
        return _agreement_page(request, agreement, errors=Errors(exc), status=status)
    if signed.status == G.DRAFT:
        messages.success(request, _("You signed the agreement for the organisation. It takes effect when the "
                                    "operator signs too."))
    else:
        messages.success(request, _("The agreement is signed by both parties."))
    return redirect("funding:agreement", pk=agreement.pk)


# --- Monitoring reports -------------------------------------------------------------------------------


def _report_page(request, due, agreement, data, *, errors=None, add=False, status=200):
    errors = errors or Errors()
    lines = services.budget_lines(agreement)
    versions = list(due.reports.order_by("number"))
    last = versions[-1] if versions else None
    return _render(request, "report.html", {
        "due": due, "agreement": agreement, "application": agreement.application, "data": data, "errors": errors,
        "indicators": forms.shown_rows(data["indicators"], forms.MONITORING_PARTS, errors=errors, name="indicators",
                                       extra=forms.ROWS_EXTRA + (1 if add else 0)),
        "spending": forms.spending_rows(data, lines, errors), "versions": versions, "last": last,
        "open": agreement.status in (G.SIGNED, G.ACTIVE)
        and (last is None or last.status == MonitoringReport.Status.RETURNED),
    }, status=status)


@login_required
def monitoring_report(request, pk):
    due = ReportSchedule.objects.filter(pk=pk).first()
    if due is None:
        raise Http404(_("Not found."))
    agreement = _agreement(request, due.agreement_id)
    lines = services.budget_lines(agreement)
    if request.method != "POST":
        last = due.reports.order_by("-number").first()
        if last is not None and last.status == MonitoringReport.Status.RETURNED:
            data = forms.monitoring_from_report(last, lines)
        else:
            application = agreement.application
            data = forms.monitoring_initial(application.latest.content if application.latest_id else application.draft,
                                            lines)
        return _report_page(request, due, agreement, data)
    data = forms.monitoring_from_post(request.POST, lines)
    if request.POST.get("action") == "add-indicators":
        return _report_page(request, due, agreement, data, add=True)
    report, exc, status = attempt(services.monitoring_report_submit, actor=request.user, due=due,
                                  content=forms.monitoring_content(data))
    if exc is not None:
        return _report_page(request, due, agreement, data, status=status,
                            errors=Errors(exc, shown=forms.MONITORING_SHOWN))
    messages.success(request, _("The report is submitted. The operator reviews it; you will see the outcome here."))
    for warning in report.warnings:
        messages.warning(request, warning["message"])
    return redirect("funding:agreement", pk=agreement.pk)


urlpatterns = [
    path("my/", my_applications, name="my-applications"),
    path("my/new/", application_start, name="application-start"),
    path("my/applications/<int:pk>/", application_detail, name="application"),
    path("my/applications/<int:pk>/edit/", application_edit, name="application-edit"),
    path("my/applications/<int:pk>/documents/", application_documents, name="application-documents"),
    path("my/applications/<int:pk>/receipt/", application_receipt, name="application-receipt"),
    path("my/applications/<int:pk>/withdraw/", application_withdraw, name="application-withdraw"),
    path("my/applications/<int:pk>/appeal/", application_appeal, name="application-appeal"),
    path("my/documents/<int:pk>/", document_download, name="application-document"),
    path("my/documents/<int:pk>/delete/", document_delete, name="application-document-delete"),
    path("my/agreements/<int:pk>/", agreement_detail, name="agreement"),
    path("my/agreements/<int:pk>/sign/", agreement_sign, name="agreement-sign"),
    path("my/reports/<int:pk>/", monitoring_report, name="monitoring-report"),
]
