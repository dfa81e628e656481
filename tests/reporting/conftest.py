import pytest

from ..factories import member
from ..scenarios import busy_cohort


@pytest.fixture
def busy(uni, supervisor, reviewer):
    """``uni``'s 2026 cohort after every kind of change (see tests/scenarios.py)."""
    return busy_cohort(uni, supervisor, reviewer)


@pytest.fixture
def shanghai_monitor(shanghai):
    return member("provincial_monitor", province=shanghai)


@pytest.fixture
def other_supervisor(other_uni):
    return member("university_supervisor", university=other_uni)
