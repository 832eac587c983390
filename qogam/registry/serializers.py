"""API representations of the register. Public ones carry public fields only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qogam.core.models import Direction, LegalForm, Region
from qogam.registry.models import Organisation, StateBody


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))

    class Meta:
        model = Region
        fields = ["kato", "kind", "name", "name_kk", "name_ru", "name_en"]


class LegalFormSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))

    class Meta:
        model = LegalForm
        fields = ["code", "name", "name_kk", "name_ru", "name_en", "is_ngo", "is_public_association"]


class DirectionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))

    class Meta:
        model = Direction
        fields = ["code", "name", "name_kk", "name_ru", "name_en"]


class OrganisationListSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language (Kazakh or Russian)."))
    legal_form = serializers.CharField(source="legal_form.code", read_only=True, help_text=_("Legal form code."))
    legal_form_name = serializers.CharField(source="legal_form.name", read_only=True)
    is_ngo = serializers.BooleanField(
        source="legal_form.is_ngo", read_only=True, help_text=_("Whether the legal form is an NGO form.")
    )
    region = serializers.CharField(source="region.kato", read_only=True, help_text=_("KATO code of the seat's region."))
    region_name = serializers.CharField(source="region.name", read_only=True)
    active = serializers.BooleanField(
        source="is_active",
        read_only=True,
        help_text=_(
            "Sign of activeness in `active_year`, derived from the annual reports (employees, volunteers, "
            "services or spending above 0, or a funding agreement held); never self-declared."
        ),
    )
    active_year = serializers.IntegerField(
        read_only=True,
        help_text=_("The year of `active`: the `active_year` asked for, else the latest year whose report deadline has passed."),
    )
    url = serializers.SerializerMethodField(help_text=_("This organisation in the API."))

    class Meta:
        model = Organisation
        fields = [
            "bin",
            "name",
            "name_kk",
            "name_ru",
            "legal_form",
            "legal_form_name",
            "is_ngo",
            "status",
            "registered_on",
            "liquidated_on",
            "region",
            "region_name",
            "active",
            "active_year",
            "url",
        ]
        read_only_fields = fields
        extra_kwargs = {}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        path = reverse("registry_api:organisation-detail", kwargs={"bin": obj.bin})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class OrganisationDetailSerializer(OrganisationListSerializer):
    territorial_level = serializers.ChoiceField(
        choices=[("", _("none")), *Organisation.TerritorialLevel.choices],
        read_only=True,
        help_text=_("local, regional or national for public associations; empty for other forms."),
    )
    email = serializers.CharField(read_only=True, help_text=_("Public e-mail address, or empty."))
    website = serializers.CharField(read_only=True, help_text=_("Website URL, or empty."))
    branch_regions = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="kato", help_text=_("KATO codes of the regions with branches.")
    )
    directions = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text=_("Codes of the charter directions.")
    )

    class Meta(OrganisationListSerializer.Meta):
        fields = [
            *OrganisationListSerializer.Meta.fields,
            "address",
            "territorial_level",
            "branch_regions",
            "directions",
            "email",
            "phone",
            "website",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            **OrganisationListSerializer.Meta.extra_kwargs,
            "version": {"help_text": _("Send this number back with a change (PATCH) to detect concurrent edits.")},
        }


_STATUS = [(value, label) for value, label in Organisation.Status.choices]
_LEVELS = [("", _("none"))] + [(value, label) for value, label in Organisation.TerritorialLevel.choices]
_GENDERS = [("", _("not given"))] + [(value, label) for value, label in Organisation.Gender.choices]


class OrganisationWriteSerializer(serializers.Serializer):
    """A new register entry. Codes are validated by the register's rules (one message per field)."""

    bin = serializers.CharField(max_length=12, help_text=_("12-digit BIN with a valid check digit."))
    name_ru = serializers.CharField(max_length=500, required=False, allow_blank=True)
    name_kk = serializers.CharField(max_length=500, required=False, allow_blank=True)
    legal_form = serializers.CharField(max_length=40, help_text=_("Legal form code, see /api/legal-forms/."))
    registered_on = serializers.DateField(help_text=_("Registration date, YYYY-MM-DD."))
    status = serializers.ChoiceField(choices=_STATUS, required=False)
    liquidated_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Required exactly when the status is liquidated.")
    )
    region = serializers.CharField(max_length=9, help_text=_("KATO code of the seat's region, see /api/regions/."))
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    territorial_level = serializers.ChoiceField(
        choices=_LEVELS,
        required=False,
        allow_blank=True,
        help_text=_("local, regional or national: required for public associations, empty otherwise."),
    )
    branch_regions = serializers.ListField(
        child=serializers.CharField(max_length=9), required=False, help_text=_("KATO codes of branch regions.")
    )
    directions = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text=_("Codes of the charter directions.")
    )
    leader_gender = serializers.ChoiceField(
        choices=_GENDERS,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Kept for gender statistics only and never published."),
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)


class OrganisationPatchSerializer(OrganisationWriteSerializer):
    """A change of a register entry: only the fields sent change, plus the version read."""

    version = serializers.IntegerField(
        min_value=1, help_text=_("The version you read. A stale version is refused with 409 conflict.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False


class StateBodyRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Name in the request language."))
    url = serializers.SerializerMethodField()

    class Meta:
        model = StateBody
        fields = ["bin", "name", "level", "kind", "url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        path = reverse("registry_api:statebody-detail", kwargs={"bin": obj.bin})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class StateBodySerializer(StateBodyRefSerializer):
    region = serializers.CharField(
        source="region.kato", read_only=True, allow_null=True, default=None, help_text=_("KATO code of the region.")
    )
    region_name = serializers.CharField(source="region.name", read_only=True, allow_null=True, default=None)
    parent = serializers.CharField(
        source="parent.bin", read_only=True, allow_null=True, default=None, help_text=_("BIN of the parent body.")
    )
    website = serializers.CharField(read_only=True, help_text=_("Website URL, or empty."))

    class Meta(StateBodyRefSerializer.Meta):
        fields = ["bin", "name", "name_kk", "name_ru", "name_en", "level", "kind", "region", "region_name",
                  "parent", "website", "url"]
        read_only_fields = fields


class StateBodyDetailSerializer(StateBodySerializer):
    parent_body = StateBodyRefSerializer(source="parent", read_only=True, allow_null=True)
    children = serializers.SerializerMethodField(help_text=_("Bodies whose parent is this body."))

    class Meta(StateBodySerializer.Meta):
        fields = [*StateBodySerializer.Meta.fields, "parent_body", "children"]
        read_only_fields = fields

    @extend_schema_field(StateBodyRefSerializer(many=True))
    def get_children(self, obj):
        return StateBodyRefSerializer(obj.public_children, context=self.context, many=True).data
