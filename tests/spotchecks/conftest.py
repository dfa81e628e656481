import datetime

import pytest
from django.utils import timezone

from cases.models import DestinationCategory

from ..factories import member, open_cohort
from ..workflows.helpers import decide, submit

# Categories given to the approved graduates, in student-number order: a third flexible.
CODES = ["10", "12", "11", "75", "10", "76", "10", "11", "12", "10", "10", "10"]


@pytest.fixture
def sampled_world(uni, uni2, other_uni, supervisor, reviewer):
    """Twelve approved registrations at ``uni`` (some of them 12/75/76), two pending at
    ``uni2`` (same province, not drawn from) and one approved in Shanghai."""
    open_cohort(uni, count=12, actor=supervisor, seed=5, first_no=700)
    for graduate, code in zip(uni.graduates.order_by("student_no"), CODES, strict=True):
        submit(graduate, category=DestinationCategory.objects.get(code=code))
        decide(graduate, reviewer)
    open_cohort(uni2, count=2, seed=6, first_no=800)
    for graduate in uni2.graduates.all():
        submit(graduate)
    open_cohort(other_uni, count=1, seed=7, first_no=900)
    outsider = other_uni.graduates.get()
    submit(outsider)
    decide(outsider, member("university_reviewer", university=other_uni))
    return uni.graduates.order_by("student_no")


@pytest.fixture
def inspector_b(beijing):
    return member("inspector", province=beijing)


@pytest.fixture
def deadline():
    return timezone.localdate() + datetime.timedelta(days=14)
