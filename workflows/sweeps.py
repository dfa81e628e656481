"""The engine's periodic sweeps: due dates, overdue tasks, escalation and viewflow's database
timers (the processes have sweeps of their own, listed in their registry entries). Celery
beat runs them (``workflows.tasks``); with no broker, ``manage.py run_sweeps`` does.

Every sweep works in batches of ``SWEEP_BATCH_SIZE`` rows, one transaction each. It picks
its rows with skip-locked row locks, so that two runs at once share the work, and marks
what it handled in the same transaction as the notifications and case events it writes,
so that running it again finds nothing left to do and changes nothing.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

from cases import services as case_services
from cases.models import CaseEvent
from notifications.kinds import (
    QUEUE_OVERDUE,
    TASK_DUE_SOON,
    TASK_ESCALATED,
    TASK_OVERDUE,
)
from notifications.services import Event, notify_events
from roles.models import Membership, Role

from .models import ACTIVE_STATUSES, TaskScope, kind_label
from .registry import registry
from .selectors import CLAIM_LEVEL

# --- Helpers ------------------------------------------------------------------------------------


def in_batches(
    candidates: Callable[[], QuerySet], handle: Callable[[list], None], batch_size=None
) -> int:
    """Handle the candidates a batch at a time until none is left; ``handle`` must take each
    row it gets out of the candidates. Returns the number of rows handled."""
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    handled = 0
    while True:
        with transaction.atomic():
            rows = list(candidates().select_for_update(skip_locked=True, of=("self",))[:batch_size])
            if rows:
                handle(rows)
        handled += len(rows)
        if len(rows) < batch_size:
            return handled


def day(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d")


def digest(ids) -> str:
    return hashlib.sha1(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()[:16]


def task_context(row: TaskScope) -> dict:
    """What a notification about one task says: its kind, the graduate, the due date."""
    return {
        "task": kind_label(row.kind),
        "graduate": row.graduate.name,
        "due": day(row.due_at),
    }


def task_url(row: TaskScope) -> str:
    return f"/tasks/{row.pk}/"


def queue_events(rows: list[TaskScope], *, kind: str, key: str, context: dict) -> list[Event]:
    """One notification per claimable queue for its unclaimed tasks among ``rows``, to every
    reviewer of that queue (a digest, not one message per task and reviewer)."""
    queues: dict[tuple[str, int], list[TaskScope]] = defaultdict(list)
    for row in rows:
        level = CLAIM_LEVEL.get(row.candidate_role)
        if row.assignee_id is None and level is not None:
            queues[(row.candidate_role, getattr(row, f"{level}_id"))].append(row)
    if not queues:
        return []
    wanted = Q(pk__in=[])
    grouped = defaultdict(list)  # queues of a claim rule (a campaign's inspectors)
    for role, org_id in queues:
        if role in registry.claim_rules:
            grouped[role].append(org_id)
        else:
            wanted |= Q(role=role, **{f"{CLAIM_LEVEL[role]}_id": org_id})
    reviewers = defaultdict(set)
    for role, university_id, college_id, user_id in Membership.objects.filter(wanted).values_list(
        "role", "university_id", "college_id", "user_id"
    ):
        org_id = college_id if CLAIM_LEVEL[role] == "college" else university_id
        reviewers[(role, org_id)].add(user_id)
    for role, ids in grouped.items():
        for group_id, user_ids in registry.claim_rules[role].members(ids).items():
            reviewers[(role, group_id)] |= set(user_ids)
    events = []
    for (role, org_id), tasks in queues.items():
        if not reviewers[(role, org_id)]:
            continue
        oldest = min(tasks, key=lambda r: r.due_at)
        events.append(
            Event(
                user_ids=tuple(sorted(reviewers[(role, org_id)])),
                kind=kind,
                dedupe_key=f"{key}:{role}:{org_id}:{digest(r.pk for r in tasks)}",
                context={**context, "count": len(tasks), "due": day(oldest.due_at)},
                url="/tasks/queue/?overdue=on&sort=due",
            )
        )
    return events


# --- Overdue detection and escalation -------------------------------------------------------------


def overdue_sweep(*, now=None, batch_size=None) -> int:
    """Mark active tasks past their due date, write an ``overdue`` case event for each and
    tell whoever must act: the assignee, or the reviewers of the queue holding an unclaimed
    task (one message per queue). Returns the number of tasks marked."""
    now = now or timezone.now()

    def handle(rows):
        TaskScope.objects.filter(pk__in=[r.pk for r in rows]).update(overdue_notified_at=now)
        case_services.task_events_record_bulk(
            events=[(r.graduate_id, CaseEvent.Kind.OVERDUE, row_note(r)) for r in rows], at=now
        )
        events = [
            Event(
                user_ids=(r.assignee_id,),
                kind=TASK_OVERDUE,
                dedupe_key=f"task-overdue:{r.pk}",
                context=task_context(r),
                url=task_url(r),
            )
            for r in rows
            if r.assignee_id
        ]
        events += queue_events(rows, kind=QUEUE_OVERDUE, key="queue-overdue", context={})
        notify_events(events)

    return in_batches(lambda: overdue_candidates(now), handle, batch_size)


def overdue_candidates(now) -> QuerySet[TaskScope]:
    """Active tasks past due and not marked yet (index ``scope_sweep_due``)."""
    return (
        TaskScope.objects.filter(
            status__in=ACTIVE_STATUSES, overdue_notified_at__isnull=True, due_at__lt=now
        )
        .select_related("graduate")
        .order_by("due_at", "task_id")
    )


def escalation_sweep(*, now=None, batch_size=None) -> int:
    """Escalate tasks still active ``OVERDUE_ESCALATION_HOURS`` after they were marked
    overdue: mark them, write an ``escalated`` case event for each and tell the supervisors
    of their university (one message per university and batch). Returns the number."""
    now = now or timezone.now()
    hours = settings.OVERDUE_ESCALATION_HOURS
    cutoff = now - timedelta(hours=hours)

    def handle(rows):
        TaskScope.objects.filter(pk__in=[r.pk for r in rows]).update(escalated_at=now)
        case_services.task_events_record_bulk(
            events=[(r.graduate_id, CaseEvent.Kind.ESCALATED, row_note(r)) for r in rows], at=now
        )
        by_university = defaultdict(list)
        for row in rows:
            by_university[row.university_id].append(row)
        supervisors = defaultdict(set)
        for university_id, user_id in Membership.objects.filter(
            role=Role.UNIVERSITY_SUPERVISOR, university_id__in=list(by_university)
        ).values_list("university_id", "user_id"):
            supervisors[university_id].add(user_id)
        events = []
        for university_id, tasks in by_university.items():
            oldest = min(tasks, key=lambda r: r.due_at)
            events.append(
                Event(
                    user_ids=tuple(sorted(supervisors[university_id])),
                    kind=TASK_ESCALATED,
                    dedupe_key=f"escalated:{university_id}:{digest(r.pk for r in tasks)}",
                    context={
                        "count": len(tasks),
                        "university": tasks[0].university.name,
                        "hours": hours,
                        "due": day(oldest.due_at),
                    },
                    url=f"/supervision/university/{university_id}/tasks/?show=escalated",
                )
            )
        notify_events(events)

    return in_batches(lambda: escalation_candidates(cutoff), handle, batch_size)


def escalation_candidates(cutoff) -> QuerySet[TaskScope]:
    """Active tasks marked overdue at or before ``cutoff`` and not escalated yet (index
    ``scope_sweep_escalation``)."""
    return (
        TaskScope.objects.filter(
            status__in=ACTIVE_STATUSES,
            escalated_at__isnull=True,
            overdue_notified_at__lte=cutoff,
        )
        # A province's spot checks are not the university's to chase.
        .exclude(candidate_role=Role.INSPECTOR)
        .select_related("graduate", "university")
        .order_by("overdue_notified_at", "task_id")
    )


def row_note(row: TaskScope) -> str:
    """How a task is named in its case's history: its kind and number."""
    return f"{kind_label(row.kind)} #{row.pk}"


