"""Inboxes: filters, sorting, pagination, counts, and a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from workflows.models import TaskScope
from workflows.selectors import InboxFilters, my_tasks, queue_for_user

from ..factories import login, open_cohort
from .helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(uni, supervisor):
    open_cohort(uni, count=9, actor=supervisor)
    graduates = list(uni.graduates.order_by("student_no"))
    for i, graduate in enumerate(graduates[:6]):
        submit(graduate) if i % 2 else submit(graduate, category=_category("11"))
    return graduates


def _open_and_submit(uni, supervisor, *, count):
    """Open ``count`` graduates of ``uni`` and submit each one's registration."""
    open_cohort(uni, count=count, actor=supervisor)
    for graduate in uni.graduates.all():
        submit(graduate)


def _category(code):
    from cases.models import DestinationCategory

    return DestinationCategory.objects.get(code=code)


def test_queue_lists_only_unclaimed_audits_of_the_users_university(waiting, reviewer, other_cohort):
    for graduate in other_cohort:
        submit(graduate)
    rows = list(queue_for_user(reviewer, InboxFilters()))
    assert len(rows) == 6
    assert {r.university_id for r in rows} == {waiting[0].university_id}
    assert all(r.kind == "university_audit" and r.status == "open" for r in rows)


def test_filters_narrow_the_queue(waiting, reviewer):
    college = waiting[0].college
    assert queue_for_user(reviewer, InboxFilters(college=college.pk)).count() == sum(
        1 for g in waiting[:6] if g.college_id == college.pk
    )
    assert queue_for_user(reviewer, InboxFilters(category="11")).count() == 3
    assert queue_for_user(reviewer, InboxFilters(category="10")).count() == 3
    major = waiting[0].major_name
    assert queue_for_user(reviewer, InboxFilters(major=major)).count() == sum(
        1 for g in waiting[:6] if g.major_name == major
    )
    assert queue_for_user(reviewer, InboxFilters(kind="register")).count() == 0
    TaskScope.objects.filter(pk=queue_for_user(reviewer, InboxFilters()).first().pk).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert queue_for_user(reviewer, InboxFilters(overdue=True)).count() == 1


def test_claimed_tasks_move_from_the_queue_to_my_tasks(waiting, reviewer):
    from workflows import services

    first = queue_for_user(reviewer, InboxFilters()).first()
    services.task_claim(task_id=first.pk, user=reviewer)
    assert queue_for_user(reviewer, InboxFilters()).count() == 5
    assert [r.pk for r in my_tasks(reviewer, InboxFilters())] == [first.pk]
    assert queue_for_user(reviewer, InboxFilters(status="assigned")).count() == 1
    assert queue_for_user(reviewer, InboxFilters(status="active")).count() == 6


def test_sorting_by_due_date_and_creation(waiting, reviewer):
    rows = list(queue_for_user(reviewer, InboxFilters()))
    TaskScope.objects.filter(pk=rows[-1].pk).update(
        due_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert queue_for_user(reviewer, InboxFilters(sort="due")).first().pk == rows[-1].pk
    assert (
        queue_for_user(reviewer, InboxFilters(sort="-created")).first().created_at
        >= rows[0].created_at
    )


def _get_page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_queue_page_query_count_does_not_grow_with_rows(
    uni, supervisor, reviewer, django_assert_num_queries
):
    client = login(reviewer)
    _open_and_submit(uni, supervisor, count=3)
    _get_page(client, "/tasks/queue/")  # warm the session and the content types
    with django_assert_num_queries(9) as small:
        _get_page(client, "/tasks/queue/", college=uni.colleges.first().pk, sort="-due")
    open_cohort(uni, count=40, actor=supervisor, seed=7, first_no=100)
    for graduate in uni.graduates.filter(status="unregistered"):
        submit(graduate)
    with django_assert_num_queries(len(small.captured_queries)):
        response = _get_page(client, "/tasks/queue/", college=uni.colleges.first().pk, sort="-due")
    assert response.context["page"].paginator.count > 3


def test_my_tasks_page_query_count_is_constant(
    uni, supervisor, reviewer, django_assert_num_queries
):
    from workflows import services

    client = login(reviewer)
    _open_and_submit(uni, supervisor, count=30)
    ids = list(TaskScope.objects.filter(kind="university_audit").values_list("pk", flat=True))
    services.tasks_claim_bulk(task_ids=ids[:2], user=reviewer)
    _get_page(client, "/tasks/")
    with django_assert_num_queries(7) as few:
        _get_page(client, "/tasks/")
    services.tasks_claim_bulk(task_ids=ids[2:], user=reviewer)
    with django_assert_num_queries(len(few.captured_queries)):
        response = _get_page(client, "/tasks/")
    assert response.context["page"].paginator.count == 30


def test_queue_is_paginated(uni, supervisor, reviewer, settings):
    settings.PAGE_SIZE = 5
    _open_and_submit(uni, supervisor, count=12)
    client = login(reviewer)
    first = _get_page(client, "/tasks/queue/")
    third = _get_page(client, "/tasks/queue/", page=3)
    assert len(first.context["page"].object_list) == 5
    assert len(third.context["page"].object_list) == 2
    assert "第 1 页，共 3 页" in first.content.decode()


def test_a_queue_of_tasks_in_progress_names_who_has_them(waiting, reviewer, uni):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows import services

    reviewer.first_name = "王审核"
    reviewer.save(update_fields=["first_name"])
    first = queue_for_user(reviewer, InboxFilters()).first()
    services.task_claim(task_id=first.pk, user=reviewer)
    client = login(reviewer)
    active = _get_page(client, "/tasks/queue/", status="active")
    claimed = [t for t in active.context["page"].object_list if t.pk == first.pk]
    assert [t.assignee_name for t in claimed] == ["王审核"]
    assert "· 王审核" in active.content.decode()
    # The unclaimed queue has no assignee to name: its page joins neither the users nor
    # the universities (a reviewer's rows are all of their own university).
    with CaptureQueriesContext(connection) as queries:
        _get_page(client, "/tasks/queue/")
    page_query = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "taskscope" in q["sql"]]
    assert len(page_query) == 1
    assert '"auth_user"' not in page_query[0] and '"roles_university"' not in page_query[0]


def test_an_inbox_row_shows_what_its_task_row_would(waiting, reviewer):
    """The page lists values, not model instances: each line still shows the task's kind,
    status and lateness as ``TaskScope`` does, and links to the task."""
    late = queue_for_user(reviewer, InboxFilters()).first()
    TaskScope.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client = login(reviewer)
    response = _get_page(client, "/tasks/queue/")
    rows = response.context["page"].object_list
    tasks = {t.pk: t for t in TaskScope.objects.filter(pk__in=[r.pk for r in rows])}
    assert len(rows) == len(tasks) == 6
    for row in rows:
        task = tasks[row.pk]
        assert row.get_kind_display() == task.get_kind_display() == "学校审核"
        assert row.get_status_display() == task.get_status_display()
        assert row.is_overdue == task.is_overdue == (row.pk == late.pk)
        assert (row.student_no, row.college_name) == (task.graduate.student_no, task.college.name)
    page = response.content.decode()
    assert page.count('class="overdue"') == 1
    assert f'href="/tasks/{late.pk}/"' in page
