"""Public pages of public councils: the coordination view of all councils by level or region with their
activity, each council with its members (first name and surname initial), meetings and
recommendations, each meeting with its documents, quorum, decisions and minutes, and the calls for
members, where signed-in citizens and NGO representatives apply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.accounts.models import Representation
from qogam.core.calendar import today as almaty_today
from qogam.core.models import Region
from qogam.councils import permissions, rules, selectors, services
from qogam.councils.models import Council, MeetingDocument
from qogam.funding.forms import Errors, attempt
from qogam.recommendations.selectors import recommendations_from
from qogam.registry.models import Organisation


def _int(value) -> int | None:
    return int(value) if (value or "").isdigit() else None


def council_list(request):
    get = request.GET
    today = almaty_today()
    levels = dict(Council.Level.choices)
    filters = selectors.Filters(
        level=get.get("level") if get.get("level") in levels else None,
        region=get.get("region") if Region.objects.filter(kato=get.get("region") or "").exists() else None,
        year=_int(get.get("year")), q=(get.get("q") or "").strip()[:200])
    by = "region" if get.get("by") == "region" else "level"
    page = Paginator(selectors.councils(filters), 50).get_page(get.get("page"))
    groups, activity = selectors.coordination(filters, today=today, by=by)
    totals = selectors.Activity()
    for group in groups:
        totals.add(group.totals)
    return render(request, "councils/list.html", {
        "groups": groups, "by": by, "totals": totals, "count": sum(g.councils for g in groups),
        "page": page, "rows": [(c, activity.get(c.pk, selectors.Activity())) for c in page],
        "filters": {k: ("" if v is None else str(v)) for k, v in filters.__dict__.items()},
        "levels": Council.Level.choices, "regions": list(Region.objects.order_by("-kind", "name_en")),
        "years": list(range(today.year, today.year - 6, -1)), "nav": "list",
    })


def council_detail(request, pk):
    council = selectors.council_detail(pk)
    if council is None:
        raise Http404(_("There is no such public council."))
    convocation = services.current_convocation(council)
    forming = council.convocations.filter(status=rules.ConvocationStatus.FORMING).first()
    today = almaty_today()
    return render(request, "councils/detail.html", {
        "council": council, "convocation": convocation, "forming": forming,
        "members": selectors.public_members(convocation) if convocation else [],
        "meetings": Paginator(selectors.council_meetings(council), 30).get_page(request.GET.get("page")),
        "recommendations": list(selectors.council_recommendations(council)[:100]),
        "calls": list(selectors.open_calls(today=today).filter(convocation__council=council)),
        "activity": selectors.activity([council.pk], today=today).get(council.pk, selectors.Activity()),
        "can_manage": permissions.can_manage_council(request.user, council),
        "can_run": permissions.can_run_meetings(request.user, council), "today": today, "nav": "list",
    })


def meeting_detail(request, pk):
    meeting = selectors.meeting_detail(pk)
    if meeting is None:
        raise Http404(_("There is no such meeting."))
    can_run = permissions.can_run_meetings(request.user, meeting.council)
    return render(request, "councils/meeting.html", {
        "meeting": meeting, "council": meeting.council, "recommendations": list(recommendations_from(meeting)),
        "can_run": can_run, "today": almaty_today(), "nav": "list",
    })


def document(request, pk):
    doc = get_object_or_404(MeetingDocument, pk=pk)
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type,
                            as_attachment=doc.content_type not in ("application/pdf", "image/png", "image/jpeg"),
                            filename=doc.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def calls(request):
    today = almaty_today()
    return render(request, "councils/calls.html", {"calls": selectors.open_calls(today=today), "nav": "calls"})


def _call_page(request, call, *, errors=None, data=None, status=200):
    today = almaty_today()
    user = request.user
    mine = call.applications.filter(applicant=user).first() if user.is_authenticated else None
    organisations = []
    if user.is_authenticated:
        organisations = list(Organisation.objects.filter(
            representations__user=user, representations__status=Representation.Status.APPROVED).order_by("name_ru"))
    return render(request, "councils/call.html", {
        "call": call, "council": call.council, "working_group": list(call.working_group.all()),
        "applications": call.applications.exclude(status=rules.ApplicationStatus.WITHDRAWN).count(),
        "selected": [m for m in call.convocation.members.filter(application__call=call).order_by("full_name")],
        "open": call.status == rules.CallStatus.OPEN and today <= call.closes_on,
        "can_apply": permissions.can_apply(user), "mine": mine, "organisations": organisations,
        "can_manage": permissions.can_manage_council(user, call.council),
        "errors": errors or Errors(), "data": data or {}, "nav": "calls",
    }, status=status)


def call_detail(request, pk):
    call = selectors.call_detail(pk)
    if call is None:
        raise Http404(_("There is no such call."))
    return _call_page(request, call)


@require_POST
@login_required
def call_apply(request, pk):
    call = selectors.call_detail(pk)
    if call is None:
        raise Http404(_("There is no such call."))
    if not permissions.can_apply(request.user):
        raise PermissionDenied(_("Sign in as a citizen or an NGO representative to apply."))
    data = {k: request.POST.get(k, "") for k in ("full_name", "motivation", "organisation")}
    organisation = Organisation.objects.filter(pk=_int(data["organisation"])).first() if data["organisation"] else None
    _result, refusal, status = attempt(services.membership_apply, actor=request.user, call=call,
                                       full_name=data["full_name"], motivation=data["motivation"],
                                       organisation=organisation)
    if refusal:
        return _call_page(request, call, errors=Errors(refusal, shown=("full_name", "motivation", "organisation")),
                          data=data, status=status)
    messages.success(request, _("Your application is submitted. The working group reviews the applications after "
                                "the call closes."))
    return redirect("councils:call", pk)


@require_POST
@login_required
def application_withdraw(request, pk):
    from qogam.councils.models import MembershipApplication

    application = get_object_or_404(MembershipApplication, pk=pk, applicant=request.user)
    _result, refusal, _status = attempt(services.membership_withdraw, actor=request.user, application=application)
    if refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("councils:call", application.call_id)


urlpatterns = [
    path("", council_list, name="list"),
    path("<int:pk>/", council_detail, name="detail"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("documents/<int:pk>/", document, name="document"),
    path("calls/", calls, name="calls"),
    path("calls/<int:pk>/", call_detail, name="call"),
    path("calls/<int:pk>/apply/", call_apply, name="call-apply"),
    path("applications/<int:pk>/withdraw/", application_withdraw, name="application-withdraw"),
]
