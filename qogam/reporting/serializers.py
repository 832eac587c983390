"""API representations of the NGO Database. The content's shape is generated from `schema.FIELDS`,
so the OpenAPI schema documents every field with its label and guidance."""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qogam.reporting import schema
from qogam.reporting.models import AnnualReport, ForeignFundingReceipt, ReportReview, ReportVersion


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


class ForeignReceiptSerializer(serializers.Serializer):
    source_type = serializers.ChoiceField(choices=ForeignFundingReceipt.SourceType.choices)
    country = serializers.CharField(max_length=2, help_text=_("ISO 3166 alpha-2 code in capitals, e.g. DE."))
    amount_kzt = serializers.IntegerField(min_value=0, help_text=_("Whole tenge."))
    received_on = serializers.DateField(help_text=_("Date received, YYYY-MM-DD, within the reporting year."))
    purpose = serializers.CharField(max_length=500)


class ForeignUseSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount_kzt = serializers.IntegerField(min_value=0, help_text=_("Whole tenge."))
    direction = serializers.CharField(max_length=40, help_text=_("Code of a direction, see /api/directions/."))


def _content_field(f):
    help_text = format_lazy("{}. {}", f.label, f.guidance) if f.guidance else f.label
    if f.kind in (schema.COUNT, schema.AMOUNT):
        return serializers.IntegerField(min_value=0, required=False, help_text=help_text)
    if f.kind == schema.BINS:
        return serializers.ListField(child=serializers.CharField(max_length=12), required=False, help_text=help_text)
    if f.kind == schema.BY_DIRECTION:
        return serializers.DictField(child=serializers.IntegerField(min_value=0), required=False,
                                     help_text=format_lazy("{} {}", help_text, _("Keys are direction codes.")))
    if f.kind == schema.RECEIPTS:
        return ForeignReceiptSerializer(many=True, required=False, help_text=help_text)
    return ForeignUseSerializer(many=True, required=False, help_text=help_text)


ReportContentSerializer = type(
    "ReportContentSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "The content of an annual report: one key per field of the reporting tables.",
        **{f.key: _content_field(f) for f in schema.FIELDS},
    },
)


class ReceivingBodySerializer(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField()


class ReportOrganisationSerializer(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    """A report as its representatives see it, with the draft."""

    organisation = ReportOrganisationSerializer(read_only=True)
    status = serializers.ChoiceField(choices=AnnualReport.Status.choices, read_only=True)
    draft = ReportContentSerializer(read_only=True, help_text=_("The current draft (never public)."))
    latest_receipt = serializers.CharField(
        source="latest.receipt_number", read_only=True, allow_null=True, default=None,
        help_text=_("Receipt number of the latest filing, if any."),
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = ["id", "organisation", "year", "status", "due_on", "version", "latest_receipt", "draft", "url"]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": _(
            "Send this number back with a change or a submission; a stale number is refused with 409 conflict.")}}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("reporting_api:report-detail", kwargs={"pk": obj.pk}))


class ReportListSerializer(ReportSerializer):
    class Meta(ReportSerializer.Meta):
        fields = ["id", "organisation", "year", "status", "due_on", "version", "latest_receipt", "url"]
        read_only_fields = fields


class ReportOpenSerializer(serializers.Serializer):
    organisation = serializers.CharField(max_length=12, help_text=_("BIN of an organisation you represent."))
    year = serializers.IntegerField(min_value=1900, max_value=9999, help_text=_("The year the report covers."))


class ReportPatchSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read."))
    content = ReportContentSerializer(help_text=_(
        "The fields to change; fields you leave out keep their draft values. Values are checked when read; "
        "rule errors (totals that do not match) are allowed in a draft and block only the submission."))


class ReportSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read."))


class ExemptionDeclarationSerializer(serializers.Serializer):
    under_reorganisation_or_liquidation = serializers.BooleanField()
    tax_payment_suspended = serializers.BooleanField()
    no_activity = serializers.BooleanField()


class ExemptionSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read."))
    exemption = ExemptionDeclarationSerializer(help_text=_("All three conditions must be true."))
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ReviewSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(choices=ReportReview.Decision.choices, read_only=True)

    class Meta:
        model = ReportReview
        fields = ["decision", "reasons", "reviewed_at"]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReportReview.Decision.choices)
    reasons = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text=_(
        "Required when the report is returned: what the organisation must correct."))


class ReceiptSerializer(serializers.Serializer):
    """A receipt as anyone may verify it: no content, no personal data."""

    receipt_number = serializers.CharField()
    organisation = ReportOrganisationSerializer()
    year = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportVersion.Kind.choices)
    version = serializers.IntegerField(help_text=_("Number of the filing within the report."))
    submitted_at = serializers.DateTimeField(help_text=_("When it was received."))
    due_on = serializers.DateField()
    late = serializers.BooleanField(help_text=_("Filed after the due date."))
    content_hash = serializers.CharField(help_text=_("SHA-256 of the filed content."))
    receiving_body = ReceivingBodySerializer(allow_null=True)
    verification_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_verification_url(self, obj) -> str:
        return _absolute(self.context, reverse("reporting:verify") + "?number=" + obj["receipt_number"])


class FiledReceiptSerializer(ReceiptSerializer):
    """The receipt returned to the filer, with links to the version and its PDF."""

    id = serializers.IntegerField(help_text=_("Id of the filed version."))
    pdf_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, obj) -> str:
        return _absolute(self.context, reverse("reporting:receipt_pdf", kwargs={"pk": obj["id"]}))


class VersionSerializer(serializers.ModelSerializer):
    """A filed version, as the organisation's representatives and the authorised body see it."""

    status = serializers.SerializerMethodField(help_text=_("submitted, accepted or returned."))
    kind = serializers.ChoiceField(choices=ReportVersion.Kind.choices, read_only=True)
    source = serializers.ChoiceField(choices=ReportVersion.Source.choices, read_only=True)
    receiving_body = ReceivingBodySerializer(read_only=True, allow_null=True)
    reviews = ReviewSerializer(many=True, read_only=True)
    content = serializers.JSONField(read_only=True, help_text=_(
        "The filed content: report fields, or for an exemption {exemption: {...}, note}."))

    class Meta:
        model = ReportVersion
        fields = ["id", "number", "kind", "receipt_number", "submitted_at", "late", "source", "content_hash",
                  "receiving_body", "status", "reviews", "content"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": ["submitted", "accepted", "returned"]})
    def get_status(self, obj) -> str:
        reviews = sorted(obj.reviews.all(), key=lambda r: (r.reviewed_at, r.pk))
        return reviews[-1].decision if reviews else "submitted"


class ReviewResultSerializer(serializers.Serializer):
    receipt_number = serializers.CharField()
    decision = serializers.ChoiceField(choices=ReportReview.Decision.choices)
    reasons = serializers.CharField(allow_blank=True)
    reviewed_at = serializers.DateTimeField()
    report_status = serializers.ChoiceField(choices=AnnualReport.Status.choices)


class ForeignFundingEntrySerializer(serializers.Serializer):
    """One organisation's foreign funding in one year, as the open register shows it."""

    bin = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(help_text=_("KATO code of the seat's region."))
    region_name = serializers.CharField()
    year = serializers.IntegerField()
    period_start = serializers.DateField(help_text=_("Date of the first receipt of the year."))
    period_end = serializers.DateField(help_text=_("Date of the last receipt of the year."))
    total_kzt = serializers.IntegerField()
    receipts = serializers.IntegerField(help_text=_("Number of receipts."))
    countries = serializers.ListField(child=serializers.CharField(), help_text=_("ISO 3166 alpha-2 codes."))
