"""Reads of the recommendation tracker. Public reads never touch who answered (`answered_by`) or who
recorded a recommendation: a public page cannot show what its selector never reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, Q, QuerySet

from qogam.core import config
from qogam.recommendations import rules
from qogam.recommendations.models import Recommendation
from qogam.registry.models import StateBody

PUBLIC_FIELDS = (
    "id", "number", "source", "source_title", "source_type", "source_id", "title", "text", "addressee",
    "sent_on", "due_on", "status", "verdict", "answer", "answered_on", "answered_late", "working_days_to_answer",
    "implemented_on", "implementation_note", "overdue_since", "version",
)
FACT_FIELDS = ("sent_on", "due_on", "status", "verdict", "answered_on", "working_days_to_answer")


@dataclass(frozen=True)
class Filters:
    """The public filters of the list, the scoreboard and the exports."""

    year: int | None = None
    source: str | None = None
    level: str | None = None
    region: str | None = None  # KATO code of the addressee's region
    addressee: int | None = None
    status: str | None = None  # a status, or `pending` / `overdue`
    q: str = ""


def _filtered(queryset: QuerySet, filters: Filters, today: dt.date) -> QuerySet:
    if filters.year:
        queryset = queryset.filter(sent_on__year=filters.year)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.level:
        queryset = queryset.filter(addressee__level=filters.level)
    if filters.region:
        queryset = queryset.filter(addressee__region_id=filters.region)
    if filters.addressee:
        queryset = queryset.filter(addressee_id=filters.addressee)
    if filters.status == "pending":
        queryset = queryset.filter(status__in=rules.UNANSWERED, due_on__gte=today)
    elif filters.status == "overdue":
        queryset = queryset.filter(status__in=rules.UNANSWERED, due_on__lt=today)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(number__iexact=filters.q)
                                   | Q(text__icontains=filters.q))
    return queryset


def public_recommendations(filters: Filters = Filters(), *, today: dt.date) -> QuerySet:
    queryset = Recommendation.objects.only(*PUBLIC_FIELDS, "addressee__bin", "addressee__name_kk", "addressee__name_ru",
                                           "addressee__name_en", "addressee__level", "addressee__region")
    return _filtered(queryset.select_related("addressee"), filters, today).order_by("-sent_on", "-pk")


def public_recommendation(number: str) -> Recommendation | None:
    return (Recommendation.objects.only(*PUBLIC_FIELDS).select_related("addressee", "addressee__region")
            .prefetch_related("events", "evidence").filter(number=number).first())


def recommendations_from(source_object) -> QuerySet:
    """The recommendations a meeting, a forum edition or a petition made."""
    from django.contrib.contenttypes.models import ContentType

    return Recommendation.objects.only(*PUBLIC_FIELDS).select_related("addressee").filter(
        source_type=ContentType.objects.get_for_model(source_object), source_id=source_object.pk,
    ).order_by("pk")


def inbox(user, *, state: str = "open", today: dt.date) -> QuerySet:
    """The recommendations addressed to the official's body: open ones (unanswered, and answered ones
    accepted but not yet implemented) first by due date, or all."""
    queryset = Recommendation.objects.filter(addressee_id=user.state_body_id).select_related("addressee")
    if state == "open":
        queryset = queryset.filter(
            Q(status__in=rules.UNANSWERED)
            | Q(status=rules.Status.ANSWERED, verdict__in=rules.IMPLEMENTABLE)
        ).order_by("due_on", "pk")
    elif state in ("pending", "overdue"):
        queryset = _filtered(queryset, Filters(status=state), today).order_by("due_on", "pk")
    else:
        queryset = queryset.order_by("-sent_on", "-pk")
    return queryset


def _fact(row) -> rules.Fact:
    sent_on, due_on, status, verdict, answered_on, days = row
    return rules.Fact(sent_on=sent_on, due_on=due_on, status=status, verdict=verdict or None,
                      answered_on=answered_on, working_days=days)


def facts(filters: Filters = Filters(), *, today: dt.date) -> list[rules.Fact]:
    rows = _filtered(Recommendation.objects.all(), filters, today).values_list(*FACT_FIELDS)
    return [_fact(row) for row in rows]


def facts_by_addressee(year: int, *, today: dt.date) -> list[tuple[str, str | None, rules.Fact]]:
    """(level of the addressee body, its region, fact) of every recommendation sent in `year`: what
    the sector dashboards count the responsiveness of state bodies from."""
    rows = _filtered(Recommendation.objects.all(), Filters(year=year), today).values_list(
        "addressee__level", "addressee__region_id", *FACT_FIELDS)
    return [(level, region, _fact(row)) for level, region, *row in rows]


@dataclass
class BoardLine:
    body: StateBody
    score: rules.Score
    rank: int | None = None  # among the bodies of its level
    region_rank: int | None = None  # among the bodies of its region


def board(filters: Filters = Filters(), *, today: dt.date) -> tuple[list[BoardLine], list[rules.Fact]]:
    """The scoreboard's lines (see `scoreboard`) and the facts they were counted from, read once."""
    grouped: dict[int, list[rules.Fact]] = {}
    for addressee_id, *row in _filtered(Recommendation.objects.all(), filters, today).values_list(
            "addressee_id", *FACT_FIELDS):
        grouped.setdefault(addressee_id, []).append(_fact(row))
    bodies = StateBody.objects.select_related("region").in_bulk(list(grouped))
    lines = [BoardLine(bodies[pk], rules.score(items, today)) for pk, items in grouped.items()]
    least = config.get("recommendations.rank_min_received")
    lines.sort(key=lambda line: rules.ranking_key(line.score, str(line.body), least))
    for attribute, group_of in (("rank", lambda b: b.level), ("region_rank", lambda b: b.region_id)):
        groups: dict[object, list[BoardLine]] = {}
        for line in lines:
            groups.setdefault(group_of(line.body), []).append(line)
        for members in groups.values():
            for line, rank in zip(members, rules.ranks([(m.score, str(m.body)) for m in members], least),
                                  strict=True):
                setattr(line, attribute, rank)
    return lines, [fact for items in grouped.values() for fact in items]


