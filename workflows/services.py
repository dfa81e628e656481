"""Workflow actions: opening cohorts, claiming tasks, submitting and auditing.

Each action takes the flow's lock (``select_for_update`` on the process row),
re-reads the task under it, checks that the task is still in the state the
action needs, changes the case through ``cases.services`` and moves the
process on. A task already taken or finished by someone else raises
``TaskNotAvailable`` with a message for the user, never a server error.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from cases import services as case_services
from cases.models import CaseEvent, Graduate
from cases.roster import ParsedRow, RowError
from roles import services as role_services

from . import scope
from .flows import RegistrationFlow
from .models import CaseProcess, TaskKind, TaskScope

AUDIT_KINDS = (TaskKind.COLLEGE_AUDIT, TaskKind.UNIVERSITY_AUDIT)
GRADUATE_KINDS = (TaskKind.REGISTER, TaskKind.CORRECT)


class TaskNotAvailable(Exception):
    """The task cannot take this action any more (taken, finished, or busy)."""


# --- Cohort opening ---------------------------------------------------------------------------


def registration_open_bulk(*, graduates: list[Graduate]) -> list[Task]:
    """Start a registration process for each new graduate, in bulk.

    Writes exactly the rows ``RegistrationFlow.start.run(graduate=g)`` writes (the
    process, its done start task, the register task assigned to the graduate and the
    link between them) plus the task-scope rows, a few statements per batch instead
    of a dozen per graduate. ``tests/workflows/test_open.py`` holds the two side by side.
    """
    if not graduates:
        return []
    flow = RegistrationFlow
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Graduate)
    token = Token("start")
    processes = CaseProcess.objects.bulk_create(
        [
            CaseProcess(
                flow_class=flow,
                status=PROCESS.NEW,
                created=now,
                data={},
                artifact_content_type=content_type,
                artifact_object_id=g.pk,
            )
            for g in graduates
        ],
        batch_size=1000,
    )
    starts = Task.objects.bulk_create(
        [
            Task(
                process_id=p.pk,
                flow_task=flow.start,
                flow_task_type=flow.start.task_type,
                status=STATUS.DONE,
                created=now,
                started=now,
                finished=now,
                token=token,
                data={},
            )
            for p in processes
        ],
        batch_size=1000,
    )
    registers = Task.objects.bulk_create(
        [
            Task(
                process_id=p.pk,
                flow_task=flow.register,
                flow_task_type=flow.register.task_type,
                status=STATUS.ASSIGNED if g.user_id else STATUS.NEW,
                owner_id=g.user_id,
                created=now,
                token=token,
                data={},
            )
            for p, g in zip(processes, graduates, strict=True)
        ],
        batch_size=1000,
    )
    link = Task.previous.through
    link.objects.bulk_create(
        [link(from_task_id=r.pk, to_task_id=s.pk) for r, s in zip(registers, starts, strict=True)],
        batch_size=2000,
    )
    due_at = scope.sla_due(TaskKind.REGISTER, now)
    TaskScope.objects.bulk_create(
        [
            scope.scope_row(task=r, graduate=g, kind=TaskKind.REGISTER, due_at=due_at)
            for r, g in zip(registers, graduates, strict=True)
        ],
        batch_size=1000,
    )
    return registers


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def roster_import(
    *, university, cohort: int, rows: list[ParsedRow], actor, batch_size: int = 1000, progress=None
) -> RosterResult:
    """Open a cohort from validated roster rows.

    Each valid new row creates the graduate, their account (no usable password), their
    grant on their own case and a registration process whose first task is theirs.
    Rows of graduates already imported update the changed fields only, so importing the
    same roster twice creates nothing new. Invalid rows are reported, never applied.
    Batches commit one by one, so a large import keeps what it has done.
    """
    result = RosterResult()
    valid = []
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
        else:
            valid.append(row)
    for start in range(0, len(valid), batch_size):
        batch = valid[start : start + batch_size]
        with transaction.atomic():
            _roster_batch(
                university=university, cohort=cohort, rows=batch, actor=actor, result=result
            )
        if progress:
            progress(len(batch))
    return result


def _roster_batch(*, university, cohort, rows, actor, result: RosterResult) -> None:
    numbers = [row.values["student_no"] for row in rows]
    existing = {
        g.student_no: g
        for g in Graduate.objects.filter(
            university=university, cohort=cohort, student_no__in=numbers
        ).select_related("college")
    }
    taken_ids = set(
        Graduate.objects.filter(
            university=university,
            cohort=cohort,
            id_number__in=[r.values["id_number"] for r in rows],
        )
        .exclude(student_no__in=numbers)
        .values_list("id_number", flat=True)
    )
    new_rows = []
    for row in rows:
        values = dict(row.values)
        graduate = existing.get(values["student_no"])
        if graduate is not None:
            values.pop("student_no")
            if case_services.graduate_update(graduate=graduate, values=values, actor=actor):
                result.updated += 1
            else:
                result.unchanged += 1
        elif values["id_number"] in taken_ids:
            result.errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    _("Another graduate of this cohort already has this ID number."),
                )
            )
        else:
            new_rows.append(values)
    if not new_rows:
        return
    users = role_services.users_create_without_password_bulk(
        accounts=[
            (f"{university.code}-{values['student_no']}", values["name"]) for values in new_rows
        ]
    )
    graduates = case_services.graduates_create(
        university=university, cohort=cohort, rows=new_rows, users=users, actor=actor
    )
    registration_open_bulk(graduates=graduates)
    result.created += len(graduates)


# --- Task actions -------------------------------------------------------------------------------


def _activation(task_id: int):
    """The task's activation under its process lock (a context manager)."""
    return Task.objects.get(pk=task_id).activation()


