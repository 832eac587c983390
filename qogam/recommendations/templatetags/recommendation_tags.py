from django import template

register = template.Library()


@register.filter
def deadline_state(recommendation, today) -> str:
    """`pending`, `overdue`, `answered` or `implemented` as of `today`."""
    return recommendation.deadline_state(today)
