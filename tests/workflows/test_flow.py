"""The registration process, driven through the services, asserted on the engine's tasks."""

import pytest
from viewflow.workflow.models import Process

from cases.models import CaseEvent, CaseStatus, RegistrationStatus
from processes.registration import services as registration
from workflows import services
from workflows.models import ScopeStatus, TaskScope

from ..factories import member, open_cohort
from .helpers import decide, open_task, submit

pytestmark = pytest.mark.django_db


def flow_tasks(graduate):
    process = Process.objects.get(artifact_object_id=graduate.pk)
    return [(t.flow_task.name, t.status) for t in process.task_set.order_by("pk")]


def test_opening_a_cohort_starts_one_process_per_graduate(cohort):
    graduate = cohort.first()
    assert flow_tasks(graduate) == [("start", "DONE"), ("register", "ASSIGNED")]
    task = open_task(graduate)
    assert (
        task.kind == "register"
        and task.assignee_id == graduate.user_id
        and task.status == ScopeStatus.ASSIGNED
    )
    assert graduate.user.has_usable_password() is False


def test_return_correct_approve_loop_on_one_level(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    assert flow_tasks(graduate)[-2:] == [("route_to_audit", "DONE"), ("university_audit", "NEW")]
    decide(graduate, reviewer, approve=False, reason="单位名称与协议不符")
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.RETURNED
    assert flow_tasks(graduate)[-2:] == [
        ("check_university_audit", "DONE"),
        ("correct", "ASSIGNED"),
    ]
    correct = open_task(graduate)
    assert correct.kind == "correct" and correct.assignee_id == graduate.user_id

    submit(graduate, employer_name="福建测试科技股份有限公司")
    decide(graduate, reviewer, approve=True)
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.APPROVED
    assert Process.objects.get(artifact_object_id=graduate.pk).status == "DONE"
    versions = list(graduate.registrations.order_by("number"))
    assert [(v.number, v.status, v.is_current) for v in versions] == [
        (1, RegistrationStatus.RETURNED, False),
        (2, RegistrationStatus.APPROVED, True),
    ]
    assert versions[0].employer_name == "福建测试科技有限公司"  # never overwritten
    assert graduate.current_registration_id == versions[1].pk
    assert not TaskScope.objects.filter(graduate=graduate, status__in=["open", "assigned"]).exists()


def test_two_levels_go_through_the_college_first(uni2):
    supervisor = member("university_supervisor", university=uni2)
    open_cohort(uni2, count=3, actor=supervisor)
    graduate = uni2.graduates.get(college__code="01")
    college_reviewer = member("college_reviewer", college=uni2.colleges.get(code="01"))
    reviewer = member("university_reviewer", university=uni2)
    submit(graduate)
    assert open_task(graduate).kind == "college_audit"
    decide(graduate, college_reviewer)
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.PENDING_AUDIT  # still waiting for the university
    assert open_task(graduate).kind == "university_audit"
    decide(graduate, reviewer, approve=False, reason="请补充签约日期")
    assert open_task(graduate).kind == "correct"
    submit(graduate)
    assert open_task(graduate).kind == "college_audit"  # the correction starts at the college again
    decide(graduate, college_reviewer)
    decide(graduate, reviewer)
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.APPROVED
    kinds = [
        e.kind
        for e in graduate.events.order_by("at", "id")
        if e.kind != CaseEvent.Kind.FIELD_CHANGED
    ]
    assert kinds == [
        "created",
        "submitted",
        "passed_level",
        "returned",
        "resubmitted",
        "passed_level",
        "approved",
    ]


def test_every_field_change_is_in_the_history(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    decide(graduate, reviewer, approve=False, reason="请更正单位名称")
    submit(graduate, employer_name="新单位有限公司")
    change = graduate.events.filter(
        kind=CaseEvent.Kind.FIELD_CHANGED, field="employer_name"
    ).latest("at")
    assert (change.before, change.after, change.actor_id) == (
        "福建测试科技有限公司",
        "新单位有限公司",
        graduate.user_id,
    )
    returned = graduate.events.get(kind=CaseEvent.Kind.RETURNED)
    assert returned.note == "请更正单位名称" and returned.actor_id == reviewer.pk
    assert (returned.before, returned.after) == ("pending_audit", "returned")


def test_a_return_needs_a_reason(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    with pytest.raises(ValueError):
        decide(graduate, reviewer, approve=False, reason="  ")
    assert open_task(graduate).status == ScopeStatus.OPEN


def test_a_finished_task_cannot_be_decided_twice(cohort, reviewer, reviewer_b):
    graduate = cohort.first()
    submit(graduate)
    task = decide(graduate, reviewer)
    with pytest.raises(services.TaskNotAvailable):
        registration.audit_decide(task_id=task.pk, user=reviewer_b, approve=False, reason="x")
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.APPROVED


def test_claim_unclaim_and_bulk_claim(cohort, reviewer, reviewer_b):
    for graduate in cohort[:3]:
        submit(graduate)
    ids = list(TaskScope.objects.filter(kind="university_audit").values_list("pk", flat=True))
    claimed, skipped = services.tasks_claim_bulk(task_ids=ids[:2], user=reviewer)
    assert (claimed, skipped) == (2, [])
    assert set(TaskScope.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == set(
        ids[:2]
    )
    claimed, skipped = services.tasks_claim_bulk(task_ids=ids, user=reviewer_b)
    assert claimed == 1 and len(skipped) == 2
    with pytest.raises(services.TaskNotAvailable):
        services.task_unclaim(task_id=ids[0], user=reviewer_b)
    services.task_unclaim(task_id=ids[0], user=reviewer)
    row = TaskScope.objects.get(pk=ids[0])
    assert row.status == ScopeStatus.OPEN and row.assignee_id is None


def test_the_graduate_cannot_submit_someone_elses_task(cohort):
    first, second = cohort[0], cohort[1]
    task = open_task(first)
    with pytest.raises(services.TaskNotAvailable):
        registration.registration_submit(task_id=task.pk, user=second.user, values={})


def test_one_person_cannot_pass_both_audit_levels_of_a_version(uni2):
    """Separation of duties: a reviewer who holds the college and the university role passes
    the college level, and is refused the university level of the same version, on the
    page with what they typed kept; another reviewer decides it. The next version starts
    afresh."""
    from roles import services as role_services

    from ..factories import login

    supervisor = member("university_supervisor", university=uni2)
    open_cohort(uni2, count=3, actor=supervisor)
    graduate = uni2.graduates.get(college__code="01")
    both = member("college_reviewer", college=uni2.colleges.get(code="01"))
    role_services.membership_create(user=both, role="university_reviewer", university=uni2)
    other = member("university_reviewer", university=uni2)
    submit(graduate)
    decide(graduate, both)
    task = open_task(graduate)
    assert task.kind == "university_audit"
    with pytest.raises(registration.StepRefused, match="另一名审核人员"):
        decide(graduate, both)
    page = login(both).post(
        f"/tasks/{task.pk}/", {"decision": "return", "reason": "我想退回这一条"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "我想退回这一条" in html and 'role="alert"' in html
    assert open_task(graduate).pk == task.pk  # still open, undecided
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.PENDING_AUDIT
    decide(graduate, other, approve=False, reason="请补充签约日期")
    submit(graduate)
    decide(graduate, both)  # the new version's college level: by ``both`` again
    decide(graduate, other)
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.APPROVED