def _locked(action):
    """Run ``action`` under the task's lock; a lock held too long becomes a clear message."""
    try:
        return action()
    except FlowLockFailed:
        raise TaskNotAvailable(
            _("Someone else is working on this case right now. Please try again.")
        ) from None


def task_claim(*, task_id: int, user) -> None:
    """Assign an unclaimed task to the user ("assign to me")."""

    def action():
        with _activation(task_id) as activation:
            task = activation.task
            if task.status != STATUS.NEW:
                raise TaskNotAvailable(_("This task has already been claimed or finished."))
            activation.assign(user)
            scope.scope_sync(task)
            case_services.task_event_record(
                graduate_id=activation.process.artifact_object_id,
                actor=user,
                kind=CaseEvent.Kind.CLAIMED,
                note=str(task.flow_task.task_title),
            )

    _locked(action)


def task_unclaim(*, task_id: int, user) -> None:
    """Put the user's claimed task back in the queue."""

    def action():
        with _activation(task_id) as activation:
            task = activation.task
            if task.status != STATUS.ASSIGNED or task.owner_id != user.pk:
                raise TaskNotAvailable(_("This task is not assigned to you."))
            activation.unassign()
            scope.scope_sync(task)
            case_services.task_event_record(
                graduate_id=activation.process.artifact_object_id,
                actor=user,
                kind=CaseEvent.Kind.UNCLAIMED,
                note=str(task.flow_task.task_title),
            )

    _locked(action)


def tasks_claim_bulk(*, task_ids: list[int], user) -> tuple[int, list[str]]:
    """Claim several tasks; returns the number claimed and a message per task skipped."""
    claimed, skipped = 0, []
    for task_id in task_ids:
        try:
            task_claim(task_id=task_id, user=user)
        except TaskNotAvailable as exc:
            skipped.append(f"#{task_id}: {exc}")
        else:
            claimed += 1
    return claimed, skipped


def _start_own_task(activation, user, kinds, *, claim_if_open: bool = False):
    task = activation.task
    if task.flow_task.name not in kinds:
        raise TaskNotAvailable(_("This task is not of that kind."))
    if claim_if_open and task.status == STATUS.NEW:
        activation.assign(user)
    if task.status != STATUS.ASSIGNED:
        raise TaskNotAvailable(_("This task has already been finished by someone else."))
    if task.owner_id != user.pk:
        raise TaskNotAvailable(_("This task is assigned to someone else."))
    activation.start(None)


def registration_submit(*, task_id: int, user, values: dict):
    """The graduate submits (or resubmits after a return) their registration.

    Writes a new version through ``cases.services.registration_submit`` and moves the
    process on to audit. Returns the new version.
    """

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, GRADUATE_KINDS)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=activation.process.artifact_object_id)
            version = case_services.registration_submit(
                graduate=graduate, values=values, actor=user
            )
            graduate.current_registration = version
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            return version

    return _locked(action)


def audit_decide(*, task_id: int, user, approve: bool, reason: str = "") -> None:
    """Approve the registration at this audit level, or return it with a reason.

    An unclaimed task in the user's queue is claimed in the same step, so two
    reviewers deciding at once give one decision and one clear refusal.
    """
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("A return needs a reason."))

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, AUDIT_KINDS, claim_if_open=True)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=activation.process.artifact_object_id)
            kind = activation.task.flow_task.name
            if not approve:
                case_services.registration_return(graduate=graduate, actor=user, reason=reason)
            elif kind == TaskKind.COLLEGE_AUDIT:
                case_services.registration_pass_level(
                    graduate=graduate, actor=user, level_name=str(TaskKind.COLLEGE_AUDIT.label)
                )
            else:
                case_services.registration_approve(graduate=graduate, actor=user, note=reason)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)

    _locked(action)
