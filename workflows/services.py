"""Workflow actions: opening cohorts, claiming tasks, submitting and auditing.

Each action takes the flow's lock (``select_for_update`` on the process row),
re-reads the task under it, checks that the task is still in the state the
action needs, changes the case through ``cases.services`` and moves the
process on. A task already taken or finished by someone else raises
``TaskNotAvailable`` with a message for the user, never a server error.
"""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from cases import services as case_services
from cases.models import (
    CaseEvent,
    CaseStatus,
    ChangeRequest,
    Cohort,
    Graduate,
    TargetedCompliance,
)
from cases.roster import ParsedRow, RowError
from core.bulk import insert_objects, insert_rows
from notifications.kinds import EventKind
from notifications.services import Event, notify_event, notify_events
from roles import services as role_services
from roles.display import person
from roles.models import Membership, Role
from roles.scope import scope_for_user
from spotchecks import services as spot_services
from spotchecks.models import Campaign, CampaignInspector, Outcome, Resolution, SpotCheck
from verification import services as verification_services

from . import scope, selectors, sweeps
from .flows import (
    ChangeRequestFlow,
    LeaveConfirmationFlow,
    RegistrationFlow,
    SpotCheckFlow,
    TargetedCheckFlow,
)
from .models import ACTIVE_STATUSES, CaseProcess, TaskKind, TaskScope

AUDIT_KINDS = (TaskKind.COLLEGE_AUDIT, TaskKind.UNIVERSITY_AUDIT)
GRADUATE_KINDS = (TaskKind.REGISTER, TaskKind.CORRECT)
REGISTRATION_KINDS = (*GRADUATE_KINDS, *AUDIT_KINDS)


class TaskNotAvailable(Exception):
    """The task cannot take this action any more (taken, finished, or busy)."""


# --- Cohort opening ---------------------------------------------------------------------------


def processes_open_bulk(
    *,
    flow,
    graduates: list[Graduate],
    first: str,
    notify_kind: str = EventKind.TASK_ASSIGNED,
    for_graduate: bool = True,
    process_data: list[dict] | None = None,
    due_at=None,
    campaign_id: int | None = None,
) -> list[Task]:
    """Start a process of ``flow`` for each graduate, in bulk, with its first task ``first``.

    Writes exactly the rows ``flow.start.run(graduate=g)`` writes (the process, its done
    start task, the first task and the link between them) plus the task-scope rows, a few
    statements per batch instead of a dozen per graduate. ``tests/workflows/test_open.py``
    holds the two side by side. By default the first task is the graduate's, assigned to
    them, and each graduate with an account is told that it is theirs (``notify_kind``);
    with ``for_graduate=False`` it waits unclaimed in its candidates' queue and nobody is
    told here. ``process_data`` (one dict per graduate), ``due_at`` (instead of the SLA)
    and ``campaign_id`` serve the spot checks.
    """
    if not graduates:
        return []
    node = flow.instance.node(first)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Graduate)
    token = Token("start")
    data = process_data or [{} for _g in graduates]
    process_ids = insert_rows(
        CaseProcess,
        [
            "flow_class",
            "status",
            "created",
            "data",
            "artifact_content_type_id",
            "artifact_object_id",
        ],
        [
            (flow, PROCESS.NEW, now, d, content_type.pk, g.pk)
            for g, d in zip(graduates, data, strict=True)
        ],
    )
    start_ids = insert_rows(
        Task,
        [
            "process_id",
            "flow_task",
            "flow_task_type",
            "status",
            "created",
            "started",
            "finished",
            "token",
            "data",
        ],
        [
            (pk, flow.start, flow.start.task_type, STATUS.DONE, now, now, now, token, {})
            for pk in process_ids
        ],
    )
    firsts = insert_objects(
        [
            Task(
                process_id=pk,
                flow_task=node,
                flow_task_type=node.task_type,
                status=STATUS.ASSIGNED if for_graduate and g.user_id else STATUS.NEW,
                owner_id=g.user_id if for_graduate else None,
                created=now,
                token=token,
                data={},
            )
            for pk, g in zip(process_ids, graduates, strict=True)
        ]
    )
    insert_rows(
        Task.previous.through,
        ["from_task_id", "to_task_id"],
        [(f.pk, pk) for f, pk in zip(firsts, start_ids, strict=True)],
    )
    due_at = due_at or scope.sla_due(first, now)
    rows = insert_objects(
        [
            scope.scope_row(task=f, graduate=g, kind=first, due_at=due_at, campaign_id=campaign_id)
            for f, g in zip(firsts, graduates, strict=True)
        ]
    )
    if not for_graduate:
        return firsts
    notify_events(
        [
            Event(
                user_ids=(g.user_id,),
                kind=notify_kind,
                dedupe_key=f"{notify_kind}:{row.pk}",
                context={
                    **(context := sweeps.task_context(_with_graduate(row, g))),
                    "deadline": context["due"],
                },
                url=sweeps.task_url(row),
            )
            for row, g in zip(rows, graduates, strict=True)
            if g.user_id
        ]
    )
    return firsts


