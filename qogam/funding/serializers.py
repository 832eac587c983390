"""API representations of the competition engine.

Public representations carry public fields only (organisation names and BINs, amounts, scores,
statuses): never persons, IIN hashes, expert identities or uploaded documents. Inputs refuse unknown
keys by name. Amounts are whole tenge as integers; an application's content keeps the strings of
digits it is stored and hashed with. Every choice set is one named enum of the schema (`EnumField`).
"""


from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qogam.core.api import StrictSerializer
from qogam.core.models import Direction, Region
from qogam.funding import models as m


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


# --- Plumbing -----------------------------------------------------------------------------------------


class EnumField(serializers.ChoiceField):
    """A choice field documented as the schema component `enum_name`, wherever it is used, so that one
    choice set has one name (the engine's statuses would otherwise collide as `StatusEnum`)."""

    def __init__(self, enum_name: str, choices, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "qogam.funding.serializers.EnumField"

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema={"type": "string", "enum": list(field.choices),
                    "description": build_choice_description_list(field.choices.items())},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


LANGUAGE = [("kk", _("Kazakh")), ("ru", _("Russian"))]


def _language(**kwargs):
    return EnumField("ApplicationLanguageEnum", LANGUAGE, **kwargs)


class ApplicantSerializer(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField()


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionRefSerializer(serializers.Serializer):
    kato = serializers.CharField()
    name = serializers.CharField()


def _organisation(organisation) -> dict:
    return {"bin": organisation.bin, "name": organisation.name}


def _programme(programme) -> dict:
    funder = programme.funder_body.name if programme.funder_body_id else programme.funder_name
    return {"year": programme.year, "funder_kind": programme.funder_kind, "funder": funder}


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


# --- Public: calls ------------------------------------------------------------------------------------


class ProgrammeRefSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    funder_kind = EnumField("FunderKindEnum", m.Programme.FunderKind.choices)
    funder = serializers.CharField(help_text=_("The funding state body, or the non-state funder."))


class LotSerializer(serializers.ModelSerializer):
    direction = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    budget = serializers.IntegerField(help_text=_("Whole tenge: the lot's budget, or a tender's planned amount."))
    unit_amount = serializers.IntegerField(allow_null=True, help_text=_("NGO awards: the amount of each award."))
    topic = serializers.IntegerField(source="topic_id", allow_null=True, help_text=_(
        "State social order: the id of the public topic the lot comes from."))
    lowest_admissible_bid = serializers.SerializerMethodField()

    class Meta:
        model = m.Lot
        fields = ["number", "title", "direction", "region", "budget", "rationale", "max_months",
                  "terms_of_reference", "topic", "unit_amount", "lowest_admissible_bid"]
        read_only_fields = fields

    def get_lowest_admissible_bid(self, obj) -> int | None:
        """A tender's dumping floor: bids under it are inadmissible (null without a floor)."""
        from qogam.funding import rules

        floor = obj.call.price_floor
        return None if floor is None else int(rules.lowest_admissible_bid(obj.budget, floor))

    @extend_schema_field(CodeNameSerializer)
    def get_direction(self, obj):
        return {"code": obj.direction_id, "name": obj.direction.name}

    @extend_schema_field(RegionRefSerializer(allow_null=True))
    def get_region(self, obj):
        return {"kato": obj.region_id, "name": obj.region.name} if obj.region_id else None


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Criterion
        fields = ["code", "name_kk", "name_ru", "name_en", "weight"]
        read_only_fields = fields


class RequiredDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.RequiredDocument
        fields = ["code", "name", "mandatory"]
        read_only_fields = fields


class CallListSerializer(serializers.ModelSerializer):
    """A call as the public sees it in the list."""

    mechanism = EnumField("MechanismEnum", m.MECHANISM_CHOICES, read_only=True)
    status = EnumField("CallStatusEnum", m.CALL_STATUS, read_only=True)
    programme = serializers.SerializerMethodField()
    budget = serializers.SerializerMethodField(help_text=_("The lots' budgets together, whole tenge."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.Call
        fields = ["code", "title_kk", "title_ru", "mechanism", "status", "opens_on", "closes_on", "budget",
                  "programme", "url"]
        read_only_fields = fields

    @extend_schema_field(ProgrammeRefSerializer)
    def get_programme(self, obj):
        return _programme(obj.programme)

    def get_budget(self, obj) -> int:
        budget = getattr(obj, "budget", None)
        if budget is None:
            budget = sum(lot.budget for lot in obj.lots.all())
        return int(budget or 0)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("funding_api:call-detail", kwargs={"code": obj.code}))


class CallDetailSerializer(CallListSerializer):
    """A call with its window, lots (with their published rationale), criteria and documents."""

    lots = LotSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    required_documents = RequiredDocumentSerializer(many=True, read_only=True)
    accepting_applications = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()

    class Meta(CallListSerializer.Meta):
        fields = [*CallListSerializer.Meta.fields, "description", "accepting_applications", "scale_min", "scale_max",
                  "price_floor", "compliance_due_on", "evaluation_due_on", "lots", "criteria", "required_documents",
                  "results_url"]
        read_only_fields = fields

    def get_accepting_applications(self, obj) -> bool:
        return obj.status == "open"

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_results_url(self, obj):
        if obj.status not in ("decided", "archived"):
            return None
        return _absolute(self.context, reverse("funding_api:call-results", kwargs={"code": obj.code}))


class ResultRowSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=_("The application's public reference."))
    lot = serializers.IntegerField()
    lot_title = serializers.CharField()
    rank = serializers.IntegerField(help_text=_("Rank in the lot; ties go to the earlier submission."))
    organisation = serializers.CharField()
    bin = serializers.CharField()
    title = serializers.CharField()
    language = _language()
    total_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True,
                                           help_text=_("Weighted mean of the experts' scores."))
    disagreement = serializers.BooleanField(help_text=_("The experts strongly disagreed on some criterion."))
    status = EnumField("ApplicationStatusEnum", m.APPLICATION_STATUS)
    status_label = serializers.CharField()
    requested_amount = serializers.IntegerField()
    awarded_amount = serializers.IntegerField(allow_null=True)


class PublicAppealSerializer(serializers.Serializer):
    application = serializers.CharField(source="application.reference")
    organisation = serializers.SerializerMethodField()
    kind = EnumField("AppealKindEnum", m.Appeal.Kind.choices)
    status = EnumField("AppealStatusEnum", m.APPEAL_STATUS)
    outcome = serializers.CharField(help_text=_("The committee's published answer."))
    decided_at = serializers.DateTimeField()

    @extend_schema_field(ApplicantSerializer)
    def get_organisation(self, obj):
        return _organisation(obj.application.organisation)


class CallResultsSerializer(serializers.Serializer):
    call = serializers.CharField()
    decided_on = serializers.DateField()
    results = ResultRowSerializer(many=True)
    appeals = PublicAppealSerializer(many=True)


# --- Public: funded projects --------------------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer):
    amount = serializers.IntegerField()

    class Meta:
        model = m.Tranche
        fields = ["number", "due_on", "amount", "paid_on"]
        read_only_fields = fields


class PublicIndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    target = serializers.IntegerField()
    achieved = serializers.IntegerField()


class PublicReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    indicators = PublicIndicatorSerializer(many=True)
    beneficiaries = serializers.IntegerField()
    achievement = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True,
                                           help_text=_("Mean share of the targets achieved, 0 to 1."))


