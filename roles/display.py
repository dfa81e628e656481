"""How people are named on pages and in messages."""


def person(user, empty="—") -> str:
    """A user's display name: their name, else their user name, else ``empty``."""
    if user is None:
        return empty
    return user.first_name or user.username
