"""API representations of the recommendation tracker (issue 6). Public ones carry public fields only:
never who answered a recommendation (`answered_by`) or who recorded it, and no e-mail addresses.
Every choice set is one named enum of the schema (`EnumField`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qogam.core.api import StrictSerializer
from qogam.funding.serializers import EnumField
from qogam.recommendations.models import Event, Evidence, Recommendation
from qogam.registry.models import StateBody

DEADLINE_STATES = [
    ("pending", _("pending: unanswered, the due date has not passed")),
    ("overdue", _("overdue: unanswered after the due date")),
    ("answered", _("answered")),
    ("implemented", _("implemented")),
]
STATUS_FILTERS = [
    *Recommendation.Status.choices,
    ("pending", _("pending: unanswered, the due date has not passed")),
]


def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


def source_enum(**kwargs):
    return EnumField("RecommendationSourceEnum", Recommendation.Source.choices, **kwargs)


def status_enum(**kwargs):
    return EnumField("RecommendationStatusEnum", Recommendation.Status.choices, **kwargs)


def deadline_state_enum(**kwargs):
    return EnumField("RecommendationDeadlineStateEnum", DEADLINE_STATES, **kwargs)


def verdict_enum(**kwargs):
    return EnumField("RecommendationVerdictEnum", Recommendation.Verdict.choices, **kwargs)


class AddresseeSerializer(serializers.ModelSerializer):
    """A state body of the register that recommendations are addressed to."""

    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True,
                                   help_text=_("KATO code of the body's region; null for central bodies."))

    class Meta:
        model = StateBody
        fields = ["id", "bin", "name", "level", "region"]
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    source = source_enum(read_only=True)
    made_by = serializers.CharField(source="source_title", read_only=True,
                                    help_text=_("The council and meeting, the forum, or the petition."))
    addressee = AddresseeSerializer(read_only=True)
    status = status_enum(read_only=True)
    deadline_state = serializers.SerializerMethodField(help_text=_(
        "pending until the due date, overdue after it while unanswered; once answered, the status."))
    verdict = verdict_enum(read_only=True, allow_null=True,
                           help_text=_("The body's answer: null until it answers."))
    answer = serializers.CharField(read_only=True, help_text=_("The text of the body's answer; empty until it answers."))
    working_days_to_answer = serializers.IntegerField(read_only=True, allow_null=True, help_text=_(
        "Working days from sending to the answer, on the working-day calendar."))
    url = serializers.SerializerMethodField(help_text=_("This recommendation in the API."))

    class Meta:
        model = Recommendation
        fields = [
            "number", "source", "made_by", "title", "text", "addressee", "sent_on", "due_on", "status",
            "deadline_state", "verdict", "answer", "answered_on", "answered_late", "working_days_to_answer",
            "implemented_on", "implementation_note", "url",
        ]
        read_only_fields = fields

    @extend_schema_field(deadline_state_enum())
    def get_deadline_state(self, obj) -> str:
        return obj.deadline_state(self.context["today"])

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context, reverse("recommendations_api:recommendation-detail", args=[obj.number]))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["verdict"] = data["verdict"] or None
        return data


class RecommendationEventSerializer(serializers.ModelSerializer):
    kind = EnumField("RecommendationEventKindEnum", Event.Kind.choices, read_only=True)

    class Meta:
        model = Event
        fields = ["kind", "on", "note"]
        read_only_fields = fields


class RecommendationEvidenceSerializer(serializers.ModelSerializer):
    kind = EnumField("EvidenceKindEnum", Evidence.Kind.choices, read_only=True)
    url = serializers.CharField(read_only=True, help_text=_("The link, for evidence of kind link; else empty."))
    file_name = serializers.CharField(source="original_name", read_only=True,
                                      help_text=_("The file's name, for a document or a photo; else empty."))
    size = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("Bytes, for a file."))
    sha256 = serializers.CharField(read_only=True, help_text=_("SHA-256 of the file, for a file; else empty."))
    added_on = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["kind", "note", "url", "file_name", "size", "sha256", "added_on"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_added_on(self, obj):
        from qogam.core.calendar import ALMATY

        return obj.added_at.astimezone(ALMATY).date().isoformat()


class RecommendationDetailSerializer(RecommendationSerializer):
    history = RecommendationEventSerializer(source="events", many=True, read_only=True,
                              help_text=_("What happened when, oldest first."))
    evidence = RecommendationEvidenceSerializer(many=True, read_only=True, help_text=_("Evidence of implementation."))

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "overdue_since", "history", "evidence", "version"]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": _("Send this number back with an answer to detect concurrent edits.")}}


class AnswerSerializer(StrictSerializer):
    """An official's answer on behalf of the addressee body."""

    verdict = serializers.CharField(max_length=20, help_text=_(
        "accepted, partly_accepted or rejected."))
    text = serializers.CharField(allow_blank=True, max_length=20000, trim_whitespace=False, help_text=_(
        "The body's answer, published on the recommendation's page. A rejection, in full or in part, gives "
        "its reasons (at least recommendations.reason_min_chars characters)."))
    version = serializers.IntegerField(min_value=1, help_text=_("The version you read."))


