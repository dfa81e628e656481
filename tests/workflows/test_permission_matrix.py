"""Every role × (inside its scope, outside it) × (list, view case, claim task, execute task),
against the real URLs. Outside means another university in another province."""

import pytest
from django.test import Client

from workflows.models import TaskScope

from ..factories import login, member, open_cohort
from .helpers import open_task, submit

pytestmark = pytest.mark.django_db

APPROVE = {"decision": "approve", "reason": ""}

# role -> inside (list, view, claim, execute), outside (list, view, claim, execute)
# list: True if the inside case/task is listed on the role's list page (outside: never).
MATRIX = {
    "graduate": ((True, 200, 403, 302), (False, 404, 404, 404)),
    "college_reviewer": ((True, 200, 302, 302), (False, 404, 404, 404)),
    "university_reviewer": ((True, 200, 302, 302), (False, 404, 404, 404)),
    "university_supervisor": ((True, 200, 403, 403), (False, 404, 404, 404)),
    "provincial_monitor": ((True, 200, 403, 403), (False, 404, 404, 404)),
    "national_admin": ((True, 200, 403, 403), (True, 200, 403, 403)),
    "inspector": ((False, 404, 404, 404), (False, 404, 404, 404)),
    "verifier": ((False, 404, 404, 404), (False, 404, 404, 404)),
}


@pytest.fixture
def world(uni2, other_uni, beijing):
    """A two-level university in Beijing (inside) and a university in Shanghai (outside),
    each with one case waiting at the college and one at the university."""
    from roles.models import VerifierOrganisation

    cases = {}
    for key, university in (("in", uni2), ("out", other_uni)):
        open_cohort(university, count=3, seed=hash(key) % 100, first_no=10 if key == "in" else 500)
        graduates = list(
            university.graduates.filter(college__code="01").order_by("student_no")
        ) + list(university.graduates.exclude(college__code="01").order_by("student_no"))
        at_college, at_university, unregistered = graduates[0], graduates[1], graduates[2]
        submit(at_college)
        submit(at_university)
        if university.audit_levels == 2:
            from processes.registration import services as registration

            task = open_task(at_university)
            actor = member("college_reviewer", college=at_university.college)
            registration.audit_decide(task_id=task.pk, user=actor, approve=True)
        cases[key] = {
            "college": at_college,
            "university": at_university,
            "unregistered": unregistered,
        }
    org = VerifierOrganisation.objects.create(name="户政", kind="hukou", province=beijing)
    users = {
        "graduate": cases["in"]["unregistered"].user,
        "college_reviewer": member("college_reviewer", college=cases["in"]["college"].college),
        "university_reviewer": member("university_reviewer", university=uni2),
        "university_supervisor": member("university_supervisor", university=uni2),
        "provincial_monitor": member("provincial_monitor", province=beijing),
        "national_admin": member("national_admin"),
        "inspector": member("inspector", province=beijing),
        "verifier": member("verifier", verifier_organisation=org),
    }
    return cases, users


def _task_for(role, side):
    """The case and task each role is tried on, inside or outside its scope."""
    cases = side
    if role == "graduate":
        graduate = cases["unregistered"]
    elif role == "college_reviewer":
        graduate = cases["college"]
    else:
        graduate = cases["university"]
    return graduate, open_task(graduate)


def _listed(client, role, graduate, task) -> bool:
    if role == "graduate":
        response = client.get("/tasks/")
        return response.status_code == 200 and f"/tasks/{task.pk}/" in response.content.decode()
    response = client.get("/cases/", {"q": graduate.student_no})
    listed = response.status_code == 200 and f"/cases/{graduate.pk}/" in response.content.decode()
    if role in ("college_reviewer", "university_reviewer"):
        queue = client.get("/tasks/queue/").content.decode()
        assert (f"/tasks/{task.pk}/" in queue) == listed
    return listed


def _execute(client, role, graduate, task):
    if role == "graduate" and task.kind in ("register", "correct"):
        from .helpers import employment_form

        data = employment_form()
        data["submit"] = "1"
        return client.post(f"/tasks/{task.pk}/", data)
    return client.post(f"/tasks/{task.pk}/", APPROVE)


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("side", ["in", "out"])
def test_permission_matrix(world, role, side):
    cases, users = world
    client = login(users[role])
    expected_list, expected_view, expected_claim, expected_execute = MATRIX[role][
        0 if side == "in" else 1
    ]
    graduate, task = _task_for(role, cases[side])

    assert _listed(client, role, graduate, task) == expected_list
    assert client.get(f"/cases/{graduate.pk}/").status_code == expected_view

    claim = client.post("/tasks/claim/", {"one": task.pk})
    assert claim.status_code == expected_claim
    task.refresh_from_db()
    if expected_claim == 302 and task.kind not in ("register", "correct"):
        assert task.assignee_id == users[role].pk

    before = TaskScope.objects.filter(graduate=graduate, status="done").count()
    response = _execute(client, role, graduate, task)
    assert response.status_code == expected_execute
    done = TaskScope.objects.filter(graduate=graduate, status="done").count()
    assert (done == before + 1) == (expected_execute == 302)


def test_forged_and_malformed_ids_are_404(world):
    _cases, users = world
    client = login(users["university_reviewer"])
    for url in ("/tasks/999999/", "/cases/999999/"):
        assert client.get(url).status_code == 404
    assert client.post("/tasks/claim/", {"one": "abc"}).status_code == 404
    assert client.post("/tasks/999999/unclaim/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(world):
    cases, _users = world
    graduate = cases["in"]["university"]
    for url in (
        "/",
        "/tasks/",
        "/tasks/queue/",
        f"/cases/{graduate.pk}/",
        f"/tasks/{open_task(graduate).pk}/",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
