"""Topics of the state social order, formed bottom up (issue 5; DOMAIN §4.1): the public list and each topic
with its discussion, support, the body's answer and the public link to the lot it became; proposing,
supporting and commenting for signed-in users; and the queue of the body's officials, who accept or reject
each topic with a published answer once its discussion has ended.

Thin: one service or selector per action; refusals are shown beside the fields with the input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qogam.core.calendar import today as almaty_today
from qogam.core.models import Direction, Region
from qogam.funding import forms, rules, selectors, services
from qogam.funding.forms import Errors, attempt, invalid
from qogam.funding.mechanisms import mechanism
from qogam.funding.models import TOPIC_STATUS
from qogam.funding.permissions import can, is_customer_official
from qogam.registry.models import StateBody

FIELDS = ("body", "title", "problem", "direction", "region", "organisation")


def _choices() -> dict:
    return {"bodies": list(StateBody.objects.filter(level__in=mechanism("social_order").customer_levels)
                           .order_by("level", "name_ru")),
            "directions": list(Direction.objects.order_by("code")),
            "regions": list(Region.objects.order_by("-kind", "name_en")), "statuses": TOPIC_STATUS}


def topic_list(request):
    get = request.GET
    status = get.get("status") if get.get("status") in dict(TOPIC_STATUS) else None
    body = get.get("body") if (get.get("body") or "").isdigit() else None
    direction = get.get("direction") or None
    region = get.get("region") or None
    rows = selectors.public_topics(status=status, body=body, direction=direction, region=region)
    return render(request, "funding/topics/list.html", {
        "page": Paginator(rows, 50).get_page(get.get("page")),
        "filters": {"status": status or "", "body": body or "", "direction": direction or "", "region": region or ""},
        **_choices(),
    })


def _detail(request, topic, *, form="", errors=None, data=None, status=200):
    """The topic page; `form` names the form ("comment" or "decide") whose refusal `errors` holds."""
    return render(request, "funding/topics/detail.html", {
        "topic": topic, "comments": selectors.topic_comments(topic),
        "lots": list(topic.lots.select_related("call").order_by("call__code", "number")),
        "open": topic.status == rules.TopicStatus.DISCUSSION and rules.topic_open(almaty_today(),
                                                                                   topic.discussion_until),
        "supported": request.user.is_authenticated and topic.supports.filter(user=request.user).exists(),
        "can_decide": (request.user.is_authenticated and topic.status == rules.TopicStatus.DISCUSSION
                       and can(request.user, "topic.decide", topic)),
        "form": form, "errors": errors or Errors(), "data": data or {},
    }, status=status)


def topic_detail(request, pk):
    return _detail(request, forms.read(selectors.public_topic, pk))


@login_required
def topic_propose(request):
    organisations = list(selectors.represented_organisations(request.user))
    data = {key: "" for key in FIELDS}
    errors, status = Errors(), 200
    if request.method == "POST":
        data = {key: forms.text(request.POST, key) for key in FIELDS}
        data["problem"] = (request.POST.get("problem") or "").strip()
        body = StateBody.objects.filter(pk=data["body"]).first() if data["body"].isdigit() else None
        organisation = next((o for o in organisations if str(o.pk) == data["organisation"]), None)
        if data["organisation"] and organisation is None:
            exc, status = invalid("organisation", _("Choose one of the organisations you represent.")), 400
        else:
            topic, exc, status = attempt(services.topic_propose, actor=request.user, body=body, title=data["title"],
                                         problem=data["problem"], direction=data["direction"],
                                         region=data["region"] or None, organisation=organisation)
            if exc is None:
                messages.success(request, _("The topic is published for public discussion until %(date)s.")
                                 % {"date": topic.discussion_until.strftime("%d.%m.%Y")})
                return redirect("funding:topic", pk=topic.pk)
        errors = Errors(exc, shown=FIELDS)
    return render(request, "funding/topics/propose.html", {
        "data": data, "errors": errors, "organisations": organisations, **_choices()}, status=status)


@login_required
@require_POST
def topic_support(request, pk):
    topic = forms.read(selectors.public_topic, pk)
    _done, exc, _status = attempt(services.topic_support, actor=request.user, topic=topic)
    if exc is not None:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your support is counted."))
    return redirect("funding:topic", pk=topic.pk)


@login_required
@require_POST
def topic_comment(request, pk):
    topic = forms.read(selectors.public_topic, pk)
    data = {"text": (request.POST.get("text") or "").strip()}
    _done, exc, status = attempt(services.topic_comment, actor=request.user, topic=topic, text=data["text"])
    if exc is not None:
        return _detail(request, topic, form="comment", errors=Errors(exc, shown=("text",)), data=data, status=status)
    messages.success(request, _("Your comment is published."))
    return redirect("funding:topic", pk=topic.pk)


@login_required
@require_POST
def topic_decide(request, pk):
    topic = forms.read(selectors.public_topic, pk)
    data = {"decision": request.POST.get("decision", ""), "reason": (request.POST.get("reason") or "").strip()}
    if data["decision"] not in ("accept", "reject"):
        exc, status = invalid("decision", _("Choose: accept the topic or reject it.")), 400
    else:
        _done, exc, status = attempt(services.topic_decide, actor=request.user, topic=topic,
                                     accept=data["decision"] == "accept", reason=data["reason"])
        if exc is None:
            messages.success(request, _("The answer is published with the topic."))
            return redirect("funding:topic", pk=topic.pk)
    return _detail(request, topic, form="decide", errors=Errors(exc, shown=("decision", "reason")), data=data,
                   status=status)


@login_required
def body_queue(request):
    if not is_customer_official(request.user):
        raise PermissionDenied(_("Only officials of a state body can open this page."))
    today = almaty_today()
    rows = list(selectors.topics_for_body(request.user))
    return render(request, "funding/topics/queue.html", {
        "to_decide": [t for t in rows if t.status == rules.TopicStatus.DISCUSSION and t.discussion_until < today],
        "in_discussion": [t for t in rows if t.status == rules.TopicStatus.DISCUSSION and t.discussion_until >= today],
        "decided": [t for t in rows if t.status != rules.TopicStatus.DISCUSSION],
    })


urlpatterns = [
    path("topics/", topic_list, name="topics"),
    path("topics/new/", topic_propose, name="topic-propose"),
    path("topics/body/", body_queue, name="topics-body"),
    path("topics/<int:pk>/", topic_detail, name="topic"),
    path("topics/<int:pk>/support/", topic_support, name="topic-support"),
    path("topics/<int:pk>/comment/", topic_comment, name="topic-comment"),
    path("topics/<int:pk>/decide/", topic_decide, name="topic-decide"),
]
