"""The Civil Forum: its editions, each with the regional forums and the issue each region put forward,
the republican forum's recommendations and the action plan's measures with their tracker status, and
the report on the previous edition's plan; and the authorised body's pages that record them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qogam.core.calendar import today as almaty_today
from qogam.core.errors import ValidationFailed
from qogam.core.models import Region
from qogam.councils import permissions, selectors, services
from qogam.councils.models import ForumEdition
from qogam.councils.views.common import Field, action_page, body_choices, parse_date, parse_int, refuse
from qogam.recommendations.models import Recommendation
from qogam.registry.models import StateBody


def forums(request):
    return render(request, "councils/forums.html", {
        "editions": selectors.forum_editions(), "can_manage": permissions.can_manage_forum(request.user),
        "nav": "forums"})


def forum(request, year):
    edition = selectors.forum_edition(year)
    if edition is None:
        raise Http404(_("There is no Civil Forum of this year."))
    today = almaty_today()
    previous = selectors.previous_edition(edition)
    plan = getattr(edition, "action_plan", None)
    return render(request, "councils/forum.html", {
        "edition": edition, "regional": list(edition.regional_forums.all()),
        "recommendations": list(selectors.forum_recommendations(edition)), "plan": plan,
        "measures": list(selectors.plan_measures(edition)) if plan else [],
        "plan_report": selectors.plan_report(edition, today=today) if plan else None,
        "previous": previous,
        "previous_report": selectors.plan_report(previous, today=today) if previous and hasattr(
            previous, "action_plan") else None,
        "can_manage": permissions.can_manage_forum(request.user), "today": today, "nav": "forums",
    })


def _manager(request):
    if not permissions.can_manage_forum(request.user):
        raise PermissionDenied(_("Only the authorised body records the Civil Forum."))


def _edition(year) -> ForumEdition:
    edition = ForumEdition.objects.filter(year=year).first()
    if edition is None:
        raise Http404(_("There is no Civil Forum of this year."))
    return edition


def _back(edition):
    return edition.get_absolute_url(), edition.title


@login_required
def edition_create(request):
    _manager(request)

    def call(data):
        problems = {}
        year = parse_int(data["year"], "year", problems)
        held_from = parse_date(data["held_from"], "held_from", problems)
        held_to = parse_date(data["held_to"], "held_to", problems)
        participants = parse_int(data["participants"], "participants", problems, required=False)
        refuse(problems)
        return services.forum_edition_create, {
            "actor": request.user, "year": year, "title": data["title"], "organiser": data["organiser"],
            "city": data["city"], "held_from": held_from, "held_to": held_to, "participants": participants}

    return action_page(
        request, title=_("Record a Civil Forum"), back=(reverse("councils:forums"), _("Civil Forum")),
        fields=[Field("year", _("Year"), "number"), Field("title", _("Title")), Field("organiser", _("Organiser")),
                Field("city", _("City")), Field("held_from", _("Republican forum from"), "date"),
                Field("held_to", _("Republican forum to"), "date"),
                Field("participants", _("Participants"), "number", required=False)],
        submit=_("Record"), call=call, success=_("The forum is recorded."), done=lambda e: e.get_absolute_url())


@login_required
def regional_forum(request, year):
    _manager(request)
    edition = _edition(year)

    def call(data):
        problems = {}
        region = Region.objects.filter(kato=data["region"]).first()
        if region is None:
            problems["region"] = [_("Choose the region.")]
        held_on = parse_date(data["held_on"], "held_on", problems)
        participants = parse_int(data["participants"], "participants", problems, required=False)
        refuse(problems)
        return services.regional_forum_record, {
            "actor": request.user, "edition": edition, "region": region, "held_on": held_on,
            "issue_title": data["issue_title"], "issue_text": data["issue_text"], "participants": participants}

    return action_page(
        request, title=_("Record a regional forum"), back=_back(edition),
        fields=[Field("region", _("Region"), "select", [(r.kato, r.name) for r in Region.objects.order_by("-kind", "name_en")]),
                Field("held_on", _("Held on"), "date"), Field("participants", _("Participants"), "number", required=False),
                Field("issue_title", _("The issue the region puts forward")),
                Field("issue_text", _("The issue in detail"), "textarea", required=False)],
        submit=_("Record"), call=call, success=_("The regional forum is recorded."),
        done=lambda f: edition.get_absolute_url())


def _addressee(value) -> StateBody:
    body = StateBody.objects.filter(pk=int(value) if (value or "").isdigit() else 0).first()
    if body is None:
        raise ValidationFailed(fields={"addressee": [_("Choose the state body from the register.")]})
    return body


@login_required
def forum_recommend(request, year):
    _manager(request)
    edition = _edition(year)
    return action_page(
        request, title=_("Add a recommendation of the forum"), back=_back(edition),
        intro=_("The recommendation is sent to the body and tracked: it must answer within the configured working "
                "days, in public."),
        fields=[Field("addressee", _("Addressed to"), "select", body_choices()), Field("title", _("Short title")),
                Field("text", _("Text of the recommendation"), "textarea")],
        submit=_("Send"),
        call=lambda data: (services.forum_recommend, {"actor": request.user, "edition": edition,
                                                      "addressee": _addressee(data["addressee"]),
                                                      "title": data["title"], "text": data["text"]}),
        success=_("The recommendation is sent and tracked."), done=lambda r: edition.get_absolute_url())


@login_required
def plan_create(request, year):
    _manager(request)
    edition = _edition(year)

    def call(data):
        problems = {}
        first = parse_int(data["first_year"], "first_year", problems)
        last = parse_int(data["last_year"], "last_year", problems)
        approved_on = parse_date(data["approved_on"], "approved_on", problems)
        refuse(problems)
        return services.action_plan_create, {"actor": request.user, "edition": edition, "title": data["title"],
                                             "first_year": first, "last_year": last, "approved_on": approved_on}

    return action_page(
        request, title=_("Approve the action plan"), back=_back(edition),
        fields=[Field("title", _("Title")), Field("first_year", _("From year"), "number"),
                Field("last_year", _("To year"), "number"), Field("approved_on", _("Approved on"), "date")],
        initial={"first_year": edition.year + 1, "last_year": edition.year + 2}, submit=_("Approve"), call=call,
        success=_("The action plan is recorded. Add its measures."), done=lambda p: edition.get_absolute_url())


@login_required
def measure_add(request, year):
    _manager(request)
    edition = _edition(year)
    plan = getattr(edition, "action_plan", None)
    if plan is None:
        raise Http404(_("This forum has no action plan yet."))
    forum_recs = list(selectors.forum_recommendations(edition))

    def call(data):
        problems = {}
        due_on = parse_date(data["due_on"], "due_on", problems)
        based_on = None
        if data["based_on"]:
            based_on = Recommendation.objects.filter(pk=parse_int(data["based_on"], "based_on", problems) or 0).first()
        refuse(problems)
        return services.measure_add, {"actor": request.user, "plan": plan, "text": data["text"],
                                      "responsible": _addressee(data["responsible"]), "due_on": due_on,
                                      "based_on": based_on}

    return action_page(
        request, title=_("Add a measure of the action plan"), back=_back(edition),
        intro=_("The measure is tracked like a recommendation: the responsible body reports on it by the deadline, "
                "in public, and the next forum sees the result."),
        fields=[Field("text", _("Measure"), "textarea"),
                Field("responsible", _("Responsible body"), "select", body_choices()),
                Field("due_on", _("Deadline"), "date"),
                Field("based_on", _("Based on the forum's recommendation"), "select",
                      [(str(r.pk), f"{r.number} {r.title}") for r in forum_recs], required=False)],
        submit=_("Add"), call=call, success=_("The measure is added and tracked."),
        done=lambda m: edition.get_absolute_url())


urlpatterns = [
    path("forum/", forums, name="forums"),
    path("forum/new/", edition_create, name="forum-create"),
    path("forum/<int:year>/", forum, name="forum"),
    path("forum/<int:year>/regional/", regional_forum, name="forum-regional"),
    path("forum/<int:year>/recommend/", forum_recommend, name="forum-recommend"),
    path("forum/<int:year>/plan/", plan_create, name="forum-plan"),
    path("forum/<int:year>/measures/", measure_add, name="forum-measure"),
]
