"""API representations of public councils and the Civil Forum (issue 6). Public ones carry public
fields only: members appear as first name and surname initial (`public_name`) with their affiliation,
never by full name; the secretary, applicants and users are never shown."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qogam.councils.models import (
    CONSTITUENCY_CHOICES,
    ActionPlan,
    Council,
    Decision,
    ForumEdition,
    Measure,
    Meeting,
    MeetingDocument,
    Member,
    RegionalForum,
)
from qogam.funding.serializers import EnumField
from qogam.recommendations.serializers import (
    ResponsivenessSerializer,
    absolute,
    deadline_state_enum,
    status_enum,
)
from qogam.registry.models import StateBody


def level_enum(**kwargs):
    return EnumField("CouncilLevelEnum", Council.Level.choices, **kwargs)


def _numbers(**kwargs):
    return serializers.ListField(child=serializers.CharField(), read_only=True, **kwargs)


class BodyRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))

    class Meta:
        model = StateBody
        fields = ["id", "bin", "name"]
        read_only_fields = fields


class CouncilConvocationSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    chair = serializers.CharField(source="chair.public_name", read_only=True, allow_null=True, default=None,
                                  help_text=_("The chair's first name and surname initial; null before the election."))
    chair_elected_on = serializers.DateField(read_only=True, allow_null=True)


class CouncilActivitySerializer(serializers.Serializer):
    """What the council did (selectors.Activity): meetings held by kind, and the recommendations it made."""

    meetings_held = serializers.IntegerField(read_only=True, help_text=_("Meetings held (not hearings or monitoring)."))
    hearings = serializers.IntegerField(read_only=True, help_text=_("Public hearings held."))
    monitoring = serializers.IntegerField(read_only=True, help_text=_("Public monitoring activities held."))
    minutes_late = serializers.IntegerField(read_only=True, help_text=_("Of those held, minutes published late."))
    recommendations = serializers.IntegerField(read_only=True, help_text=_("Recommendations the council made."))
    answered = serializers.IntegerField(read_only=True, help_text=_("Of them, answered (implemented included)."))
    overdue = serializers.IntegerField(read_only=True, help_text=_("Of them, unanswered after the due date."))
    implemented = serializers.IntegerField(read_only=True)
    members = serializers.IntegerField(read_only=True, help_text=_("Current members."))
    civil_society_members = serializers.IntegerField(read_only=True)


class CouncilListSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))
    level = level_enum(read_only=True)
    level_name = serializers.CharField(source="get_level_display", read_only=True)
    host_body = BodyRefSerializer(read_only=True)
    region = serializers.CharField(source="region_id", read_only=True, allow_null=True,
                                   help_text=_("KATO code of the council's region; null for central councils."))
    region_name = serializers.CharField(source="region.name", read_only=True, allow_null=True, default=None)
    size = serializers.IntegerField(read_only=True, help_text=_("Number of members set for the council."))
    website = serializers.CharField(read_only=True, help_text=_("Website URL, or empty."))
    convocation = serializers.SerializerMethodField(help_text=_("The current convocation; null if none is active."))
    activity = serializers.SerializerMethodField(help_text=_("Its activity over all years, or in `year` if asked."))
    url = serializers.SerializerMethodField(help_text=_("This council in the API."))

    class Meta:
        model = Council
        fields = ["id", "name", "name_kk", "name_ru", "name_en", "level", "level_name", "host_body", "region",
                  "region_name", "size", "established_on", "website", "convocation", "activity", "url"]
        read_only_fields = fields

    @extend_schema_field(CouncilConvocationSerializer(allow_null=True))
    def get_convocation(self, obj):
        current = obj.active_convocations[0] if obj.active_convocations else None
        return CouncilConvocationSerializer(current).data if current else None

    @extend_schema_field(CouncilActivitySerializer)
    def get_activity(self, obj):
        from qogam.councils.selectors import Activity

        return CouncilActivitySerializer(self.context["activity"].get(obj.pk, Activity())).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context, reverse("councils_api:council-detail", args=[obj.pk]))


class CouncilMemberSerializer(serializers.ModelSerializer):
    public_name = serializers.CharField(read_only=True, help_text=_("First name and surname initial."))
    constituency = EnumField("ConstituencyEnum", CONSTITUENCY_CHOICES, read_only=True,
                             help_text=_("Whom the member represents: civil society or a state body."))
    is_chair = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["public_name", "constituency", "affiliation", "joined_on", "is_chair"]
        read_only_fields = fields

    def get_is_chair(self, obj) -> bool:
        return obj.pk == self.context.get("chair_id")


def meeting_kind_enum(**kwargs):
    return EnumField("MeetingKindEnum", Meeting.Kind.choices, **kwargs)


def meeting_status_enum(**kwargs):
    return EnumField("MeetingStatusEnum", Meeting.Status.choices, **kwargs)


class CouncilMeetingSerializer(serializers.ModelSerializer):
    kind = meeting_kind_enum(read_only=True)
    status = meeting_status_enum(read_only=True)
    quorate = serializers.BooleanField(read_only=True, allow_null=True,
                                       help_text=_("Whether a quorum attended; null until the meeting is recorded."))
    url = serializers.SerializerMethodField(help_text=_("This meeting in the API."))

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "held_on", "status", "quorate", "minutes_published_on", "minutes_late", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context, reverse("councils_api:meeting-detail", args=[obj.pk]))


class CouncilDetailSerializer(CouncilListSerializer):
    members = serializers.SerializerMethodField(help_text=_("Current members of the active convocation."))
    meetings = serializers.SerializerMethodField(help_text=_("Meetings, hearings and monitoring, newest first."))

    class Meta(CouncilListSerializer.Meta):
        fields = [*CouncilListSerializer.Meta.fields, "members", "meetings"]
        read_only_fields = fields

    @extend_schema_field(CouncilMemberSerializer(many=True))
    def get_members(self, obj):
        current = obj.active_convocations[0] if obj.active_convocations else None
        context = {**self.context, "chair_id": current.chair_id if current else None}
        return CouncilMemberSerializer(self.context["members"], many=True, context=context).data

    @extend_schema_field(CouncilMeetingSerializer(many=True))
    def get_meetings(self, obj):
        return CouncilMeetingSerializer(self.context["meetings"], many=True, context=self.context).data


class CouncilRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = Council
        fields = ["id", "name", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context, reverse("councils_api:council-detail", args=[obj.pk]))


class MeetingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["number", "text"]
        read_only_fields = fields


def document_url(document: MeetingDocument, context) -> str | None:
    """The public download page of the document, when the council pages provide one."""
    try:
        return absolute(context, reverse("councils:document", args=[document.pk]))
    except NoReverseMatch:
        return None


class MeetingDocumentSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True, help_text=_("Bytes."))
    sha256 = serializers.CharField(read_only=True, help_text=_("SHA-256 of the file, to check a copy."))
    url = serializers.URLField(required=False, help_text=_("Where to download it; absent if not downloadable."))

    class Meta:
        model = MeetingDocument
        fields = ["title", "file_name", "content_type", "size", "sha256", "url"]
        extra_kwargs = {"title": {"read_only": True}, "content_type": {"read_only": True}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        url = document_url(instance, self.context)
        if url:
            data["url"] = url
        return data


class MeetingDetailSerializer(CouncilMeetingSerializer):
    council = CouncilRefSerializer(read_only=True)
    convocation = serializers.IntegerField(source="convocation.number", read_only=True,
                                           help_text=_("Number of the council's convocation."))
    subject = serializers.CharField(read_only=True, help_text=_("Of a monitoring: the public service or activity."))
    members_total = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text=_("Members of the council on the day; null until recorded."))
    present = serializers.IntegerField(read_only=True, allow_null=True,
                                       help_text=_("Members present; null until recorded."))
    decisions = MeetingDecisionSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField(help_text=_(
        "The minutes (or a hearing's or monitoring's report) once published; null before."))
    documents = MeetingDocumentSerializer(many=True, read_only=True)
    recommendations = serializers.SerializerMethodField(help_text=_(
        "Numbers of the recommendations the meeting sent (see /api/recommendations/{number}/)."))

    class Meta(CouncilMeetingSerializer.Meta):
        fields = ["id", "council", "convocation", "kind", "title", "subject", "agenda", "place", "held_on", "status",
                  "members_total", "present", "quorate", "decisions", "minutes", "minutes_due_on",
                  "minutes_published_on", "minutes_late", "cancel_reason", "documents", "recommendations", "url"]
        read_only_fields = fields

    def get_minutes(self, obj) -> str | None:
        return obj.minutes if obj.status == Meeting.Status.PUBLISHED else None

    @extend_schema_field(_numbers())
    def get_recommendations(self, obj):
        return list(self.context["recommendations"])


# --- The Civil Forum ---------------------------------------------------------------------------


class RegionalForumSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True, help_text=_("KATO code of the region."))
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = RegionalForum
        fields = ["region", "region_name", "held_on", "participants", "issue_title", "issue_text"]
        read_only_fields = fields


class ForumEditionSerializer(serializers.ModelSerializer):
    regional_forums = RegionalForumSerializer(many=True, read_only=True, help_text=_(
        "The regional forums, each with the issue its region put forward."))
    recommendations_count = serializers.SerializerMethodField(help_text=_("Recommendations the forum adopted."))
    measures_count = serializers.SerializerMethodField(help_text=_("Measures of its action plan."))
    url = serializers.SerializerMethodField(help_text=_("This edition in the API."))

    class Meta:
        model = ForumEdition
        fields = ["year", "title", "organiser", "city", "held_from", "held_to", "participants", "regional_forums",
                  "recommendations_count", "measures_count", "url"]
        read_only_fields = fields

    def _counts(self, obj) -> dict:
        return self.context["counts"].get(obj.pk, {})

    def get_recommendations_count(self, obj) -> int:
        return self._counts(obj).get("recommendations", 0)

    def get_measures_count(self, obj) -> int:
        return self._counts(obj).get("measures", 0)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute(self.context, reverse("councils_api:forum-detail", args=[obj.year]))


class ActionPlanMeasureSerializer(serializers.ModelSerializer):
    responsible = BodyRefSerializer(read_only=True, help_text=_("The responsible state body."))
    recommendation = serializers.CharField(source="tracked.number", read_only=True, help_text=_(
        "Number of the recommendation that tracks the measure: the body reports on it there."))
    status = status_enum(source="tracked.status", read_only=True)
    deadline_state = serializers.SerializerMethodField()
    based_on = serializers.CharField(source="based_on.number", read_only=True, allow_null=True, default=None,
                                     help_text=_("Number of the forum recommendation the measure carries out."))

    class Meta:
        model = Measure
        fields = ["number", "text", "responsible", "due_on", "recommendation", "status", "deadline_state", "based_on"]
        read_only_fields = fields

    @extend_schema_field(deadline_state_enum())
    def get_deadline_state(self, obj) -> str:
        return obj.tracked.deadline_state(self.context["today"])


class ActionPlanSerializer(serializers.ModelSerializer):
    measures = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField(help_text=_(
        "How the plan is carried out, as the next forum hears it: the scoreboard figures of its measures."))

    class Meta:
        model = ActionPlan
        fields = ["title", "first_year", "last_year", "approved_on", "measures", "report"]
        read_only_fields = fields

    @extend_schema_field(ActionPlanMeasureSerializer(many=True))
    def get_measures(self, obj):
        return ActionPlanMeasureSerializer(self.context["measures"], many=True, context=self.context).data

    @extend_schema_field(ResponsivenessSerializer)
    def get_report(self, obj):
        return ResponsivenessSerializer(self.context["report"]).data


class ForumEditionDetailSerializer(ForumEditionSerializer):
    recommendations = serializers.SerializerMethodField(help_text=_(
        "Numbers of the recommendations the forum adopted (see /api/recommendations/{number}/)."))
    action_plan = serializers.SerializerMethodField(help_text=_("The action plan; null until it is approved."))

    class Meta(ForumEditionSerializer.Meta):
        fields = [*ForumEditionSerializer.Meta.fields, "recommendations", "action_plan"]
        read_only_fields = fields

    @extend_schema_field(_numbers())
    def get_recommendations(self, obj):
        return list(self.context["recommendations"])

    @extend_schema_field(ActionPlanSerializer(allow_null=True))
    def get_action_plan(self, obj):
        plan = self.context["plan"]
        return ActionPlanSerializer(plan, context=self.context).data if plan else None
