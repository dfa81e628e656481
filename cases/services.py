"""Writes on cases. Every change of state or of a field writes ``CaseEvent`` rows.

Services take keyword-only arguments and run in a transaction. They do not
know about workflow tasks: ``workflows.services`` calls them from inside the
flow's lock.
"""

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from notifications.kinds import EventKind
from notifications.services import notify_event
from roles import permissions
from roles import services as role_services
from roles.models import Membership, Role

from .display import display_value
from .models import (
    CaseAccess,
    CaseEvent,
    CaseStatus,
    Graduate,
    RegistrationDraft,
    RegistrationStatus,
    RegistrationVersion,
)


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
    *, university, cohort: int, rows: list[dict], users: list, actor
) -> list[Graduate]:
    """Create graduates from validated roster rows, each tied to its (new) user.

    Also writes their graduate membership, the guardian grant on their own case and a
    ``created`` event. ``rows`` hold model field values (``college`` an instance).
    """
    now = timezone.now()
    graduates = [
        Graduate(
            university=university,
            province_id=university.province_id,
            cohort=cohort,
            user=user,
            created_at=now,
            updated_at=now,
            **row,
        )
        for row, user in zip(rows, users, strict=True)
    ]
    Graduate.objects.bulk_create(graduates, batch_size=1000)
    role_services.memberships_create_bulk(
        memberships=[
            Membership(
                user=user,
                role=Role.GRADUATE,
                university=university,
                province_id=university.province_id,
                created_at=now,
            )
            for user in users
        ]
    )
    permissions.grant_many(
        model=Graduate, codename="view_graduate", pairs=[(g.user_id, g.pk) for g in graduates]
    )
    CaseEvent.objects.bulk_create(
        [
            _status_event(
                graduate=g,
                kind=CaseEvent.Kind.CREATED,
                actor=actor,
                at=now,
                before=None,
                after=CaseStatus.UNREGISTERED,
            )
            for g in graduates
        ],
        batch_size=1000,
    )
    return graduates


@transaction.atomic
def graduate_update(*, graduate: Graduate, values: dict, actor) -> list[str]:
    """Apply roster values to an existing graduate; returns the names of changed fields."""
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
    return version


@transaction.atomic
def registration_pass_level(*, graduate: Graduate, actor, level_name: str) -> None:
    """A first-level (college) approval: the version stays pending for the next level."""
    CaseEvent.objects.create(
        graduate=graduate,
        actor=actor,
        kind=CaseEvent.Kind.PASSED_LEVEL,
        note=level_name,
        after=f"v{graduate.current_registration.number}",
    )


@transaction.atomic
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


@transaction.atomic
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


def _decide(*, graduate, actor, status, case_status, kind, reason) -> RegistrationVersion:
    """Record the final outcome on the current version and the case, and tell the graduate."""
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
        note=reason,
    )
    if graduate.user_id:
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
