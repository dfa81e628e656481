from django import template

from core import tables

register = template.Library()


@register.filter
def pct(value, digits=1):
    """A rate (0…1) as a percentage, or a dash when there is nothing to divide."""
    return tables.pct(value, digits)


@register.filter
def get(mapping, key):
    return mapping.get(key, 0) if mapping else 0
