"""The steps of a change: the graduate's request, its audit, the late correction a
university records itself after the change deadline, and what an approved change does
beyond the registration."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import ChangeRequest, Graduate
from processes.leave.services import confirmation_open_if_due
from processes.registration.flow import REGISTRATION_KINDS
from processes.registration.services import registration_open_bulk
from processes.targeted.flow import TARGETED_CHECK
from processes.targeted.services import change_request_of, targeted_check_open_if_mismatch
from verification import services as verification_services
from workflows.models import ACTIVE_STATUSES, TaskScope
from workflows.steps import task_step

from .flow import (
    CHANGE_AUDIT_KINDS,
    CHANGE_COLLEGE_AUDIT,
    CHANGE_UNIVERSITY_AUDIT,
    ChangeRequestFlow,
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
    with task_step(task_id, user=user, kinds=CHANGE_AUDIT_KINDS, claim=True) as step:
        change = change_request_of(step.process)
        graduate = change.graduate
        final = step.kind == CHANGE_UNIVERSITY_AUDIT
        if not approve:
            case_services.change_decide(request=change, actor=user, approve=False, reason=reason)
            case_services.targeted_recompute(graduate=graduate)
        elif not final:
            case_services.registration_pass_level(
                graduate=graduate, actor=user, level_name=str(CHANGE_COLLEGE_AUDIT.label)
            )
        else:
            case_services.change_decide(request=change, actor=user, approve=True, reason=reason)
        graduate = Graduate.objects.select_related(
            "university", "current_registration__category"
        ).get(pk=graduate.pk)
        step.hold(graduate)
        if approve and final:
            step.then(
                change_consequences,
                graduate=graduate,
                actor=user,
                reason=reason or change.reason,
                void=change.kind == "void",
            )


@transaction.atomic
def late_correction_submit(
    *, graduate: Graduate, user, values: dict, reason: str, now=None
) -> ChangeRequest:
    """After the deadline, the university supervisor records a correction directly, with a
    reason; it is flagged late. Before the deadline, changes go through change requests."""
    if case_services.changes_open(graduate, now=now):
        raise case_services.ChangeNotAllowed(
            _("Changes are still open: the graduate submits a change request.")
        )
    refuse_while_audited(graduate)
    request = case_services.late_correction_record(
        graduate=graduate, values=values, reason=reason, actor=user
    )
    case_services.targeted_check_record(graduate=graduate, version=request.proposed, actor=user)
    graduate.refresh_from_db()
    change_consequences(graduate=graduate, actor=user, reason=reason, void=False)
    targeted_check_open_if_mismatch(graduate)
    return request


def refuse_while_audited(graduate: Graduate) -> None:
    """A correction by the university waits for an audit or change request under way."""
    if TaskScope.objects.filter(
        graduate=graduate,
        status__in=ACTIVE_STATUSES,
        kind__in=(*REGISTRATION_KINDS, TARGETED_CHECK, *CHANGE_AUDIT_KINDS),
    ).exists():
        raise case_services.ChangeNotAllowed(
            _("The registration is still being audited; finish that first.")
        )


def change_consequences(*, graduate: Graduate, actor, reason: str, void: bool) -> None:
    """What an approved change does beyond the registration: issued numbers are superseded,
    confirmation opens again (if the window is open), and a voided registration starts over."""
    verification_services.confirmation_supersede(graduate=graduate, actor=actor, reason=reason)
    case_services.targeted_recompute(graduate=graduate)
    if void:
        registration_open_bulk(graduates=[graduate])
    else:
        confirmation_open_if_due(graduate=graduate, actor=actor)
