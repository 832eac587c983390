"""Configurable parameters: defaults in settings.QOGAM_DEFAULTS, overrides in core.Parameter."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qogam.core import memo

_KINDS = (
    (bool, _("true or false")),
    (int, _("a whole number")),
    (float, _("a number")),
    (Decimal, _("a number")),
    (str, _("a text in double quotes")),
    (list, _("a list in square brackets")),
    (dict, _("an object in curly brackets")),
)


def default(key: str):
    try:
        return settings.QOGAM_DEFAULTS[key]
    except KeyError:
        raise KeyError(f"unknown configurable parameter {key!r}") from None


def _overrides() -> dict:
    from qogam.core.models import Parameter

    return dict(Parameter.objects.values_list("key", "value"))


def overrides() -> dict:
    """Every override, by key: remembered per process for a minute (core.memo); a save in the admin
    takes effect at once in its own process and within a minute in the others."""
    return memo.remember("core.parameters", _overrides, depends_on=("core.Parameter",))


def get(key: str):
    """The administrator's override of `key`, or its default. An unknown key raises KeyError."""
    fallback = default(key)
    override = overrides().get(key)
    return fallback if override is None else override


def _fits(value, kind) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind is int:
        return isinstance(value, int)
    if kind in (float, Decimal):
        return isinstance(value, int | float)
    return isinstance(value, kind)


def validate(key: str, value) -> None:
    """Raise ValidationError unless `key` is a known parameter and `value` has its default's type."""
    if key not in settings.QOGAM_DEFAULTS:
        raise ValidationError(
            _("%(key)s is not a configurable parameter. Choose one of the listed keys."),
            code="unknown_parameter",
            params={"key": key},
        )
    fallback = settings.QOGAM_DEFAULTS[key]
    for kind, label in _KINDS:
        if isinstance(fallback, kind):
            if not _fits(value, kind):
                raise ValidationError(
                    _("%(key)s takes %(kind)s (its default is %(default)s). Enter a value of that kind."),
                    code="wrong_type",
                    params={"key": key, "kind": label, "default": fallback},
                )
            return