def registration_open_bulk(*, graduates: list[Graduate]) -> list[Task]:
    """Open the registration process of new graduates (their "register" task)."""
    return processes_open_bulk(flow=RegistrationFlow, graduates=graduates, first=TaskKind.REGISTER)


def _with_graduate(row: TaskScope, graduate: Graduate) -> TaskScope:
    row.graduate = graduate
    return row


def _student_no_taken() -> str:
    return _(
        "This student number already has an account from another cohort of this university: "
        "check the graduation year and the student number."
    )


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


def graduate_username(university, student_no: str) -> str:
    """A graduate's account name: the university's code and the 学号."""
    return f"{university.code}-{student_no}"


def _usernames_taken(names: list[str]) -> set[str]:
    return set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )


def _roster_batch(*, university, cohort, rows, actor, result: RosterResult) -> None:
    numbers = [row.values["student_no"] for row in rows]
    existing = {
        g.student_no: g
        for g in Graduate.objects.filter(
            university=university, cohort=cohort, student_no__in=numbers
        ).select_related("college", "current_registration__category")
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
    # A 学号 of another cohort of the university already has the account this row needs.
    taken_accounts = _usernames_taken(
        [graduate_username(university, n) for n in numbers if n not in existing]
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
        elif graduate_username(university, values["student_no"]) in taken_accounts:
            result.errors.append(RowError(row.row, "学号", _student_no_taken()))
        else:
            new_rows.append(values)
    if not new_rows:
        return
    users = role_services.users_create_without_password_bulk(
        accounts=[
            (graduate_username(university, values["student_no"]), values["name"])
            for values in new_rows
        ]
    )
    graduates = case_services.graduates_create(
        university=university, cohort=cohort, rows=new_rows, users=users, actor=actor
    )
    registration_open_bulk(graduates=graduates)
    result.created += len(graduates)


# --- Task actions -------------------------------------------------------------------------------


@contextmanager
def _activation(task_id: int):
    """The task's activation, read afresh under its process lock (what ``Task.activation``
    does, in three queries instead of four: the process comes with the task)."""
    process_id, flow_task = Task.objects.values_list("process_id", "flow_task").get(pk=task_id)
    with flow_task.flow_class.lock(process_id):
        task = Task.objects.select_related("process").get(pk=task_id)
        yield task.flow_task.activation_class(task)


def _locked(action):
    """Run ``action`` under the task's lock; a lock held too long becomes a clear message."""
    try:
        return action()
    except FlowLockFailed:
        raise TaskNotAvailable(
            _("Someone else is working on this case right now. Please try again.")
        ) from None


def with_task_lock(task_id: int, action):
    """Run ``action(activation)`` with the task's activation under its process lock, for the
    services of other apps' flows (the reporting flows). A busy lock is ``TaskNotAvailable``."""

    def run():
        with _activation(task_id) as activation:
            return action(activation)

    return _locked(run)


def start_own_task(activation, user, kinds, *, claim_if_open: bool = False) -> None:
    """Start the user's task of one of ``kinds`` (claiming it first if it is unclaimed and
    ``claim_if_open``); ``TaskNotAvailable`` if it is not theirs to do."""
    _start_own_task(activation, user, kinds, claim_if_open=claim_if_open)


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

    Writes a new version through ``cases.services.registration_submit``, checks it against
    a targeted agreement, and moves the process on (to the targeted-enrolment check on a
    mismatch, else to audit). Returns the new version.
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
            case_services.targeted_check_record(graduate=graduate, version=version, actor=user)
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
            if approve and kind == TaskKind.UNIVERSITY_AUDIT:
                confirmation_open_if_due(graduate=graduate, actor=user)

    _locked(action)


# --- Leave-time confirmation --------------------------------------------------------------------

LEAVE_KINDS = (TaskKind.CONFIRM_LEAVE, TaskKind.AUDIT_TRANSFER)


def _awaiting_confirmation(graduates):
    """Approved graduates with no confirmation in effect and no confirmation under way."""
    under_way = TaskScope.objects.filter(kind__in=LEAVE_KINDS, status__in=ACTIVE_STATUSES).values(
        "graduate_id"
    )
    return graduates.filter(status=CaseStatus.APPROVED, confirmed_at__isnull=True).exclude(
        pk__in=under_way
    )


def _leave_open_for(graduates: list[Graduate], actor) -> int:
    processes_open_bulk(
        flow=LeaveConfirmationFlow,
        graduates=graduates,
        first=TaskKind.CONFIRM_LEAVE,
        notify_kind=EventKind.CONFIRMATION_OPENED,
    )
    case_services.confirmation_opened_record(graduate_ids=[g.pk for g in graduates], actor=actor)
    return len(graduates)


def leave_confirmation_open(*, university, cohort: int, opens_on, closes_on, actor) -> int:
    """Set the cohort's leave window; when it is open, open a "confirm at leave time" task
    for every graduate with an approved registration. Returns the number opened.
    Running it again opens tasks only for graduates approved since."""
    window = case_services.cohort_window_set(
        university=university, year=cohort, opens_on=opens_on, closes_on=closes_on, actor=actor
    )
    return _leave_open_cohort(window, today=timezone.localdate(), actor=actor)


def leave_confirmation_open_due(*, today=None) -> int:
    """Open confirmations of every cohort whose window is open (a daily sweep; idempotent)."""
    today = today or timezone.localdate()
    return sum(
        _leave_open_cohort(window, today=today, actor=None)
        for window in Cohort.objects.filter(leave_opens_on__lte=today).select_related("university")
    )


def _leave_open_cohort(window: Cohort, *, today, actor) -> int:
    if not window.leave_window_open(today):
        return 0
    graduates = (
        _awaiting_confirmation(
            Graduate.objects.filter(university_id=window.university_id, cohort=window.year)
        )
        .select_related("current_registration__category")
        .order_by("pk")
    )
    opened = 0
    while batch := list(graduates[:1000]):
        with transaction.atomic():
            opened += _leave_open_for(batch, actor)
    return opened


def confirmation_open_if_due(*, graduate: Graduate, actor) -> bool:
    """Open the graduate's confirmation if their cohort's window is open (after an approval)."""
    window = Cohort.objects.filter(
        university_id=graduate.university_id, year=graduate.cohort
    ).first()
    if window is None or not window.leave_window_open(timezone.localdate()):
        return False
    graduates = list(
        _awaiting_confirmation(Graduate.objects.filter(pk=graduate.pk)).select_related(
            "current_registration__category"
        )
    )
    return bool(graduates) and _leave_open_for(graduates, actor) == 1


@transaction.atomic
def transfer_change_open(*, graduate: Graduate, user) -> None:
    """After confirming, the graduate reopens their confirmation to change the archive
    transfer or hukou details (until the change deadline, while the leave window is open):
    the issued numbers are superseded at once, and the confirmation task opens again, where
    the new details go to the university's audit as the first ones did. A destination
    change goes through a change request instead."""
    graduate = Graduate.objects.select_for_update(of=("self",)).get(pk=graduate.pk)
    if graduate.is_synced:
        raise case_services.ChangeNotAllowed(
            _("This case is changed in the provincial system, where it was registered.")
        )
    if graduate.user_id != user.pk or graduate.confirmed_at is None:
        raise case_services.ChangeNotAllowed(_("There is no confirmation of yours to change."))
    if not case_services.changes_open(graduate):
        raise case_services.ChangeNotAllowed(
            _("Changes are closed: ask your university, which can record a late correction.")
        )
    window = Cohort.objects.filter(
        university_id=graduate.university_id, year=graduate.cohort
    ).first()
    if window is None or not window.leave_window_open(timezone.localdate()):
        raise case_services.ChangeNotAllowed(
            _("Leave-time confirmation is closed: ask your university.")
        )
    verification_services.confirmation_supersede(
        graduate=graduate, actor=user, reason=_("archive transfer or hukou details to be changed")
    )
    confirmation_open_if_due(graduate=graduate, actor=user)


def _pending_other_than(task_id: int, graduate_id: int) -> bool:
    return (
        TaskScope.objects.filter(graduate_id=graduate_id, status__in=ACTIVE_STATUSES)
        .exclude(pk=task_id)
        .exists()
    )


def leave_details_submit(*, task_id: int, user, values: dict):
    """The graduate submits new archive and hukou details; they go to the university's audit.
    Refused (``ChangeNotAllowed``) for a case synced from a provincial system: its details
    are changed there."""

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.CONFIRM_LEAVE,))
            graduate = Graduate.objects.get(pk=activation.process.artifact_object_id)
            details = case_services.transfer_submit(graduate=graduate, values=values, actor=user)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            return details

    return _locked(action)


