"""Writes on cases. Every change of state or of a field writes ``CaseEvent`` rows.

Services take keyword-only arguments and run in a transaction. They do not
know about workflow tasks: ``workflows.services`` calls them from inside the
flow's lock.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import insert_objects, insert_rows
from notifications.kinds import EventKind
from notifications.services import notify_event
from roles import permissions
from roles import services as role_services
from roles.models import Role
from sync import outbox
from sync.models import EventType

from .display import display_value
from .models import (
    CaseAccess,
    CaseEvent,
    CaseStatus,
    ChangeRequest,
    Cohort,
    Evidence,
    Graduate,
    RegistrationDraft,
    RegistrationStatus,
    RegistrationVersion,
    TargetedCompliance,
    TargetedException,
    TransferDetails,
)
from .tallies import tally_add, tracks_tally, university_lock


def _events_for_changes(*, graduate, before, after, fields, actor, at) -> list[CaseEvent]:
    events = []
    for name in fields:
        old = display_value(before, name) if before is not None else None
        new = display_value(after, name)
        if old != new and not (old in (None, "") and new in (None, "")):
            events.append(
                CaseEvent(
                    graduate=graduate,
                    at=at,
                    actor=actor,
                    kind=CaseEvent.Kind.FIELD_CHANGED,
                    field=name,
                    before=old,
                    after=new,
                )
            )
    return events


def _status_event(*, graduate, kind, actor, at, before, after, note="") -> CaseEvent:
    return CaseEvent(
        graduate=graduate,
        at=at,
        actor=actor,
        kind=kind,
        field="status",
        before=before,
        after=after,
        note=note,
    )


def case_access_record(
    *, graduate_ids: list[int], user, action: str, ip: str | None = None
) -> None:
    """Log reads of graduates' records by anyone but the graduate."""
    rows = [
        CaseAccess(graduate_id=graduate_id, user=user, action=action, ip=ip)
        for graduate_id in graduate_ids
    ]
    CaseAccess.objects.bulk_create(rows, batch_size=2000)


# --- Roster -----------------------------------------------------------------------------


@transaction.atomic
def graduates_create(
    *, university, cohort: int, rows: list[dict], users: list, actor, source_node: str = ""
) -> list[Graduate]:
    """Create graduates from validated roster rows, each tied to its (new) user.

    Also writes their graduate membership, the guardian grant on their own case, a
    ``created`` event, and counts them in the tallies. ``rows`` hold model field values
    (``college`` an instance). ``source_node`` marks cases synced from a provincial system
    (on the national node). On a provincial node, each new case is written to the sync outbox.
    """
    university_lock(university.pk)
    now = timezone.now()
    graduates = [
        Graduate(
            targeted_compliance=TargetedCompliance.UNREGISTERED
            if row.get("training_mode", "non_targeted") != "non_targeted"
            else TargetedCompliance.NOT_APPLICABLE,
            university=university,
            province_id=university.province_id,
            cohort=cohort,
            user=user,
            source_node=source_node,
            remote_change_pending=False,
            created_at=now,
            updated_at=now,
            **row,
        )
        for row, user in zip(rows, users, strict=True)
    ]
    insert_objects(graduates)
    role_services.memberships_create_bulk(
        user_ids=[user.pk for user in users], role=Role.GRADUATE, university=university, at=now
    )
    permissions.grant_new(
        model=Graduate, codename="view_graduate", pairs=[(g.user_id, g.pk) for g in graduates]
    )
    insert_rows(
        CaseEvent,
        ["graduate_id", "at", "actor_id", "kind", "field", "before", "after"],
        [
            (
                g.pk,
                now,
                actor.pk if actor else None,
                CaseEvent.Kind.CREATED,
                "status",
                None,
                CaseStatus.UNREGISTERED,
            )
            for g in graduates
        ],
    )
    outbox.record_many(event_type=EventType.GRADUATE_UPSERT, graduates=graduates)
    tally_add([g.pk for g in graduates])
    return graduates


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def graduate_update(*, graduate: Graduate, values: dict, actor) -> list[str]:
    """Apply roster values to an existing graduate; returns the names of changed fields.
    A change is written to the sync outbox on a provincial node."""
    before = Graduate.objects.get(pk=graduate.pk)
    for name, value in values.items():
        setattr(graduate, name, value)
    now = timezone.now()
    events = _events_for_changes(
        graduate=graduate, before=before, after=graduate, fields=values.keys(), actor=actor, at=now
    )
    if not events:
        return []
    changed = [e.field for e in events]
    graduate.updated_at = now
    graduate.full_clean()
    graduate.save(update_fields=[*(f for f in changed), "updated_at"])
    CaseEvent.objects.bulk_create(events)
    outbox.record(event_type=EventType.GRADUATE_UPSERT, graduate=graduate)
    return changed


