from django import template

register = template.Library()


@register.filter
def figure(value):
    """A table cell: whole numbers with thin spaces between thousands, empty values as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f") if abs(value) >= 10000 else f"{value:.1f}"
    # Years and four-digit counts stay whole (2024, 5111); longer numbers are grouped by thousands.
    return f"{int(value):,}".replace(",", "\u202f") if abs(value) >= 10000 else str(int(value))


@register.filter
def numeric(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