def leave_confirm(*, task_id: int, user, consent: bool):
    """The graduate confirms destination, archive transfer and hukou migration; the numbers
    and the QR code are issued. Refused while anything is pending (notice 一(三))."""

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.CONFIRM_LEAVE,))
            graduate = Graduate.objects.select_related("university", "current_registration").get(
                pk=activation.process.artifact_object_id
            )
            if _pending_other_than(task_id, graduate.pk):
                raise verification_services.ConfirmationNotPossible(
                    _(
                        "Something is still pending on your case (an audit or a change); confirm once it is settled."
                    )
                )
            confirmation = verification_services.confirmation_issue(
                graduate=graduate, actor=user, consent=consent
            )
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            return confirmation

    return _locked(action)


def transfer_audit_decide(*, task_id: int, user, approve: bool, reason: str = "") -> None:
    """Approve or return the graduate's archive and hukou details; either way the graduate
    gets their confirmation task back."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("A return needs a reason."))

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.AUDIT_TRANSFER,), claim_if_open=True)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=activation.process.artifact_object_id)
            case_services.transfer_decide(
                graduate=graduate, actor=user, approve=approve, reason=reason
            )
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)

    _locked(action)


def reported_import(*, university, cohort: int, rows: list[dict], actor) -> RosterResult:
    """Destinations a province already reported, by 学号: recorded as approved versions; the
    graduate only confirms them at leave time. An open registration of the graduate is
    cancelled, since it is no longer needed."""
    result = RosterResult()
    by_number = {
        g.student_no: g
        for g in Graduate.objects.filter(
            university=university, cohort=cohort, student_no__in=[r["student_no"] for r in rows]
        )
    }
    for row in rows:
        graduate = by_number.get(row["student_no"])
        if graduate is None:
            result.errors.append(
                RowError(
                    row["row"], "学号", _("No graduate with this student number in the cohort.")
                )
            )
            continue
        with transaction.atomic():
            _cancel_registration(graduate)
            try:
                case_services.registration_import_reported(
                    graduate=graduate, values=row["values"], actor=actor
                )
            except ValidationError as exc:
                transaction.set_rollback(True)
                for field, messages in exc.message_dict.items():
                    result.errors.append(RowError(row["row"], field, "；".join(messages)))
                continue
            result.created += 1
            confirmation_open_if_due(graduate=graduate, actor=actor)
    return result


@dataclass
class SyncedState:
    """A case's state as its provincial system sent it, with codes resolved to rows:
    ``graduate`` holds Graduate field values; ``registration`` is None or {number, status,
    reason, values}; ``transfer`` is None or {number, values}."""

    graduate: dict
    status: str
    change_pending: bool
    registration: dict | None = None
    transfer: dict | None = None


@transaction.atomic
def synced_case_apply(
    *, university, cohort: int, student_no: str, state: SyncedState, source_node: str, note: str
) -> Graduate:
    """On the national node: make the case equal to what its provincial system sent.

    A new case is opened like a roster row (an account without password, the graduate's
    membership and grant) but with no registration process: the graduate registers in the
    provincial system. The registration and the archive/hukou details are recorded as
    reported there (``registration_import_reported`` with ``source="synced"``, under the
    provincial version numbers and audit outcomes). A change of what the graduate had
    confirmed supersedes the confirmation; confirmation opens once the registration is
    approved and the cohort's window is open. A change pending in the provincial system is
    kept on the case and blocks confirmation. Raises ``ValidationError`` for invalid values.
    """
    graduate = (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("current_registration")
        .filter(university=university, cohort=cohort, student_no=student_no)
        .first()
    )
    if graduate is None:
        candidate = Graduate(
            university=university,
            province_id=university.province_id,
            cohort=cohort,
            student_no=student_no,
            **state.graduate,
        )
        candidate.full_clean(exclude=["user", "current_registration"])
        username = graduate_username(university, student_no)
        if _usernames_taken([username]):
            raise ValidationError({"student_no": [_student_no_taken()]})
        users = role_services.users_create_without_password_bulk(
            accounts=[(username, state.graduate["name"])]
        )
        (graduate,) = case_services.graduates_create(
            university=university,
            cohort=cohort,
            rows=[{"student_no": student_no, **state.graduate}],
            users=users,
            actor=None,
            source_node=source_node,
        )
    else:
        if graduate.source_node != source_node:
            Graduate.objects.filter(pk=graduate.pk).update(source_node=source_node)
            graduate.source_node = source_node
        case_services.graduate_update(graduate=graduate, values=state.graduate, actor=None)
        _cancel_registration(graduate)

    changed = False
    current = graduate.current_registration if graduate.current_registration_id else None
    registration = state.registration
    if registration is None:
        if current is not None:
            case_services.registration_void_synced(graduate=graduate)
            changed = True
    elif current is not None and current.number == registration["number"]:
        if current.status != registration["status"]:
            case_services.registration_outcome_synced(
                graduate=graduate, status=registration["status"], reason=registration["reason"]
            )
    else:
        if graduate.registrations.filter(number=registration["number"]).exists():
            raise ValidationError(
                _("Registration version %(n)d was superseded here already.")
                % {"n": registration["number"]}
            )
        case_services.registration_import_reported(
            graduate=graduate,
            values=registration["values"],
            actor=None,
            source="synced",
            number=registration["number"],
            status=registration["status"],
            reason=registration["reason"],
        )
        changed = changed or current is not None
    transfer = state.transfer
    current_transfer = graduate.transfers.filter(is_current=True).first()
    if transfer is not None and (
        current_transfer is None or current_transfer.number != transfer["number"]
    ):
        case_services.transfer_submit(
            graduate=graduate,
            values=transfer["values"],
            actor=None,
            reported=True,
            number=transfer["number"],
        )
        changed = changed or current_transfer is not None

    graduate = Graduate.objects.select_related("university", "current_registration__category").get(
        pk=graduate.pk
    )
    case_services.synced_state_record(
        graduate=graduate, status=state.status, change_pending=state.change_pending, note=note
    )
    if changed:
        verification_services.confirmation_supersede(
            graduate=graduate, actor=None, reason=_("changed in the provincial system")
        )
    if graduate.status == CaseStatus.APPROVED:
        confirmation_open_if_due(graduate=graduate, actor=None)
    return graduate


def _cancel_registration(graduate: Graduate) -> None:
    for row in TaskScope.objects.filter(
        graduate=graduate, status__in=ACTIVE_STATUSES, kind__in=REGISTRATION_KINDS
    ):
        process = CaseProcess.objects.get(pk=row.process_id)
        RegistrationFlow.instance.cancel(process)
        for task in Task.objects.filter(process_id=process.pk):
            scope.scope_sync(task)


# --- Targeted-enrolment checks ----------------------------------------------------------------


def targeted_decide(*, task_id: int, user, approve: bool, reason: str = "", uploads=()) -> None:
    """The targeted-enrolment reviewer approves an exception (reason and evidence required:
    a release agreement or similar) or returns the registration to the graduate. In a
    change request, returning it rejects the change; for a correction the university
    recorded itself, it refuses the exception (the case counts as not complying)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(_("Give the reason for your decision."))
    if approve and not uploads:
        raise ValueError(_("An exception needs evidence, such as the release agreement."))

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.TARGETED_CHECK,), claim_if_open=True)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=activation.process.artifact_object_id)
            change = _change_request_of(activation.process)
            version = change.proposed if change is not None else graduate.current_registration
            if approve:
                evidence = case_services.evidence_store(
                    graduate=graduate, uploads=list(uploads), actor=user
                )
                case_services.targeted_exception_approve(
                    graduate=graduate, version=version, reason=reason, evidence=evidence, actor=user
                )
            elif change is not None:
                case_services.change_decide(
                    request=change, actor=user, approve=False, reason=reason
                )
                case_services.targeted_recompute(graduate=graduate)
            elif activation.process.flow_class is TargetedCheckFlow:
                case_services.targeted_exception_refuse(
                    graduate=graduate, version=version, reason=reason, actor=user
                )
            else:
                case_services.registration_return(graduate=graduate, actor=user, reason=reason)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)

    _locked(action)