def scoreboard(filters: Filters = Filters(), *, today: dt.date) -> list[BoardLine]:
    """One line per addressee body that received a recommendation (matching `filters`), most
    responsive first, ranked within its level and within its region."""
    return board(filters, today=today)[0]


def body_summary(body: StateBody, filters: Filters = Filters(), *, today: dt.date, by: str = "year"):
    """A body's scoreboard line and its trend by period."""
    items = facts(Filters(**{**filters.__dict__, "addressee": body.pk}), today=today)
    return rules.score(items, today), rules.trend(items, today, by=by)


def years() -> list[int]:
    """The years in which recommendations were sent, newest first."""
    span = Recommendation.objects.aggregate(first=Min("sent_on"), last=Max("sent_on"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


EXPORT_HEADER = (
    "number", "source", "made_by", "title", "text", "addressee_bin", "addressee", "addressee_level",
    "addressee_region", "sent_on", "due_on", "status", "deadline_state", "verdict", "answer", "answered_on",
    "answered_late", "working_days_to_answer", "implemented_on", "implementation_note",
)


def export_rows(filters: Filters = Filters(), *, today: dt.date):
    """The public fields of every matching recommendation, for CSV, XLSX and JSON."""
    queryset = _filtered(Recommendation.objects.select_related("addressee"), filters, today).order_by("sent_on", "pk")
    for r in queryset.only(*PUBLIC_FIELDS, "addressee__bin", "addressee__name_kk", "addressee__name_ru",
                           "addressee__name_en", "addressee__level", "addressee__region").iterator(chunk_size=2000):
        yield {
            "number": r.number, "source": r.source, "made_by": r.source_title, "title": r.title, "text": r.text,
            "addressee_bin": r.addressee.bin, "addressee": str(r.addressee), "addressee_level": r.addressee.level,
            "addressee_region": r.addressee.region_id or "", "sent_on": r.sent_on.isoformat(),
            "due_on": r.due_on.isoformat(), "status": r.status, "deadline_state": r.deadline_state(today),
            "verdict": r.verdict, "answer": r.answer,
            "answered_on": r.answered_on.isoformat() if r.answered_on else "",
            "answered_late": r.answered_late if r.answered_on else "",
            "working_days_to_answer": r.working_days_to_answer if r.working_days_to_answer is not None else "",
            "implemented_on": r.implemented_on.isoformat() if r.implemented_on else "",
            "implementation_note": r.implementation_note,
        }