# --- Registration -------------------------------------------------------------------------


@transaction.atomic
def registration_draft_save(*, graduate: Graduate, data: dict, actor) -> RegistrationDraft:
    """Keep what the graduate typed, as typed, until they submit."""
    draft, _ = RegistrationDraft.objects.update_or_create(
        graduate=graduate, defaults={"data": data, "updated_at": timezone.now()}
    )
    CaseEvent.objects.create(graduate=graduate, actor=actor, kind=CaseEvent.Kind.DRAFT_SAVED)
    return draft


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def registration_submit(*, graduate: Graduate, values: dict, actor) -> RegistrationVersion:
    """Write a new immutable version from validated values and make it current.

    The case goes to ``pending_audit``; the draft is discarded; the history gets a
    submission event plus one event per field that differs from the previous version.
    """
    previous = graduate.current_registration if graduate.current_registration_id else None
    number = (graduate.registrations.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    version = RegistrationVersion(
        graduate=graduate, number=number, submitted_at=now, submitted_by=actor, **values
    )
    version.full_clean(exclude=["graduate"])
    if previous is not None:
        RegistrationVersion.objects.filter(pk=previous.pk).update(is_current=False)
    version.is_current = True
    version.save(force_insert=True)

    old_status = graduate.status
    graduate.current_registration = version
    graduate.status = CaseStatus.PENDING_AUDIT
    graduate.updated_at = now
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    RegistrationDraft.objects.filter(graduate=graduate).delete()

    kind = CaseEvent.Kind.RESUBMITTED if previous is not None else CaseEvent.Kind.SUBMITTED
    events = [
        _status_event(
            graduate=graduate,
            kind=kind,
            actor=actor,
            at=now,
            before=old_status,
            after=CaseStatus.PENDING_AUDIT,
            note=f"v{version.number}",
        ),
        *_events_for_changes(
            graduate=graduate,
            before=previous,
            after=version,
            fields=RegistrationVersion.CONTENT_FIELDS,
            actor=actor,
            at=now,
        ),
    ]
    CaseEvent.objects.bulk_create(events)
    outbox.record(event_type=EventType.REGISTRATION_VERSION, graduate=graduate)
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
    return _decide(
        graduate=graduate,
        actor=actor,
        status=RegistrationStatus.APPROVED,
        case_status=CaseStatus.APPROVED,
        kind=CaseEvent.Kind.APPROVED,
        reason=note,
    )


@transaction.atomic(savepoint=False)  # joins the flow's transaction: no savepoint round trips
def registration_return(*, graduate: Graduate, actor, reason: str) -> RegistrationVersion:
    """Return the current version for correction; the reason is shown to the graduate."""
    if not reason.strip():
        raise ValueError("a return needs a reason")
    return _decide(
        graduate=graduate,
        actor=actor,
        status=RegistrationStatus.RETURNED,
        case_status=CaseStatus.RETURNED,
        kind=CaseEvent.Kind.RETURNED,
        reason=reason.strip(),
    )


@tracks_tally(lambda kw: [kw["graduate"]])
def _decide(
    *, graduate, actor, status, case_status, kind, reason, note="", notify=True
) -> RegistrationVersion:
    """Record the final outcome on the current version and the case, and tell the graduate
    (unless the outcome is synced from the provincial system, which told them already)."""
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
    CaseEvent.objects.create(
        graduate=graduate,
        at=now,
        actor=actor,
        kind=kind,
        field="status",
        before=old_status,
        after=case_status,
        note=note or reason,
    )
    outbox.record(event_type=EventType.REGISTRATION_VERSION, graduate=graduate)
    if graduate.user_id and notify:
        returned = status == RegistrationStatus.RETURNED
        notify_event(
            user_ids=[graduate.user_id],
            kind=EventKind.REGISTRATION_RETURNED if returned else EventKind.REGISTRATION_APPROVED,
            context={"reason": reason, "version": version.number},
            dedupe_key=f"registration:{version.pk}:{status}",
            url="/",
        )
    return version


def task_event_record(
    *, graduate_id: int, actor, kind: str, note: str = "", before=None, after=None
) -> CaseEvent:
    """Claims, releases and reassignments of the case's tasks, for the timeline."""
    return CaseEvent.objects.create(
        graduate_id=graduate_id, actor=actor, kind=kind, note=note, before=before, after=after
    )


def task_events_record_bulk(*, events: list[tuple[int, str, str]], actor=None, at=None) -> None:
    """Many task events at once, for the sweeps: (graduate id, kind, note) each."""
    at = at or timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(graduate_id=graduate_id, actor=actor, kind=kind, note=note, at=at)
            for graduate_id, kind, note in events
        ],
        batch_size=1000,
    )