# --- Change requests ----------------------------------------------------------------------------

CHANGE_AUDIT_KINDS = (TaskKind.CHANGE_COLLEGE_AUDIT, TaskKind.CHANGE_UNIVERSITY_AUDIT)


def _change_request_of(process) -> ChangeRequest | None:
    request_id = (process.data or {}).get("change_request")
    return (
        ChangeRequest.objects.select_related("proposed", "graduate").get(pk=request_id)
        if request_id
        else None
    )


@transaction.atomic
def change_request_submit(
    *, graduate: Graduate, user, kind: str, values: dict | None, reason: str, uploads=(), now=None
):
    """The graduate asks to change (or void) their approved registration, with a reason and
    optional evidence, until the change deadline. Starts the change-request process."""
    graduate = (
        Graduate.objects.select_for_update(of=("self",))
        .select_related("current_registration")
        .get(pk=graduate.pk)
    )
    request = case_services.change_request_create(
        graduate=graduate, kind=kind, values=values, reason=reason, actor=user, now=now
    )
    if uploads:
        case_services.evidence_store(
            graduate=graduate, uploads=list(uploads), actor=user, change_request=request
        )
    if request.proposed is not None:
        case_services.targeted_check_record(graduate=graduate, version=request.proposed, actor=user)
    graduate = Graduate.objects.select_related("university", "current_registration__category").get(
        pk=graduate.pk
    )
    ChangeRequestFlow.start.run(graduate=graduate, _process_data={"change_request": request.pk})
    return request