class FundedProjectSerializer(serializers.ModelSerializer):
    """A funded project (an agreement past its draft), public fields only."""

    status = EnumField("AgreementStatusEnum", m.AGREEMENT_STATUS, read_only=True)
    amount = serializers.IntegerField(read_only=True)
    paid = serializers.SerializerMethodField(help_text=_("Tranches paid so far, whole tenge."))
    refund_amount = serializers.IntegerField(read_only=True, allow_null=True)
    organisation = serializers.SerializerMethodField()
    title = serializers.CharField(source="application.title", read_only=True)
    language = _language(source="application.language", read_only=True)
    call = serializers.CharField(source="application.call.code", read_only=True)
    lot = serializers.IntegerField(source="application.lot.number", read_only=True)
    year = serializers.IntegerField(source="application.call.programme.year", read_only=True)
    funder = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.Agreement
        fields = ["number", "status", "title", "organisation", "amount", "paid", "start_on", "end_on", "call", "lot",
                  "year", "funder", "region", "direction", "language", "terminated_on", "refund_amount",
                  "closed_on", "url"]
        read_only_fields = fields

    def get_paid(self, obj) -> int:
        return int(getattr(obj, "paid", None) or 0)

    @extend_schema_field(ApplicantSerializer)
    def get_organisation(self, obj):
        return _organisation(obj.application.organisation)

    @extend_schema_field(ProgrammeRefSerializer)
    def get_funder(self, obj):
        return _programme(obj.application.call.programme)

    @extend_schema_field(RegionRefSerializer)
    def get_region(self, obj):
        return {"kato": obj.application.region_id, "name": obj.application.region.name}

    @extend_schema_field(CodeNameSerializer)
    def get_direction(self, obj):
        return {"code": obj.application.direction_id, "name": obj.application.direction.name}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("funding_api:project-detail", kwargs={"number": obj.number}))


