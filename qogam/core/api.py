"""Shared API plumbing: pagination and the one JSON error shape {code, message, fields}."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qogam.core.errors import QogamError, ValidationFailed


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField(help_text=gettext_lazy("A stable machine-readable code, e.g. invalid, conflict."))
    message = serializers.CharField(help_text=gettext_lazy("What is wrong and how to fix it, in the request language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("Messages per input field, when the error concerns fields."),
    )


def error_paths(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors keyed by dotted path (`budget_lines.0.amount`), the way the services key theirs."""
    out: dict[str, list[str]] = {}

    def add(key, messages):
        out.setdefault(key or "non_field_errors", []).extend(messages)

    if isinstance(errors, dict):
        for key, value in errors.items():
            name = prefix if key == "non_field_errors" and prefix else f"{prefix}.{key}" if prefix else str(key)
            for path, messages in error_paths(value, name).items():
                add(path, messages)
    elif isinstance(errors, list) and any(isinstance(e, dict | list) for e in errors):
        for i, item in enumerate(errors):
            for path, messages in error_paths(item, f"{prefix}.{i}" if prefix else str(i)).items():
                add(path, messages)
    elif isinstance(errors, list):
        add(prefix, [str(e) for e in errors])
    else:
        add(prefix, [str(errors)])
    return out


def parsed(serializer_class, data) -> dict:
    """The request body read by `serializer_class`, or ValidationFailed naming each field by its path."""
    if not hasattr(data, "keys"):
        raise ValidationFailed(fields={"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields=error_paths(serializer.errors))
    return dict(serializer.validated_data)

class StrictSerializer(serializers.Serializer):
    """An input that names the keys it does not know instead of ignoring them silently."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {key: [_("Unknown field. The fields accepted are listed in the API schema.")]
                       for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _flatten(detail):
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return [str(d) for d in detail]
        return [_flatten(d) for d in detail]
    return [str(detail)]


_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", lambda: _("Sign in to do this.")),
    exceptions.AuthenticationFailed: ("authentication_failed", lambda: _("Sign-in failed.")),
    exceptions.PermissionDenied: ("permission_denied", lambda: _("You do not have permission to do this.")),
    exceptions.NotFound: ("not_found", lambda: _("Not found.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    exceptions.NotAcceptable: ("not_acceptable", lambda: _("The requested format is not available.")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", lambda: _("Send JSON or form data.")),
    exceptions.Throttled: ("throttled", lambda: _("Too many requests. Wait a little and try again.")),
    exceptions.ParseError: ("parse_error", lambda: _("The request body could not be read. Send valid JSON.")),
}


def exception_handler(exc, context):
    if isinstance(exc, QogamError):
        return Response(
            {"code": exc.code, "message": str(exc.message), "fields": _flatten(exc.fields) if exc.fields else {}},
            status=exc.status,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        response.data = {
            "code": "invalid",
            "message": _("Some values are not valid. Correct the fields named below and try again."),
            "fields": fields,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    for cls, (code, message) in _CODES.items():
        if isinstance(exc, cls):
            response.data = {"code": code, "message": str(message()), "fields": {}}
            return response
    response.data = {"code": getattr(exc, "default_code", "error"), "message": str(exc.detail), "fields": {}}
    return response


def handler404(request, exception=None):
    """JSON in the one error shape under /api/, the normal page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": _("Not found."), "fields": {}}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "server_error", "message": _("Something went wrong on our side. Try again later."), "fields": {}},
            status=500,
        )
    from django.views.defaults import server_error

    return server_error(request)
