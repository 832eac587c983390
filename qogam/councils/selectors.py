"""Reads of public councils and the Civil Forum. Public reads show members as first name and surname
initial with their affiliation, and never read applicants' motivations or users."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet

from qogam.councils import rules
from qogam.councils.models import (
    Convocation,
    Council,
    ForumEdition,
    Measure,
    Meeting,
    Member,
    MembershipApplication,
    MembershipCall,
    RegionalForum,
)
from qogam.recommendations import rules as rec_rules
from qogam.recommendations.models import Recommendation

HELD = (rules.MeetingStatus.HELD, rules.MeetingStatus.PUBLISHED)


@dataclass(frozen=True)
class Filters:
    level: str | None = None
    region: str | None = None
    year: int | None = None  # activity (meetings, recommendations) in this year
    q: str = ""


def councils(filters: Filters = Filters()) -> QuerySet:
    queryset = Council.objects.select_related("host_body", "region")
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.region:
        queryset = queryset.filter(region_id=filters.region)
    if filters.q:
        queryset = queryset.filter(Q(name_ru__icontains=filters.q) | Q(name_kk__icontains=filters.q)
                                   | Q(name_en__icontains=filters.q))
    return queryset.order_by("level", "region_id", "name_ru", "pk")


@dataclass
class Activity:
    meetings_held: int = 0
    hearings: int = 0
    monitoring: int = 0
    minutes_late: int = 0
    recommendations: int = 0
    answered: int = 0
    overdue: int = 0
    implemented: int = 0
    members: int = 0
    civil_society_members: int = 0

    @property
    def answered_percent(self):
        return rec_rules.percent(self.answered, self.recommendations)

    def add(self, other: Activity) -> None:
        for name in Activity.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def activity(council_ids: list[int], *, year: int | None = None, today: dt.date) -> dict[int, Activity]:
    """Per council: meetings held (by kind), minutes published late, recommendations made and how many
    were answered, are overdue or implemented, and current membership."""
    result: dict[int, Activity] = defaultdict(Activity)
    meetings = Meeting.objects.filter(council_id__in=council_ids, status__in=HELD)
    if year:
        meetings = meetings.filter(held_on__year=year)
    for council_id, kind, late, n in meetings.values_list("council_id", "kind", "minutes_late").annotate(n=Count("pk")):
        line = result[council_id]
        if kind == rules.MeetingKind.MEETING:
            line.meetings_held += n
        elif kind == rules.MeetingKind.HEARING:
            line.hearings += n
        else:
            line.monitoring += n
        if late:
            line.minutes_late += n
    meeting_type = ContentType.objects.get_for_model(Meeting)
    council_of = dict(Meeting.objects.filter(council_id__in=council_ids).values_list("pk", "council_id"))
    recommendations = Recommendation.objects.filter(source_type=meeting_type, source_id__in=list(council_of))
    if year:
        recommendations = recommendations.filter(sent_on__year=year)
    for meeting_id, status, due_on in recommendations.values_list("source_id", "status", "due_on").iterator():
        line = result[council_of[meeting_id]]
        line.recommendations += 1
        if status in rec_rules.ANSWERED:
            line.answered += 1
        elif rec_rules.is_overdue(status, due_on, today):
            line.overdue += 1
        if status == rec_rules.Status.IMPLEMENTED:
            line.implemented += 1
    members = Member.objects.filter(convocation__council_id__in=council_ids,
                                    convocation__status=rules.ConvocationStatus.ACTIVE, left_on__isnull=True)
    for council_id, constituency, n in members.values_list("convocation__council_id", "constituency").annotate(
            n=Count("pk")):
        result[council_id].members += n
        if constituency == rules.CIVIL_SOCIETY:
            result[council_id].civil_society_members += n
    return result


@dataclass
class CoordinationGroup:
    key: str
    label: str
    councils: int = 0
    totals: Activity = field(default_factory=Activity)


def coordination(filters: Filters = Filters(), *, today: dt.date,
                 by: str = "level") -> tuple[list[CoordinationGroup], dict[int, Activity]]:
    """All councils grouped by level (or by region), with their summed activity; and the activity of each
    council, by id."""
    rows = list(councils(filters).values_list("pk", "level", "region_id", "region__name_kk", "region__name_ru",
                                              "region__name_en"))
    lines = activity([r[0] for r in rows], year=filters.year, today=today)
    groups: dict[str, CoordinationGroup] = {}
    labels = dict(Council.Level.choices)
    from django.utils.translation import get_language

    lang = (get_language() or "kk")[:2]
    for pk, level, region_id, kk, ru, en in rows:
        if by == "region":
            key = region_id or ""
            label = {"kk": kk or ru, "ru": ru or kk, "en": en or ru}.get(lang, ru) if region_id else ""
        else:
            key, label = level, str(labels[level])
        group = groups.setdefault(key, CoordinationGroup(key, label))
        group.councils += 1
        line = lines.get(pk)
        if line:
            group.totals.add(line)
    order = list(labels) if by == "level" else sorted(groups, key=lambda k: (k == "", groups[k].label))
    return [groups[k] for k in order if k in groups], lines


def council_detail(pk: int) -> Council | None:
    return Council.objects.select_related("host_body", "region").filter(pk=pk).first()


def public_members(convocation: Convocation) -> list[Member]:
    return list(convocation.members.filter(left_on__isnull=True).only(
        "full_name", "constituency", "affiliation", "convocation_id", "joined_on").order_by("constituency", "full_name"))


def council_meetings(council: Council) -> QuerySet:
    return council.meetings.all().order_by("-held_on", "-pk")


def meeting_detail(pk: int) -> Meeting | None:
    return (Meeting.objects.select_related("council", "council__host_body", "convocation")
            .prefetch_related("decisions", "documents").filter(pk=pk).first())


def council_recommendations(council: Council) -> QuerySet:
    meeting_type = ContentType.objects.get_for_model(Meeting)
    return (Recommendation.objects.filter(source_type=meeting_type,
                                          source_id__in=council.meetings.values("pk"))
            .select_related("addressee").order_by("-sent_on", "-pk"))


def open_calls(*, today: dt.date) -> QuerySet:
    return (MembershipCall.objects.filter(status=rules.CallStatus.OPEN, closes_on__gte=today)
            .select_related("convocation__council", "convocation__council__region").order_by("closes_on", "pk"))


def call_detail(pk: int) -> MembershipCall | None:
    return (MembershipCall.objects.select_related("convocation__council", "convocation__council__host_body")
            .prefetch_related("working_group").filter(pk=pk).first())


def call_applications(call: MembershipCall) -> QuerySet:
    """For the host body's officials and the secretary only: the applications with motivations."""
    return call.applications.select_related("organisation").order_by("pk")


