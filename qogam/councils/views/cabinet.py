"""Cabinet pages of public councils: the councils a user runs and the applications a user made; the
secretary's meetings (schedule, attendance and decisions, documents, minutes, recommendations); the
selection of members (convocation, call, working group, review, selection with reasons, chair); and
the authorised body's creation of councils. Every write is one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qogam.accounts.models import Role, User
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import ValidationFailed
from qogam.councils import permissions, rules, selectors, services
from qogam.councils.models import Council, Meeting, MembershipCall
from qogam.councils.views.common import Field, action_page, paragraphs, parse_date, parse_int, people
from qogam.funding.forms import Errors, attempt
from qogam.registry.models import StateBody

KINDS = (("meeting", gettext_lazy("meeting")), ("hearing", gettext_lazy("public hearing")),
         ("monitoring", gettext_lazy("public monitoring")))


def _body_choices():
    return [(str(b.pk), f"{b.name} ({b.get_level_display()})")
            for b in StateBody.objects.select_related("region").order_by("level", "name_ru")]


def _refuse(problems: dict):
    if problems:
        raise ValidationFailed(fields=problems)


def _council(pk, check, message) -> Council:
    council = get_object_or_404(Council.objects.select_related("host_body"), pk=pk)
    if not check(council):
        raise PermissionDenied(message)
    return council


@login_required
def mine(request):
    user = request.user
    return render(request, "councils/mine.html", {
        "secretary_of": list(selectors.secretary_councils(user)) if user.role == Role.COUNCIL_SECRETARY else [],
        "host_of": list(selectors.host_councils(user)) if user.role == Role.OFFICIAL else [],
        "applications": list(selectors.my_applications(user)),
        "can_create": permissions.can_create_council(user), "nav": "mine",
    })


# --- The secretary: meetings -------------------------------------------------------------------


@login_required
def meeting_schedule(request, pk):
    council = _council(pk, lambda c: permissions.can_run_meetings(request.user, c),
                       _("Only the council's secretary schedules meetings."))

    def call(data):
        problems = {}
        held_on = parse_date(data["held_on"], "held_on", problems)
        _refuse(problems)
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
        fields=[Field("addressee", _("Addressed to"), "select", _body_choices()), Field("title", _("Short title")),
                Field("text", _("Text of the recommendation"), "textarea")],
        submit=_("Send"), call=call, success=_("The recommendation is sent and tracked."),
        done=lambda r: r.get_absolute_url())


# --- Selection of members ----------------------------------------------------------------------


def _managed(request, pk) -> Council:
    return _council(pk, lambda c: permissions.can_manage_council(request.user, c),
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
        _refuse(problems)
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
        _refuse(problems)
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
    group = list(call.working_group.all())
    initial = {
        "civil": "\n".join(f"{w.full_name}; {w.affiliation}" for w in group if w.constituency == rules.CIVIL_SOCIETY),
        "state": "\n".join(f"{w.full_name}; {w.affiliation}" for w in group if w.constituency == rules.STATE)}

    def service_call(data):
        members = [{"full_name": n, "affiliation": a, "constituency": rules.CIVIL_SOCIETY} for n, a in people(data["civil"])]
        members += [{"full_name": n, "affiliation": a, "constituency": rules.STATE} for n, a in people(data["state"])]
        return services.working_group_set, {"actor": request.user, "call": call, "members": members}

    share = rules.share_text(services.config.get("councils.working_group_civil_society_share"))
    return action_page(
        request, title=_("Working group"), back=(reverse("councils:call", args=[pk]), call.council.name),
        intro=_("At least %(share)s of the working group must represent civil society. One person per line: "
                "surname and name; organisation.") % {"share": share},
        fields=[Field("civil", _("Civil-society members"), "textarea"),
                Field("state", _("State representatives"), "textarea", required=False)],
        initial=initial, submit=_("Save the working group"), call=service_call,
        success=_("The working group is saved."), done=lambda _r: reverse("councils:call", args=[pk]))


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
    data = {"state": "", **{f"choice_{a.pk}": "" for a in pending}, **{f"reason_{a.pk}": "" for a in pending}}
    if request.method == "POST":
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        decisions = {}
        for a in pending:
            choice = data.get(f"choice_{a.pk}")
            if choice in ("yes", "no"):
                decisions[a.pk] = (choice == "yes", data.get(f"reason_{a.pk}", ""))
        state = [{"full_name": n, "affiliation": a} for n, a in people(data.get("state", ""))]
        _result, refusal, status = attempt(services.membership_select, actor=request.user, call=call,
                                           decisions=decisions, state_members=state)
        if refusal is None:
            messages.success(request, _("The selection is recorded. Now record the election of the chair."))
            return redirect("councils:chair", call.council.pk)
        errors = Errors(refusal, shown=[f"application_{a.pk}" for a in pending] + ["state_members"])
    rows = [(a, data.get(f"choice_{a.pk}", ""), data.get(f"reason_{a.pk}", ""), errors.get(f"application_{a.pk}"))
            for a in pending]
    limits = services.size_limits(call.council.level)
    return render(request, "councils/select.html", {
        "call": call, "council": call.council, "rows": rows, "decided": [a for a in applications if a not in pending],
        "data": data, "errors": errors, "limits": limits, "nav": "mine",
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
        _refuse(problems)
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


# --- The authorised body: councils -------------------------------------------------------------


@login_required
def council_create(request):
    if not permissions.can_create_council(request.user):
        raise PermissionDenied(_("Only the authorised body creates public councils."))

    def call(data):
        problems = {}
        host = StateBody.objects.filter(pk=parse_int(data["host_body"], "host_body", problems) or 0).first()
        if host is None:
            problems["host_body"] = [_("Choose the host body from the register.")]
        size = parse_int(data["size"], "size", problems)
        established_on = parse_date(data["established_on"], "established_on", problems)
        _refuse(problems)
        return services.council_create, {
            "actor": request.user, "host_body": host, "name_ru": data["name_ru"], "name_kk": data["name_kk"],
            "name_en": data["name_en"], "size": size, "established_on": established_on,
            "level": data["level"] or None}

    return action_page(
        request, title=_("Create a public council"), back=(reverse("councils:mine"), _("My councils")),
        fields=[Field("host_body", _("Host body"), "select", _body_choices()),
                Field("level", _("Level"), "select", Council.Level.choices,
                      help=_("Empty: the level of the host body."), required=False),
                Field("name_ru", _("Name (Russian)")), Field("name_kk", _("Name (Kazakh)")),
                Field("name_en", _("Name (English)"), required=False), Field("size", _("Number of members"), "number"),
                Field("established_on", _("Established on"), "date")],
        submit=_("Create"), call=call, success=_("The council is created."), done=lambda c: c.get_absolute_url())


@login_required
def secretary_appoint(request, pk):
    council = _council(pk, lambda c: permissions.is_admin(request.user) or permissions.is_host_official(request.user, c),
                       _("Only an official of the host body appoints the council's secretary."))

    def call(data):
        user = User.objects.filter(username=(data["username"] or "").strip(), is_active=True).first()
        if user is None:
            raise ValidationFailed(fields={"username": [_("There is no active user with this login.")]})
        return services.secretary_appoint, {"actor": request.user, "council": council, "user": user}

    return action_page(
        request, title=_("Appoint the secretary"), back=(council.get_absolute_url(), council.name),
        intro=_("The secretary runs the council's meetings and publishes its minutes. An administrator gives the user "
                "the role of council secretary."),
        fields=[Field("username", _("Login of the secretary"))], submit=_("Appoint"), call=call,
        success=_("The secretary is appointed."), done=lambda c: c.get_absolute_url())


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("new/", council_create, name="create"),
    path("<int:pk>/secretary/", secretary_appoint, name="secretary"),
    path("<int:pk>/meetings/new/", meeting_schedule, name="meeting-schedule"),
    path("meetings/<int:pk>/hold/", meeting_hold, name="meeting-hold"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/minutes/", minutes_publish, name="minutes"),
    path("meetings/<int:pk>/documents/", document_add, name="document-add"),
    path("meetings/<int:pk>/recommend/", recommend, name="recommend"),
    path("<int:pk>/selection/", selection, name="selection"),
    path("<int:pk>/convocations/new/", convocation_open, name="convocation-open"),
    path("<int:pk>/calls/new/", call_open, name="call-open"),
    path("<int:pk>/chair/", chair, name="chair"),
    path("calls/<int:pk>/working-group/", working_group, name="working-group"),
    path("calls/<int:pk>/review/", review_start, name="review-start"),
    path("calls/<int:pk>/select/", select, name="select"),
]
