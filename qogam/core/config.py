"""Configurable parameters: defaults in settings.QOGAM_DEFAULTS, overrides in core.Parameter."""

from django.conf import settings


def get(key: str):
    from qogam.core.models import Parameter

    override = Parameter.objects.filter(key=key).values_list("value", flat=True).first()
    if override is not None:
        return override
    try:
        return settings.QOGAM_DEFAULTS[key]
    except KeyError:
        raise KeyError(f"unknown configurable parameter {key!r}") from None