# --- Reminders ------------------------------------------------------------------------------------


def due_reminder_sweep(*, now=None, batch_size=None) -> int:
    """Remind assignees ``REMINDER_DAYS`` days before a task's due date, each reminder once.

    A task is reminded only of the moments it existed at: a three-day task gets the
    one-day reminder, not the seven-day one. Returns the number of reminders sent."""
    now = now or timezone.now()
    sent = 0
    for days in sorted(settings.REMINDER_DAYS):  # the nearest first: it supersedes the others

        def handle(rows, days=days):
            TaskScope.objects.filter(pk__in=[r.pk for r in rows]).update(reminded_days=days)
            notify_events(
                [
                    Event(
                        user_ids=(r.assignee_id,),
                        kind=TASK_DUE_SOON,
                        dedupe_key=f"task-due:{r.pk}:{days}",
                        context={**task_context(r), "days": _days_left(now, r.due_at)},
                        url=task_url(r),
                    )
                    for r in rows
                ]
            )

        sent += in_batches(lambda days=days: due_candidates(now, days), handle, batch_size)
    return sent


def due_candidates(now, days: int) -> QuerySet[TaskScope]:
    """Assigned tasks due within ``days`` days that existed that long before their due date
    and have had no reminder as near (index ``scope_sweep_due``)."""
    window = timedelta(days=days)
    return (
        TaskScope.objects.filter(
            status__in=ACTIVE_STATUSES,
            overdue_notified_at__isnull=True,
            assignee__isnull=False,
            due_at__gt=now,
            due_at__lte=now + window,
            created_at__lte=F("due_at") - window,
        )
        .filter(Q(reminded_days__isnull=True) | Q(reminded_days__gt=days))
        .select_related("graduate")
        .order_by("due_at", "task_id")
    )


def _days_left(now, due_at) -> int:
    return max((timezone.localtime(due_at).date() - timezone.localtime(now).date()).days, 0)


# --- Viewflow's database timers ------------------------------------------------------------------


def workflow_timers_fire() -> dict[str, int]:
    """Fire viewflow's due ``Timer`` tasks, due ``StartTimer`` starts and met conditions."""
    return {
        "timers": fire_due_timers(),
        "starts": fire_due_start_timers(),
        "conditions": fire_due_conditions(),
    }
