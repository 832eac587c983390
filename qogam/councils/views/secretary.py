"""The council secretary's pages: schedule a meeting, a public hearing or a monitoring; record who was
present (the quorum decides whether decisions are taken) and the decisions; add documents; publish the
minutes or the report by their due date; send the council's recommendations to state bodies from a meeting
held with a quorum; cancel a meeting. Only the council's own secretary may; every write is one service
call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.core.errors import ValidationFailed
from qogam.councils import permissions, rules, services
from qogam.councils.models import Meeting
from qogam.councils.views.common import (
    Field,
    action_page,
    body_choices,
    council_or_403,
    paragraphs,
    parse_date,
    parse_int,
    refuse,
)
from qogam.funding.forms import Errors, attempt
from qogam.registry.models import StateBody

KINDS = (("meeting", gettext_lazy("meeting")), ("hearing", gettext_lazy("public hearing")),
         ("monitoring", gettext_lazy("public monitoring")))



@login_required
def meeting_schedule(request, pk):
    council = council_or_403(pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary schedules meetings."))

    def call(data):
        problems = {}
        held_on = parse_date(data["held_on"], "held_on", problems)
        refuse(problems)
        return services.meeting_schedule, {
            "actor": request.user, "council": council, "kind": data["kind"], "title": data["title"],
            "agenda": data["agenda"], "held_on": held_on, "place": data["place"], "subject": data["subject"]}

    return action_page(
        request, title=_("Schedule a meeting, hearing or monitoring"), back=(council.get_absolute_url(), council.name),
        fields=[Field("kind", _("Kind"), "select", KINDS), Field("title", _("Title")),
                Field("held_on", _("Date"), "date"), Field("place", _("Place"), required=False),
                Field("subject", _("Public service or activity monitored (for a monitoring)"), required=False),
                Field("agenda", _("Agenda (published)"), "textarea")],
        initial={"kind": "meeting"}, submit=_("Schedule"), call=call, success=_("The meeting is scheduled."),
        done=lambda meeting: meeting.get_absolute_url())


def _meeting(request, pk, check, message) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("council", "convocation"), pk=pk)
    if not check(meeting.council):
        raise PermissionDenied(message)
    return meeting


@login_required
def meeting_hold(request, pk):
    meeting = _meeting(request, pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary records meetings."))
    members = list(meeting.convocation.members.filter(joined_on__lte=meeting.held_on)
                   .exclude(left_on__lt=meeting.held_on).order_by("constituency", "full_name"))
    errors, data, status = Errors(), {"present": [m.pk for m in members], "decisions": ""}, 200
    if request.method == "POST":
        present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
        data = {"present": present, "decisions": request.POST.get("decisions", "")}
        _result, refusal, status = attempt(services.meeting_hold, actor=request.user, meeting=meeting, present=present,
                                           decisions=paragraphs(data["decisions"]))
        if refusal is None:
            messages.success(request, _("The meeting is recorded. Publish its minutes by the date shown."))
            return redirect(meeting.get_absolute_url())
        errors = Errors(refusal, shown=("present", "decisions"))
    share = rules.share_text(services.config.get("councils.quorum_share"))
    return render(request, "councils/hold.html", {
        "meeting": meeting, "council": meeting.council, "members": members, "data": data, "errors": errors,
        "share": share, "nav": "mine"}, status=status)


@login_required
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary cancels meetings."))
    return action_page(
        request, title=_("Cancel the meeting"), back=(meeting.get_absolute_url(), meeting.title),
        fields=[Field("reason", _("Reason (published)"), "textarea")], submit=_("Cancel the meeting"),
        call=lambda data: (services.meeting_cancel, {"actor": request.user, "meeting": meeting,
                                                     "reason": data["reason"]}),
        success=_("The meeting is cancelled."), done=lambda m: m.get_absolute_url())


@login_required
def minutes_publish(request, pk):
    meeting = _meeting(request, pk, lambda c: permissions.can_publish_minutes(request.user, c),
                       _("Only the council's secretary publishes the minutes."))
    intro = _("Due by %(date)s. Minutes published later are marked late.") % {
        "date": meeting.minutes_due_on.strftime("%d.%m.%Y") if meeting.minutes_due_on else "—"}
    return action_page(
        request, title=_("Publish the minutes"), intro=intro, back=(meeting.get_absolute_url(), meeting.title),
        fields=[Field("minutes", _("Minutes, or the report of a hearing or monitoring (published)"), "textarea")],
        initial={"version": meeting.version}, submit=_("Publish"),
        call=lambda data: (services.minutes_publish, {
            "actor": request.user, "meeting": meeting, "minutes": data["minutes"],
            "expected_version": int(data["version"]) if str(data.get("version", "")).isdigit() else None}),
        success=_("The minutes are published."), done=lambda m: m.get_absolute_url(),
        extra={"hidden": {"version": meeting.version}})


@login_required
def document_add(request, pk):
    meeting = _meeting(request, pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary adds the documents of a meeting."))
    return action_page(
        request, title=_("Add a document"), back=(meeting.get_absolute_url(), meeting.title),
        intro=_("PDF, DOCX, XLSX, PNG or JPEG. The document is public."),
        fields=[Field("title", _("Title")), Field("file", _("File"), "file")], submit=_("Upload"),
        call=lambda data: (services.document_add, {"actor": request.user, "meeting": meeting, "title": data["title"],
                                                   "upload": request.FILES.get("file")}),
        success=_("The document is added."), done=lambda d: meeting.get_absolute_url())


@login_required
def recommend(request, pk):
    meeting = _meeting(request, pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary sends the council's recommendations."))

    def call(data):
        body = StateBody.objects.filter(pk=parse_int(data["addressee"], "addressee", {}) or 0).first()
        if body is None:
            raise ValidationFailed(fields={"addressee": [_("Choose the state body from the register.")]})
        return services.meeting_recommend, {"actor": request.user, "meeting": meeting, "addressee": body,
                                            "title": data["title"], "text": data["text"]}

    return action_page(
        request, title=_("Send a recommendation"), back=(meeting.get_absolute_url(), meeting.title),
        intro=_("The body must answer within 15 working days (configurable); the recommendation, its due date and "
                "the answer are public."),
        fields=[Field("addressee", _("Addressed to"), "select", body_choices()), Field("title", _("Short title")),
                Field("text", _("Text of the recommendation"), "textarea")],
        submit=_("Send"), call=call, success=_("The recommendation is sent and tracked."),
        done=lambda r: r.get_absolute_url())


urlpatterns = [
    path("<int:pk>/meetings/new/", meeting_schedule, name="meeting-schedule"),
    path("meetings/<int:pk>/hold/", meeting_hold, name="meeting-hold"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/minutes/", minutes_publish, name="minutes"),
    path("meetings/<int:pk>/documents/", document_add, name="document-add"),
    path("meetings/<int:pk>/recommend/", recommend, name="recommend"),
]