class FundedProjectDetailSerializer(FundedProjectSerializer):
    tranches = TrancheSerializer(many=True, read_only=True)
    reports = serializers.SerializerMethodField(help_text=_("Accepted monitoring reports."))

    class Meta(FundedProjectSerializer.Meta):
        fields = [*FundedProjectSerializer.Meta.fields, "tranches", "reports"]
        read_only_fields = fields

    @extend_schema_field(PublicReportSerializer(many=True))
    def get_reports(self, obj):
        return PublicReportSerializer(self.context.get("reports", []), many=True).data


class FundedProjectFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2003, max_value=2100)
    region = serializers.CharField(required=False, max_length=9)
    direction = serializers.CharField(required=False, max_length=40)

    def validate_region(self, value):
        if value and not Region.objects.filter(kato=value).exists():
            raise serializers.ValidationError(_("No region has this KATO code. See /api/regions/."))
        return value

    def validate_direction(self, value):
        if value and not Direction.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("No direction has this code. See /api/directions/."))
        return value


# --- An application's content ---------------------------------------------------------------------------


class ActivitySerializer(StrictSerializer):
    name = serializers.CharField(max_length=500, allow_blank=True)
    start_month = serializers.CharField(max_length=4, allow_blank=True, help_text=_("Month of the project, from 1."))
    end_month = serializers.CharField(max_length=4, allow_blank=True, help_text=_("Month of the project, from 1."))


class BudgetLineSerializer(StrictSerializer):
    item = serializers.CharField(max_length=300, allow_blank=True)
    amount = serializers.CharField(max_length=20, allow_blank=True, help_text=_("Whole tenge, digits only."))


class ResultSerializer(StrictSerializer):
    result = serializers.CharField(max_length=1000, allow_blank=True)
    indicator = serializers.CharField(max_length=500, allow_blank=True)
    target = serializers.CharField(max_length=20, allow_blank=True, help_text=_("A whole number."))


def _content_fields(*, source: str = "", read_only: bool = False) -> dict:
    """The fields of an application's content; read from `source`+key when `source` is given."""

    def kw(key: str) -> dict:
        options = {"read_only": True} if read_only else {"required": False}
        if source:
            options["source"] = f"{source}{key}"
        return options

    return {
        "summary": serializers.CharField(max_length=10000, allow_blank=True, help_text=_("Summary of the project."),
                                         **kw("summary")),
        "goals": serializers.ListField(child=serializers.CharField(max_length=1000, allow_blank=True),
                                       max_length=50, **kw("goals")),
        "activities": serializers.ListField(child=ActivitySerializer(), max_length=200, help_text=_(
            "Activities with their timeline in months of the project."), **kw("activities")),
        "months": serializers.IntegerField(min_value=0, max_value=120, help_text=_(
            "Duration of the project in months: 12 to 36."), **kw("months")),
        "budget_lines": serializers.ListField(child=BudgetLineSerializer(), max_length=200, **kw("budget_lines")),
        "requested_amount": serializers.CharField(max_length=20, allow_blank=True, help_text=_(
            "Whole tenge, digits only; the budget lines must add up to it."), **kw("requested_amount")),
        "results": serializers.ListField(child=ResultSerializer(), max_length=100, help_text=_(
            "Expected results with their indicators and targets."), **kw("results")),
        "beneficiaries": serializers.IntegerField(min_value=0, max_value=10**9, help_text=_(
            "Number of beneficiaries."), **kw("beneficiaries")),
        "beneficiaries_text": serializers.CharField(max_length=2000, allow_blank=True, help_text=_(
            "Who the beneficiaries are."), **kw("beneficiaries_text")),
        "region": serializers.CharField(max_length=9, allow_blank=True, help_text=_(
            "KATO code of the region, see /api/regions/."), **kw("region")),
        "direction": serializers.CharField(max_length=40, allow_blank=True, help_text=_(
            "Code of the direction, see /api/directions/."), **kw("direction")),
    }