# --- The responsiveness scoreboard ---------------------------------------------------------------


def _percent(**kwargs):
    return serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, read_only=True, **kwargs)


class ResponsivenessSerializer(serializers.Serializer):
    """A scoreboard line's figures (rules.Score)."""

    received = serializers.IntegerField(read_only=True)
    answered_on_time = serializers.IntegerField(read_only=True, help_text=_("Answered on or before the due date."))
    answered_late = serializers.IntegerField(read_only=True)
    unanswered = serializers.IntegerField(read_only=True, help_text=_("Pending and overdue together."))
    overdue = serializers.IntegerField(read_only=True, help_text=_("Unanswered after the due date."))
    accepted = serializers.IntegerField(read_only=True)
    partly_accepted = serializers.IntegerField(read_only=True)
    rejected = serializers.IntegerField(read_only=True)
    implemented = serializers.IntegerField(read_only=True)
    on_time_percent = _percent(help_text=_("Answered on time, per cent of those received; null if none."))
    answered_percent = _percent(help_text=_("Answered at all, per cent of those received; null if none."))
    median_working_days = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, read_only=True,
        help_text=_("Median working days from sending to the answer; null if nothing was answered."))


class ScoreboardLineSerializer(ResponsivenessSerializer):
    """A body's line of the responsiveness scoreboard, with its ranks."""

    body = AddresseeSerializer(read_only=True)
    rank = serializers.IntegerField(read_only=True, help_text=_(
        "Rank among the bodies of the same level (1 = most responsive; equal figures share a rank)."))
    region_rank = serializers.IntegerField(read_only=True, help_text=_("Rank among the bodies of the same region."))

    def to_representation(self, instance):
        data = {"body": AddresseeSerializer(instance.body, context=self.context).data}
        data.update(ResponsivenessSerializer(instance.score, context=self.context).data)
        data.update(rank=instance.rank, region_rank=instance.region_rank)
        return data


class FilterSerializer(serializers.Serializer):
    """The public filters of the list and the scoreboard."""

    year = serializers.IntegerField(required=False, min_value=2003, max_value=2100)
    source = serializers.ChoiceField(Recommendation.Source.choices, required=False)
    level = serializers.ChoiceField(StateBody.Level.choices, required=False)
    region = serializers.CharField(required=False, max_length=9)
    addressee = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(STATUS_FILTERS, required=False)
    q = serializers.CharField(required=False, max_length=200)

    def validate_region(self, value):
        from qogam.core.models import Region

        if not Region.objects.filter(kato=value).exists():
            raise serializers.ValidationError(_("No region has this KATO code. See /api/regions/."))
        return value

    def validate_addressee(self, value):
        if not StateBody.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("No state body has this id. See /api/state-bodies/."))
        return value
