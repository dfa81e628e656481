"""The case history's entries that are not field changes (claims, reminders, openings), and the
log of third-party reads of a graduate's record."""

from django.utils import timezone

from ..display import display_value
from ..models import (
    CaseAccess,
    CaseEvent,
)


def field_change_events(*, graduate, before, after, fields, actor, at) -> list[CaseEvent]:
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


def status_event(*, graduate, kind, actor, at, before, after, note="") -> CaseEvent:
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


def confirmation_opened_record(*, graduate_ids: list[int], actor) -> None:
    now = timezone.now()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(graduate_id=g, at=now, actor=actor, kind=CaseEvent.Kind.CONFIRMATION_OPENED)
            for g in graduate_ids
        ],
        batch_size=2000,
    )
