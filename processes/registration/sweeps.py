"""Registration's sweep: the change deadline. Before each university's change deadline for
this year's cohort its graduates whose registration is unfinished are reminded; after it,
they are told that registration has closed. Run by beat (``tasks``) or ``run_sweeps``;
idempotent, like every sweep: a notice is recorded once (``workflows.DeadlineNotice``)."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import services as case_services
from notifications.services import Event, notify_events
from workflows.models import ACTIVE_STATUSES, DeadlineNotice, TaskScope

from .flow import GRADUATE_KINDS
from .notifications import CHANGES_CLOSED, DEADLINE_APPROACHING


def registration_deadline_sweep(*, now=None, batch_size=None) -> list[DeadlineNotice]:
    """Before each university's change deadline for this year's cohort (31 August unless
    the university set another), remind its graduates whose registration is unfinished
    (``REMINDER_DAYS`` days before, the nearest reminder due); after it, tell them that
    registration has closed. Each notice is sent once per university and recorded as a
    ``DeadlineNotice``; returns the notices sent by this run."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cohort = today.year
    university_ids = (
        TaskScope.objects.filter(cohort=cohort, kind__in=GRADUATE_KINDS, status__in=ACTIVE_STATUSES)
        .values_list("university_id", flat=True)
        .distinct()
    )
    sent = []
    for university_id in sorted(university_ids):
        deadline = case_services.cohort_change_deadline(university_id=university_id, year=cohort)
        due = _notice_due(cohort, deadline, today)
        notice = due and _deadline_notice(
            university_id, cohort, deadline, *due, now=now, batch_size=batch_size
        )
        if notice is not None:
            sent.append(notice)
    return sent


def _notice_due(cohort, deadline, today) -> tuple | None:
    """The notice due today, as (kind, days before, event kind, context), or None."""
    context = {"cohort": cohort, "deadline": deadline.isoformat()}
    if today > deadline:
        return DeadlineNotice.Kind.CLOSED, 0, CHANGES_CLOSED, context
    days_left = (deadline - today).days
    for days in sorted(settings.REMINDER_DAYS):
        if days_left <= days:
            # The nearest reminder due: once it is sent, the earlier ones are never sent.
            return (
                DeadlineNotice.Kind.REMINDER,
                days,
                DEADLINE_APPROACHING,
                {**context, "days": days_left},
            )
    return None


def _deadline_notice(
    university_id, cohort, deadline, kind, days_before, event_kind, context, *, now, batch_size
) -> DeadlineNotice | None:
    if DeadlineNotice.objects.filter(
        university_id=university_id, cohort=cohort, kind=kind, days_before=days_before
    ).exists():
        return None
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    key = f"registration-{kind}:{university_id}:{cohort}:{days_before}"
    unfinished = TaskScope.objects.filter(
        university_id=university_id,
        cohort=cohort,
        kind__in=GRADUATE_KINDS,
        status__in=ACTIVE_STATUSES,
        assignee__isnull=False,
    ).order_by("task_id")
    told, last = 0, 0
    while True:
        # Batches by task id; the notifications' dedupe key makes a re-run after a crash safe.
        with transaction.atomic():
            batch = unfinished.filter(task_id__gt=last)
            rows = list(batch.values_list("task_id", "assignee_id")[:batch_size])
            if rows:
                notify_events(
                    [
                        Event(
                            user_ids=tuple(user_id for _task, user_id in rows),
                            kind=event_kind,
                            dedupe_key=key,
                            context=context,
                            url="/",
                        )
                    ]
                )
        told += len(rows)
        if len(rows) < batch_size:
            break
        last = rows[-1][0]
    try:
        with transaction.atomic():
            return DeadlineNotice.objects.create(
                university_id=university_id,
                cohort=cohort,
                kind=kind,
                days_before=days_before,
                deadline=deadline,
                sent_at=now,
                recipients=told,
            )
    except IntegrityError:  # a concurrent run recorded it first
        return None
