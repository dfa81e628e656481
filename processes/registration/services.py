"""The steps of destination registration: opening it for a roster's graduates, the graduate's
submission, the audit, and destinations the province already reported."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Graduate
from cases.roster_files import ParsedRow, RowError
from cases.selectors import first_level_auditor_id
from processes.leave.services import confirmation_open_if_due
from workflows.models import ACTIVE_STATUSES, CaseProcess, TaskScope
from workflows.opening import processes_open_bulk
from workflows.steps import StepRefused, process_cancel, task_step

from .flow import (
    AUDIT_KINDS,
    COLLEGE_AUDIT,
    GRADUATE_KINDS,
    REGISTER,
    REGISTRATION_KINDS,
    RegistrationFlow,
)


def registration_open_bulk(*, graduates: list[Graduate]):
    """Open the registration process of new graduates (their "register" task)."""
    return processes_open_bulk(flow=RegistrationFlow, graduates=graduates, first=REGISTER)


def roster_import(
    *, university, cohort: int, rows: list[ParsedRow], actor, batch_size: int = 1000, progress=None
) -> case_services.RosterResult:
    """Open a cohort from validated roster rows.

    Each valid new row creates the graduate, their account (no usable password), their
    grant on their own case and a registration process whose first task is theirs.
    Rows of graduates already imported update the changed fields only, so importing the
    same roster twice creates nothing new. Invalid rows are reported, never applied.
    Batches commit one by one, so a large import keeps what it has done.
    """
    result = case_services.RosterResult()
    valid = []
    for row in rows:
        if row.errors:
            result.errors.extend(row.errors)
        else:
            valid.append(row)
    for start in range(0, len(valid), batch_size):
        batch = valid[start : start + batch_size]
        with transaction.atomic():
            graduates = case_services.roster_batch_apply(
                university=university, cohort=cohort, rows=batch, actor=actor, result=result
            )
            registration_open_bulk(graduates=graduates)
        if progress:
            progress(len(batch))
    return result


def registration_submit(*, task_id: int, user, values: dict):
    """The graduate submits (or resubmits after a return) their registration.

    Writes a new version through ``cases.services.registration_submit``, checks it against
    a targeted agreement, and moves the process on (to the targeted-enrolment check on a
    mismatch, else to audit). Returns the new version.
    """
    with task_step(task_id, user=user, kinds=GRADUATE_KINDS) as step:
        graduate = step.case
        version = case_services.registration_submit(graduate=graduate, values=values, actor=user)
        case_services.targeted_check_record(graduate=graduate, version=version, actor=user)
        graduate.current_registration = version
        return version


def audit_decide(*, task_id: int, user, approve: bool, reason: str = "") -> None:
    """Approve the registration at this audit level, or return it with a reason.

    An unclaimed task in the user's queue is claimed in the same step, so two
    reviewers deciding at once give one decision and one clear refusal.
    """
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValueError(_("A return needs a reason."))
    with task_step(task_id, user=user, kinds=AUDIT_KINDS, claim=True) as step:
        graduate = step.case
        if step.kind != COLLEGE_AUDIT and first_level_auditor_id(graduate) == user.pk:
            # separation of duties: the two levels of one version are two people
            raise StepRefused(
                _(
                    "You passed this registration at the college level: its university audit must be done by another reviewer."
                )
            )
        if not approve:
            case_services.registration_return(graduate=graduate, actor=user, reason=reason)
        elif step.kind == COLLEGE_AUDIT:
            case_services.registration_pass_level(
                graduate=graduate, actor=user, level_name=str(COLLEGE_AUDIT.label)
            )
        else:
            case_services.registration_approve(graduate=graduate, actor=user, note=reason)
            step.then(confirmation_open_if_due, graduate=graduate, actor=user)


def reported_import(
    *, university, cohort: int, rows: list[dict], actor
) -> case_services.RosterResult:
    """Destinations a province already reported, by 学号: recorded as approved versions; the
    graduate only confirms them at leave time. An open registration of the graduate is
    cancelled, since it is no longer needed."""
    result = case_services.RosterResult()
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
            registration_cancel(graduate)
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


def registration_cancel(graduate: Graduate) -> None:
    """Cancel the graduate's registration under way (no longer needed: reported by the
    province, or registered in the provincial system)."""
    for process_id in TaskScope.objects.filter(
        graduate=graduate, status__in=ACTIVE_STATUSES, kind__in=REGISTRATION_KINDS
    ).values_list("process_id", flat=True):
        process_cancel(CaseProcess.objects.get(pk=process_id))
