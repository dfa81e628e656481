"""Keeps ``OrgTaskScope`` in step with the filing and report processes' tasks, as
``workflows.scope`` does for the tasks about cases: the row is written by the task's
``onCreate`` hook, in the transaction that creates the task, and synced after every
transition the services make."""

from workflows.models import KIND_CANDIDATE_ROLE
from workflows.scope import _STATUS_MAP, sla_due

from .models import Filing, OrgTaskScope, ProvincialReport


def subject_of(process) -> Filing | ProvincialReport:
    subject = getattr(process, "_org_subject", None)
    if subject is None:
        subject = process.artifact
        process._org_subject = subject
    return subject


def remember_subject(process, subject) -> None:
    process._org_subject = subject


def org_scope_create(activation) -> OrgTaskScope:
    task = activation.task
    kind = task.flow_task.name
    subject = subject_of(activation.process)
    filing = subject if isinstance(subject, Filing) else None
    row = OrgTaskScope(
        task_id=task.pk,
        process_id=task.process_id,
        kind=kind,
        province_id=subject.province_id,
        university_id=filing.university_id if filing else None,
        cohort=subject.cohort,
        candidate_role=KIND_CANDIDATE_ROLE[kind],
        assignee_id=task.owner_id,
        status=_STATUS_MAP[task.status],
        filing=filing,
        report=None if filing else subject,
        created_at=task.created,
        due_at=sla_due(kind, task.created),
    )
    row.save(force_insert=True)
    return row


def org_scope_sync(task) -> None:
    OrgTaskScope.objects.filter(task_id=task.pk).update(
        status=_STATUS_MAP[task.status], assignee_id=task.owner_id, finished_at=task.finished
    )
