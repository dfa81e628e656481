"""When a case may change: the cohort's change deadline (31 August), its leave window, and
the cases synced from a provincial system, which change there."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Cohort,
    Graduate,
)


class ChangeNotAllowed(Exception):
    """A change cannot be requested now; the message says why, for the graduate."""


def synced_case_refuse(graduate: Graduate) -> None:
    """A case synced from a provincial system is changed there, never on the national node."""
    if graduate.is_synced:
        raise ChangeNotAllowed(
            _(
                "This registration was made in the provincial system: changes are made there, "
                "and arrive here once approved."
            )
        )


def changes_open(graduate: Graduate, *, now=None) -> bool:
    """Until the cohort's change deadline (31 August by default), in Beijing time."""
    deadline = change_deadline(graduate)
    return timezone.localtime(now or timezone.now()).date() <= deadline


def default_change_deadline(year: int) -> datetime.date:
    """31 August of the graduation year, unless ``REGISTRATION_DEADLINE`` says otherwise."""
    month, day = (int(part) for part in settings.REGISTRATION_DEADLINE.split("-"))
    return datetime.date(year, month, day)


def cohort_change_deadline(*, university_id: int, year: int) -> datetime.date:
    """A cohort's change deadline: its own date if the university set one, else the default."""
    cohort = Cohort.objects.filter(university_id=university_id, year=year).first()
    return (cohort.changes_close_on if cohort else None) or default_change_deadline(year)


def change_deadline(graduate: Graduate) -> datetime.date:
    return cohort_change_deadline(university_id=graduate.university_id, year=graduate.cohort)


@transaction.atomic
def cohort_window_set(*, university, year: int, opens_on, closes_on, actor) -> Cohort:
    """Set a cohort's leave-time confirmation window; the change deadline defaults to 31 August."""
    cohort, _created = Cohort.objects.get_or_create(
        university=university,
        year=year,
        defaults={"changes_close_on": default_change_deadline(year)},
    )
    cohort.leave_opens_on, cohort.leave_closes_on = opens_on, closes_on
    if cohort.changes_close_on is None:
        cohort.changes_close_on = default_change_deadline(year)
    cohort.full_clean()
    cohort.save()
    return cohort
