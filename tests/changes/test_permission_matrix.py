"""The permission matrix, extended to the targeted-enrolment check and change-request audits."""

import datetime

import pytest

from cases.models import Cohort, Region
from processes.changes import services as changes
from roles.models import VerifierOrganisation
from workflows.models import TaskScope

from ..factories import login, member, open_cohort
from ..workflows.helpers import decide, open_task, submit

pytestmark = pytest.mark.django_db

# role -> (view task, claim, decide) inside its university; outside, every answer is 404
# (except for the national administrator, whose scope is the whole country).
TARGETED = {
    "targeted_reviewer": (200, 302, 302),
    "university_reviewer": (200, 403, 403),
    "college_reviewer": (200, 403, 403),
    "university_supervisor": (200, 403, 403),
    "provincial_monitor": (200, 403, 403),
    "national_admin": (200, 403, 403),
    "inspector": (404, 404, 404),
    "verifier": (404, 404, 404),
    "graduate": (404, 404, 404),
}
CHANGE = {**TARGETED, "targeted_reviewer": (200, 403, 403), "university_reviewer": (200, 302, 302)}


def _targeted_world(university):
    open_cohort(
        university,
        count=3,
        seed=hash(university.code) % 50,
        first_no=int(university.code) % 1000 * 10,
    )
    first = university.graduates.filter(college__code="01").first()
    first.training_mode, first.agreement_no = "targeted", "DX-1"
    first.targeted_region = Region.objects.get(code="350000")
    first.save()
    submit(first, employer_region=Region.objects.get(code="440300"))
    return first, open_task(first)


def _change_world(university):
    Cohort.objects.update_or_create(
        university=university, year=2026, defaults={"changes_close_on": datetime.date(2099, 8, 31)}
    )
    graduate = university.graduates.exclude(training_mode="targeted").order_by("pk").first()
    submit(graduate)
    decide(graduate, member("university_reviewer", university=university))
    changes.change_request_submit(
        graduate=graduate, user=graduate.user, kind="void", values=None, reason="作废"
    )
    return graduate, open_task(graduate)


def _user(role, university, graduate):
    if role == "graduate":
        return university.graduates.exclude(pk=graduate.pk).first().user
    if role == "college_reviewer":
        return member(role, college=graduate.college)
    if role in ("provincial_monitor", "inspector"):
        return member(role, province=university.province)
    if role == "national_admin":
        return member(role)
    if role == "verifier":
        org = VerifierOrganisation.objects.create(
            name="户政", kind="hukou", province=university.province
        )
        return member(role, verifier_organisation=org)
    return member(role, university=university)


@pytest.mark.parametrize("which", ["targeted", "change"])
@pytest.mark.parametrize("role", list(TARGETED))
def test_matrix_for_targeted_checks_and_change_audits(uni, other_uni, role, which):
    inside_graduate, inside_task = _targeted_world(uni)
    _outside, outside_task = _targeted_world(other_uni)
    if which == "change":
        inside_graduate, inside_task = _change_world(uni)
        _outside, outside_task = _change_world(other_uni)
    expected = (TARGETED if which == "targeted" else CHANGE)[role]
    client = login(_user(role, uni, inside_graduate))
    decision = {"decision": "return", "reason": "不符合要求"}
    outside = expected if role == "national_admin" else (404, 404, 404)
    for task, answers in ((inside_task, expected), (outside_task, outside)):
        view, claim, execute = answers
        assert client.get(f"/tasks/{task.pk}/").status_code == view
        assert client.post("/tasks/claim/", {"one": task.pk}).status_code == claim
        before = TaskScope.objects.get(pk=task.pk).status
        assert client.post(f"/tasks/{task.pk}/", decision).status_code == execute
        after = TaskScope.objects.get(pk=task.pk).status
        assert (after == "done") == (execute == 302) and (before != "done")
