import pytest

from ..workflows.helpers import approve_registration, confirm, open_leave_window


@pytest.fixture
def confirmed(cohort, reviewer, supervisor):
    """A graduate who confirmed at leave time and authorised verification."""
    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    confirmation = confirm(graduate, reviewer)
    graduate.refresh_from_db()
    return graduate, confirmation
