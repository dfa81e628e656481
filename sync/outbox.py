"""The transactional outbox of a provincial node.

``record`` is called by the case services (``cases.services``) after each change a
provincial node must send to the national node, inside the change's own transaction: the
event exists exactly when the change committed. On any other node, and for cases of
another province, it does nothing. The relay is queued once per transaction, on commit.
"""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import Graduate
from roles.models import Province

from .models import CaseCounter, EventType, OutboxEvent
from .state import states_for


def sending_node() -> bool:
    return settings.NODE_ROLE == "provincial"


def _own_province_id() -> int | None:
    return Province.objects.filter(code=settings.NODE_PROVINCE).values_list("pk", flat=True).first()


def record(*, event_type: str, graduate: Graduate) -> OutboxEvent | None:
    """Write the case's next event (its whole synced state) to the outbox.

    The case's counter row is locked first, so that concurrent changes of one case get
    their versions in commit order and each event's state includes the changes committed
    before it. Returns the event, or None where nothing is sent.
    """
    return (record_many(event_type=event_type, graduates=[graduate]) or [None])[0]


def record_many(*, event_type: str, graduates: list[Graduate]) -> list[OutboxEvent]:
    """``record`` for many cases at once (a roster import): a few statements per call.
    Nothing, not even a savepoint, on a node that sends no events."""
    if not sending_node() or not graduates:
        return []
    if event_type not in EventType.values:
        raise ValueError(f"unknown sync event type {event_type!r}")
    return _record_many(event_type=event_type, graduates=graduates)


@transaction.atomic
def _record_many(*, event_type: str, graduates: list[Graduate]) -> list[OutboxEvent]:
    province_id = _own_province_id()
    graduates = [g for g in graduates if g.province_id == province_id]
    if not graduates:
        return []
    ids = [g.pk for g in graduates]
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
    states = states_for(graduates)
    codes = dict(Graduate.objects.filter(pk__in=ids).values_list("pk", "university__code"))
    now = timezone.now()
    events = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(
                event_type=event_type,
                graduate_id=g.pk,
                university_code=codes[g.pk],
                student_no=g.student_no,
                cohort=g.cohort,
                version=versions[g.pk] + 1,
                payload=states[g.pk],
                created_at=now,
            )
            for g in graduates
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
    from .tasks import relay_outbox

    relay_outbox.delay()
