"""The register's API: public reads, and writes for authorised roles through the services."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from qogam.core.api import ErrorSerializer, Pagination
from qogam.core.errors import ValidationFailed
from qogam.registry import selectors, services
from qogam.registry.serializers import (
    DirectionSerializer,
    LegalFormSerializer,
    OrganisationDetailSerializer,
    OrganisationListSerializer,
    OrganisationPatchSerializer,
    OrganisationWriteSerializer,
    RegionSerializer,
    StateBodyDetailSerializer,
    StateBodySerializer,
)

TAG_REGISTER = "Register of organisations"
TAG_STATE_BODIES = "State bodies"
TAG_REFERENCE = "Reference data"

_INVALID = OpenApiResponse(ErrorSerializer, description="Some values are not valid (code invalid).")
_FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in (not_authenticated) or not allowed (permission_denied)."
)
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record (code not_found).")
_CONFLICT = OpenApiResponse(
    ErrorSerializer, description="The record changed after you read it (code conflict). Read it again and retry."
)
_BIN = OpenApiParameter("bin", str, OpenApiParameter.PATH, description="12-digit BIN.")


def _messages(errors) -> list[str]:
    """DRF's errors of one field as a flat list of messages; list items are named by position."""
    if isinstance(errors, dict):
        out = []
        for key, value in errors.items():
            prefix = _("item %(number)d") % {"number": int(key) + 1} if str(key).isdigit() else str(key)
            out.extend(f"{prefix}: {message}" for message in _messages(value))
        return out
    if isinstance(errors, list):
        return [message for item in errors for message in _messages(item)]
    return [str(errors)]


def _validated(serializer_class, data) -> dict:
    """The request body parsed by `serializer_class`, or ValidationFailed with one list of messages per field."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields={name: _messages(value) for name, value in serializer.errors.items()})
    return dict(serializer.validated_data)


class RegisterPagination(Pagination):
    """Page-number pagination whose out-of-range page is a 400 with the usual error shape."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except DRFNotFound:
            last = max(1, -(-queryset.count() // max(1, self.get_page_size(request) or 1)))
            raise ValidationFailed(
                fields={
                    self.page_query_param: [
                        _("There is no such page. Give a whole number from 1 to %(last)d.") % {"last": last}
                    ]
                }
            ) from None


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_REGISTER],
        summary="Search and filter the register of organisations",
        description=(
            "Public list of organisations, paginated. `q` searches names in Kazakh or Russian, written in "
            "Cyrillic or Latin letters, tolerating typos; digits search BINs (a prefix, or exact with 12 "
            "digits). Filters combine with the search. Only public fields are returned."
        ),
        responses={200: OrganisationListSerializer(many=True), 400: _INVALID},
    ),
    post=extend_schema(
        tags=[TAG_REGISTER],
        summary="Add an organisation to the register (authorised body)",
        request=OrganisationWriteSerializer,
        responses={201: OrganisationDetailSerializer, 400: _INVALID, 403: _FORBIDDEN},
    ),
)
class OrganisationListCreate(generics.ListCreateAPIView):
    serializer_class = OrganisationListSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.OrganisationFilter
    pagination_class = RegisterPagination

    def get_queryset(self):
        year = selectors.activity_year(self.request.query_params.get("active_year"))
        return selectors.with_activity(selectors.public_organisations(), year=year)

    def create(self, request, *args, **kwargs):
        data = _validated(OrganisationWriteSerializer, request.data)
        organisation = services.organisation_create(actor=request.user, data=data)
        body = OrganisationDetailSerializer(
            selectors.public_organisation(organisation.bin), context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_REGISTER],
        summary="An organisation's public profile",
        parameters=[_BIN],
        responses={200: OrganisationDetailSerializer, 404: _NOT_FOUND},
    ),
    patch=extend_schema(
        tags=[TAG_REGISTER],
        summary="Change an organisation (authorised body or its approved representative)",
        description=(
            "Send only the fields that change, plus the `version` you read. If someone changed the record "
            "since, the answer is 409 with code `conflict`; nothing is written."
        ),
        parameters=[_BIN],
        request=OrganisationPatchSerializer,
        responses={200: OrganisationDetailSerializer, 400: _INVALID, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
    ),
)
class OrganisationDetail(generics.GenericAPIView):
    serializer_class = OrganisationDetailSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get(self, request, bin):
        return Response(self.get_serializer(selectors.public_organisation(bin)).data)

    def patch(self, request, bin):
        organisation = selectors.organisation_for_update(bin)
        changes = _validated(OrganisationPatchSerializer, request.data)
        version = changes.pop("version")
        services.organisation_update(
            actor=request.user, organisation=organisation, expected_version=version, changes=changes
        )
        return Response(self.get_serializer(selectors.public_organisation(bin)).data)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_STATE_BODIES],
        summary="Search and filter state bodies",
        description="Ministries, committees, akimats and maslikhats, quasi-public entities and the grant operator.",
        responses={200: StateBodySerializer(many=True), 400: _INVALID},
    )
)
class StateBodyList(generics.ListAPIView):
    serializer_class = StateBodySerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.StateBodyFilter
    pagination_class = RegisterPagination

    def get_queryset(self):
        return selectors.public_state_bodies()


@extend_schema_view(
    get=extend_schema(
        tags=[TAG_STATE_BODIES],
        summary="A state body, with its parent and children",
        parameters=[_BIN],
        responses={200: StateBodyDetailSerializer, 404: _NOT_FOUND},
    )
)
class StateBodyDetail(generics.GenericAPIView):
    serializer_class = StateBodyDetailSerializer

    def get(self, request, bin):
        return Response(self.get_serializer(selectors.public_state_body(bin)).data)


class _ReferenceList(generics.ListAPIView):
    pagination_class = None
    filter_backends = []


@extend_schema_view(get=extend_schema(tags=[TAG_REFERENCE], summary="Regions (KATO codes)"))
class RegionList(_ReferenceList):
    serializer_class = RegionSerializer

    def get_queryset(self):
        return selectors.regions()


@extend_schema_view(get=extend_schema(tags=[TAG_REFERENCE], summary="Organisational and legal forms"))
class LegalFormList(_ReferenceList):
    serializer_class = LegalFormSerializer

    def get_queryset(self):
        return selectors.legal_forms()


@extend_schema_view(get=extend_schema(tags=[TAG_REFERENCE], summary="Charter directions"))
class DirectionList(_ReferenceList):
    serializer_class = DirectionSerializer

    def get_queryset(self):
        return selectors.directions()