def change_audit_decide(*, task_id: int, user, approve: bool, reason: str = "") -> None:
    """Audit a change request: approval at the college passes it to the university; the
    university's approval makes it current (superseding a confirmation, which then opens
    again); a rejection keeps what was registered and tells the graduate why."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("A rejection needs a reason."))

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, CHANGE_AUDIT_KINDS, claim_if_open=True)
            change = _change_request_of(activation.process)
            graduate = change.graduate
            final = activation.task.flow_task.name == TaskKind.CHANGE_UNIVERSITY_AUDIT
            if not approve:
                case_services.change_decide(
                    request=change, actor=user, approve=False, reason=reason
                )
                case_services.targeted_recompute(graduate=graduate)
            elif not final:
                case_services.registration_pass_level(
                    graduate=graduate,
                    actor=user,
                    level_name=str(TaskKind.CHANGE_COLLEGE_AUDIT.label),
                )
            else:
                case_services.change_decide(request=change, actor=user, approve=True, reason=reason)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=graduate.pk)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            if approve and final:
                _after_change(
                    graduate=graduate,
                    actor=user,
                    reason=reason or change.reason,
                    void=change.kind == "void",
                )

    _locked(action)


@transaction.atomic
def late_correction(
    *, graduate: Graduate, user, values: dict, reason: str, now=None
) -> ChangeRequest:
    """After the deadline, the university supervisor records a correction directly, with a
    reason; it is flagged late. Before the deadline, changes go through change requests."""
    if case_services.changes_open(graduate, now=now):
        raise case_services.ChangeNotAllowed(
            _("Changes are still open: the graduate submits a change request.")
        )
    _refuse_while_audited(graduate)
    request = case_services.late_correction_record(
        graduate=graduate, values=values, reason=reason, actor=user
    )
    case_services.targeted_check_record(graduate=graduate, version=request.proposed, actor=user)
    graduate.refresh_from_db()
    _after_change(graduate=graduate, actor=user, reason=reason, void=False)
    _targeted_check_if_mismatch(graduate)
    return request


def _targeted_check_if_mismatch(graduate: Graduate) -> None:
    """A correction the university recorded itself that does not match the graduate's
    agreement goes to the targeted-enrolment reviewer, as a graduate's own would."""
    if graduate.targeted_compliance == TargetedCompliance.MISMATCH:
        TargetedCheckFlow.start.run(graduate=graduate)


