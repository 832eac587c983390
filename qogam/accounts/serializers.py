from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from qogam.accounts import rules
from qogam.accounts.models import Representation


class RepresentationRequestSerializer(serializers.Serializer):
    bin = serializers.CharField(max_length=12, help_text=_("BIN of the organisation: 12 digits."))
    position = serializers.CharField(
        max_length=rules.POSITION_MAX_LENGTH, help_text=_("The requester's position in the organisation.")
    )


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=sorted(rules.DECISIONS))
    reason = serializers.CharField(
        max_length=rules.REASON_MAX_LENGTH, required=False, allow_blank=True, default="",
        help_text=_("Required when rejecting: why, so that the person can correct the request."),
    )


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=rules.REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class OrganisationRefSerializer(serializers.Serializer):
    bin = serializers.CharField()
    name = serializers.CharField()


class RepresentationSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    requester = serializers.CharField(source="user.username", read_only=True)
    decided_by = serializers.SerializerMethodField()
    can_decide = serializers.SerializerMethodField()
    can_revoke = serializers.SerializerMethodField()

    class Meta:
        model = Representation
        fields = [
            "id", "organisation", "requester", "position", "status", "reason",
            "requested_at", "decided_at", "decided_by", "can_decide", "can_revoke",
        ]
        read_only_fields = fields

    def get_decided_by(self, obj) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by_id else None

    def _powers(self, obj) -> tuple[bool, bool]:
        """(may decide, may act as the organisation) for the requesting user, from the view's context."""
        user = self.context["request"].user
        if obj.user_id == user.pk:
            return False, False
        authority = self.context.get("authorised_body", False) or obj.organisation_id in self.context.get(
            "represented", frozenset()
        )
        return authority, authority

    def get_can_decide(self, obj) -> bool:
        return obj.status == Representation.Status.PENDING and self._powers(obj)[0]

    def get_can_revoke(self, obj) -> bool:
        user = self.context["request"].user
        if obj.user_id == user.pk:
            return obj.status in rules.OPEN_STATUSES
        return obj.status == Representation.Status.APPROVED and self._powers(obj)[1]
