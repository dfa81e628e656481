"""Keeps the task-scope table in step with viewflow's tasks.

``scope_create`` runs as the ``onCreate`` hook of every human task, inside the
transaction that creates the task; ``scope_sync`` runs after every transition
the services make. Nothing else writes the engine's columns of ``TaskScope``; the
supervision marks (overdue, escalated, reminded) are written by ``workflows.sweeps``
and the supervisor's actions in ``workflows.services``.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.hook import CaseChanged
from cases.models import Graduate, TransferDetails

from .models import KIND_CANDIDATE_ROLE, ScopeStatus, TaskScope, TaskSLA

_STATUS_MAP = {
    STATUS.NEW: ScopeStatus.OPEN,
    STATUS.ASSIGNED: ScopeStatus.ASSIGNED,
    STATUS.STARTED: ScopeStatus.ASSIGNED,
    STATUS.DONE: ScopeStatus.DONE,
    STATUS.CANCELED: ScopeStatus.CANCELLED,
}


def remember_graduate(process, graduate: Graduate) -> None:
    """Let the nodes of this activation chain reuse the graduate the service holds."""
    process._case_graduate = graduate


def graduate_for(process) -> Graduate:
    graduate = getattr(process, "_case_graduate", None)
    if graduate is None:
        graduate = Graduate.objects.select_related(
            "university", "current_registration__category"
        ).get(pk=process.artifact_object_id)
        remember_graduate(process, graduate)
    return graduate


def graduate_field(process, name: str):
    """One column of the case as stored now (the remembered instance may predate the step)."""
    return Graduate.objects.filter(pk=process.artifact_object_id).values_list(name, flat=True).get()


def transfer_pending(process) -> bool:
    return TransferDetails.objects.filter(
        graduate_id=process.artifact_object_id, status="pending"
    ).exists()


def graduate_owner(activation):
    user_id = graduate_for(activation.process).user_id
    return get_user_model()(pk=user_id) if user_id else None


def sla_due(kind: str, start):
    hours = TaskSLA.objects.filter(kind=kind).values_list("hours", flat=True).first()
    return start + timezone.timedelta(hours=hours if hours is not None else 72)


def scope_row(
    *, task, graduate: Graduate, kind: str, due_at, campaign_id: int | None = None
) -> TaskScope:
    """The scope row of a new human task (unsaved), from the task and its case."""
    registration = graduate.current_registration if graduate.current_registration_id else None
    return TaskScope(
        task_id=task.pk,
        process_id=task.process_id,
        kind=kind,
        graduate_id=graduate.pk,
        province_id=graduate.province_id,
        university_id=graduate.university_id,
        college_id=graduate.college_id,
        cohort=graduate.cohort,
        candidate_role=KIND_CANDIDATE_ROLE[kind],
        assignee_id=task.owner_id,
        status=_STATUS_MAP[task.status],
        major_name=graduate.major_name,
        category_code=registration.category.code if registration else "",
        campaign_id=campaign_id,
        created_at=task.created,
        due_at=due_at,
    )


def scope_create(activation) -> TaskScope:
    task = activation.task
    kind = task.flow_task.name
    row = scope_row(
        task=task,
        graduate=graduate_for(activation.process),
        kind=kind,
        due_at=sla_due(kind, task.created),
        campaign_id=(activation.process.data or {}).get("campaign"),
    )
    row.save(force_insert=True)
    return row


def scope_sync(task) -> None:
    """Copy a task's status, assignee and finish time to its scope row."""
    TaskScope.objects.filter(task_id=task.pk).update(
        status=_STATUS_MAP.get(task.status, ScopeStatus.OPEN),
        assignee_id=task.owner_id,
        finished_at=task.finished,
    )


def rows_follow_case(event: CaseChanged) -> None:
    """The "case changed" hook's listener: a case whose college, major or destination
    category moved has those columns refreshed on its active tasks' rows."""
    for graduate_id, (college_id, major_name, category_code) in event.moved.items():
        TaskScope.objects.filter(
            graduate_id=graduate_id, status__in=[ScopeStatus.OPEN, ScopeStatus.ASSIGNED]
        ).update(major_name=major_name, category_code=category_code, college_id=college_id)