def _refuse_while_audited(graduate: Graduate) -> None:
    """A correction by the university waits for an audit or change request under way."""
    if TaskScope.objects.filter(
        graduate=graduate,
        status__in=ACTIVE_STATUSES,
        kind__in=(*REGISTRATION_KINDS, TaskKind.TARGETED_CHECK, *CHANGE_AUDIT_KINDS),
    ).exists():
        raise case_services.ChangeNotAllowed(
            _("The registration is still being audited; finish that first.")
        )


def _after_change(*, graduate: Graduate, actor, reason: str, void: bool) -> None:
    """What an approved change does beyond the registration: issued numbers are superseded,
    confirmation opens again (if the window is open), and a voided registration starts over."""
    verification_services.confirmation_supersede(graduate=graduate, actor=actor, reason=reason)
    case_services.targeted_recompute(graduate=graduate)
    if void:
        registration_open_bulk(graduates=[graduate])
    else:
        confirmation_open_if_due(graduate=graduate, actor=actor)


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

    def action():
        with _activation(task_id) as activation:
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
            scope.scope_sync(task)
            event = case_services.task_event_record(
                graduate_id=row.graduate_id,
                actor=actor,
                kind=CaseEvent.Kind.REASSIGNED,
                note=str(task.flow_task.task_title),
                before=before,
                after=person(to_user),
            )
            notify_event(
                user_ids=[to_user.pk],
                kind=EventKind.TASK_ASSIGNED,
                dedupe_key=f"task-assigned:{task.pk}:{event.pk}",
                context=sweeps.task_context(row),
                url=sweeps.task_url(row),
            )

    _locked(action)


