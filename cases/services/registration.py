"""Destination registration: drafts, submitted versions, the audit's outcome, destinations
reported by the province or synced from a provincial system."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_event

from .. import notifications as kinds
from ..hook import Change, changes_case
from ..models import (
    CaseEvent,
    CaseStatus,
    Graduate,
    RegistrationDraft,
    RegistrationStatus,
    RegistrationVersion,
)
from .events import field_change_events, status_event


@transaction.atomic
def registration_draft_save(*, graduate: Graduate, data: dict, actor) -> RegistrationDraft:
    """Keep what the graduate typed, as typed, until they submit."""
    draft, _ = RegistrationDraft.objects.update_or_create(
        graduate=graduate, defaults={"data": data, "updated_at": timezone.now()}
    )
    CaseEvent.objects.create(graduate=graduate, actor=actor, kind=CaseEvent.Kind.DRAFT_SAVED)
    return draft


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.REGISTRATION_VERSION)
def registration_submit(*, graduate: Graduate, values: dict, actor) -> RegistrationVersion:
    """Write a new immutable version from validated values and make it current.

    The case goes to ``pending_audit``; the draft is discarded; the history gets a
    submission event plus one event per field that differs from the previous version.
    """
    resubmitted = graduate.current_registration_id is not None
    version = version_in_effect(
        graduate=graduate,
        values=values,
        actor=actor,
        now=timezone.now(),
        event_kind=CaseEvent.Kind.RESUBMITTED if resubmitted else CaseEvent.Kind.SUBMITTED,
        case_status=CaseStatus.PENDING_AUDIT,
    )
    RegistrationDraft.objects.filter(graduate=graduate).delete()
    return version


@transaction.atomic(savepoint=False)  # joins the flow's transaction: no savepoint round trips
def registration_pass_level(*, graduate: Graduate, actor, level_name: str) -> None:
    """A first-level (college) approval: the version stays pending for the next level."""
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.PASSED_LEVEL,
        note=level_name,
        after=f"v{graduate.current_registration.number}",
    )


@transaction.atomic(savepoint=False)  # joins the flow's transaction: no savepoint round trips
def registration_approve(*, graduate: Graduate, actor, note: str = "") -> RegistrationVersion:
    """Final approval of the current version; the case becomes ``approved``."""
    return _decide(graduate=graduate, status=RegistrationStatus.APPROVED, actor=actor, reason=note)


@transaction.atomic(savepoint=False)  # joins the flow's transaction: no savepoint round trips
def registration_return(*, graduate: Graduate, actor, reason: str) -> RegistrationVersion:
    """Return the current version for correction; the reason is shown to the graduate."""
    if not reason.strip():
        raise ValueError("a return needs a reason")
    return _decide(
        graduate=graduate, status=RegistrationStatus.RETURNED, actor=actor, reason=reason.strip()
    )


@changes_case(lambda kw: [kw["graduate"]], change=Change.REGISTRATION_VERSION)
def _decide(*, graduate, status, actor, reason, note="", notify=True) -> RegistrationVersion:
    """Record the final outcome (approved or returned) on the current version and the case,
    and tell the graduate (unless the outcome is synced from the provincial system, which
    told them already)."""
    case_status = CASE_STATUS_OF[status]
    returned = status == RegistrationStatus.RETURNED
    kind = CaseEvent.Kind.RETURNED if returned else CaseEvent.Kind.APPROVED
    now = timezone.now()
    version = graduate.current_registration
    RegistrationVersion.objects.filter(pk=version.pk).update(
        status=status, decided_at=now, decided_by=actor, decision_reason=reason
    )
    version.status, version.decided_at, version.decided_by, version.decision_reason = (
        status,
        now,
        actor,
        reason,
    )
    old_status = graduate.status
    graduate.status = case_status
    graduate.updated_at = now
    graduate.save(update_fields=["status", "updated_at"])
    status_event(
        graduate=graduate,
        kind=kind,
        actor=actor,
        at=now,
        before=old_status,
        after=case_status,
        note=note or reason,
    ).save()
    if graduate.user_id and notify:
        notify_event(
            user_ids=[graduate.user_id],
            kind=kinds.REGISTRATION_RETURNED if returned else kinds.REGISTRATION_APPROVED,
            context={"reason": reason, "version": version.number},
            dedupe_key=f"registration:{version.pk}:{status}",
            url="/",
        )
    return version


# The case status that goes with the audit outcome of its current registration version.
CASE_STATUS_OF = {
    RegistrationStatus.PENDING: CaseStatus.PENDING_AUDIT,
    RegistrationStatus.RETURNED: CaseStatus.RETURNED,
    RegistrationStatus.APPROVED: CaseStatus.APPROVED,
}


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]], change=Change.REGISTRATION_VERSION)
def registration_import_reported(
    *,
    graduate: Graduate,
    values: dict,
    actor,
    source: str = "imported",
    number: int | None = None,
    status: str = RegistrationStatus.APPROVED,
    reason: str = "",
) -> RegistrationVersion:
    """A destination the province already reported: recorded as approved, to be confirmed
    by the graduate at leave time without a new registration.

    The national node records a registration synced from a provincial system the same
    way (``source="synced"``), under the provincial version ``number`` and with the audit
    outcome it has there (``status``: pending, returned or approved). Written to the sync
    outbox on a provincial node.
    """
    now = timezone.now()
    decided = status != RegistrationStatus.PENDING
    return version_in_effect(
        graduate=graduate,
        values=values,
        actor=actor,
        now=now,
        number=number,
        event_kind=CaseEvent.Kind.SYNCED if source == "synced" else CaseEvent.Kind.IMPORTED,
        case_status=CASE_STATUS_OF[status],
        source=source,
        status=status,
        decided_at=now if decided else None,
        decided_by=actor if decided else None,
        decision_reason=reason,
    )


@transaction.atomic
def registration_outcome_synced(*, graduate: Graduate, status: str, reason: str) -> None:
    """The audit outcome of the current (synced) version, decided in the provincial system."""
    if status == RegistrationStatus.PENDING:
        return
    _decide(
        graduate=graduate,
        status=status,
        actor=None,
        reason=reason,
        note=reason or _("synced from the provincial system"),
        notify=False,
    )


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def registration_void_synced(*, graduate: Graduate) -> None:
    """The provincial system voided the registration: none is in effect any more."""
    registration_voided(
        graduate,
        graduate.current_registration_id,
        actor=None,
        now=timezone.now(),
        note=_("synced from the provincial system"),
    )


@transaction.atomic
@changes_case(lambda kw: [kw["graduate"]])
def synced_state_record(
    *, graduate: Graduate, status: str, change_pending: bool, note: str
) -> None:
    """The confirmation-relevant state a provincial system sent: the case status and
    whether a change is pending there (which blocks confirmation here), and a ``synced``
    event naming what arrived."""
    now = timezone.now()
    fields, events = ["updated_at"], []
    if graduate.status != status:
        events.append(
            status_event(
                graduate=graduate,
                kind=CaseEvent.Kind.STATUS_CHANGED,
                actor=None,
                at=now,
                before=graduate.status,
                after=status,
            )
        )
        graduate.status = status
        fields.append("status")
    if graduate.remote_change_pending != change_pending:
        graduate.remote_change_pending = change_pending
        fields.append("remote_change_pending")
    graduate.updated_at = now
    graduate.save(update_fields=fields)
    events.append(CaseEvent(graduate=graduate, at=now, kind=CaseEvent.Kind.SYNCED, note=note))
    CaseEvent.objects.bulk_create(events)


def new_version(
    *, graduate, values: dict, actor, now, number: int | None = None, **fields
) -> RegistrationVersion:
    """A new version of the graduate's registration (the next number unless given), checked
    and written; not in effect (see ``version_in_effect``)."""
    if number is None:
        number = (graduate.registrations.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RegistrationVersion(
        graduate=graduate, number=number, submitted_at=now, submitted_by=actor, **fields, **values
    )
    version.full_clean(exclude=["graduate"])
    version.save(force_insert=True)
    return version


def version_in_effect(
    *, graduate, values: dict, actor, now, event_kind, case_status, note: str = "", **fields
) -> RegistrationVersion:
    """A new version made the one in effect at once, the case given ``case_status``, and in
    the history an ``event_kind`` event (``note``, else the version number) and an event per
    field that differs from the version it replaces."""
    previous = graduate.current_registration if graduate.current_registration_id else None
    graduate.registrations.filter(is_current=True).update(is_current=False)
    version = new_version(
        graduate=graduate, values=values, actor=actor, now=now, is_current=True, **fields
    )
    old_status = graduate.status
    graduate.current_registration, graduate.status, graduate.updated_at = version, case_status, now
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    CaseEvent.objects.bulk_create(
        [
            status_event(
                graduate=graduate,
                kind=event_kind,
                actor=actor,
                at=now,
                before=old_status,
                after=case_status,
                note=note or f"v{version.number}",
            ),
            *field_change_events(
                graduate=graduate,
                before=previous,
                after=version,
                fields=RegistrationVersion.CONTENT_FIELDS,
                actor=actor,
                at=now,
            ),
        ]
    )
    return version


def make_current(graduate: Graduate, version: RegistrationVersion | None, now) -> None:
    graduate.registrations.filter(is_current=True).update(is_current=False)
    if version is not None:
        RegistrationVersion.objects.filter(pk=version.pk).update(is_current=True)
        version.is_current = True
    graduate.current_registration = version
    graduate.updated_at = now


def registration_voided(graduate: Graduate, version_id, *, actor, now, note="") -> None:
    """The version ``version_id`` (if any) is void and no registration is in effect: the
    graduate registers again."""
    if version_id:
        RegistrationVersion.objects.filter(pk=version_id).update(status=RegistrationStatus.VOIDED)
    old_status = graduate.status
    make_current(graduate, None, now)
    graduate.status = CaseStatus.UNREGISTERED
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    if old_status != graduate.status:
        status_event(
            graduate=graduate,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            actor=actor,
            at=now,
            before=old_status,
            after=CaseStatus.UNREGISTERED,
            note=note,
        ).save()
