import datetime

import pytest

from cases.models import Cohort

from ..workflows.helpers import approve_registration


@pytest.fixture
def deadline_ahead(uni):
    """The cohort's change deadline moved into the future (it is configurable per cohort)."""
    return Cohort.objects.update_or_create(
        university=uni, year=2026, defaults={"changes_close_on": datetime.date(2099, 8, 31)}
    )[0]


@pytest.fixture
def approved(cohort, reviewer):
    return approve_registration(cohort[0], reviewer)