CONTENT_KEYS = tuple(_content_fields())

ApplicationContentSerializer = type("ApplicationContentSerializer", (StrictSerializer,), {
    "__doc__": "The content of an application. A draft may be incomplete; the submission checks it.",
    **_content_fields(),
})


class ApplicationCreateSerializer(ApplicationContentSerializer):
    call = serializers.CharField(max_length=40, help_text=_("Number of an open call, e.g. GR-2026-001."))
    lot = serializers.IntegerField(min_value=1, max_value=1000, help_text=_("Number of a lot of the call."))
    organisation = serializers.CharField(max_length=12, help_text=_("BIN of an organisation you represent."))
    language = _language(help_text=_("The language the application is written in."))
    title = serializers.CharField(max_length=500)


class ApplicationPatchSerializer(ApplicationContentSerializer):
    version = serializers.IntegerField(min_value=1, help_text=_(
        "The version you read. A stale version is refused with 409 conflict and nothing is written."))
    title = serializers.CharField(max_length=500, required=False)
    language = _language(required=False)


class ApplicationSubmitSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, required=False, help_text=_(
        "The version you read; when given, a stale version is refused with 409 conflict."))


class WithdrawSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DocumentUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text=_("PDF, DOCX, XLSX, JPEG or PNG, at most 20 MB."))
    required_document = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=_(
        "Code of the call's required document this file is."))


# --- An application, as its organisation, the operator and the committee see it -------------------------


class DocumentSerializer(serializers.ModelSerializer):
    required_document = serializers.CharField(source="required_document.code", read_only=True, allow_null=True,
                                              default=None)
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = m.ApplicationDocument
        fields = ["id", "required_document", "name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class SubmissionReceiptSerializer(serializers.Serializer):
    """The receipt of a submission."""

    application = serializers.IntegerField(source="application_id", help_text=_("Id of the application."))
    reference = serializers.CharField(source="application.reference")
    number = serializers.IntegerField(help_text=_("Number of the submission."))
    receipt_number = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    content_hash = serializers.CharField(help_text=_("SHA-256 of the submitted content."))


class ComplianceSerializer(serializers.ModelSerializer):
    application = serializers.CharField(source="application.reference", read_only=True)
    outcome = EnumField("ComplianceOutcomeEnum", m.ComplianceCheck.Outcome.choices, read_only=True)
    automatic = serializers.SerializerMethodField(help_text=_("Automatic checks that failed."))
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = m.ComplianceCheck
        fields = ["application", "outcome", "reasons", "automatic", "checklist", "due_on", "checked_at"]
        read_only_fields = fields

    @extend_schema_field(WarningSerializer(many=True))
    def get_automatic(self, obj):
        return [{"code": a.get("code", ""), "message": a.get("message", "")} for a in obj.automatic or []]

    @extend_schema_field({"type": "object", "additionalProperties": {
        "type": "object", "properties": {"ok": {"type": "boolean"}, "reason": {"type": "string"}},
        "required": ["ok", "reason"]}})
    def get_checklist(self, obj):
        return obj.checklist or {}


class AppealSerializer(serializers.ModelSerializer):
    application = serializers.CharField(source="application.reference", read_only=True)
    kind = EnumField("AppealKindEnum", m.Appeal.Kind.choices, read_only=True)
    status = EnumField("AppealStatusEnum", m.APPEAL_STATUS, read_only=True)

    class Meta:
        model = m.Appeal
        fields = ["id", "application", "kind", "status", "grounds", "filed_at", "outcome", "decided_at"]
        read_only_fields = fields


class ApplicationListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    call = serializers.CharField(source="call.code", read_only=True)
    lot = serializers.IntegerField(source="lot.number", read_only=True)
    organisation = serializers.SerializerMethodField()
    status = EnumField("ApplicationStatusEnum", m.APPLICATION_STATUS, read_only=True)
    language = _language(read_only=True)
    receipt_number = serializers.CharField(source="latest.receipt_number", read_only=True, allow_null=True,
                                           default=None)
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.Application
        fields = ["id", "reference", "call", "lot", "organisation", "status", "language", "title", "version",
                  "submitted_at", "receipt_number", "url"]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": _(
            "Send this number back with a change; a stale number is refused with 409 conflict.")}}

    @extend_schema_field(ApplicantSerializer)
    def get_organisation(self, obj):
        return _organisation(obj.organisation)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("funding_api:application-detail", kwargs={"pk": obj.pk}))


