from django import template

register = template.Library()


@register.filter
def pct(value, digits=1):
    """A rate (0…1) as a percentage, or a dash when there is nothing to divide."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0
