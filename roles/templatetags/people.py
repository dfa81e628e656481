from django import template

register = template.Library()


@register.filter
def person(user, empty="—"):
    """A user's display name: their name, else their user name, else ``empty``."""
    if user is None:
        return empty
    return user.first_name or user.username
