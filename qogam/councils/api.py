"""The public API of public councils and the Civil Forum (issue 6): councils with their current
convocation and activity, members (first name and surname initial only), meetings with their decisions,
minutes and documents, and the Civil Forum's editions with their regional forums, recommendations and
action plan. Anonymous, read-only, paginated lists. Thin: a serializer parses the filters, selectors
read, a serializer answers; errors have the one shape of qogam.core.api."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from qogam.core.api import ErrorSerializer, parsed
from qogam.core.errors import NotFound
from qogam.councils import rules, selectors
from qogam.councils import serializers as s
from qogam.councils.models import Convocation, Council, ForumEdition
from qogam.recommendations import selectors as rec_selectors
from qogam.recommendations.api import PublicRead
from qogam.recommendations.models import Recommendation

TAG_COUNCILS = "Public councils"
TAG_FORUM = "Civil Forum"

_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid); `fields` names them.")
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record (code not_found).")
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the record.")


class CouncilFilterSerializer(serializers.Serializer):
    level = serializers.ChoiceField(Council.Level.choices, required=False)
    region = serializers.CharField(required=False, max_length=9)
    year = serializers.IntegerField(required=False, min_value=2003, max_value=2100)
    q = serializers.CharField(required=False, max_length=200)

    def validate_region(self, value):
        from qogam.core.models import Region

        if not Region.objects.filter(kato=value).exists():
            raise serializers.ValidationError(_("No region has this KATO code. See /api/regions/."))
        return value


def _with_convocation(queryset):
    """Councils with their active convocation (and its chair) read in one more query, as
    `active_convocations` (empty when none is active)."""
    return queryset.prefetch_related(Prefetch(
        "convocations", to_attr="active_convocations",
        queryset=Convocation.objects.filter(status=rules.ConvocationStatus.ACTIVE).select_related("chair")
        .order_by("-number")))


def _council(pk: int) -> Council:
    council = _with_convocation(Council.objects.select_related("host_body", "region").filter(pk=pk)).first()
    if council is None:
        raise NotFound(_("No public council has this id."))
    return council


@extend_schema(
    tags=[TAG_COUNCILS],
    summary="Public councils and their activity",
    description="Every public council by level and region, paginated: its host body, size, current convocation "
    "and chair, and its activity (meetings, hearings and monitoring held; recommendations made, answered, overdue "
    "and implemented).",
    parameters=[
        OpenApiParameter("level", str, enum=Council.Level.values, description="Level of the council."),
        OpenApiParameter("region", str, description="KATO code of the council's region, e.g. 710000000."),
        OpenApiParameter("year", int, description="Count the activity of this year only (all councils are listed)."),
        OpenApiParameter("q", str, description="Words of the council's name in Kazakh, Russian or English."),
    ],
    responses={200: s.CouncilListSerializer(many=True), 400: _INVALID},
)
class CouncilList(PublicRead):
    serializer_class = s.CouncilListSerializer

    def get(self, request):
        params = {key: request.query_params.get(key) for key in ("level", "region", "year", "q")
                  if request.query_params.get(key) not in (None, "")}
        filters = selectors.Filters(**parsed(CouncilFilterSerializer, params))
        page = self.paginate_queryset(_with_convocation(selectors.councils(filters)))
        context = self.get_serializer_context()
        context["activity"] = selectors.activity([c.pk for c in page], year=filters.year, today=context["today"])
        return self.get_paginated_response(s.CouncilListSerializer(page, many=True, context=context).data)


@extend_schema(
    tags=[TAG_COUNCILS],
    summary="A public council with its members and meetings",
    description="The council, its current members (first name and surname initial, whom they represent and their "
    "organisation) and all its meetings, hearings and monitoring, newest first.",
    parameters=[_ID],
    responses={200: s.CouncilDetailSerializer, 404: _NOT_FOUND},
)
class CouncilDetail(PublicRead):
    serializer_class = s.CouncilDetailSerializer

    def get(self, request, pk):
        council = _council(pk)
        current = council.active_convocations[0] if council.active_convocations else None
        context = self.get_serializer_context()
        context.update({
            "activity": selectors.activity([council.pk], today=context["today"]),
            "members": selectors.public_members(current) if current else [],
            "meetings": selectors.council_meetings(council),
        })
        return Response(s.CouncilDetailSerializer(council, context=context).data)


@extend_schema(
    tags=[TAG_COUNCILS],
    summary="A meeting, hearing or monitoring of a public council",
    description="Its agenda, attendance (how many of the members were present, and whether that is a quorum), "
    "decisions, the minutes or report once published, its documents, and the recommendations it sent.",
    parameters=[_ID],
    responses={200: s.MeetingDetailSerializer, 404: _NOT_FOUND},
)
class MeetingDetail(PublicRead):
    serializer_class = s.MeetingDetailSerializer

    def get(self, request, pk):
        meeting = selectors.meeting_detail(pk)
        if meeting is None:
            raise NotFound(_("No council meeting has this id."))
        numbers = rec_selectors.recommendations_from(meeting).values_list("number", flat=True)
        context = {**self.get_serializer_context(), "recommendations": numbers}
        return Response(s.MeetingDetailSerializer(meeting, context=context).data)


def _forum_counts(edition_ids) -> dict[int, dict[str, int]]:
    """Per forum edition: the recommendations it adopted and the measures of its action plan."""
    counts: dict[int, dict[str, int]] = {}
    names = {Recommendation.Source.CIVIL_FORUM: "recommendations", Recommendation.Source.ACTION_PLAN: "measures"}
    rows = (Recommendation.objects.filter(source_type=ContentType.objects.get_for_model(ForumEdition),
                                          source_id__in=list(edition_ids), source__in=list(names))
            .order_by().values_list("source_id", "source").annotate(n=Count("pk")))
    for edition_id, source, n in rows:
        counts.setdefault(edition_id, {})[names[source]] = n
    return counts


@extend_schema(
    tags=[TAG_FORUM],
    summary="Civil Forum editions",
    description="Every edition of the Civil Forum, newest first, paginated, with its regional forums and the issue "
    "each region put forward, and how many recommendations it adopted and measures its action plan has.",
    responses={200: s.ForumEditionSerializer(many=True), 400: _INVALID},
)
class ForumList(PublicRead):
    serializer_class = s.ForumEditionSerializer

    def get(self, request):
        editions = selectors.forum_editions().prefetch_related("regional_forums__region")
        page = self.paginate_queryset(editions)
        context = {**self.get_serializer_context(), "counts": _forum_counts(e.pk for e in page)}
        return self.get_paginated_response(s.ForumEditionSerializer(page, many=True, context=context).data)


@extend_schema(
    tags=[TAG_FORUM],
    summary="A Civil Forum edition with its recommendations and action plan",
    description="The regional forums and their issues, the numbers of the recommendations the republican forum "
    "adopted, and the action plan: each measure with its responsible body, deadline and the recommendation that "
    "tracks it, with the plan's report as the next forum hears it.",
    parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH, description="Year of the edition, e.g. 2023.")],
    responses={200: s.ForumEditionDetailSerializer, 404: _NOT_FOUND},
)
class ForumDetail(PublicRead):
    serializer_class = s.ForumEditionDetailSerializer

    def get(self, request, year):
        edition = selectors.forum_edition(year)
        if edition is None:
            raise NotFound(_("No Civil Forum of %(year)s is recorded.") % {"year": year})
        plan = getattr(edition, "action_plan", None)
        context = self.get_serializer_context()
        context.update({
            "counts": _forum_counts([edition.pk]),
            "recommendations": selectors.forum_recommendations(edition).values_list("number", flat=True),
            "plan": plan,
            "measures": selectors.plan_measures(edition) if plan else [],
            "report": selectors.plan_report(edition, today=context["today"]) if plan else None,
        })
        return Response(s.ForumEditionDetailSerializer(edition, context=context).data)
