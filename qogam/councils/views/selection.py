"""Selection of a council's members, run by the host body's officials, the council's secretary or an
administrator: form a convocation; announce a call; set the working group (at least two-thirds civil
society, enforced by the service); start the review after the call closes; record the selection, every
application decided with a reason, plus the state representatives (the composition rules are enforced);
elect the chair from the civil-society members. Every write is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qogam.core.calendar import today as almaty_today
from qogam.core.errors import ValidationFailed
from qogam.councils import forms, permissions, rules, selectors, services
from qogam.councils.models import Council, MembershipCall
from qogam.councils.views.common import Field, action_page, council_or_403, parse_date, parse_int, refuse
from qogam.funding.forms import Errors, attempt


def _managed(request, pk) -> Council:
    return council_or_403(pk, lambda c: permissions.can_manage_council(request.user, c),
                    _("Only the host body's officials or the council's secretary run the selection of members."))


@login_required
def selection(request, pk):
    council = _managed(request, pk)
    convocations = list(council.convocations.prefetch_related("calls", "members").order_by("-number"))
    return render(request, "councils/selection.html", {
        "council": council, "convocations": convocations, "today": almaty_today(), "nav": "mine",
        "forming": next((c for c in convocations if c.status == rules.ConvocationStatus.FORMING), None),
    })


@login_required
def convocation_open(request, pk):
    council = _managed(request, pk)

    def call(data):
        problems = {}
        starts_on = parse_date(data["starts_on"], "starts_on", problems)
        ends_on = parse_date(data["ends_on"], "ends_on", problems) if data["ends_on"].strip() else None
        refuse(problems)
        return services.convocation_open, {"actor": request.user, "council": council, "starts_on": starts_on,
                                           "ends_on": ends_on}

    return action_page(
        request, title=_("Form a new convocation"), back=(reverse("councils:selection", args=[pk]), council.name),
        fields=[Field("starts_on", _("Term starts"), "date"),
                Field("ends_on", _("Term ends"), "date", help=_("Empty: the term set in the configuration (3 years)."),
                      required=False)],
        submit=_("Form the convocation"), call=call, success=_("The convocation is being formed: announce the call."),
        done=lambda c: reverse("councils:selection", args=[pk]))


@login_required
def call_open(request, pk):
    council = _managed(request, pk)
    convocation = council.convocations.filter(status=rules.ConvocationStatus.FORMING).first()
    if convocation is None:
        messages.error(request, _("Form a new convocation first."))
        return redirect("councils:selection", pk)

    def call(data):
        problems = {}
        closes_on = parse_date(data["closes_on"], "closes_on", problems)
        seats = parse_int(data["seats"], "seats", problems)
        refuse(problems)
        return services.membership_call_open, {"actor": request.user, "convocation": convocation,
                                               "closes_on": closes_on, "seats": seats,
                                               "description": data["description"]}

    return action_page(
        request, title=_("Announce a call for members"), back=(reverse("councils:selection", args=[pk]), council.name),
        fields=[Field("seats", _("Civil-society seats"), "number"), Field("closes_on", _("Applications close on"), "date"),
                Field("description", _("Description (published)"), "textarea", required=False)],
        submit=_("Announce"), call=call, success=_("The call is announced."),
        done=lambda c: reverse("councils:call", args=[c.pk]))


def _call(request, pk) -> MembershipCall:
    call = get_object_or_404(MembershipCall.objects.select_related("convocation__council"), pk=pk)
    if not permissions.can_manage_council(request.user, call.council):
        raise PermissionDenied(_("Only the host body's officials or the council's secretary run the selection."))
    return call


@login_required
def working_group(request, pk):
    call = _call(request, pk)
    minimum = services.config.get("councils.working_group_min_members")
    errors, status = Errors(), 200
    if request.method == "POST":
        more = request.POST.get("action") == f"add-{forms.WORKING_GROUP_PREFIX}"
        formset = forms.working_group_formset(request.POST, more=more)
        if not more:
            if formset.is_valid():
                _result, refusal, status = attempt(services.working_group_set, actor=request.user, call=call,
                                                   members=formset.rows())
                if refusal is None:
                    messages.success(request, _("The working group is saved."))
                    return redirect("councils:call", pk)
                errors = Errors(refusal, shown=("members",))
            else:
                status = 400
                errors.general.append(_("Correct the fields marked below and try again."))
    else:
        formset = forms.working_group_formset(
            initial=[{"full_name": w.full_name, "constituency": w.constituency, "affiliation": w.affiliation}
                     for w in call.working_group.all()], minimum=max(minimum, 6))
    share = rules.share_text(services.config.get("councils.working_group_civil_society_share"))
    return render(request, "councils/working_group.html", {
        "call": call, "council": call.council, "formset": formset, "errors": errors, "share": share,
        "minimum": minimum, "nav": "mine"}, status=status)


@login_required
def review_start(request, pk):
    call = _call(request, pk)
    if request.method != "POST":
        return redirect("councils:call", pk)
    _result, refusal, _status = attempt(services.membership_review_start, actor=request.user, call=call)
    if refusal:
        for message in Errors(refusal).messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The working group reviews the applications."))
    return redirect("councils:select", pk)


@login_required
def select(request, pk):
    call = _call(request, pk)
    applications = list(selectors.call_applications(call))
    pending = [a for a in applications if a.status == rules.ApplicationStatus.SUBMITTED]
    errors, status = Errors(), 200
    data = {}
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        more = request.POST.get("action") == f"add-{forms.STATE_PREFIX}"
        state = forms.state_formset(request.POST, more=more)
        if not more:
            decisions = {}
            for a in pending:
                choice = data.get(f"choice_{a.pk}")
                if choice in ("yes", "no"):
                    decisions[a.pk] = (choice == "yes", data.get(f"reason_{a.pk}", ""))
            if state.is_valid():
                _result, refusal, status = attempt(services.membership_select, actor=request.user, call=call,
                                                   decisions=decisions, state_members=state.rows())
                if refusal is None:
                    messages.success(request, _("The selection is recorded. Now record the election of the chair."))
                    return redirect("councils:chair", call.council.pk)
                errors = Errors(refusal, shown=[f"application_{a.pk}" for a in pending] + ["state_members"])
                if (getattr(refusal, "fields", None) or {}).get("__all__"):
                    # A refusal of the whole composition: its own message says it all.
                    errors.general = [m for m in errors.general if m != str(refusal.message)]
            else:
                status = 400
                errors.general.append(_("Correct the fields marked below and try again."))
    else:
        state = forms.state_formset()
    rows = [(a, data.get(f"choice_{a.pk}", ""), data.get(f"reason_{a.pk}", ""), errors.get(f"application_{a.pk}"))
            for a in pending]
    return render(request, "councils/select.html", {
        "call": call, "council": call.council, "rows": rows, "decided": [a for a in applications if a not in pending],
        "state": state, "errors": errors, "limits": services.size_limits(call.council.level), "nav": "mine",
        "share": rules.share_text(services.config.get("councils.civil_society_share"))}, status=status)


@login_required
def chair(request, pk):
    council = _managed(request, pk)
    convocation = (council.convocations.filter(status=rules.ConvocationStatus.FORMING).first()
                   or services.current_convocation(council))
    if convocation is None:
        messages.error(request, _("The council has no convocation to elect a chair for."))
        return redirect("councils:selection", pk)
    members = convocation.members.filter(left_on__isnull=True, constituency=rules.CIVIL_SOCIETY).order_by("full_name")

    def call(data):
        member = members.filter(pk=parse_int(data["member"], "member", {}) or 0).first()
        if member is None:
            raise ValidationFailed(fields={"member": [_("Choose a civil-society member of the convocation.")]})
        problems = {}
        elected_on = parse_date(data["elected_on"], "elected_on", problems)
        refuse(problems)
        return services.chair_elect, {"actor": request.user, "convocation": convocation, "member": member,
                                      "elected_on": elected_on}

    return action_page(
        request, title=_("Election of the chair"), back=(reverse("councils:selection", args=[pk]), council.name),
        intro=_("The members elect the chair from the civil-society members. Recording the election starts the work "
                "of a new convocation and ends the previous one."),
        fields=[Field("member", _("Chair"), "select", [(str(m.pk), f"{m.full_name} — {m.affiliation}") for m in members]),
                Field("elected_on", _("Elected on"), "date")],
        initial={"elected_on": almaty_today().isoformat()}, submit=_("Record the election"), call=call,
        success=_("The chair is recorded."), done=lambda c: council.get_absolute_url())


urlpatterns = [
    path("<int:pk>/selection/", selection, name="selection"),
    path("<int:pk>/convocations/new/", convocation_open, name="convocation-open"),
    path("<int:pk>/calls/new/", call_open, name="call-open"),
    path("<int:pk>/chair/", chair, name="chair"),
    path("calls/<int:pk>/working-group/", working_group, name="working-group"),
    path("calls/<int:pk>/review/", review_start, name="review-start"),
    path("calls/<int:pk>/select/", select, name="select"),
]
