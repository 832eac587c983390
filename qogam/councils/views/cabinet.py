"""Cabinet pages of public councils: the councils a user runs (as their secretary or as an official of
the host body) and the applications a user made; the authorised body's creation of councils and the host
body's appointment of a council's secretary. Every write is one service call."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from qogam.accounts.models import Role, User
from qogam.core.errors import ValidationFailed
from qogam.councils import permissions, selectors, services
from qogam.councils.models import Council
from qogam.councils.views.common import (
    Field,
    action_page,
    body_choices,
    council_or_403,
    parse_date,
    parse_int,
    refuse,
)
from qogam.registry.models import StateBody


@login_required
def mine(request):
    user = request.user
    return render(request, "councils/mine.html", {
        "secretary_of": list(selectors.secretary_councils(user)) if user.role == Role.COUNCIL_SECRETARY else [],
        "host_of": list(selectors.host_councils(user)) if user.role == Role.OFFICIAL else [],
        "applications": list(selectors.my_applications(user)),
        "can_create": permissions.can_create_council(user), "nav": "mine",
    })


# --- The authorised body and the host body ----------------------------------------------------


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
        refuse(problems)
        return services.council_create, {
            "actor": request.user, "host_body": host, "name_ru": data["name_ru"], "name_kk": data["name_kk"],
            "name_en": data["name_en"], "size": size, "established_on": established_on,
            "level": data["level"] or None}

    return action_page(
        request, title=_("Create a public council"), back=(reverse("councils:mine"), _("My councils")),
        fields=[Field("host_body", _("Host body"), "select", body_choices()),
                Field("level", _("Level"), "select", Council.Level.choices,
                      help=_("Empty: the level of the host body."), required=False),
                Field("name_ru", _("Name (Russian)")), Field("name_kk", _("Name (Kazakh)")),
                Field("name_en", _("Name (English)"), required=False), Field("size", _("Number of members"), "number"),
                Field("established_on", _("Established on"), "date")],
        submit=_("Create"), call=call, success=_("The council is created."), done=lambda c: c.get_absolute_url())


@login_required
def secretary_appoint(request, pk):
    council = council_or_403(pk, lambda c: permissions.is_admin(request.user) or permissions.is_host_official(request.user, c),
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
]
