import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


@register.simple_tag
def retry_at(cooloff):
    """When a locked-out sign-in may be tried again: now plus the cool-off, in local time.

    Axes renders the lockout page in answer to the attempt that (re)started the cool-off."""
    if not isinstance(cooloff, dt.timedelta):
        return None
    return timezone.localtime(timezone.now() + cooloff)


@register.filter
def minutes(delta):
    if not isinstance(delta, dt.timedelta):
        return ""
    return max(1, round(delta.total_seconds() / 60))