def activation_codes_export(
    *, university, cohort: int, college_id: int | None, actor
) -> list[dict]:
    """Fresh activation codes for the cohort's graduates who have not activated yet.

    Earlier codes of those graduates stop working. Each graduate listed gets a
    ``CaseAccess`` row, since the list is a read of their records.
    """
    graduates = Graduate.objects.filter(
        university=university, cohort=cohort, user__isnull=False
    ).filter(Q(user__activation__isnull=True) | Q(user__activation__activated_at__isnull=True))
    if college_id:
        graduates = graduates.filter(college_id=college_id)
    graduates = list(
        graduates.select_related("college", "user").order_by("college__code", "student_no")
    )
    codes = role_services.activation_codes_issue(
        accounts=[(g.user_id, g.id_number) for g in graduates]
    )
    case_access_record(
        graduate_ids=[g.pk for g in graduates], user=actor, action="activation_codes_export"
    )
    return [
        {
            "student_no": g.student_no,
            "name": g.name,
            "college": g.college.name,
            "username": g.user.username,
            "code": codes[g.user_id],
        }
        for g in graduates
        if g.user_id in codes
    ]


# --- Leave time: cohort window, archive and hukou details, province-reported data -----


@transaction.atomic
def cohort_window_set(*, university, year: int, opens_on, closes_on, actor) -> Cohort:
    """Set a cohort's leave-time confirmation window; the change deadline defaults to 31 August."""
    cohort, _created = Cohort.objects.get_or_create(
        university=university,
        year=year,
        defaults={"changes_close_on": default_change_deadline(year)},
    )
    cohort.leave_opens_on, cohort.leave_closes_on = opens_on, closes_on
    if cohort.changes_close_on is None:
        cohort.changes_close_on = default_change_deadline(year)
    cohort.full_clean()
    cohort.save()
    return cohort


def confirmation_opened_record(*, graduate_ids: list[int], actor) -> None:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(graduate_id=g, at=now, actor=actor, kind=CaseEvent.Kind.CONFIRMATION_OPENED)
            for g in graduate_ids
        ],
        batch_size=2000,
    )


def synced_case_refuse(graduate: Graduate) -> None:
    """A case synced from a provincial system is changed there, never on the national node."""
    if graduate.is_synced:
        raise ChangeNotAllowed(
            _(
                "This registration was made in the provincial system: changes are made there, "
                "and arrive here once approved."
            )
        )


