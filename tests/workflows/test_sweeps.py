"""The sweeps: overdue detection, escalation, due-date and deadline reminders, viewflow's
timers. Each runs on the state the services left, at a chosen moment, and a second run
changes nothing."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cases.models import CaseEvent
from notifications.models import Notification
from processes.registration import services as registration
from processes.registration import sweeps as deadline_sweeps
from workflows import services, sweeps
from workflows.models import DeadlineNotice, TaskScope

from .helpers import open_task, submit

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def told(user, kind):
    return Notification.objects.filter(user=user, kind=kind)


def snapshot():
    """Everything a sweep writes."""
    return (
        Notification.objects.count(),
        CaseEvent.objects.count(),
        sorted(
            TaskScope.objects.values_list(
                "pk", "overdue_notified_at", "escalated_at", "reminded_days"
            )
        ),
        DeadlineNotice.objects.count(),
    )


def run_all(now):
    sweeps.overdue_sweep(now=now)
    sweeps.escalation_sweep(now=now)
    sweeps.due_reminder_sweep(now=now)
    deadline_sweeps.registration_deadline_sweep(now=now)


def test_an_overdue_claimed_task_is_marked_its_reviewer_told_and_then_escalated(
    cohort, supervisor, reviewer, settings
):
    settings.OVERDUE_ESCALATION_HOURS = 48
    graduate = cohort.first()
    submit(graduate)
    task = open_task(graduate)
    services.task_claim(task_id=task.pk, user=reviewer)

    assert sweeps.overdue_sweep(now=task.due_at - HOUR) == 0
    late = task.due_at + HOUR
    assert sweeps.overdue_sweep(now=late) == 1
    task.refresh_from_db()
    assert task.overdue_notified_at == late and task.escalated_at is None
    overdue = told(reviewer, "task_overdue").get()
    assert overdue.url == f"/tasks/{task.pk}/" and graduate.name in overdue.text
    assert graduate.events.filter(kind="overdue").count() == 1

    assert sweeps.escalation_sweep(now=late + 47 * HOUR) == 0
    assert sweeps.escalation_sweep(now=late + 48 * HOUR) == 1
    task.refresh_from_db()
    assert task.escalated_at == late + 48 * HOUR
    escalated = told(supervisor, "task_escalated").get()
    assert "1" in escalated.text and task.university.name in escalated.text
    assert escalated.url == f"/supervision/university/{task.university_id}/tasks/?show=escalated"
    assert graduate.events.filter(kind="escalated").count() == 1
    assert not told(reviewer, "task_escalated").exists()


def test_unclaimed_overdue_tasks_tell_the_queue_once_per_sweep_not_once_per_task(
    cohort, reviewer, reviewer_b, college_reviewer
):
    for graduate in cohort[:3]:
        submit(graduate)
    due = max(TaskScope.objects.filter(kind="university_audit").values_list("due_at", flat=True))
    assert sweeps.overdue_sweep(now=due + HOUR) == 3
    for user in (reviewer, reviewer_b):
        digest = told(user, "queue_overdue").get()
        assert digest.context["count"] == 3
    assert not told(college_reviewer, "queue_overdue").exists()  # not a candidate


def test_sweeps_work_in_batches_and_a_second_run_changes_nothing(cohort, reviewer, supervisor):
    for graduate in cohort[:4]:
        submit(graduate)
    services.task_claim(task_id=open_task(cohort[0]).pk, user=reviewer)
    register_due = TaskScope.objects.filter(kind="register", status="assigned").first().due_at
    moments = [register_due - 7 * DAY + HOUR, register_due - 12 * HOUR, register_due + HOUR]
    for now in moments:
        sweeps.overdue_sweep(now=now, batch_size=2)
        sweeps.escalation_sweep(now=now, batch_size=2)
        sweeps.due_reminder_sweep(now=now, batch_size=2)
        deadline_sweeps.registration_deadline_sweep(now=now, batch_size=2)
        before = snapshot()
        run_all(now)
        assert snapshot() == before
    assert TaskScope.objects.filter(overdue_notified_at__isnull=False).count() == 6


def test_due_reminders_come_seven_days_and_one_day_before_only_for_moments_the_task_existed(
    cohort, reviewer
):
    graduate = cohort.first()
    register = open_task(graduate)  # fourteen days
    assert sweeps.due_reminder_sweep(now=register.due_at - 8 * DAY) == 0
    assert sweeps.due_reminder_sweep(now=register.due_at - 7 * DAY + HOUR) == 6
    seven = told(graduate.user, "task_due_soon").get()
    assert seven.context["days"] == 7
    assert sweeps.due_reminder_sweep(now=register.due_at - 2 * DAY) == 0
    assert sweeps.due_reminder_sweep(now=register.due_at - 20 * HOUR) == 6
    assert told(graduate.user, "task_due_soon").count() == 2

    second = cohort[1]
    submit(second)
    audit = open_task(second)  # three days: only the one-day reminder
    services.task_claim(task_id=audit.pk, user=reviewer)
    assert sweeps.due_reminder_sweep(now=audit.due_at - 2 * DAY) == 0
    assert sweeps.due_reminder_sweep(now=audit.due_at - 20 * HOUR) == 1
    assert told(reviewer, "task_due_soon").get().context["days"] == 1


def test_a_late_sweep_sends_only_the_nearest_reminder(cohort):
    register = open_task(cohort.first())
    assert sweeps.due_reminder_sweep(now=register.due_at - 10 * HOUR) == 6
    assert sweeps.due_reminder_sweep(now=register.due_at - 9 * HOUR) == 0
    assert told(cohort.first().user, "task_due_soon").count() == 1


def test_the_registration_deadline_reminders_and_close_reach_only_unfinished_graduates(
    cohort, reviewer
):
    finished, returned = cohort[0], cohort[1]
    submit(finished)
    submit(returned)
    registration.audit_decide(
        task_id=open_task(returned).pk, user=reviewer, approve=False, reason="请补充"
    )
    unfinished = [g.user for g in cohort[1:]]  # the returned one must correct: unfinished

    def at(month, day):
        return datetime.datetime(2026, month, day, 9, 0, tzinfo=SHANGHAI)

    assert deadline_sweeps.registration_deadline_sweep(now=at(8, 23)) == []
    [notice] = deadline_sweeps.registration_deadline_sweep(now=at(8, 24))
    assert (notice.kind, notice.days_before, notice.recipients) == ("reminder", 7, 5)
    assert deadline_sweeps.registration_deadline_sweep(now=at(8, 25)) == []
    for user in unfinished:
        assert told(user, "deadline_approaching").get().context["days"] == 7
    assert not told(finished.user, "deadline_approaching").exists()

    [notice] = deadline_sweeps.registration_deadline_sweep(now=at(8, 30))
    assert (notice.days_before, notice.recipients) == (1, 5)
    assert deadline_sweeps.registration_deadline_sweep(now=at(8, 31)) == []

    [closed] = deadline_sweeps.registration_deadline_sweep(now=at(9, 1))
    assert (closed.kind, closed.recipients, closed.deadline) == (
        "closed",
        5,
        datetime.date(2026, 8, 31),
    )
    before = snapshot()
    assert deadline_sweeps.registration_deadline_sweep(now=at(9, 2)) == []
    assert snapshot() == before
    message = told(returned.user, "changes_closed").get()
    assert "2026-08-31" in message.text
    assert not told(finished.user, "changes_closed").exists()


def test_each_university_cohort_follows_its_own_deadline(cohort, other_cohort):
    from cases.models import Cohort

    Cohort.objects.create(
        university=other_cohort[0].university,
        year=2026,
        changes_close_on=datetime.date(2026, 9, 15),
    )
    sent = deadline_sweeps.registration_deadline_sweep(
        now=datetime.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
    )
    assert [(n.university_id, n.kind) for n in sent] == [(cohort[0].university_id, "closed")]
    assert not told(other_cohort[0].user, "changes_closed").exists()
    [reminder] = deadline_sweeps.registration_deadline_sweep(
        now=datetime.datetime(2026, 9, 8, 9, 0, tzinfo=SHANGHAI)
    )
    assert (reminder.university_id, reminder.kind, reminder.days_before) == (
        other_cohort[0].university_id,
        "reminder",
        7,
    )


def test_a_deadline_reminder_missed_entirely_is_replaced_by_the_nearest(cohort, settings):
    [notice] = deadline_sweeps.registration_deadline_sweep(
        now=datetime.datetime(2026, 8, 31, 8, 0, tzinfo=SHANGHAI)
    )
    assert (notice.days_before, notice.recipients) == (1, 6)
    assert told(cohort.first().user, "deadline_approaching").get().context["days"] == 0
    assert not DeadlineNotice.objects.filter(days_before=7).exists()


def test_run_sweeps_command_runs_every_sweep_without_a_broker(cohort):
    out = io.StringIO()
    call_command("run_sweeps", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "timers",
        "overdue",
        "escalations",
        "reminders",
        "deadline",
        "leave",
        "relay",
    ]
    out = io.StringIO()
    call_command("run_sweeps", "--only", "overdue", stdout=out)
    assert out.getvalue() == "overdue: 0 task(s) marked overdue\n"


def test_the_timer_sweep_fires_viewflows_due_database_timers(settings):
    from django.apps import apps
    from viewflow.workflow.models import Task

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests"]
    assert apps.is_installed("tests")  # a flow must live in an installed app
    from .timer_flow import WaitFlow

    process = WaitFlow.start.run()
    timer = Task.objects.get(process=process, flow_task_type="TIMER")
    assert timer.status == "SCHEDULED"
    assert sweeps.workflow_timers_fire()["timers"] == 0  # not due for an hour
    Task.objects.filter(pk=timer.pk).update(scheduled=timer.scheduled - 2 * HOUR)
    assert sweeps.workflow_timers_fire()["timers"] == 1
    process.refresh_from_db()
    assert process.status == "DONE"
    assert sweeps.workflow_timers_fire()["timers"] == 0


def test_beat_schedules_tasks_that_exist_and_each_runs_through_celery(cohort, settings):
    from config.celery import app

    app.loader.import_default_modules()
    names = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert len(names) == 9
    for name in names:
        assert name in app.tasks, name
        app.tasks[name].apply().get()  # in-process, through Celery's own call path
