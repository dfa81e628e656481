"""Small pieces the forms share."""

from django.utils import timezone


def cohort_choices() -> list[tuple[int, str]]:
    """The cohorts a form offers: next year's down to four years ago."""
    year = timezone.localdate().year
    return [(y, str(y)) for y in range(year + 1, year - 4, -1)]
