"""The transactional outbox of a provincial node.

``record_change`` listens to the one "case changed" hook (``cases.hook``, registered by
``SyncConfig.ready``): every write of a case that a provincial node must send to the
national node records the case's next event, inside the write's own transaction, so the
event exists exactly when the change committed. On any other node, and for cases of
another province, it does nothing. The relay is queued once per transaction, on commit.
"""

from celery import signature
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.hook import CaseChanged
from cases.models import Graduate
from roles.models import Province

from .models import CaseCounter, EventType, OutboxEvent
from .state import states_for

RELAY_TASK = "sync.tasks.relay_outbox"


def sending_node() -> bool:
    return settings.NODE_ROLE == "provincial"


def _own_province_id() -> int | None:
    return Province.objects.filter(code=settings.NODE_PROVINCE).values_list("pk", flat=True).first()


def record_change(event: CaseChanged) -> None:
    """The hook's listener: a write that changed what a province sends records an event."""
    if event.change is not None:
        record_many(event_type=event.change, graduate_ids=event.graduate_ids)


def record_many(*, event_type: str, graduate_ids) -> list[OutboxEvent]:
    """Write the next event of each case (its whole synced state) to the outbox, a few
    statements for any number of cases. Nothing, not even a savepoint, on a node that
    sends no events.

    The cases' counter rows are locked first, so that concurrent changes of one case get
    their versions in commit order and each event's state includes the changes committed
    before it. Returns the events (none for cases of another province).
    """
    if not sending_node() or not graduate_ids:
        return []
    if event_type not in EventType.values:
        raise ValueError(f"unknown sync event type {event_type!r}")
    return _record_many(event_type=event_type, graduate_ids=graduate_ids)


@transaction.atomic
def _record_many(*, event_type: str, graduate_ids) -> list[OutboxEvent]:
    province_id = _own_province_id()
    keys = {
        pk: (code, student_no, cohort)
        for pk, code, student_no, cohort in Graduate.objects.filter(
            pk__in=sorted(set(graduate_ids)), province_id=province_id
        ).values_list("pk", "university__code", "student_no", "cohort")
    }
    if not keys:
        return []
    ids = sorted(keys)
    CaseCounter.objects.bulk_create(
        [CaseCounter(graduate_id=pk) for pk in ids], ignore_conflicts=True
    )
    versions = dict(
        CaseCounter.objects.select_for_update()
        .filter(graduate_id__in=ids)
        .order_by("graduate_id")
        .values_list("graduate_id", "version")
    )
    CaseCounter.objects.filter(graduate_id__in=ids).update(version=F("version") + 1)
    states = states_for(ids)
    now = timezone.now()
    events = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(
                event_type=event_type,
                graduate_id=pk,
                university_code=keys[pk][0],
                student_no=keys[pk][1],
                cohort=keys[pk][2],
                version=versions[pk] + 1,
                payload=states[pk],
                created_at=now,
            )
            for pk in ids
        ],
        batch_size=1000,
    )
    _relay_on_commit()
    return events


def _relay_on_commit() -> None:
    """Queue the relay when the transaction commits, once however many events it wrote."""
    if any(callback is _queue_relay for _sids, callback, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_queue_relay, robust=True)


def _queue_relay() -> None:
    # By name: the relay task (``tasks.relay_outbox``) sends through the services, which
    # record to this outbox.
    signature(RELAY_TASK).delay()