def tasks_reassign_bulk(*, task_ids: list[int], to_user, actor) -> tuple[int, list[str]]:
    """Reassign several tasks; returns the number reassigned and a message per task skipped."""
    done, skipped = 0, []
    for task_id in task_ids:
        try:
            task_reassign(task_id=task_id, to_user=to_user, actor=actor)
        except TaskNotAvailable as exc:
            skipped.append(f"#{task_id}: {exc}")
        else:
            done += 1
    return done, skipped


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
        events=[(r.graduate_id, CaseEvent.Kind.REMINDED, _remind_note(r)) for r in fresh],
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
            kind=EventKind.TASK_REMINDER,
            dedupe_key=f"{key}:{sweeps._digest(r.pk for r in tasks)}",
            context={**context, "count": len(tasks), "due": sweeps._day(tasks[0].due_at)},
            url=sweeps.task_url(tasks[0]) if len(tasks) == 1 else "/tasks/",
        )
        for assignee_id, tasks in by_assignee.items()
    ]
    events += sweeps.queue_events(fresh, kind=EventKind.TASK_REMINDER, key=key, context=context)
    notify_events(events)
    return len(fresh), len(task_ids) - len(fresh)


def _remind_note(row: TaskScope) -> str:
    return f"{TaskKind(row.kind).label} #{row.pk}"


# --- Spot checks (核查) ---------------------------------------------------------------------------


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def campaign_launch(*, actor, **campaign) -> Campaign:
    """Create a provincial spot-check campaign and draw its sample
    (``spotchecks.services.campaign_create``, which takes the same keyword arguments), then
    open one check task per sampled case in the campaign's inspectors' queue, due at the end
    of the deadline day. The inspectors are told how many cases wait for them."""
    created, checks = spot_services.campaign_create(actor=actor, **campaign)
    by_graduate = {c.graduate_id: c for c in checks}
    graduates = list(
        Graduate.objects.filter(pk__in=list(by_graduate))
        .select_related("current_registration__category")
        .order_by("pk")
    )
    due_at = _end_of_day(created.deadline)
    for start in range(0, len(graduates), 1000):
        batch = graduates[start : start + 1000]
        processes_open_bulk(
            flow=SpotCheckFlow,
            graduates=batch,
            first=TaskKind.SPOT_CHECK,
            for_graduate=False,
            process_data=[
                {"spot_check": by_graduate[g.pk].pk, "campaign": created.pk} for g in batch
            ],
            due_at=due_at,
            campaign_id=created.pk,
        )
    notify_event(
        user_ids=list(
            CampaignInspector.objects.filter(campaign=created).values_list("user_id", flat=True)
        ),
        kind=EventKind.SPOT_CHECKS_ASSIGNED,
        dedupe_key=f"spot-checks-assigned:{created.pk}",
        context={
            "campaign": created.name,
            "count": len(checks),
            "deadline": created.deadline.isoformat(),
        },
        url="/tasks/queue/",
    )
    return created