_DraftContent = type("_DraftContent", (serializers.Serializer,), _content_fields(source="draft.", read_only=True))


class ApplicationSerializer(ApplicationListSerializer, _DraftContent):
    """An application with its current draft content, documents, receipt and outcome."""

    lot_title = serializers.CharField(source="lot.title", read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    receipt = serializers.SerializerMethodField()
    compliance = serializers.SerializerMethodField(help_text=_("The compliance decision, once made."))
    total_score = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True)
    rank = serializers.IntegerField(read_only=True, allow_null=True)
    awarded_amount = serializers.IntegerField(read_only=True, allow_null=True)
    appeals = AppealSerializer(many=True, read_only=True)
    agreement = serializers.SerializerMethodField(help_text=_("Id of the grant agreement, once there is one."))

    class Meta(ApplicationListSerializer.Meta):
        fields = [*ApplicationListSerializer.Meta.fields, "lot_title", *CONTENT_KEYS, "documents", "receipt",
                  "compliance", "total_score", "rank", "awarded_amount", "appeals", "agreement"]
        read_only_fields = fields

    @extend_schema_field(SubmissionReceiptSerializer(allow_null=True))
    def get_receipt(self, obj):
        return SubmissionReceiptSerializer(obj.latest).data if obj.latest_id else None

    @extend_schema_field(ComplianceSerializer(allow_null=True))
    def get_compliance(self, obj):
        check = m.ComplianceCheck.objects.filter(application=obj).exclude(outcome="").first()
        return ComplianceSerializer(check).data if check else None

    def get_agreement(self, obj) -> int | None:
        return m.Agreement.objects.filter(application=obj).values_list("pk", flat=True).first()


# --- Operator: compliance and evaluation ----------------------------------------------------------------


class ChecklistItemSerializer(StrictSerializer):
    ok = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text=_(
        "Required when the item is not met; sent to the applicant."))


class ComplianceDecideSerializer(StrictSerializer):
    outcome = EnumField("ComplianceOutcomeEnum", m.ComplianceCheck.Outcome.choices)
    checklist = serializers.DictField(child=ChecklistItemSerializer(), required=False, help_text=_(
        "The checklist: item → {ok, reason}."))
    reasons = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text=_(
        "Required for a rejection unless a failed item or an automatic check gives the reason."))


class StaffedApplicationSerializer(serializers.Serializer):
    reference = serializers.CharField()
    experts = serializers.IntegerField(help_text=_("Number of experts assigned."))


class EvaluationStartedSerializer(serializers.Serializer):
    call = serializers.CharField()
    status = EnumField("CallStatusEnum", m.CALL_STATUS)
    evaluation_due_on = serializers.DateField()
    applications = StaffedApplicationSerializer(many=True)


# --- Experts ------------------------------------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    """An expert's assignment: whom it concerns (to declare conflicts), never the content."""

    status = EnumField("AssignmentStatusEnum", m.ASSIGNMENT_STATUS, read_only=True)
    application = serializers.CharField(source="application.reference", read_only=True)
    call = serializers.CharField(source="application.call.code", read_only=True)
    lot = serializers.IntegerField(source="application.lot.number", read_only=True)
    organisation = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = m.Assignment
        fields = ["id", "status", "application", "call", "lot", "organisation", "round", "due_on", "assigned_at",
                  "declared_at", "scored_at", "url"]
        read_only_fields = fields

    @extend_schema_field(ApplicantSerializer)
    def get_organisation(self, obj):
        return _organisation(obj.application.organisation)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return _absolute(self.context, reverse("funding_api:assignment-detail", kwargs={"pk": obj.pk}))


