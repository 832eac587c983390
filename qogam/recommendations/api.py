"""The recommendation tracker's API (issue 6): the public, anonymous and paginated list of
recommendations with their answers, each one's history and evidence, the responsiveness scoreboard
per body, and the answer of the addressee body's officials. Thin: a serializer parses, one service or
selector acts, a serializer answers. Permissions live in the services; errors have the one shape of
qogam.core.api."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from qogam.core.api import ErrorSerializer, parsed
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import NotFound, ValidationFailed
from qogam.recommendations import selectors, services
from qogam.recommendations import serializers as s
from qogam.recommendations.models import Recommendation
from qogam.registry.api import RegisterPagination
from qogam.registry.models import StateBody

TAG = "Recommendations: tracker and responsiveness scoreboard"

_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid); `fields` names them.")
_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in (not_authenticated) or not allowed (permission_denied)."
)
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such recommendation (code not_found).")
_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Already answered (invalid_transition), or changed after you read it (conflict). Nothing was written.",
)
_NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="Number of the recommendation, "
                           "e.g. R-2025-000001.")
_YEAR = OpenApiParameter("year", int, description="Year the recommendations were sent.")
_SOURCE = OpenApiParameter("source", str, enum=Recommendation.Source.values,
                           description="Who made them: council meeting, hearing, monitoring, Civil Forum, its "
                           "action plan, petition or other.")
_LEVEL = OpenApiParameter("level", str, enum=StateBody.Level.values, description="Level of the addressee body.")
_REGION = OpenApiParameter("region", str, description="KATO code of the addressee body's region, e.g. 710000000.")
_FILTERS = [_YEAR, _SOURCE, _LEVEL, _REGION]
_LIST_FILTERS = [
    *_FILTERS,
    OpenApiParameter("addressee", int, description="Id of the addressee body (see /api/state-bodies/)."),
    OpenApiParameter("status", str, enum=[value for value, _label in s.STATUS_FILTERS],
                     description="A status; `pending` is unanswered before its due date and `overdue` unanswered "
                     "after it (as of today, whether or not the daily run has marked it yet)."),
    OpenApiParameter("q", str, description="Words of the title or text, or the exact number."),
]


def _filters(request, names) -> selectors.Filters:
    params = {key: request.query_params.get(key) for key in names if request.query_params.get(key) not in (None, "")}
    return selectors.Filters(**parsed(s.FilterSerializer, params))


def _recommendation(number: str) -> Recommendation:
    recommendation = selectors.public_recommendation(number)
    if recommendation is None:
        raise NotFound(_("No recommendation has the number %(number)s.") % {"number": number[:40]})
    return recommendation


class ListPagination(RegisterPagination):
    """The register's pagination for lists built in memory (the scoreboard)."""

    def paginate_queryset(self, queryset, request, view=None):
        if not isinstance(queryset, list):
            return super().paginate_queryset(queryset, request, view)
        try:
            return super(RegisterPagination, self).paginate_queryset(queryset, request, view)
        except DRFNotFound:
            last = max(1, -(-len(queryset) // max(1, self.get_page_size(request) or 1)))
            raise ValidationFailed(fields={self.page_query_param: [
                _("There is no such page. Give a whole number from 1 to %(last)d.") % {"last": last}]}) from None


class PublicRead(generics.GenericAPIView):
    """An anonymous read; its serializers know today's date (for pending and overdue)."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]
    filter_backends = []
    pagination_class = ListPagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": almaty_today()}


@extend_schema(
    tags=[TAG],
    summary="Recommendations and their answers",
    description="Every recommendation of public councils, the Civil Forum and its action plan, newest first, "
    "paginated: its addressee body, due date, status and, once given, the body's public answer and what was "
    "done. Who answered is never shown.",
    parameters=_LIST_FILTERS,
    responses={200: s.RecommendationSerializer(many=True), 400: _INVALID},
)
class RecommendationList(PublicRead):
    serializer_class = s.RecommendationSerializer

    def get(self, request):
        filters = _filters(request, ("year", "source", "level", "region", "addressee", "status", "q"))
        queryset = selectors.public_recommendations(filters, today=almaty_today())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=[TAG],
    summary="A recommendation with its history",
    description="Its public history (sent, reminded, overdue, answered, evidence added, implemented) and the "
    "evidence of implementation: links, or files by name, size and SHA-256.",
    parameters=[_NUMBER],
    responses={200: s.RecommendationDetailSerializer, 404: _NOT_FOUND},
)
class RecommendationDetail(PublicRead):
    serializer_class = s.RecommendationDetailSerializer

    def get(self, request, number):
        return Response(self.get_serializer(_recommendation(number)).data)


@extend_schema(
    tags=[TAG],
    summary="The responsiveness scoreboard",
    description="One line per addressee body that received a recommendation matching the filters, most "
    "responsive first (the share answered on time, then the share answered, then the quicker median answer), "
    "paginated: received, answered on time and late, unanswered and overdue (as of today), accepted, partly "
    "accepted, rejected, implemented, and the body's rank within its level and within its region.",
    parameters=_FILTERS,
    responses={200: s.ScoreboardLineSerializer(many=True), 400: _INVALID},
)
class Scoreboard(PublicRead):
    serializer_class = s.ScoreboardLineSerializer

    def get(self, request):
        filters = _filters(request, ("year", "source", "level", "region"))
        page = self.paginate_queryset(selectors.scoreboard(filters, today=almaty_today()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=[TAG],
    summary="Answer a recommendation (an official of the addressee body)",
    description="Accepted, partly accepted, or rejected with reasons; the answer is published with the date. "
    "Only an official of the body the recommendation is addressed to may answer, signed in with the second "
    "factor; the session's CSRF token goes in the X-CSRFToken header. Send the `version` you read: if the "
    "recommendation changed since, the answer is 409 `conflict` and nothing is written. Answered after the "
    "due date, it counts as late on the scoreboard.",
    parameters=[_NUMBER],
    request=s.AnswerSerializer,
    responses={200: s.RecommendationDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND,
               409: _CONFLICT},
)
class RecommendationAnswer(generics.GenericAPIView):
    serializer_class = s.RecommendationDetailSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": almaty_today()}

    def post(self, request, number):
        recommendation = _recommendation(number)
        data = parsed(s.AnswerSerializer, request.data)
        services.recommendation_answer(actor=request.user, recommendation=recommendation, verdict=data["verdict"],
                                       text=data["text"], expected_version=data["version"])
        return Response(self.get_serializer(_recommendation(number)).data)
