"""Changes after approval: change requests until the change deadline, and the corrections a
university records itself (late ones, and those a spot check asked for)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_event

from .. import notifications as kinds
from ..hook import Change, changes_case
from ..models import (
    CaseEvent,
    CaseStatus,
    ChangeRequest,
    Graduate,
    RegistrationStatus,
    RegistrationVersion,
)
from .events import field_change_events
from .registration import make_current, new_version, registration_voided, version_in_effect
from .rules import ChangeNotAllowed, change_deadline, changes_open, synced_case_refuse


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.CONFIRMATION_FIELDS)
def change_request_create(
    *, graduate: Graduate, kind: str, values: dict | None, reason: str, actor, now=None
) -> ChangeRequest:
    """Request a change (new content) or a void of the approved registration.

    Refused after the deadline, before approval, or while another request is pending.
    The proposed content is a new version that is not current until approved. A case
    synced from a provincial system is changed there. On a provincial node the pending
    request is written to the sync outbox (it blocks confirmation in the national system)."""
    synced_case_refuse(graduate)
    now = now or timezone.now()
    if not changes_open(graduate, now=now):
        raise ChangeNotAllowed(
            _(
                "Changes closed on %(date)s (Beijing time). Ask your university if a correction is still needed."
            )
            % {"date": change_deadline(graduate).isoformat()}
        )
    if graduate.status != CaseStatus.APPROVED:
        raise ChangeNotAllowed(
            _("Only an approved registration can be changed; finish the registration first.")
        )
    if graduate.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise ChangeNotAllowed(_("A change request of yours is already waiting for audit."))
    if not reason.strip():
        raise ChangeNotAllowed(_("Say why the registration changes."))
    proposed = (
        new_version(graduate=graduate, values=values, actor=actor, now=now)
        if kind == ChangeRequest.Kind.CHANGE
        else None
    )
    request = ChangeRequest.objects.create(
        graduate=graduate,
        kind=kind,
        proposed=proposed,
        replaces=graduate.current_registration,
        reason=reason.strip(),
        requested_at=now,
        requested_by=actor,
    )
    events = [
        CaseEvent(
            graduate=graduate,
            at=now,
            actor=actor,
            kind=CaseEvent.Kind.CHANGE_REQUESTED,
            after=f"v{proposed.number}" if proposed else str(ChangeRequest.Kind.VOID.label),
            note=reason.strip(),
        )
    ]
    if proposed is not None:
        events += field_change_events(
            graduate=graduate,
            before=graduate.current_registration,
            after=proposed,
            fields=RegistrationVersion.CONTENT_FIELDS,
            actor=actor,
            at=now,
        )
    CaseEvent.objects.bulk_create(events)
    return request


@transaction.atomic
@changes_case(
    lambda kw: [kw["request"].graduate_id],
    change=lambda kw: Change.CHANGE_APPROVED if kw["approve"] else Change.CONFIRMATION_FIELDS,
)
def change_decide(
    *, request: ChangeRequest, actor, approve: bool, reason: str = ""
) -> ChangeRequest:
    """Approve a change (its version becomes current; a void sends the case back to
    unregistered) or reject it (the version in effect stays; the graduate is told why)."""
    if request.status != ChangeRequest.Status.PENDING:
        raise ChangeNotAllowed(_("This change request was already decided."))
    if not approve and not reason.strip():
        raise ValueError("a rejection needs a reason")
    graduate, now = request.graduate, timezone.now()
    request.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    request.decided_at, request.decided_by, request.decision_reason = now, actor, reason.strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
    if approve and request.kind == ChangeRequest.Kind.CHANGE:
        RegistrationVersion.objects.filter(pk=request.proposed_id).update(
            status=RegistrationStatus.APPROVED,
            decided_at=now,
            decided_by=actor,
            decision_reason=reason.strip(),
        )
        make_current(graduate, request.proposed, now)
        graduate.save(update_fields=["current_registration", "updated_at"])
    elif approve:  # void: the registration no longer stands; the graduate registers again
        registration_voided(graduate, request.replaces_id, actor=actor, now=now)
    elif request.proposed_id:
        RegistrationVersion.objects.filter(pk=request.proposed_id).update(
            status=RegistrationStatus.REJECTED,
            decided_at=now,
            decided_by=actor,
            decision_reason=reason.strip(),
        )
    kind = CaseEvent.Kind.CHANGE_APPROVED if approve else CaseEvent.Kind.CHANGE_REJECTED
    CaseEvent.objects.create(
        graduate=graduate,
        at=now,
        actor=actor,
        kind=kind,
        note=reason.strip(),
        after=f"v{request.proposed.number}" if request.proposed_id else None,
    )
    if graduate.user_id:
        notify_event(
            user_ids=[graduate.user_id],
            kind=kinds.CHANGE_APPROVED if approve else kinds.CHANGE_REJECTED,
            context={"reason": reason.strip()},
            dedupe_key=f"change-decided:{request.pk}",
            url=f"/cases/{graduate.pk}/",
        )
    return request


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.CHANGE_APPROVED)
def late_correction_record(
    *, graduate: Graduate, values: dict, reason: str, actor
) -> ChangeRequest:
    """After the deadline, the university supervisor records a correction directly, with a
    mandatory reason. It is flagged as late in the history and counted in reports."""
    synced_case_refuse(graduate)
    return _correction_record(graduate, values, reason, actor, CaseEvent.Kind.LATE_CORRECTION)


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.CHANGE_APPROVED)
def check_correction_record(
    *, graduate: Graduate, values: dict, reason: str, actor
) -> ChangeRequest:
    """The university corrects a registration a spot check found inconsistent: a new approved
    version in effect at once, with the reason. After the change deadline it is also a late
    correction (flagged and counted as one)."""
    return _correction_record(
        graduate,
        values,
        reason,
        actor,
        CaseEvent.Kind.CHECK_CORRECTED,
        late=not changes_open(graduate),
    )


def _correction_record(graduate, values, reason, actor, kind, *, late=True) -> ChangeRequest:
    """A change recorded by the university itself: the new version approved and current, a
    decided change request to show for it, and the case events."""
    if not reason.strip():
        raise ValueError("a correction needs a reason")
    now = timezone.now()
    previous = graduate.current_registration
    version = version_in_effect(
        graduate=graduate,
        values=values,
        actor=actor,
        now=now,
        event_kind=kind,
        case_status=CaseStatus.APPROVED,
        note=reason.strip(),
        status=RegistrationStatus.APPROVED,
        decided_at=now,
        decided_by=actor,
        decision_reason=reason.strip(),
    )
    return ChangeRequest.objects.create(
        graduate=graduate,
        kind=ChangeRequest.Kind.CHANGE,
        proposed=version,
        replaces=previous,
        reason=reason.strip(),
        status=ChangeRequest.Status.APPROVED,
        is_late=late,
        requested_at=now,
        requested_by=actor,
        decided_at=now,
        decided_by=actor,
    )
