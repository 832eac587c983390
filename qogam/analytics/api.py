"""The sector dashboards' API (issue 7): the precomputed indicators of a year and region, their time
series, each chart's data, and the PDF sector report requested and followed as a job. Reads come from
the saved snapshots (`computed_at` says when); `qogam indicators` computes the same object from the
current data."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from qogam.analytics import dashboard, selectors, services
from qogam.analytics import serializers as s
from qogam.analytics.models import Job, Snapshot
from qogam.analytics.permissions import is_ministry
from qogam.core.api import ErrorSerializer, parsed
from qogam.core.calendar import today as almaty_today
from qogam.core.errors import NotFound

TAG = "Analytics: the sector's indicators and dashboards"
_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid); `fields` names them.")
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Nothing computed for this year and region (not_found).")
_YEAR = OpenApiParameter("year", int, description="Year; by default the latest year whose reports are due.")
_REGION = OpenApiParameter("region", str, description="KATO code of a region, e.g. 750000000; absent for all of "
                           "Kazakhstan.")


class Read(generics.GenericAPIView):
    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]
    filter_backends = []
    pagination_class = None


def _scope(request) -> tuple[int, str | None]:
    params = {k: request.query_params.get(k) for k in ("year", "region") if request.query_params.get(k)}
    data = parsed(s.FilterSerializer, params)
    year = data.get("year") or selectors.default_year(almaty_today(), selectors.years())
    if year is None:
        raise NotFound(_("The indicators have not been computed yet."))
    return year, data.get("region")


def _snapshot_json(snapshot: Snapshot) -> dict:
    return {"year": snapshot.year, "region": snapshot.region or None, "computed_at": snapshot.computed_at,
            "indicators": snapshot.data["indicators"], "funding": snapshot.data["funding"],
            "responsiveness": snapshot.data["responsiveness"]}


@extend_schema(tags=[TAG], summary="The indicators of a year and region",
               description="The 11 indicators (the object `qogam indicators` prints), the funding flows and the "
               "responsiveness of state bodies, as computed at `computed_at` (recomputed nightly).",
               parameters=[_YEAR, _REGION], responses={200: s.SnapshotSerializer, 400: _INVALID, 404: _NOT_FOUND})
class Indicators(Read):
    serializer_class = s.SnapshotSerializer

    def get(self, request):
        year, region = _scope(request)
        snapshot = Snapshot.objects.filter(year=year, region=region or "").first()
        if snapshot is None:
            raise NotFound(_("There are no computed indicators for %(year)s.") % {"year": year})
        return Response(self.get_serializer(_snapshot_json(snapshot)).data)


@extend_schema(tags=[TAG], summary="The indicators of every year (time series)",
               description="One object per year, oldest first, in the shape of the indicators of a year.",
               parameters=[_REGION], responses={200: s.SnapshotSerializer(many=True), 400: _INVALID})
class Series(Read):
    serializer_class = s.SnapshotSerializer

    def get(self, request):
        params = {"region": request.query_params["region"]} if request.query_params.get("region") else {}
        region = parsed(s.FilterSerializer, params).get("region")
        snapshots = Snapshot.objects.filter(region=region or "").order_by("year")
        return Response(self.get_serializer([_snapshot_json(x) for x in snapshots], many=True).data)


@extend_schema(tags=[TAG], summary="The data of one chart of the dashboard",
               description="The chart's title, column names and rows in the request language: the same rows as "
               "its CSV and XLSX downloads. Keys: " + ", ".join(dashboard.PANELS) + " (signs and region-matrix "
               "for the ministry's analysts).",
               parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, enum=list(dashboard.PANELS)),
                           _YEAR, _REGION],
               responses={200: s.PanelSerializer, 400: _INVALID, 404: _NOT_FOUND})
class PanelData(Read):
    serializer_class = s.PanelSerializer

    def get(self, request, key):
        year, region = _scope(request)
        built = dashboard.panel(key, dashboard.Board.load(year, region), ministry=is_ministry(request.user))
        if built is None:
            raise NotFound(_("There is no such chart for this year and region."))
        return Response(self.get_serializer({"key": built.key, "title": built.title, "header": built.header,
                                             "rows": built.rows, "note": built.note}).data)


@extend_schema(tags=[TAG], summary="Ask for the PDF sector report of a year and region",
               description="Queues the report (or returns the one already made or being made from the same "
               "computation). Follow the job until `status` is done, then fetch `download`. The session's CSRF "
               "token goes in the X-CSRFToken header when signed in.",
               request=s.ReportRequestSerializer, responses={202: s.JobSerializer, 400: _INVALID})
class ReportRequest(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.JobSerializer
    filter_backends = []
    pagination_class = None

    def post(self, request):
        data = parsed(s.ReportRequestSerializer, request.data)
        job = services.request_report(year=data["year"], region=data.get("region") or None,
                                      language=data.get("language") or (get_language() or "kk")[:2],
                                      actor=request.user)
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=[TAG], summary="A report or recomputation job and its progress",
               parameters=[OpenApiParameter("pk", str, OpenApiParameter.PATH, description="Id of the job.")],
               responses={200: s.JobSerializer, 404: OpenApiResponse(ErrorSerializer, description="No such job.")})
class JobDetail(Read):
    serializer_class = s.JobSerializer

    def get(self, request, pk):
        job = selectors.job(pk)
        if job is None or (job.kind == Job.Kind.REFRESH and not is_ministry(request.user)):
            raise NotFound(_("There is no such job."))
        return Response(self.get_serializer(job).data)