def _check_of(process) -> SpotCheck:
    return SpotCheck.objects.select_related("campaign", "graduate").get(
        pk=process.data["spot_check"]
    )


def spot_check_decide(
    *, task_id: int, user, outcome: str, notes: str = "", uploads=()
) -> SpotCheck:
    """The inspector records the outcome of a check (claiming the task if it is unclaimed).
    不一致 opens the correction task of the case's university, whose reviewers and
    supervisors are told."""

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.SPOT_CHECK,), claim_if_open=True)
            check = spot_services.spot_check_record(
                check=_check_of(activation.process),
                outcome=outcome,
                notes=notes,
                uploads=uploads,
                actor=user,
            )
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=check.graduate_id)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            if outcome == Outcome.INCONSISTENT:
                _tell_university_of_discrepancy(check, graduate, activation.process.pk)
            return check

    return _locked(action)


def _tell_university_of_discrepancy(check: SpotCheck, graduate: Graduate, process_id) -> None:
    row = TaskScope.objects.get(process_id=process_id, kind=TaskKind.CORRECT_DISCREPANCY)
    notify_event(
        user_ids=list(
            Membership.objects.filter(
                university_id=graduate.university_id,
                role__in=[Role.UNIVERSITY_REVIEWER, Role.UNIVERSITY_SUPERVISOR],
            ).values_list("user_id", flat=True)
        ),
        kind=EventKind.SPOT_CHECK_DISCREPANCY,
        dedupe_key=f"spot-check-discrepancy:{check.pk}",
        context={"campaign": check.campaign.name, "graduate": graduate.name},
        url=sweeps.task_url(row),
    )


def discrepancy_decide(
    *, task_id: int, user, resolution: str, note: str, values: dict | None = None
) -> SpotCheck:
    """The university resolves a discrepancy found by a spot check: it corrects the
    registration (a new approved version in effect at once, with the usual consequences of
    a change: issued numbers superseded, confirmation opened again) or explains why the
    registration stands. The resolution is recorded on the campaign's check."""
    note = (note or "").strip()
    if not note:
        raise ValueError(_("Explain the resolution."))
    if resolution == Resolution.CORRECTED and not values:
        raise ValueError(_("Enter the corrected registration."))

    def action():
        with _activation(task_id) as activation:
            _start_own_task(activation, user, (TaskKind.CORRECT_DISCREPANCY,), claim_if_open=True)
            check = _check_of(activation.process)
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=check.graduate_id)
            corrected = None
            if resolution == Resolution.CORRECTED:
                _refuse_while_audited(graduate)
                request = case_services.check_correction_record(
                    graduate=graduate, values=values, reason=note, actor=user
                )
                corrected = request.proposed
                case_services.targeted_check_record(
                    graduate=graduate, version=corrected, actor=user
                )
            check = spot_services.discrepancy_resolve(
                check=check,
                resolution=resolution,
                note=note,
                actor=user,
                corrected_version=corrected,
            )
            graduate = Graduate.objects.select_related(
                "university", "current_registration__category"
            ).get(pk=graduate.pk)
            scope.remember_graduate(activation.process, graduate)
            activation.execute()
            scope.scope_sync(activation.task)
            if corrected is not None:
                _after_change(graduate=graduate, actor=user, reason=note, void=False)
                _targeted_check_if_mismatch(graduate)
            return check

    return _locked(action)


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor) -> int:
    """Close a campaign: its unfinished check tasks are cancelled, the cases not checked are
    marked so and the inspectors' grants are revoked (``spotchecks.services.campaign_close``).
    Corrections under way at universities go on. Returns the number of grants revoked."""
    for row in TaskScope.objects.filter(
        campaign=campaign, kind=TaskKind.SPOT_CHECK, status__in=ACTIVE_STATUSES
    ):
        process = CaseProcess.objects.get(pk=row.process_id)
        SpotCheckFlow.instance.cancel(process)
        for task in Task.objects.filter(process_id=process.pk):
            scope.scope_sync(task)
    return spot_services.campaign_close(campaign=campaign, actor=actor)