class SubmittedDocumentSerializer(serializers.Serializer):
    required = serializers.CharField(help_text=_("Code of the required document, or empty."))
    name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()


SubmittedContentSerializer = type("SubmittedContentSerializer", (serializers.Serializer,), {
    "__doc__": "The submitted content of an application, as frozen with its receipt.",
    "title": serializers.CharField(read_only=True),
    "language": _language(read_only=True),
    **_content_fields(read_only=True),
    "documents": SubmittedDocumentSerializer(many=True, read_only=True),
})


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = m.Score
        fields = ["criterion", "value", "justification"]
        read_only_fields = fields


class AssignmentDetailSerializer(AssignmentSerializer):
    """The assignment with the application's content (after the declaration), the criteria and the scale."""

    declaration = serializers.CharField(read_only=True)
    content = serializers.SerializerMethodField()
    criteria = CriterionSerializer(source="application.call.criteria", many=True, read_only=True)
    scale_min = serializers.IntegerField(source="application.call.scale_min", read_only=True)
    scale_max = serializers.IntegerField(source="application.call.scale_max", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "declaration", "content", "criteria", "scale_min", "scale_max",
                  "scores"]
        read_only_fields = fields

    @extend_schema_field(SubmittedContentSerializer)
    def get_content(self, obj):
        return SubmittedContentSerializer(self.context.get("content", {})).data


class DeclarationSerializer(StrictSerializer):
    no_conflict = serializers.BooleanField(help_text=_(
        "true: you declare no conflict of interest and the content is shown; false: you declare a conflict, "
        "are recused and another expert is assigned."))
    text = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text=_(
        "Your declaration, or the conflict you declare."))


class ScoreInputSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=5, decimal_places=2, help_text=_("On the call's scale."))
    justification = serializers.CharField(max_length=10000, allow_blank=True, help_text=_(
        "Written justification of the score."))


class ScoresSubmitSerializer(StrictSerializer):
    scores = serializers.DictField(child=ScoreInputSerializer(), help_text=_(
        "Criterion code → {value, justification}, one for every criterion of the call."))


class ScoredAssignmentSerializer(AssignmentSerializer):
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "scores"]
        read_only_fields = fields


# --- Committee ----------------------------------------------------------------------------------------------


class CallDecideSerializer(StrictSerializer):
    minutes = serializers.CharField(max_length=100000, help_text=_("The minutes of the committee's meeting."))
    decided_on = serializers.DateField(required=False, help_text=_("Date of the decision; today when left out."))
    selected = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500, help_text=_(
        "NGO awards: the ids of the shortlisted applications the commission awards; by default the best scored "
        "of each category, up to its number of awards."))


class ShortlistDecideSerializer(StrictSerializer):
    minutes = serializers.CharField(max_length=100000, help_text=_("The minutes of the working group's meeting."))
    decided_on = serializers.DateField(required=False, help_text=_("Date of the shortlist; today when left out."))
    shortlisted = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500,
                                        help_text=_("Ids of the scored applications on the shortlist; by default "
                                                    "funding.shortlist_per_award per award of each category."))


class ShortlistSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="call.code", read_only=True)
    shortlisted = serializers.SerializerMethodField()

    class Meta:
        model = m.Shortlist
        fields = ["call", "decided_on", "minutes", "shortlisted"]
        read_only_fields = fields

    def get_shortlisted(self, obj) -> list[int]:
        return list(obj.call.applications.filter(status="shortlisted").order_by("pk").values_list("pk", flat=True))