def my_applications(user) -> QuerySet:
    return (MembershipApplication.objects.filter(applicant=user)
            .select_related("call__convocation__council").order_by("-submitted_at"))


def secretary_councils(user) -> QuerySet:
    return Council.objects.filter(secretary=user).select_related("host_body", "region").order_by("name_ru")


def host_councils(user) -> QuerySet:
    if not user.state_body_id:
        return Council.objects.none()
    return Council.objects.filter(host_body_id=user.state_body_id).select_related("host_body", "region")


def forum_editions() -> QuerySet:
    return ForumEdition.objects.annotate(regional=Count("regional_forums", distinct=True)).order_by("-year")


def forum_edition(year: int) -> ForumEdition | None:
    return ForumEdition.objects.prefetch_related(
        Prefetch("regional_forums", queryset=RegionalForum.objects.select_related("region").order_by("held_on", "pk"))
    ).filter(year=year).first()


def forum_recommendations(edition: ForumEdition) -> QuerySet:
    return (Recommendation.objects.filter(source_type=ContentType.objects.get_for_model(ForumEdition),
                                          source_id=edition.pk, source=Recommendation.Source.CIVIL_FORUM)
            .select_related("addressee").order_by("pk"))


def plan_measures(edition: ForumEdition) -> QuerySet:
    return (Measure.objects.filter(plan__edition=edition)
            .select_related("responsible", "tracked", "based_on").order_by("number"))


def previous_edition(edition: ForumEdition) -> ForumEdition | None:
    return ForumEdition.objects.filter(year__lt=edition.year).order_by("-year").first()


def plan_report(edition: ForumEdition, *, today: dt.date) -> rec_rules.Score:
    """How the action plan of `edition` was carried out, as the next forum hears it: the tracker's
    scoreboard line of its measures."""
    facts = [rec_rules.Fact(sent_on=m.tracked.sent_on, due_on=m.tracked.due_on, status=m.tracked.status,
                            verdict=m.tracked.verdict or None, answered_on=m.tracked.answered_on,
                            working_days=m.tracked.working_days_to_answer) for m in plan_measures(edition)]
    return rec_rules.score(facts, today)
