"""What the engine does to tasks for people: claiming and releasing them from the inboxes,
and the supervisors' reassigning and reminding. Each task action runs through
``workflows.steps`` (the process lock, a fresh read of the task, its row kept in step)
and writes the case event the timeline shows.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from cases import services as case_services
from cases.models import CaseEvent
from notifications.kinds import TASK_ASSIGNED, TASK_REMINDER
from notifications.services import Event, notify_event, notify_events
from roles.display import person
from roles.models import Role
from roles.org_scope import scope_for_user

from . import selectors, sweeps
from .models import ACTIVE_STATUSES, TaskScope
from .steps import TaskNotAvailable, task_handled


def _task_event(activation, *, actor, kind: str, before=None, after=None) -> CaseEvent:
    return case_services.task_event_record(
        graduate_id=activation.process.artifact_object_id,
        actor=actor,
        kind=kind,
        note=str(activation.task.flow_task.task_title),
        before=before,
        after=after,
    )


def task_claim(*, task_id: int, user) -> None:
    """Assign an unclaimed task to the user ("assign to me")."""
    with task_handled(task_id) as activation:
        if activation.task.status != STATUS.NEW:
            raise TaskNotAvailable(_("This task has already been claimed or finished."))
        activation.assign(user)
        _task_event(activation, actor=user, kind=CaseEvent.Kind.CLAIMED)


def task_unclaim(*, task_id: int, user) -> None:
    """Put the user's claimed task back in the queue."""
    with task_handled(task_id) as activation:
        task = activation.task
        if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
            raise TaskNotAvailable(_("This task is not assigned to you."))
        activation.unassign()
        _task_event(activation, actor=user, kind=CaseEvent.Kind.UNCLAIMED)


def _each(task_ids: list[int], action) -> tuple[int, list[str]]:
    """Run ``action`` on each task; returns the number done and a message per task skipped."""
    done, skipped = 0, []
    for task_id in task_ids:
        try:
            action(task_id)
        except TaskNotAvailable as exc:
            skipped.append(f"#{task_id}: {exc}")
        else:
            done += 1
    return done, skipped


def tasks_claim_bulk(*, task_ids: list[int], user) -> tuple[int, list[str]]:
    """Claim several tasks; returns the number claimed and a message per task skipped."""
    return _each(task_ids, lambda task_id: task_claim(task_id=task_id, user=user))


# --- Supervision: reassigning and reminding ------------------------------------------------------


def task_reassign(*, task_id: int, to_user, actor) -> None:
    """Give an audit task to another reviewer who may take it: a supervisor's action.

    The task may be unclaimed or claimed by someone else; the new reviewer must be a
    candidate for it (its role, in its university or college). Writes a ``reassigned``
    case event (from whom, to whom) and tells the new reviewer. Raises
    ``TaskNotAvailable`` with the reason when the task cannot be given to them.
    """
    actor_scope = scope_for_user(actor)
    target_scope = scope_for_user(to_user)
    with task_handled(task_id) as activation:
        task = activation.task
        row = TaskScope.objects.select_related("assignee", "graduate").get(pk=task.pk)
        if not actor_scope.supervises(row.university_id):
            raise TaskNotAvailable(_("You do not supervise this task's university."))
        if row.candidate_role in (Role.GRADUATE, Role.INSPECTOR):
            raise TaskNotAvailable(_("Only reviewers' tasks can be reassigned."))
        if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
            raise TaskNotAvailable(_("This task is already finished."))
        if not selectors.may_claim(target_scope, row):
            raise TaskNotAvailable(
                _("%(name)s cannot take this task: it is outside their role or organisation.")
                % {"name": person(to_user)}
            )
        if task.owner_id == to_user.pk:
            raise TaskNotAvailable(
                _("This task is already assigned to %(name)s.") % {"name": person(to_user)}
            )
        before = person(row.assignee, _("unclaimed"))
        if task.status == STATUS.NEW:
            activation.assign(to_user)
        else:
            activation.reassign(user=to_user)
        event = _task_event(
            activation,
            actor=actor,
            kind=CaseEvent.Kind.REASSIGNED,
            before=before,
            after=person(to_user),
        )
        notify_event(
            user_ids=[to_user.pk],
            kind=TASK_ASSIGNED,
            dedupe_key=f"task-assigned:{task.pk}:{event.pk}",
            context=sweeps.task_context(row),
            url=sweeps.task_url(row),
        )


def tasks_reassign_bulk(*, task_ids: list[int], to_user, actor) -> tuple[int, list[str]]:
    """Reassign several tasks; returns the number reassigned and a message per task skipped."""
    return _each(
        task_ids, lambda task_id: task_reassign(task_id=task_id, to_user=to_user, actor=actor)
    )


@transaction.atomic
def tasks_remind(*, task_ids: list[int], actor, now=None) -> tuple[int, int]:
    """Remind whoever must act on these tasks: a supervisor's action.

    An assignee gets one message for all their tasks in the selection; an unclaimed task's
    reviewers one message per queue. Each task reminded gets a ``reminded`` case event.
    A task already reminded today is left out, so pressing twice sends nothing twice.
    Returns (tasks reminded, tasks left out).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    actor_scope = scope_for_user(actor)
    rows = list(
        TaskScope.objects.filter(pk__in=task_ids, status__in=ACTIVE_STATUSES)
        .select_for_update(of=("self",))
        .select_related("graduate")
        .order_by("due_at", "task_id")
    )
    fresh = [
        r
        for r in rows
        if actor_scope.supervises(r.university_id)
        and r.candidate_role != Role.INSPECTOR  # a province's spot checks are not theirs
        and not (r.reminded_at and timezone.localdate(r.reminded_at) == today)
    ]
    if not fresh:
        return 0, len(task_ids)
    TaskScope.objects.filter(pk__in=[r.pk for r in fresh]).update(reminded_at=now)
    case_services.task_events_record_bulk(
        events=[(r.graduate_id, CaseEvent.Kind.REMINDED, sweeps.row_note(r)) for r in fresh],
        actor=actor,
        at=now,
    )
    context = {"actor": person(actor)}
    by_assignee = defaultdict(list)
    for row in fresh:
        if row.assignee_id:
            by_assignee[row.assignee_id].append(row)
    key = f"remind:{actor.pk}:{today.isoformat()}"
    events = [
        Event(
            user_ids=(assignee_id,),
            kind=TASK_REMINDER,
            dedupe_key=f"{key}:{sweeps.digest(r.pk for r in tasks)}",
            context={**context, "count": len(tasks), "due": sweeps.day(tasks[0].due_at)},
            url=sweeps.task_url(tasks[0]) if len(tasks) == 1 else "/tasks/",
        )
        for assignee_id, tasks in by_assignee.items()
    ]
    events += sweeps.queue_events(fresh, kind=TASK_REMINDER, key=key, context=context)
    notify_events(events)
    return len(fresh), len(task_ids) - len(fresh)
