"""Supervision: the university's overdue dashboard, the province's, the task list and the
supervisor's actions (reassign, bulk reassign, bulk remind), through the real pages."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import CaseEvent
from notifications.models import Notification
from processes.registration import services as registration
from workflows import services, sweeps
from workflows.models import TaskScope
from workflows.supervision import selectors as supervision

from ..factories import login, member, open_cohort
from .helpers import open_task, submit

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def action_url(university):
    return f"/supervision/university/{university.pk}/tasks/action/"


def _audits_and_a_register_task(cohort, *, claimed_by):
    """Three submitted registrations' audits (the first claimed) and the fifth one's register task."""
    for graduate in cohort[:3]:
        submit(graduate)
    audits = list(TaskScope.objects.filter(kind="university_audit").order_by("pk"))
    services.task_claim(task_id=audits[0].pk, user=claimed_by)
    return audits, open_task(cohort[4])


def test_an_overdue_task_is_escalated_then_reassigned_and_the_new_reviewer_has_it(
    cohort, supervisor, reviewer, reviewer_b, django_capture_on_commit_callbacks
):
    graduate = cohort.first()
    submit(graduate)
    task = open_task(graduate)
    services.task_claim(task_id=task.pk, user=reviewer)
    late = task.due_at + HOUR
    sweeps.overdue_sweep(now=late)
    sweeps.escalation_sweep(now=late + 49 * HOUR)
    assert Notification.objects.filter(user=supervisor, kind="task_escalated").exists()

    page = login(supervisor).get(
        f"/supervision/university/{task.university_id}/tasks/", {"show": "escalated"}
    )
    assert [row.pk for row in page.context["page"].object_list] == [task.pk]
    response = login(supervisor).post(
        action_url(task.university),
        {"action": "reassign", "task": [task.pk], "reviewer": reviewer_b.pk},
        follow=True,
    )
    assert "1 个任务已改派给" in response.content.decode()

    task.refresh_from_db()
    assert (task.assignee_id, task.status) == (reviewer_b.pk, "assigned")
    inbox = login(reviewer_b).get("/tasks/").content.decode()
    assert f"/tasks/{task.pk}/" in inbox
    assert f"/tasks/{task.pk}/" not in login(reviewer).get("/tasks/").content.decode()
    event = graduate.events.get(kind=CaseEvent.Kind.REASSIGNED)
    assert (event.actor_id, event.before, event.after) == (
        supervisor.pk,
        reviewer.first_name,
        reviewer_b.first_name,
    )
    assigned = Notification.objects.get(user=reviewer_b, kind="task_assigned")
    assert assigned.url == f"/tasks/{task.pk}/"
    # The new reviewer can decide it.
    registration.audit_decide(task_id=task.pk, user=reviewer_b, approve=True)
    graduate.refresh_from_db()
    assert graduate.status == "approved"


def test_an_unclaimed_task_can_be_given_to_a_reviewer(cohort, supervisor, reviewer):
    graduate = cohort.first()
    submit(graduate)
    task = open_task(graduate)
    services.task_reassign(task_id=task.pk, to_user=reviewer, actor=supervisor)
    task.refresh_from_db()
    assert (task.assignee_id, task.status) == (reviewer.pk, "assigned")
    assert graduate.events.get(kind="reassigned").before == "待认领"


def test_reassigning_refuses_whoever_may_not_take_the_task(
    uni2, other_uni, django_capture_on_commit_callbacks
):
    supervisor = member("university_supervisor", university=uni2)
    open_cohort(uni2, count=3, actor=supervisor)
    graduate = uni2.graduates.get(college__code="01")
    submit(graduate)
    college_task = open_task(graduate)  # a college audit in college 01
    other_college = member("college_reviewer", college=uni2.colleges.get(code="02"))
    university_reviewer = member("university_reviewer", university=uni2)
    stranger = member("university_reviewer", university=other_uni)
    own_college = member("college_reviewer", college=uni2.colleges.get(code="01"))
    for user in (other_college, university_reviewer, stranger):
        with pytest.raises(services.TaskNotAvailable):
            services.task_reassign(task_id=college_task.pk, to_user=user, actor=supervisor)
    register = open_task(uni2.graduates.exclude(pk=graduate.pk).first())
    with pytest.raises(services.TaskNotAvailable, match="只能改派审核人员的任务"):
        services.task_reassign(task_id=register.pk, to_user=own_college, actor=supervisor)
    outsider_supervisor = member("university_supervisor", university=other_uni)
    with pytest.raises(services.TaskNotAvailable):
        services.task_reassign(
            task_id=college_task.pk, to_user=own_college, actor=outsider_supervisor
        )
    services.task_reassign(task_id=college_task.pk, to_user=own_college, actor=supervisor)
    with pytest.raises(services.TaskNotAvailable, match="已分配给"):
        services.task_reassign(task_id=college_task.pk, to_user=own_college, actor=supervisor)
    assert graduate.events.filter(kind="reassigned").count() == 1


def test_bulk_reassign_moves_what_it_can_and_says_why_it_skipped_the_rest(
    cohort, supervisor, reviewer, reviewer_b
):
    audits, register = _audits_and_a_register_task(cohort, claimed_by=reviewer_b)
    response = login(supervisor).post(
        action_url(register.university),
        {
            "action": "reassign",
            "task": [a.pk for a in audits] + [register.pk],
            "reviewer": reviewer_b.pk,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "2 个任务已改派给" in html
    assert f"#{audits[0].pk}" in html and f"#{register.pk}" in html
    assert TaskScope.objects.filter(assignee=reviewer_b, kind="university_audit").count() == 3


def test_bulk_remind_tells_assignees_and_queues_once_a_day(
    cohort, supervisor, reviewer, reviewer_b
):
    audits, register = _audits_and_a_register_task(cohort, claimed_by=reviewer)
    ids = [audits[0].pk, audits[1].pk, audits[2].pk, register.pk]
    client = login(supervisor)
    response = client.post(
        action_url(register.university), {"action": "remind", "task": ids}, follow=True
    )
    assert "已催办 4 个任务。" in response.content.decode()
    mine = Notification.objects.get(user=reviewer, kind="task_reminder", context__count=1)
    assert mine.url == f"/tasks/{audits[0].pk}/"
    queue = Notification.objects.filter(kind="task_reminder", context__count=2)
    assert set(queue.values_list("user_id", flat=True)) == {reviewer.pk, reviewer_b.pk}
    assert Notification.objects.filter(user=cohort[4].user, kind="task_reminder").count() == 1
    assert CaseEvent.objects.filter(kind="reminded", actor=supervisor).count() == 4

    before = Notification.objects.count()
    response = client.post(
        action_url(register.university), {"action": "remind", "task": ids}, follow=True
    )
    assert "已催办 0 个任务。" in response.content.decode()
    assert Notification.objects.count() == before
    assert CaseEvent.objects.filter(kind="reminded").count() == 4


def test_actions_check_every_id_and_the_right_to_act(
    cohort, other_cohort, supervisor, reviewer, monitor, other_uni
):
    submit(cohort.first())
    task = open_task(cohort.first())
    outside = open_task(other_cohort.first())
    url = action_url(task.university)
    client = login(supervisor)
    assert client.post(url, {"action": "remind", "task": [task.pk, outside.pk]}).status_code == 404
    assert client.post(url, {"action": "remind", "task": ["x"]}).status_code == 404
    assert (
        client.post(action_url(other_uni), {"action": "remind", "task": [outside.pk]}).status_code
        == 404
    )
    assert login(monitor).post(url, {"action": "remind", "task": [task.pk]}).status_code == 403
    assert login(reviewer).post(url, {"action": "remind", "task": [task.pk]}).status_code == 403
    stranger = member("university_reviewer", university=other_uni)
    response = client.post(
        url, {"action": "reassign", "task": [task.pk], "reviewer": stranger.pk}, follow=True
    )
    assert TaskScope.objects.get(pk=task.pk).assignee_id is None
    assert "选择一个有效的选项" in response.content.decode()


@pytest.fixture
def spread(cohort, other_cohort, reviewer, reviewer_b, college_reviewer):
    """Tasks of both universities at every age: due in the future, soon, and 1, 5, 10 and
    20 days ago, some claimed, some escalated."""
    for graduate in [*cohort[:5], *other_cohort[:2]]:
        submit(graduate)
    audits = list(TaskScope.objects.filter(kind="university_audit").order_by("pk"))
    services.task_claim(task_id=audits[0].pk, user=reviewer)
    services.task_claim(task_id=audits[1].pk, user=reviewer_b)
    now = timezone.now()
    ages = [-HOUR, 1 * DAY, 5 * DAY, 10 * DAY, 20 * DAY, -3 * DAY, 4 * DAY]
    for row, age in zip(audits, ages, strict=True):
        TaskScope.objects.filter(pk=row.pk).update(due_at=now - age)
    sweeps.overdue_sweep()
    sweeps.escalation_sweep(now=timezone.now() + 49 * HOUR)
    return now


def direct(rows, now, soon_hours=48):
    """The dashboard figures computed row by row in Python."""
    soon = now + datetime.timedelta(hours=soon_hours)
    overdue = [r for r in rows if r.due_at < now]
    ages = [(now - r.due_at).days for r in overdue]
    return {
        "active": len(rows),
        "overdue": len(overdue),
        "soon": sum(1 for r in rows if now <= r.due_at < soon),
        "escalated": sum(1 for r in rows if r.escalated_at),
        "aging": [
            sum(1 for a in ages if 0 <= a <= 3),
            sum(1 for a in ages if 4 <= a <= 7),
            sum(1 for a in ages if 8 <= a <= 14),
            sum(1 for a in ages if a > 14),
        ],
    }


def figures(f):
    return {
        "active": f.active,
        "overdue": f.overdue,
        "soon": f.soon,
        "escalated": f.escalated,
        "aging": f.aging,
    }


def test_the_university_dashboard_matches_direct_counts(spread, uni, supervisor):
    now = timezone.now()
    d = supervision.university_dashboard(uni, now=now)
    rows = list(TaskScope.objects.filter(university=uni, status__in=["open", "assigned"]))
    assert figures(d.total) == direct(rows, now)
    assert d.total.aging == [1, 1, 1, 1] and d.total.escalated == 4
    for kind, _label, f in d.by_kind:
        assert figures(f) == direct([r for r in rows if r.kind == kind], now)
    reviewers = {user_id: f for _name, user_id, f in d.by_reviewer}
    audits = [r for r in rows if r.kind == "university_audit"]
    assert set(reviewers) == {None, *{r.assignee_id for r in audits}}
    for user_id, f in reviewers.items():
        assert figures(f) == direct([r for r in audits if r.assignee_id == user_id], now)
    unregistered = {
        c: uni.graduates.filter(college_id=c, status="unregistered").count()
        for c in uni.colleges.values_list("pk", flat=True)
    }
    for _name, college_id, f in d.by_college:
        assert figures(f) == direct([r for r in rows if r.college_id == college_id], now)
        assert f.unregistered == unregistered[college_id]
    assert d.total.unregistered == uni.graduates.filter(status="unregistered").count() == 1


def test_the_dashboard_page_shows_those_counts_in_a_constant_number_of_queries(
    spread, uni, supervisor, django_assert_num_queries
):
    client = login(supervisor)
    url = f"/supervision/university/{uni.pk}/"
    first = client.get(url)
    html = first.content.decode()
    assert 'data-testid="overdue">4<' in html and 'data-testid="unregistered">1<' in html
    assert html.count('data-testid="aging-bar"') == 4
    with django_assert_num_queries(11) as few:
        client.get(url)
    open_cohort(uni, count=20, actor=supervisor, seed=5, first_no=300)
    for graduate in uni.graduates.filter(status="unregistered")[:15]:
        submit(graduate)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
    with django_assert_num_queries(9) as listing:
        client.get(f"/supervision/university/{uni.pk}/tasks/", {"show": "active"})
    TaskScope.objects.update(due_at=timezone.now() - DAY)
    with django_assert_num_queries(len(listing.captured_queries)):
        response = client.get(f"/supervision/university/{uni.pk}/tasks/", {"show": "overdue"})
    assert (
        response.context["page"].paginator.count
        == TaskScope.objects.filter(university=uni, status__in=["open", "assigned"]).count()
    )


def test_the_task_list_filters_by_stage_reviewer_college_and_age(spread, uni, supervisor, reviewer):
    client = login(supervisor)
    url = f"/supervision/university/{uni.pk}/tasks/"

    def pks(**params):
        return {r.pk for r in client.get(url, params).context["page"].object_list}

    active = TaskScope.objects.filter(university=uni, status__in=["open", "assigned"])
    assert pks(show="overdue") == set(
        active.filter(due_at__lt=timezone.now()).values_list("pk", flat=True)
    )
    assert pks(show="active", assignee=reviewer.pk) == set(
        active.filter(assignee=reviewer).values_list("pk", flat=True)
    )
    assert pks(show="active", assignee="none", kind="university_audit") == set(
        active.filter(assignee__isnull=True, kind="university_audit").values_list("pk", flat=True)
    )
    assert len(pks(show="overdue", bucket="15+")) == 1
    college = uni.colleges.first()
    assert pks(show="active", college=college.pk) == set(
        active.filter(college=college).values_list("pk", flat=True)
    )


def test_the_monitor_sees_the_province_by_university_read_only(
    spread, uni, other_uni, monitor, beijing
):
    uni_b = open_cohort  # a second Beijing university with a cohort
    from ..factories import UniversityFactory

    second = UniversityFactory(code="19109", name="北京第二测试大学", province=beijing)
    uni_b(second, count=2, seed=3, first_no=700)
    client = login(monitor)
    assert client.get("/supervision/").status_code == 302
    page = client.get("/supervision/province/")
    d = page.context["d"]
    assert [u.pk for u, _f in d.by_university] == [uni.pk, second.pk]
    now = d.now
    for university, f in d.by_university:
        rows = list(
            TaskScope.objects.filter(university=university, status__in=["open", "assigned"])
        )
        assert figures(f) == direct(rows, now)
        assert f.unregistered == university.graduates.filter(status="unregistered").count()
    assert d.total.unregistered == 3 and d.total.overdue == 4
    drill = client.get(f"/supervision/university/{uni.pk}/")
    assert drill.status_code == 200 and drill.context["can_act"] is False
    tasks = client.get(f"/supervision/university/{uni.pk}/tasks/").content.decode()
    assert 'name="task"' not in tasks and 'data-testid="reassign"' not in tasks
    assert client.get(f"/supervision/university/{other_uni.pk}/").status_code == 404


def test_supervision_pages_are_for_supervisors_and_monitors_only(
    cohort, other_uni, supervisor, reviewer, monitor, national, inspector
):
    uni = cohort.first().university
    assert (
        login(supervisor).get("/supervision/")["Location"] == f"/supervision/university/{uni.pk}/"
    )
    assert login(supervisor).get(f"/supervision/university/{other_uni.pk}/").status_code == 404
    assert login(supervisor).get("/supervision/province/").status_code == 403
    assert login(reviewer).get(f"/supervision/university/{uni.pk}/").status_code == 403
    assert login(inspector).get("/supervision/").status_code == 403
    assert login(national).get(f"/supervision/university/{other_uni.pk}/").status_code == 200
    assert login(monitor).get("/supervision/university/999999/").status_code == 404
    assert Client().get("/supervision/").status_code == 302