@transaction.atomic
def transfer_submit(
    *, graduate: Graduate, values: dict, actor, reported: bool = False, number: int | None = None
) -> TransferDetails:
    """A new version of the archive and hukou details, pending the university's audit.

    ``reported`` details were audited in the provincial system (the national node's copy
    of a synced case): they are recorded as approved and current, under the provincial
    version ``number``. Otherwise a synced case is refused (``ChangeNotAllowed``). On a
    provincial node the pending details are written to the sync outbox (a change pending).
    """
    if not reported:
        synced_case_refuse(graduate)
    previous = graduate.transfers.filter(is_current=True).first()
    if number is None:
        number = (graduate.transfers.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    details = TransferDetails(
        graduate=graduate, number=number, submitted_at=now, submitted_by=actor, **values
    )
    if not details.hukou_migrate:
        details.hukou_type, details.hukou_address = "", ""
    if reported:
        details.status, details.decided_at, details.is_current = (
            RegistrationStatus.APPROVED,
            now,
            True,
        )
    details.full_clean(exclude=["graduate"])
    if reported:
        graduate.transfers.filter(is_current=True).update(is_current=False)
    details.save(force_insert=True)
    events = [
        CaseEvent(
            graduate=graduate,
            at=now,
            actor=actor,
            kind=CaseEvent.Kind.SYNCED if reported else CaseEvent.Kind.TRANSFER_SUBMITTED,
            note=f"v{number}",
        ),
        *_events_for_changes(
            graduate=graduate,
            before=previous,
            after=details,
            fields=TransferDetails.CONTENT_FIELDS,
            actor=actor,
            at=now,
        ),
    ]
    CaseEvent.objects.bulk_create(events)
    outbox.record(event_type=EventType.CONFIRMATION_FIELDS, graduate=graduate)
    return details


@transaction.atomic
def transfer_decide(
    *, graduate: Graduate, actor, approve: bool, reason: str = ""
) -> TransferDetails:
    """Approve the pending archive and hukou details (they become current) or return them."""
    details = graduate.transfers.select_for_update().get(status=RegistrationStatus.PENDING)
    now = timezone.now()
    if approve:
        graduate.transfers.filter(is_current=True).update(is_current=False)
        details.is_current = True
    elif not reason.strip():
        raise ValueError("a return needs a reason")
    details.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.RETURNED
    details.decided_at, details.decided_by, details.decision_reason = now, actor, reason.strip()
    details.save(
        update_fields=["status", "is_current", "decided_at", "decided_by", "decision_reason"]
    )
    kind = CaseEvent.Kind.TRANSFER_APPROVED if approve else CaseEvent.Kind.TRANSFER_RETURNED
    CaseEvent.objects.create(graduate=graduate, at=now, actor=actor, kind=kind, note=reason.strip())
    outbox.record(
        event_type=EventType.TRANSFER_UPDATE if approve else EventType.CONFIRMATION_FIELDS,
        graduate=graduate,
    )
    if graduate.user_id and not approve:
        notify_event(
            user_ids=[graduate.user_id],
            kind=EventKind.TRANSFER_RETURNED,
            context={"reason": reason.strip()},
            dedupe_key=f"transfer-returned:{details.pk}",
            url="/",
        )
    return details


# The case status that goes with the audit outcome of its current registration version.
CASE_STATUS_OF = {
    RegistrationStatus.PENDING: CaseStatus.PENDING_AUDIT,
    RegistrationStatus.RETURNED: CaseStatus.RETURNED,
    RegistrationStatus.APPROVED: CaseStatus.APPROVED,
}


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
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
    previous = graduate.current_registration if graduate.current_registration_id else None
    if number is None:
        number = (graduate.registrations.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    decided = status != RegistrationStatus.PENDING
    version = RegistrationVersion(
        graduate=graduate,
        number=number,
        submitted_at=now,
        submitted_by=actor,
        source=source,
        status=status,
        decided_at=now if decided else None,
        decided_by=actor if decided else None,
        decision_reason=reason,
        **values,
    )
    version.full_clean(exclude=["graduate"])
    if previous is not None:
        RegistrationVersion.objects.filter(pk=previous.pk).update(is_current=False)
    version.is_current = True
    version.save(force_insert=True)
    old_status = graduate.status
    graduate.current_registration, graduate.status, graduate.updated_at = (
        version,
        CASE_STATUS_OF[status],
        now,
    )
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    CaseEvent.objects.bulk_create(
        [
            _status_event(
                graduate=graduate,
                kind=CaseEvent.Kind.SYNCED if source == "synced" else CaseEvent.Kind.IMPORTED,
                actor=actor,
                at=now,
                before=old_status,
                after=graduate.status,
                note=f"v{number}",
            ),
            *_events_for_changes(
                graduate=graduate,
                before=previous,
                after=version,
                fields=RegistrationVersion.CONTENT_FIELDS,
                actor=actor,
                at=now,
            ),
        ]
    )
    outbox.record(event_type=EventType.REGISTRATION_VERSION, graduate=graduate)
    return version


@transaction.atomic
def registration_outcome_synced(*, graduate: Graduate, status: str, reason: str) -> None:
    """The audit outcome of the current (synced) version, decided in the provincial system."""
    if status == RegistrationStatus.PENDING:
        return
    _decide(
        graduate=graduate,
        actor=None,
        status=status,
        case_status=CASE_STATUS_OF[status],
        kind=CaseEvent.Kind.APPROVED
        if status == RegistrationStatus.APPROVED
        else CaseEvent.Kind.RETURNED,
        reason=reason,
        note=reason or _("synced from the provincial system"),
        notify=False,
    )


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def registration_void_synced(*, graduate: Graduate) -> None:
    """The provincial system voided the registration: none is in effect any more."""
    if graduate.current_registration_id:
        RegistrationVersion.objects.filter(pk=graduate.current_registration_id).update(
            status=RegistrationStatus.VOIDED
        )
    now = timezone.now()
    _make_current(graduate, None, now)
    old_status = graduate.status
    graduate.status = CaseStatus.UNREGISTERED
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    if old_status != graduate.status:
        CaseEvent.objects.create(
            graduate=graduate,
            at=now,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            field="status",
            before=old_status,
            after=CaseStatus.UNREGISTERED,
            note=_("synced from the provincial system"),
        )


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
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
            _status_event(
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


# --- Changes after approval (until 31 August), late corrections -------------------------------


def changes_open(graduate: Graduate, *, now=None) -> bool:
    """Until the cohort's change deadline (31 August by default), in Beijing time."""
    deadline = change_deadline(graduate)
    return timezone.localtime(now or timezone.now()).date() <= deadline


def default_change_deadline(year: int) -> datetime.date:
    """31 August of the graduation year, unless ``REGISTRATION_DEADLINE`` says otherwise."""
    month, day = (int(part) for part in settings.REGISTRATION_DEADLINE.split("-"))
    return datetime.date(year, month, day)


def cohort_change_deadline(*, university_id: int, year: int) -> datetime.date:
    """A cohort's change deadline: its own date if the university set one, else the default."""
    cohort = Cohort.objects.filter(university_id=university_id, year=year).first()
    return (cohort.changes_close_on if cohort else None) or default_change_deadline(year)


def change_deadline(graduate: Graduate) -> datetime.date:
    return cohort_change_deadline(university_id=graduate.university_id, year=graduate.cohort)


class ChangeNotAllowed(Exception):
    """A change cannot be requested now; the message says why, for the graduate."""


def _new_version(
    *, graduate, values: dict, actor, now, status=RegistrationStatus.PENDING
) -> RegistrationVersion:
    number = (graduate.registrations.aggregate(n=Max("number"))["n"] or 0) + 1
    version = RegistrationVersion(
        graduate=graduate,
        number=number,
        submitted_at=now,
        submitted_by=actor,
        status=status,
        **values,
    )
    version.full_clean(exclude=["graduate"])
    version.save(force_insert=True)
    return version


@transaction.atomic
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
        _new_version(graduate=graduate, values=values, actor=actor, now=now)
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
        events += _events_for_changes(
            graduate=graduate,
            before=graduate.current_registration,
            after=proposed,
            fields=RegistrationVersion.CONTENT_FIELDS,
            actor=actor,
            at=now,
        )
    CaseEvent.objects.bulk_create(events)
    outbox.record(event_type=EventType.CONFIRMATION_FIELDS, graduate=graduate)
    return request


def _make_current(graduate: Graduate, version: RegistrationVersion | None, now) -> None:
    graduate.registrations.filter(is_current=True).update(is_current=False)
    if version is not None:
        RegistrationVersion.objects.filter(pk=version.pk).update(is_current=True)
        version.is_current = True
    graduate.current_registration = version
    graduate.updated_at = now


@transaction.atomic
@tracks_tally(lambda kw: [kw["request"].graduate_id])
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
        _make_current(graduate, request.proposed, now)
        graduate.save(update_fields=["current_registration", "updated_at"])
    elif approve:  # void: the registration no longer stands; the graduate registers again
        if request.replaces_id:
            RegistrationVersion.objects.filter(pk=request.replaces_id).update(
                status=RegistrationStatus.VOIDED
            )
        old_status = graduate.status
        _make_current(graduate, None, now)
        graduate.status = CaseStatus.UNREGISTERED
        graduate.save(update_fields=["current_registration", "status", "updated_at"])
        CaseEvent.objects.create(
            graduate=graduate,
            at=now,
            actor=actor,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            field="status",
            before=old_status,
            after=CaseStatus.UNREGISTERED,
        )
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
    outbox.record(
        event_type=EventType.CHANGE_APPROVED if approve else EventType.CONFIRMATION_FIELDS,
        graduate=graduate,
    )
    if graduate.user_id:
        notify_event(
            user_ids=[graduate.user_id],
            kind=EventKind.CHANGE_APPROVED if approve else EventKind.CHANGE_REJECTED,
            context={"reason": reason.strip()},
            dedupe_key=f"change-decided:{request.pk}",
            url=f"/cases/{graduate.pk}/",
        )
    return request


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def late_correction_record(
    *, graduate: Graduate, values: dict, reason: str, actor
) -> ChangeRequest:
    """After the deadline, the university supervisor records a correction directly, with a
    mandatory reason. It is flagged as late in the history and counted in reports."""
    synced_case_refuse(graduate)
    if not reason.strip():
        raise ValueError("a late correction needs a reason")
    return _correction_record(
        graduate=graduate,
        values=values,
        reason=reason,
        actor=actor,
        late=True,
        kind=CaseEvent.Kind.LATE_CORRECTION,
    )


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def check_correction_record(
    *, graduate: Graduate, values: dict, reason: str, actor
) -> ChangeRequest:
    """The university corrects a registration a spot check found inconsistent: a new approved
    version in effect at once, with the reason. After the change deadline it is also a late
    correction (flagged and counted as one)."""
    if not reason.strip():
        raise ValueError("a correction needs a reason")
    return _correction_record(
        graduate=graduate,
        values=values,
        reason=reason,
        actor=actor,
        late=not changes_open(graduate),
        kind=CaseEvent.Kind.CHECK_CORRECTED,
    )


def _correction_record(*, graduate, values, reason, actor, late: bool, kind) -> ChangeRequest:
    """A change recorded by the university itself: the new version approved and current, a
    decided change request to show for it, and the case events."""
    now = timezone.now()
    version = _new_version(
        graduate=graduate, values=values, actor=actor, now=now, status=RegistrationStatus.APPROVED
    )
    RegistrationVersion.objects.filter(pk=version.pk).update(
        decided_at=now, decided_by=actor, decision_reason=reason.strip()
    )
    previous = graduate.current_registration
    request = ChangeRequest.objects.create(
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
    old_status = graduate.status
    _make_current(graduate, version, now)
    graduate.status = CaseStatus.APPROVED
    graduate.save(update_fields=["current_registration", "status", "updated_at"])
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                graduate=graduate,
                at=now,
                actor=actor,
                kind=kind,
                field="status",
                before=old_status,
                after=CaseStatus.APPROVED,
                note=reason.strip(),
            ),
            *_events_for_changes(
                graduate=graduate,
                before=previous,
                after=version,
                fields=RegistrationVersion.CONTENT_FIELDS,
                actor=actor,
                at=now,
            ),
        ]
    )
    outbox.record(event_type=EventType.CHANGE_APPROVED, graduate=graduate)
    return request


# --- Targeted enrolment (定向) ------------------------------------------------------------------


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def targeted_check_record(*, graduate: Graduate, version: RegistrationVersion, actor) -> bool:
    """Check a submitted version against the agreement; returns True if it matches.
    A mismatch is in the history and puts the case in the targeted reviewer's queue."""
    from .targeted import matches_agreement

    if not graduate.is_targeted:
        return True
    matched = matches_agreement(graduate, version)
    status = TargetedCompliance.MATCHING if matched else TargetedCompliance.MISMATCH
    if graduate.targeted_compliance != status:
        graduate.targeted_compliance = status
        graduate.save(update_fields=["targeted_compliance"])
    if not matched:
        CaseEvent.objects.create(
            graduate=graduate,
            actor=actor,
            kind=CaseEvent.Kind.TARGETED_MISMATCH,
            note=f"v{version.number}",
        )
    return matched


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def targeted_exception_approve(
    *, graduate: Graduate, version: RegistrationVersion, reason: str, evidence: list, actor
) -> TargetedException:
    """Allow a destination the agreement does not name, with a reason and evidence (a
    release agreement or similar). Recorded on the case and counted in reports."""
    if not reason.strip():
        raise ValueError("an exception needs a reason")
    if not evidence:
        raise ValueError("an exception needs evidence")
    exception = TargetedException.objects.create(
        graduate=graduate, registration=version, reason=reason.strip(), decided_by=actor
    )
    Evidence.objects.filter(pk__in=[e.pk for e in evidence]).update(targeted_exception=exception)
    graduate.targeted_compliance = TargetedCompliance.EXCEPTION
    graduate.save(update_fields=["targeted_compliance"])
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.TARGETED_EXCEPTION,
        note=reason.strip(),
        after=f"v{version.number}",
    )
    return exception


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def targeted_exception_refuse(
    *, graduate: Graduate, version: RegistrationVersion, reason: str, actor
) -> None:
    """Refuse an exception for a destination the agreement does not name, where the
    university recorded it itself: the case stays on record as not complying."""
    if not reason.strip():
        raise ValueError("a refusal needs a reason")
    graduate.targeted_compliance = TargetedCompliance.MISMATCH
    graduate.save(update_fields=["targeted_compliance"])
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.TARGETED_REFUSED,
        note=reason.strip(),
        after=f"v{version.number}",
    )


