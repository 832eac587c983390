"""Helpers for the register's public pages."""

from django import template
from django.utils.http import urlencode

register = template.Library()

_STATUS_BADGES = {"registered": "ok", "suspended": "warn", "in_liquidation": "warn", "liquidated": "bad"}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def status_badge(status: str) -> str:
    """The CSS badge modifier for an organisation's status."""
    return _STATUS_BADGES.get(status, "")


@register.filter
def other_language_name(organisation, language: str):
    """(language code, name) of the organisation's name in the language not shown as the title."""
    if (language or "")[:2] == "kk":
        if organisation.name_kk and organisation.name_ru:
            return ("ru", organisation.name_ru)
        return None
    if organisation.name_ru and organisation.name_kk:
        return ("kk", organisation.name_kk)
    return None


@register.filter
def name_language(organisation, language: str) -> str:
    """The language of `organisation.name` as shown in `language` (for the lang attribute)."""
    if (language or "")[:2] == "kk":
        return "kk" if organisation.name_kk else "ru"
    return "ru" if organisation.name_ru else "kk"