class TopicSerializer(serializers.ModelSerializer):
    body = serializers.SerializerMethodField()
    direction = serializers.CharField(source="direction_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True)
    supports = serializers.IntegerField(source="support_count", read_only=True)
    comments = serializers.IntegerField(source="comment_count", read_only=True)
    lots = serializers.SerializerMethodField()
    status = EnumField("TopicStatusEnum", m.TOPIC_STATUS, read_only=True)

    class Meta:
        model = m.Topic
        fields = ["id", "title", "problem", "body", "direction", "region", "status", "discussion_until", "supports",
                  "comments", "decision_reason", "decided_at", "lots"]
        read_only_fields = fields

    @extend_schema_field(CodeNameSerializer)
    def get_body(self, obj):
        return {"code": str(obj.body_id), "name": obj.body.name}

    def get_lots(self, obj) -> list[str]:
        """The lots made from the topic, as `<call number>/<lot number>`."""
        return [f"{code}/{number}" for code, number in obj.lots.values_list("call__code", "number")]


class TopicCommentSerializer(serializers.Serializer):
    author = serializers.CharField(help_text=_("First name and the first letter of the surname only."))
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class TopicDetailSerializer(TopicSerializer):
    discussion = serializers.SerializerMethodField()

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "discussion"]
        read_only_fields = fields

    @extend_schema_field(TopicCommentSerializer(many=True))
    def get_discussion(self, obj):
        from qogam.funding import selectors

        return TopicCommentSerializer(selectors.topic_comments(obj), many=True).data


class TopicProposeSerializer(StrictSerializer):
    body = serializers.IntegerField(help_text=_("Id of the state body the topic is addressed to."))
    title = serializers.CharField(max_length=300)
    problem = serializers.CharField(max_length=20000)
    direction = serializers.CharField(max_length=40)
    region = serializers.CharField(max_length=12, required=False, allow_blank=True)
    organisation = serializers.IntegerField(required=False, help_text=_(
        "Id of an organisation you represent, to propose on its behalf."))


class TopicCommentInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=4000)


class TopicDecideSerializer(StrictSerializer):
    accept = serializers.BooleanField(help_text=_("true: accepted, to become a lot; false: rejected."))
    reason = serializers.CharField(max_length=20000, help_text=_("The body's answer, published."))


class EffectReviewSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="agreement.number", read_only=True)
    contractor = serializers.CharField(source="agreement.application.organisation.name", read_only=True)
    status = EnumField("AssignmentStatusEnum", m.ASSIGNMENT_STATUS, read_only=True)

    class Meta:
        model = m.EffectReview
        fields = ["id", "agreement", "contractor", "status", "due_on", "declared_at", "scores", "total", "scored_at"]
        read_only_fields = fields


class EffectScoresSerializer(StrictSerializer):
    scores = serializers.DictField(child=ScoreInputSerializer(), help_text=_(
        "For each of the five dimensions (way_of_life, culture, identity, environment, aspirations): a score "
        "from 0 to 10 and its written justification."))


class EffectDimensionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    mean = serializers.DecimalField(max_digits=5, decimal_places=2)


class EffectResultSerializer(serializers.Serializer):
    experts = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    dimensions = EffectDimensionSerializer(many=True)


class CallDecisionSerializer(serializers.ModelSerializer):
    call = serializers.CharField(source="call.code", read_only=True)
    funded = serializers.SerializerMethodField()
    not_funded = serializers.SerializerMethodField()

    class Meta:
        model = m.Decision
        fields = ["call", "decided_on", "minutes", "recorded_at", "funded", "not_funded"]
        read_only_fields = fields

    def get_funded(self, obj) -> int:
        return obj.call.applications.filter(status="funded").count()

    def get_not_funded(self, obj) -> int:
        return obj.call.applications.filter(status="not_funded").count()


class AppealFileSerializer(StrictSerializer):
    grounds = serializers.CharField(max_length=10000, help_text=_("The grounds of the appeal."))


class AppealDecideSerializer(StrictSerializer):
    grant = serializers.BooleanField(help_text=_("true grants the appeal; false leaves the decision standing."))
    outcome = serializers.CharField(max_length=10000, help_text=_("The committee's answer; it is published."))


# --- Agreements and monitoring --------------------------------------------------------------------------


