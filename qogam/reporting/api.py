"""The NGO Database API: representatives open, edit and submit their organisations' reports; the
authorised body reviews; anyone reads the register of foreign-funding recipients and verifies
receipts. Thin: services write, selectors read; errors have the one shape of qogam.core.api."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qogam.accounts.permissions import is_authorised_body
from qogam.core.api import ErrorSerializer
from qogam.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from qogam.core.models import Region
from qogam.registry.api import RegisterPagination, _messages
from qogam.registry.models import Organisation
from qogam.reporting import public, schema, selectors, services
from qogam.reporting.models import AnnualReport, ReportVersion
from qogam.reporting.serializers import (
    ExemptionSubmitSerializer,
    FiledReceiptSerializer,
    ForeignFundingEntrySerializer,
    ReceiptSerializer,
    ReportListSerializer,
    ReportOpenSerializer,
    ReportPatchSerializer,
    ReportSerializer,
    ReportSubmitSerializer,
    ReviewInputSerializer,
    ReviewResultSerializer,
    VersionSerializer,
)

TAG_REPORTS = "Annual reports (NGO Database)"
TAG_PUBLIC = "Foreign funding register and receipts"

_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid); `fields` names them.")
_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in (not_authenticated) or not allowed (permission_denied)."
)
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or not yours to open (code not_found).")
_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The report changed after you read it (code conflict): read it again, then retry. Nothing was written.",
)
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the report.")
_VERSION_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id of the filed version.")


class ListPagination(RegisterPagination):
    """The register's pagination (an out-of-range page is a 400) for reads that return lists."""

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, list):
            try:
                return super(RegisterPagination, self).paginate_queryset(queryset, request, view)
            except DRFNotFound:
                last = max(1, -(-len(queryset) // max(1, self.get_page_size(request) or 1)))
                raise ValidationFailed(fields={self.page_query_param: [
                    _("There is no such page. Give a whole number from 1 to %(last)d.") % {"last": last}]}) from None
        return super().paginate_queryset(queryset, request, view)


def _parsed(serializer_class, data) -> dict:
    """The request body read by `serializer_class`, or ValidationFailed naming each field."""
    if not isinstance(data, dict):
        raise ValidationFailed(fields={"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields={name: _messages(value) for name, value in serializer.errors.items()})
    return dict(serializer.validated_data)


def _report(request, pk) -> AnnualReport:
    return selectors.report_for(request.user, pk)


def _receipt_data(version: ReportVersion) -> dict:
    data = public.receipt_payload(version)
    data["id"] = version.pk
    return data


# --- A representative's reports ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_REPORTS],
        summary="My reports",
        description=(
            "The reports of the organisations you represent (the authorised body: every report), newest "
            "year first, paginated."
        ),
        responses={200: ReportListSerializer(many=True), 400: _INVALID, 403: _FORBIDDEN},
    ),
    post=extend_schema(
        tags=[TAG_REPORTS],
        summary="Open the report of a year",
        description=(
            "Opens the report of one of your organisations for a year: an empty draft is created the first "
            "time (201); a report already opened is returned as it is (200). The year may not be before the "
            "registration year, in the future, or after liquidation."
        ),
        request=ReportOpenSerializer,
        responses={200: ReportSerializer, 201: ReportSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
)
class ReportListOpen(generics.ListAPIView):
    serializer_class = ReportListSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = RegisterPagination
    filter_backends = []

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user)

    def post(self, request):
        data = _parsed(ReportOpenSerializer, request.data)
        organisation = Organisation.objects.filter(bin=data["organisation"]).first()
        if organisation is None:
            raise NotFound(_("No organisation with BIN %(bin)s is in the register.") % {"bin": data["organisation"]})
        existed = AnnualReport.objects.filter(organisation=organisation, year=data["year"]).exists()
        report = services.report_open(actor=request.user, organisation=organisation, year=data["year"])
        body = ReportSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_REPORTS],
        summary="A report with its draft",
        parameters=[_ID],
        responses={200: ReportSerializer, 403: _FORBIDDEN, 404: _NOT_FOUND},
    ),
    patch=extend_schema(
        tags=[TAG_REPORTS],
        summary="Change the draft",
        description=(
            "Send the `version` you read and the content fields that change. A stale version is refused "
            "with 409 `conflict` and nothing is written. Values that cannot be read are refused with 400 "
            "and `fields` keyed by content path (e.g. `foreign_receipts.0.received_on`). Rule errors "
            "(totals that do not match) are allowed in a draft; they block only the submission."
        ),
        parameters=[_ID],
        request=ReportPatchSerializer,
        responses={200: ReportSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
    ),
)
class ReportDetail(generics.GenericAPIView):
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get(self, request, pk):
        return Response(self.get_serializer(_report(request, pk)).data)

    def patch(self, request, pk):
        report = _report(request, pk)
        if not isinstance(request.data, dict):
            raise ValidationFailed(fields={"non_field_errors": [_("Send a JSON object.")]})
        version = _parsed(ReportSubmitSerializer, {k: v for k, v in request.data.items() if k == "version"})["version"]
        content = request.data.get("content")
        if not isinstance(content, dict):
            raise ValidationFailed(fields={"content": [_("Send the content as an object of report fields.")]})
        merged = {**schema.empty_content(), **(report.draft or {}), **content}
        report = services.report_save_draft(
            actor=request.user, report=report, expected_version=version, content=merged
        )
        return Response(self.get_serializer(report).data)


@extend_schema(
    tags=[TAG_REPORTS],
    summary="Submit the draft",
    description=(
        "Files the current draft as a new immutable version and returns its receipt (201). Errors in "
        "the draft are refused with 400 and every problem in `fields`, keyed by content path; nothing is "
        "filed. A stale `version` is refused with 409 `conflict`: of two submissions made from the same "
        "version, exactly one is filed."
    ),
    parameters=[_ID],
    request=ReportSubmitSerializer,
    responses={201: FiledReceiptSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class ReportSubmit(generics.GenericAPIView):
    serializer_class = FiledReceiptSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        report = _report(request, pk)
        data = _parsed(ReportSubmitSerializer, request.data)
        version = services.report_submit(
            actor=request.user, report=report, expected_version=data["version"], source=ReportVersion.Source.API
        )
        return Response(self.get_serializer(_receipt_data(version)).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_REPORTS],
    summary="File an exemption declaration",
    description=(
        "Instead of the report: the organisation is under reorganisation or liquidation, its tax payments "
        "are suspended for that reason, and it had no activity in the year. All three must be true. "
        "Returns the receipt (201)."
    ),
    parameters=[_ID],
    request=ExemptionSubmitSerializer,
    responses={201: FiledReceiptSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class ReportExemption(generics.GenericAPIView):
    serializer_class = FiledReceiptSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        report = _report(request, pk)
        data = _parsed(ExemptionSubmitSerializer, request.data)
        declaration = {"exemption": dict(data["exemption"]), "note": data.get("note", "")}
        version = services.exemption_submit(
            actor=request.user, report=report, expected_version=data["version"], declaration=declaration
        )
        return Response(self.get_serializer(_receipt_data(version)).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=[TAG_REPORTS],
    summary="Filed versions of a report",
    description="Every filing, oldest first, with its receipt number, content and review outcome.",
    parameters=[_ID],
    responses={200: VersionSerializer(many=True), 403: _FORBIDDEN, 404: _NOT_FOUND},
)
class ReportVersions(generics.GenericAPIView):
    serializer_class = VersionSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    queryset = ReportVersion.objects.none()

    def get(self, request, pk):
        report = _report(request, pk)
        return Response(self.get_serializer(selectors.versions_of(request.user, report), many=True).data)


@extend_schema(
    tags=[TAG_REPORTS],
    summary="Review a filed version (authorised body)",
    description=(
        "Accept the latest filed version of a report, or return it with reasons (required). A version "
        "that is not the latest, or already reviewed, is refused with 409 `conflict`."
    ),
    parameters=[_VERSION_ID],
    request=ReviewInputSerializer,
    responses={200: ReviewResultSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
)
class VersionReview(generics.GenericAPIView):
    serializer_class = ReviewResultSerializer
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        if not is_authorised_body(request.user):
            raise PermissionDeniedError(_("Only the authorised body reviews reports."))
        version = ReportVersion.objects.select_related("report__organisation").filter(pk=pk).first()
        if version is None:
            raise NotFound(_("No such filing."))
        data = _parsed(ReviewInputSerializer, request.data)
        review = services.report_review(
            actor=request.user, version=version, decision=data["decision"], reasons=data.get("reasons", "")
        )
        version.report.refresh_from_db()
        body = {
            "receipt_number": version.receipt_number,
            "decision": review.decision,
            "reasons": review.reasons,
            "reviewed_at": review.reviewed_at,
            "report_status": version.report.status,
        }
        return Response(self.get_serializer(body).data)


# --- Public ---------------------------------------------------------------------------------------


class ForeignFundingFilter(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    region = serializers.CharField(required=False, max_length=9)

    def validate_region(self, value):
        if value and not Region.objects.filter(kato=value).exists():
            raise serializers.ValidationError(_("No region has this KATO code. See /api/regions/."))
        return value


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_PUBLIC],
        summary="The open register of recipients of foreign funding",
        description=(
            "Organisations that received money from foreign states, international and foreign organisations, "
            "foreigners or stateless persons: per organisation and year, the period (first to last receipt), "
            "the total in KZT and the source countries, from the standing filed report. Paginated. No "
            "personal data: individual donors are never collected."
        ),
        parameters=[
            OpenApiParameter("year", int, description="Reporting year."),
            OpenApiParameter("region", str, description="KATO code of the organisation's region."),
        ],
        responses={200: ForeignFundingEntrySerializer(many=True), 400: _INVALID},
    )
)
class ForeignFundingList(generics.ListAPIView):
    serializer_class = ForeignFundingEntrySerializer
    pagination_class = ListPagination
    filter_backends = []

    def get_queryset(self):
        params = {key: self.request.query_params.get(key) for key in ("year", "region")
                  if self.request.query_params.get(key) not in (None, "")}
        data = _parsed(ForeignFundingFilter, params)
        return selectors.foreign_funding_register(year=data.get("year"), region=data.get("region"))


@extend_schema(
    tags=[TAG_PUBLIC],
    summary="Verify a receipt",
    description=(
        "Whose filing a receipt number belongs to, for which year, when it was received, the hash of what "
        "was filed and the receiving body. No content and no personal data."
    ),
    parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH, description="e.g. QR-2025-000123-02")],
    responses={200: ReceiptSerializer, 404: _NOT_FOUND},
)
class ReceiptDetail(generics.GenericAPIView):
    serializer_class = ReceiptSerializer

    def get(self, request, number):
        found = public.public_receipt(number)
        if found is None:
            raise NotFound(_("No filing has the receipt number %(number)s.") % {"number": number[:40]})
        return Response(self.get_serializer(found).data)
