"""Keeps the task rows (``TaskScope``, ``OrgTaskScope``) in step with viewflow's tasks.

A row is written by the ``onCreate`` hook of every human task (``workflows.nodes``),
inside the transaction that creates the task, or by the bulk opener
(``workflows.opening``) with the tasks it writes. Its status, assignee and finish time
follow the task through ``workflows.steps``, the one way a task moves; its copy of the
case's college, major and category follows the case through the "case changed" hook
(``rows_follow_case``). Nothing else writes these columns; the supervision marks
(overdue, escalated, reminded) are written by the sweeps and the supervisors' actions.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from viewflow.workflow.status import STATUS

from cases.hook import CaseChanged
from cases.models import Graduate

from .models import ACTIVE_STATUSES, OrgTaskScope, ScopeStatus, TaskScope, TaskSLA
from .registry import registry

STATUS_MAP = {
    STATUS.NEW: ScopeStatus.OPEN,
    STATUS.ASSIGNED: ScopeStatus.ASSIGNED,
    STATUS.STARTED: ScopeStatus.ASSIGNED,
    STATUS.DONE: ScopeStatus.DONE,
    STATUS.CANCELED: ScopeStatus.CANCELLED,
}


# --- The case or organisation a process is about -----------------------------------------------


def remember_graduate(process, graduate: Graduate) -> None:
    """Let the nodes of this activation chain reuse the graduate the step holds."""
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


def graduate_owner(activation):
    user_id = graduate_for(activation.process).user_id
    return get_user_model()(pk=user_id) if user_id else None


def remember_subject(process, subject) -> None:
    process._org_subject = subject


def subject_of(process):
    """The filing or report an organisation's process is about."""
    subject = getattr(process, "_org_subject", None)
    if subject is None:
        subject = process.artifact
        remember_subject(process, subject)
    return subject


# --- Writing rows -----------------------------------------------------------------------------


def sla_due(kind: str, start):
    """When a task of ``kind`` created at ``start`` is due: its SLA as set in the admin, or
    the kind's default."""
    hours = TaskSLA.objects.filter(kind=kind).values_list("hours", flat=True).first()
    if hours is None:
        hours = registry.kind(kind).sla_hours
    return start + timezone.timedelta(hours=hours)


def case_row(
    *, task, graduate: Graduate, kind: str, due_at, campaign_id: int | None = None
) -> TaskScope:
    """The row of a new human task about a case (unsaved), from the task and its case."""
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
        candidate_role=registry.kind(kind).role,
        assignee_id=task.owner_id,
        status=STATUS_MAP[task.status],
        major_name=graduate.major_name,
        category_code=registration.category.code if registration else "",
        campaign_id=campaign_id,
        created_at=task.created,
        due_at=due_at,
    )


def case_row_create(activation) -> TaskScope:
    task = activation.task
    kind = task.flow_task.name
    row = case_row(
        task=task,
        graduate=graduate_for(activation.process),
        kind=kind,
        due_at=sla_due(kind, task.created),
        campaign_id=(activation.process.data or {}).get("campaign"),
    )
    row.save(force_insert=True)
    return row


def org_row_create(activation) -> OrgTaskScope:
    """The row of a new human task about a filing (its university's) or a report."""
    task = activation.task
    kind = task.flow_task.name
    subject = subject_of(activation.process)
    row = OrgTaskScope(
        task_id=task.pk,
        process_id=task.process_id,
        kind=kind,
        province_id=subject.province_id,
        university_id=getattr(subject, "university_id", None),
        cohort=subject.cohort,
        candidate_role=registry.kind(kind).role,
        assignee_id=task.owner_id,
        status=STATUS_MAP[task.status],
        subject_id=subject.pk,
        created_at=task.created,
        due_at=sla_due(kind, task.created),
    )
    row.save(force_insert=True)
    return row


def row_sync(task) -> None:
    """Copy a task's status, assignee and finish time to its row (``workflows.steps``)."""
    task.flow_task.flow_class.task_row_model.objects.filter(task_id=task.pk).update(
        status=STATUS_MAP.get(task.status, ScopeStatus.OPEN),
        assignee_id=task.owner_id,
        finished_at=task.finished,
    )


def rows_follow_case(event: CaseChanged) -> None:
    """The "case changed" hook's listener: a case whose college, major or destination
    category moved has those columns refreshed on its active tasks' rows."""
    for graduate_id, (college_id, major_name, category_code) in event.moved.items():
        TaskScope.objects.filter(graduate_id=graduate_id, status__in=ACTIVE_STATUSES).update(
            major_name=major_name, category_code=category_code, college_id=college_id
        )


def sla_rows_ensure(**_kwargs) -> None:
    """After ``migrate``: every registered kind has its SLA row, at its default, so that the
    admin lists them all (rows set there are kept)."""
    registry.load()
    for kind in registry.kinds.values():
        TaskSLA.objects.get_or_create(kind=str(kind), defaults={"hours": kind.sla_hours})
