"""PostgreSQL-only: row locks under real concurrency, and the query plans of the inboxes,
the sweeps and the supervision lists at scale."""

import datetime
import re
import threading
import time

import pytest
from django.db import connection, connections, transaction

from cases.models import CaseEvent, CaseStatus
from processes.registration import services as registration
from workflows import services
from workflows.models import TaskScope
from workflows.selectors import InboxFilters, my_tasks, queue_for_user

from ..factories import login, member, open_cohort
from .helpers import open_task, submit

pytestmark = pytest.mark.postgres


def _hold_process_lock(process_id, seconds, ready):
    """Hold the process row lock from another connection, as a slow colleague would."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM viewflow_process WHERE id = %s FOR UPDATE", [process_id]
                )
            ready.set()
            time.sleep(seconds)
    finally:
        connection.close()


def _run_concurrently(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def _run_while_locked(process_id, *targets):
    """Run ``targets`` at once while another connection holds the process row for 0.5 s."""
    ready = threading.Event()
    holder = threading.Thread(target=_hold_process_lock, args=(process_id, 0.5, ready))
    holder.start()
    ready.wait(10)
    _run_concurrently(*targets)
    holder.join()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_give_one_completion(uni, supervisor, reviewer, reviewer_b):
    open_cohort(uni, count=1, actor=supervisor)
    graduate = uni.graduates.get()
    submit(graduate)
    task = open_task(graduate)
    outcomes, barrier = {}, threading.Barrier(2)

    def decide(user):
        def run():
            barrier.wait()
            try:
                registration.audit_decide(task_id=task.pk, user=user, approve=True)
                outcomes[user.pk] = "done"
            except services.TaskNotAvailable as exc:
                outcomes[user.pk] = str(exc)
            finally:
                connections.close_all()

        return run

    _run_while_locked(task.process_id, decide(reviewer), decide(reviewer_b))

    assert sorted(outcomes.values()) == ["done", "此任务已被他人认领或已办结。"] or sorted(
        outcomes.values()
    ) == ["done", "此任务已由他人办结。"]
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.APPROVED
    assert graduate.events.filter(kind="approved").count() == 1
    assert TaskScope.objects.get(pk=task.pk).status == "done"


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_through_the_pages_show_a_message_not_a_500(
    uni, supervisor, reviewer, reviewer_b
):
    result = open_cohort(uni, count=1, actor=supervisor)
    assert result.created == 1, result.errors
    graduate = uni.graduates.get()
    submit(graduate)
    task = open_task(graduate)
    clients = {}
    for user in (reviewer, reviewer_b):
        clients[user.pk] = login(user)
    responses, barrier = {}, threading.Barrier(2)

    def post(user):
        def run():
            barrier.wait()
            try:
                responses[user.pk] = clients[user.pk].post(
                    f"/tasks/{task.pk}/", {"decision": "approve"}, follow=True
                )
            finally:
                connections.close_all()

        return run

    _run_while_locked(task.process_id, post(reviewer), post(reviewer_b))

    assert all(r.status_code == 200 for r in responses.values())
    pages = [r.content.decode() for r in responses.values()]
    assert sum("已审核通过" in p for p in pages) == 1
    assert (
        sum(("此任务已被他人认领或已办结。" in p) or ("此任务已由他人办结。" in p) for p in pages)
        == 1
    )
    assert graduate.events.filter(kind="approved").count() == 1


SEED_SQL = """
WITH u AS (
    INSERT INTO roles_university (code, name, province_id, audit_levels)
    SELECT lpad((20000 + g)::text, 5, '0'), 'seed ' || g, %(province)s, 1 FROM generate_series(1, %(universities)s) g
    RETURNING id
), c AS (
    INSERT INTO roles_college (university_id, code, name) SELECT id, '01', 'seed college' FROM u RETURNING id, university_id
)
SELECT count(*) FROM c;
"""


def _seed(*, province_id, universities, per_university, big_university_extra, user_id):
    """Seed graduates, processes, tasks and scope rows with generate_series: the rows the
    application writes, at a volume the roster import would take minutes to make."""
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL, {"province": province_id, "universities": universities})
        cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label='cases' AND model='graduate'"
        )
        content_type = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TEMP TABLE seed AS
            SELECT c.university_id, c.id AS college_id, n
            FROM roles_college c
            JOIN roles_university u ON u.id = c.university_id AND u.code >= '20000'
            CROSS JOIN LATERAL generate_series(1, CASE WHEN u.code = '20001' THEN %s ELSE %s END) n
            """,
            [per_university + big_university_extra, per_university],
        )
        cursor.execute(
            """
            INSERT INTO cases_graduate (university_id, college_id, province_id, cohort, student_no, name, gender, id_number,
                education_level, major_code, major_name, training_mode, is_incomplete, targeted_employer_name,
                targeted_credit_code, agreement_no, mobile, status, targeted_compliance, created_at, updated_at)
            SELECT university_id, college_id, %s, 2026, 'S' || n, '学生' || n, 'M', '11010520031231018X', 'bachelor', '',
                '软件工程', 'non_targeted', false, '', '', '', '', 'pending_audit', '', now(), now()
            FROM seed
            """,
            [province_id],
        )
        cursor.execute(
            """
            INSERT INTO viewflow_process (flow_class, status, created, data, artifact_content_type_id, artifact_object_id)
            SELECT 'registration/flow.RegistrationFlow', 'NEW', now(), '{}', %s, id FROM cases_graduate
            WHERE university_id IN (SELECT university_id FROM seed)
            """,
            [content_type],
        )
        cursor.execute(
            """
            INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, token, data, process_id, owner_id)
            SELECT 'registration/flow.RegistrationFlow.university_audit', 'HUMAN',
                   CASE WHEN p.id %% 10 = 0 THEN 'ASSIGNED' WHEN p.id %% 10 < 4 THEN 'DONE' ELSE 'NEW' END,
                   now() - (p.id %% 500) * interval '1 minute', 'start', '{}', p.id,
                   CASE WHEN p.id %% 10 = 0 THEN %s END
            FROM viewflow_process p WHERE p.artifact_content_type_id = %s
            """,
            [user_id, content_type],
        )
        cursor.execute(
            """
            INSERT INTO workflows_taskscope (task_id, process_id, kind, graduate_id, province_id, university_id, college_id,
                cohort, candidate_role, assignee_id, status, major_name, category_code, created_at, due_at)
            SELECT t.id, p.id, 'university_audit', g.id, g.province_id, g.university_id, g.college_id, 2026,
                   'university_reviewer', t.owner_id,
                   CASE t.status WHEN 'NEW' THEN 'open' WHEN 'ASSIGNED' THEN 'assigned' ELSE 'done' END,
                   g.major_name, '10', t.created, t.created + interval '3 days'
            FROM viewflow_task t JOIN viewflow_process p ON p.id = t.process_id
            JOIN cases_graduate g ON g.id = p.artifact_object_id
            """
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM workflows_taskscope")
        return cursor.fetchone()[0]


def _seed_at_scale(province):
    """Seed 50,000+ cases over a hundred universities of ``province``, each with its audit
    task; returns the national admin holding a tenth of the tasks."""
    seeder = member("national_admin")
    total = _seed(
        province_id=province.pk,
        universities=100,
        per_university=480,
        big_university_extra=6000,
        user_id=seeder.pk,
    )
    assert total >= 50_000
    return seeder


TASK_TABLES = ("workflows_taskscope", "viewflow_task", "viewflow_process", "cases_graduate")


def _assert_indexed(plan: str, where: str):
    """The scope table is read through one of its indexes; no task table is scanned whole."""
    for table in TASK_TABLES:
        assert f"Seq Scan on {table}" not in plan, f"{where}: sequential scan of {table}\n{plan}"
    assert re.search(r"(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) scope_", plan), (
        f"{where}\n{plan}"
    )


def _explain(sql: str, params=None) -> str:
    """PostgreSQL's plan for one statement, as text."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _plan(queryset) -> str:
    """PostgreSQL's plan for a queryset, as text."""
    return _explain(*queryset.query.sql_with_params())


@pytest.mark.django_db
def test_queue_queries_use_an_index_and_no_sequential_scan(beijing):
    from roles.models import University

    seeder = _seed_at_scale(beijing)
    for code in ("20001", "20050"):  # the largest university and a small one
        university = University.objects.get(code=code)
        reviewer = member("university_reviewer", university=university)
        queue = queue_for_user(reviewer, InboxFilters())
        for label, qs in (("page", queue[:50]), ("count", queue.order_by().values("pk"))):
            _assert_indexed(_plan(qs), f"{code} {label}")
        page = list(queue[:50])
        assert len(page) == 50 and all(
            r.university_id == university.pk and r.status == "open" for r in page
        )
        filtered = queue_for_user(reviewer, InboxFilters(overdue=True, sort="-created"))
        _assert_indexed(_plan(filtered[:50]), f"{code} filtered")
    _assert_indexed(_plan(my_tasks(seeder, InboxFilters())[:50]), "my tasks")


@pytest.mark.django_db
def test_sweep_and_supervision_queries_use_an_index_and_no_sequential_scan(beijing):
    from django.utils import timezone

    from roles.models import University
    from workflows import sweeps
    from workflows.supervision import selectors as supervision

    _seed_at_scale(beijing)
    later = timezone.now() + datetime.timedelta(days=4)
    for label, qs in (
        ("overdue", sweeps.overdue_candidates(later)[:500]),
        ("escalation", sweeps.escalation_candidates(later)[:500]),
        ("due in a day", sweeps.due_candidates(timezone.now(), 1)[:500]),
    ):
        _assert_indexed(_plan(qs.select_for_update(skip_locked=True, of=("self",))), label)
    university = University.objects.get(code="20001")
    figures = supervision._figures(timezone.now())
    active = supervision._active(None, university_id=university.pk)
    for label, qs in (
        ("by kind", active.values("kind").annotate(**figures).order_by()),
        ("by reviewer", active.values("assignee_id").annotate(**figures).order_by()),
        ("by college", active.values("college_id").annotate(**figures).order_by()),
        ("list", supervision.supervision_tasks(university, supervision.Filters())[:50]),
    ):
        _assert_indexed(_plan(qs), label)


@pytest.mark.django_db(transaction=True)
def test_two_overdue_sweeps_at_once_share_the_work_and_tell_each_assignee_once(
    uni, supervisor, reviewer
):
    from notifications.models import Notification
    from workflows import sweeps

    open_cohort(uni, count=12, actor=supervisor)
    late = TaskScope.objects.order_by("-due_at").first().due_at + datetime.timedelta(hours=1)
    counts, barrier = [], threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            counts.append(sweeps.overdue_sweep(now=late, batch_size=2))
        finally:
            connections.close_all()

    _run_concurrently(sweep, sweep)
    assert sum(counts) == 12 and len(counts) == 2
    assert TaskScope.objects.filter(overdue_notified_at=late).count() == 12
    assert Notification.objects.filter(kind="task_overdue").count() == 12
    assert CaseEvent.objects.filter(kind="overdue").count() == 12


@pytest.mark.django_db
def test_a_query_run_again_on_a_connection_is_prepared_once_and_not_planned_again(cohort, reviewer):
    """Server-side binding with psycopg's prepare threshold (config.settings): the fifth run of
    the same query on a connection prepares it, so a request pays no planning for it."""
    from workflows.selectors import InboxFilters, queue_for_user

    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    for graduate in cohort[:3]:
        submit(graduate)

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    before = [s for s in prepared() if "workflows_taskscope" in s]
    for _ in range(6):
        assert len(list(queue_for_user(reviewer, InboxFilters())[:50])) == 3
    after = [s for s in prepared() if "workflows_taskscope" in s]
    assert len(after) == len(before) + 1
    assert "$1" in after[-1]  # parameters bound by the server, not written into the text