@transaction.atomic
def evidence_store(
    *, graduate: Graduate, uploads: list, actor, change_request: ChangeRequest | None = None
) -> list[Evidence]:
    """Store checked uploads (see ``cases.evidence.inspect_upload``) for the case."""
    from .evidence import inspect_upload

    stored = []
    for upload in uploads:
        facts = inspect_upload(upload)
        evidence = Evidence(
            graduate=graduate,
            change_request=change_request,
            original_name=upload.name[:200],
            uploaded_by=actor,
            **facts,
        )
        evidence.file.save("upload", upload, save=False)
        evidence.save()
        stored.append(evidence)
        CaseEvent.objects.create(
            graduate=graduate,
            actor=actor,
            kind=CaseEvent.Kind.EVIDENCE_UPLOADED,
            note=evidence.original_name,
        )
    return stored


@transaction.atomic
@tracks_tally(lambda kw: [kw["graduate"]])
def targeted_recompute(*, graduate: Graduate) -> None:
    """After a rejected change, the compliance is that of the version still in effect."""
    from .targeted import matches_agreement

    if not graduate.is_targeted:
        return
    current = graduate.current_registration
    if current is None:
        status = TargetedCompliance.UNREGISTERED
    elif TargetedException.objects.filter(graduate=graduate, registration=current).exists():
        status = TargetedCompliance.EXCEPTION
    else:
        status = (
            TargetedCompliance.MATCHING
            if matches_agreement(graduate, current)
            else TargetedCompliance.MISMATCH
        )
    Graduate.objects.filter(pk=graduate.pk).update(targeted_compliance=status)
    graduate.targeted_compliance = status
