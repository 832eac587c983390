"""API of accounts: representation requests and decisions. Thin: parse, call one service, serialise."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from qogam.accounts import permissions, selectors, services
from qogam.accounts.models import Representation
from qogam.accounts.serializers import (
    DecisionSerializer,
    RepresentationRequestSerializer,
    RepresentationSerializer,
    RevokeSerializer,
)
from qogam.core.api import ErrorSerializer
from qogam.core.errors import NotFound, ValidationFailed

_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Invalid input (code `invalid`), with messages per field.")),
    403: OpenApiResponse(
        ErrorSerializer,
        description=_("Not signed in (`not_authenticated`), second factor missing (`otp_required`) or not "
                      "allowed (`permission_denied`)."),
    ),
}
_NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description=_("No such representation visible to you."))}
_CONFLICT = {409: OpenApiResponse(ErrorSerializer, description=_("The request's state does not allow this."))}
_MAX_ID = 2**63 - 1
_SCOPES = ("all", "mine", "to_decide")
_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("Id of the representation."))


class _RepresentationAPI(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RepresentationSerializer
    queryset = Representation.objects.none()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["authorised_body"] = permissions.is_authorised_body(user)
        context["represented"] = (
            frozenset(selectors.represented_organisation_ids(user).values_list("organisation_id", flat=True))
            if permissions.has_full_session(user) else frozenset()
        )
        return context

    def visible(self, pk: str) -> Representation:
        number = int(pk) if pk.isascii() and pk.isdigit() else 0
        rep = selectors.representation_get_visible(self.request.user, number) if 0 < number <= _MAX_ID else None
        if rep is None:
            raise NotFound(_("No such representation is visible to you."))
        return rep

    def respond(self, rep: Representation, code=status.HTTP_200_OK) -> Response:
        rep = selectors.representation_get_visible(self.request.user, rep.pk) or rep
        return Response(RepresentationSerializer(rep, context=self.get_serializer_context()).data, status=code)


class RepresentationListCreateAPI(_RepresentationAPI):
    @extend_schema(
        operation_id="representations_list",
        summary=_("Representations visible to you"),
        description=_(
            "Your own requests and representations, and those you may decide: every one for the "
            "authorised body, those of your organisations for their approved representatives."
        ),
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.STR, enum=list(_SCOPES), description=_(
                "`mine`: only your own; `to_decide`: pending requests you may approve or reject; `all` (default)."
            )),
            OpenApiParameter("status", OpenApiTypes.STR, enum=[s for s, _label in Representation.Status.choices]),
        ],
        responses={
            200: RepresentationSerializer(many=True),
            **_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description=_("No such page (code `not_found`).")),
        },
        tags=["accounts"],
    )
    def get(self, request):
        scope = request.query_params.get("scope", "all")
        wanted = request.query_params.get("status", "")
        errors = {}
        if scope not in _SCOPES:
            errors["scope"] = [_("Use one of: all, mine, to_decide.")]
        if wanted and wanted not in Representation.Status.values:
            errors["status"] = [_("Use one of: pending, approved, rejected, revoked.")]
        if errors:
            raise ValidationFailed(fields=errors)
        reps = {
            "all": selectors.representations_visible_to,
            "mine": selectors.representations_of,
            "to_decide": selectors.representations_to_decide,
        }[scope](request.user)
        if wanted:
            reps = reps.filter(status=wanted)
        page = self.paginate_queryset(reps)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="representations_request",
        summary=_("Ask to represent an organisation"),
        description=_(
            "Creates a pending request. The authorised body or an approved representative of the "
            "organisation decides. Refused for an unknown or invalid BIN, a liquidated organisation, "
            "or when you already have an open request or representation for it."
        ),
        request=RepresentationRequestSerializer,
        responses={201: RepresentationSerializer, **_ERRORS, **_CONFLICT},
        tags=["accounts"],
    )
    def post(self, request):
        data = RepresentationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.representation_request(user=request.user, **data.validated_data)
        return self.respond(rep, status.HTTP_201_CREATED)


class RepresentationDecideAPI(_RepresentationAPI):
    @extend_schema(
        operation_id="representations_decide",
        summary=_("Approve or reject a pending request"),
        description=_("For the authorised body and approved representatives of the organisation. "
                      "A rejection needs a reason."),
        parameters=[_ID],
        request=DecisionSerializer,
        responses={200: RepresentationSerializer, **_ERRORS, **_NOT_FOUND, **_CONFLICT},
        tags=["accounts"],
    )
    def post(self, request, pk: str):
        rep = self.visible(pk)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.representation_decide(actor=request.user, representation=rep, **data.validated_data)
        return self.respond(rep)


class RepresentationRevokeAPI(_RepresentationAPI):
    @extend_schema(
        operation_id="representations_revoke",
        summary=_("End a representation or withdraw your request"),
        description=_("The person themselves, the authorised body, or an approved representative of the "
                      "organisation. A pending request of someone else is rejected, not revoked."),
        parameters=[_ID],
        request=RevokeSerializer,
        responses={200: RepresentationSerializer, **_ERRORS, **_NOT_FOUND, **_CONFLICT},
        tags=["accounts"],
    )
    def post(self, request, pk: str):
        rep = self.visible(pk)
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.representation_revoke(actor=request.user, representation=rep, **data.validated_data)
        return self.respond(rep)