class MonitoringReportSerializer(serializers.ModelSerializer):
    kind = EnumField("MonitoringReportKindEnum", m.ReportSchedule.Kind.choices, source="due.kind", read_only=True)
    status = EnumField("MonitoringReportStatusEnum", m.MonitoringReport.Status.choices, read_only=True)
    warnings = WarningSerializer(many=True, read_only=True)
    content = serializers.JSONField(read_only=True, help_text=_(
        "indicators [{indicator, target, achieved}], beneficiaries, spending {budget line: amount}, narrative."))

    class Meta:
        model = m.MonitoringReport
        fields = ["id", "due", "kind", "number", "status", "content", "content_hash", "warnings", "submitted_at",
                  "review_note", "reviewed_at"]
        read_only_fields = fields


class ReportDueSerializer(serializers.ModelSerializer):
    kind = EnumField("MonitoringReportKindEnum", m.ReportSchedule.Kind.choices, read_only=True)
    reports = MonitoringReportSerializer(many=True, read_only=True)

    class Meta:
        model = m.ReportSchedule
        fields = ["id", "kind", "period_start", "period_end", "due_on", "reports"]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    """A grant agreement as its parties (and the call's committee) see it."""

    status = EnumField("AgreementStatusEnum", m.AGREEMENT_STATUS, read_only=True)
    amount = serializers.IntegerField(read_only=True)
    refund_amount = serializers.IntegerField(read_only=True, allow_null=True)
    application = serializers.IntegerField(source="application_id", read_only=True)
    reference = serializers.CharField(source="application.reference", read_only=True)
    title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.SerializerMethodField()
    tranches = TrancheSerializer(many=True, read_only=True)
    schedule = ReportDueSerializer(many=True, read_only=True, help_text=_("The monitoring reports due."))

    class Meta:
        model = m.Agreement
        fields = ["id", "number", "status", "application", "reference", "title", "organisation", "amount",
                  "start_on", "end_on", "signed_by_ngo_at", "signed_by_operator_at", "terminated_on",
                  "termination_reason", "refund_amount", "closed_on", "tranches", "schedule"]
        read_only_fields = fields

    @extend_schema_field(ApplicantSerializer)
    def get_organisation(self, obj):
        return _organisation(obj.application.organisation)


class AgreementListSerializer(AgreementSerializer):
    open_flags = serializers.IntegerField(read_only=True, help_text=_("Open risk flags."))
    pending = serializers.IntegerField(read_only=True, help_text=_("Reports awaiting review."))

    class Meta(AgreementSerializer.Meta):
        fields = ["id", "number", "status", "reference", "title", "organisation", "amount", "start_on", "end_on",
                  "open_flags", "pending"]
        read_only_fields = fields


class TrancheInputSerializer(StrictSerializer):
    due_on = serializers.DateField()
    amount = serializers.IntegerField(min_value=1, max_value=10**15, help_text=_("Whole tenge."))


class AgreementPrepareSerializer(StrictSerializer):
    start_on = serializers.DateField()
    end_on = serializers.DateField()
    tranches = TrancheInputSerializer(many=True, help_text=_(
        "The payment schedule: the tranches add up to the agreement's amount, within its period."))


class TranchePaySerializer(StrictSerializer):
    paid_on = serializers.DateField(required=False, help_text=_("Payment date; today when left out."))


class TerminateSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=4000)
    refund = serializers.IntegerField(min_value=0, max_value=10**15, help_text=_(
        "Amount to refund, whole tenge, at most what was paid."))
    terminated_on = serializers.DateField(required=False, help_text=_("Today when left out."))


class IndicatorInputSerializer(StrictSerializer):
    indicator = serializers.CharField(max_length=500, allow_blank=True)
    target = serializers.CharField(max_length=20, allow_blank=True, help_text=_("A whole number."))
    achieved = serializers.CharField(max_length=20, allow_blank=True, help_text=_("A whole number."))


class MonitoringReportSubmitSerializer(StrictSerializer):
    due = serializers.IntegerField(min_value=1, help_text=_("Id of the report due (the agreement's `schedule`)."))
    indicators = IndicatorInputSerializer(many=True)
    beneficiaries = serializers.CharField(max_length=20, help_text=_("Number of beneficiaries reached."))
    spending = serializers.DictField(child=serializers.CharField(max_length=20, allow_blank=True), required=False,
                                     help_text=_("Budget line item → amount spent, whole tenge."))
    narrative = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class MonitoringReviewSerializer(StrictSerializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text=_(
        "Required when the report is returned: what must be corrected."))
