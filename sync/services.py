"""The provincial node's side of sync: relaying the outbox, retrying, reconciling.

``outbox_relay`` sends the pending events oldest first, in batches, one relay at a time
(a lease row), and marks each event delivered only when the national node acknowledges
it (applied, duplicate or stale); an event it refuses as invalid is kept, with the
reason, for an operator to look at and retry. ``reconcile`` compares counts and checksums
per university cohort with the national node and re-sends the cases that differ.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Graduate
from roles.models import University

from . import client, outbox
from .models import (
    EventResult,
    EventType,
    OutboxEvent,
    OutboxStatus,
    ReconciliationRun,
    RelayLease,
)
from .state import group_digests, groups_summary

logger = logging.getLogger(__name__)

DELIVERED_RESULTS = (EventResult.APPLIED, EventResult.DUPLICATE, EventResult.STALE)
# Differences listed per university cohort in a reconciliation report.
REPORT_LIMIT = 100


class RelayFailed(Exception):
    """The national node did not acknowledge a batch; it stays pending and is retried."""


def wire(event: OutboxEvent) -> dict:
    """An outbox event as the sync endpoint takes it."""
    return {
        "id": str(event.event_id),
        "type": event.event_type,
        "case": event.case_key,
        "version": event.version,
        "payload": event.payload,
    }


def _lease_take(holder: str) -> bool:
    now = timezone.now()
    RelayLease.objects.get_or_create(pk=1)
    return bool(
        RelayLease.objects.filter(pk=1)
        .filter(Q(until__isnull=True) | Q(until__lt=now))
        .update(holder=holder, until=now + timedelta(seconds=settings.SYNC_TIMEOUT * 3))
    )


def _lease_extend(holder: str) -> None:
    RelayLease.objects.filter(pk=1, holder=holder).update(
        until=timezone.now() + timedelta(seconds=settings.SYNC_TIMEOUT * 3)
    )


def _lease_release(holder: str, *, success: bool) -> None:
    values = {"holder": "", "until": None}
    if success:
        values["last_success_at"] = timezone.now()
    RelayLease.objects.filter(pk=1, holder=holder).update(**values)


def outbox_relay(*, max_batches: int = 50) -> int:
    """Send pending events to the national node; returns the number delivered.

    Raises ``RelayFailed`` when a batch was not acknowledged (the node is down, answers
    an error, or refuses the client): its events stay pending with the error recorded.
    Does nothing on a node that is not a configured provincial node, or while another
    relay holds the lease.
    """
    if not client.configured():
        return 0
    delivered = 0
    while True:
        holder = uuid.uuid4().hex
        if not _lease_take(holder):
            return delivered
        success = False
        try:
            for _round in range(max_batches):
                batch = list(
                    OutboxEvent.objects.filter(status=OutboxStatus.PENDING).order_by("id")[
                        : settings.SYNC_BATCH_SIZE
                    ]
                )
                if not batch:
                    break
                _lease_extend(holder)
                try:
                    results = client.send_events([wire(e) for e in batch])
                except client.NationalUnavailable as exc:
                    _record_failure(batch, str(exc))
                    raise RelayFailed(str(exc)) from exc
                delivered += _record_results(batch, results)
                unanswered = sum(e.status == OutboxStatus.PENDING for e in batch)
                if unanswered:  # sent again at once, they would be left out again
                    raise RelayFailed(
                        f"the national node did not acknowledge {unanswered} event(s)"
                    )
            success = True
        finally:
            _lease_release(holder, success=success)
        # Events committed while the lease was being given back are sent now, not later.
        if not OutboxEvent.objects.filter(status=OutboxStatus.PENDING).exists():
            return delivered


def _record_failure(batch: list[OutboxEvent], error: str) -> None:
    now = timezone.now()
    for event in batch:
        event.attempts += 1
        event.last_attempt_at, event.last_error = now, error[:2000]
    OutboxEvent.objects.bulk_update(batch, ["attempts", "last_attempt_at", "last_error"])
    logger.warning("sync relay: %d event(s) not delivered: %s", len(batch), error)


@transaction.atomic
def _record_results(batch: list[OutboxEvent], results: list) -> int:
    by_id = {str(r.get("id")): r for r in results if isinstance(r, dict)}
    now = timezone.now()
    delivered = 0
    for event in batch:
        event.attempts += 1
        event.last_attempt_at = now
        answer = by_id.get(str(event.event_id))
        result = answer.get("result") if answer else None
        if result in DELIVERED_RESULTS:
            event.status, event.delivered_at, event.result = OutboxStatus.DELIVERED, now, result
            event.reason, event.last_error = answer.get("reason") or "", ""
            delivered += 1
        elif result == EventResult.INVALID:
            event.status, event.result = OutboxStatus.REJECTED, result
            event.reason = event.last_error = (answer.get("reason") or "")[:2000]
        else:
            event.last_error = "the national node did not acknowledge this event"
    OutboxEvent.objects.bulk_update(
        batch,
        [
            "attempts",
            "last_attempt_at",
            "status",
            "delivered_at",
            "result",
            "reason",
            "last_error",
        ],
    )
    return delivered


@transaction.atomic
def outbox_retry(*, event_ids: list[int] | None = None) -> int:
    """An operator's retry: events the national node refused are sent again (after a fix
    there, such as a missing code), and the relay is queued. Returns the events reset."""
    rejected = OutboxEvent.objects.filter(status=OutboxStatus.REJECTED)
    if event_ids is not None:
        rejected = rejected.filter(pk__in=event_ids)
    count = rejected.update(status=OutboxStatus.PENDING, result="", reason="")
    outbox._relay_on_commit()
    return count


# --- Reconciliation -------------------------------------------------------------------------------


def _own_universities():
    return University.objects.filter(province__code=settings.NODE_PROVINCE)


def reconcile() -> ReconciliationRun:
    """Compare every university cohort of the province with the national node.

    Where the checksum differs, the cases' digests are compared one by one: cases missing
    there or different are written to the outbox again (a ``resync`` event with their
    current state), unless an event of theirs is still on its way; cases the national node
    holds and this one does not are reported. The run and its differences are kept.
    """
    run = ReconciliationRun.objects.create()
    if not client.configured():
        run.outcome, run.error = (
            ReconciliationRun.Outcome.FAILED,
            "not a configured provincial node",
        )
        run.finished_at = timezone.now()
        run.save()
        return run
    try:
        universities = {u.code: u for u in _own_universities()}
        local = {
            (g["university"], g["cohort"]): g
            for g in groups_summary(university_ids=[u.pk for u in universities.values()])
        }
        national = {(g["university"], g["cohort"]): g for g in client.reconciliation_groups()}
        for key in sorted(set(local) | set(national)):
            run.groups_checked += 1
            mine, theirs = local.get(key), national.get(key)
            if mine and theirs and mine["checksum"] == theirs["checksum"]:
                continue
            difference = _compare_group(key, universities.get(key[0]), mine, theirs)
            run.resent += difference.pop("resent")
            run.differences.append(difference)
        run.outcome = (
            ReconciliationRun.Outcome.DIFFERENCES
            if run.differences
            else ReconciliationRun.Outcome.EQUAL
        )
    except client.NationalUnavailable as exc:
        run.outcome, run.error = ReconciliationRun.Outcome.FAILED, str(exc)
    run.finished_at = timezone.now()
    run.save()
    return run


def _compare_group(key, university, mine, theirs) -> dict:
    code, cohort = key
    ours = group_digests(university_id=university.pk, cohort=cohort) if university else {}
    their = client.reconciliation_cases(code, cohort) if theirs else {}
    missing = sorted(set(ours) - set(their))
    extra = sorted(set(their) - set(ours))
    different = sorted(n for n in set(ours) & set(their) if ours[n] != their[n])
    in_flight = set(
        OutboxEvent.objects.filter(
            status=OutboxStatus.PENDING, university_code=code, cohort=cohort
        ).values_list("student_no", flat=True)
    )
    to_resend = [n for n in [*missing, *different] if n not in in_flight]
    if to_resend and university is not None:
        graduate_ids = list(
            Graduate.objects.filter(
                university=university, cohort=cohort, student_no__in=to_resend
            ).values_list("pk", flat=True)
        )
        outbox.record_many(event_type=EventType.RESYNC, graduate_ids=graduate_ids)
    return {
        "university": code,
        "cohort": cohort,
        "count_here": mine["count"] if mine else 0,
        "count_national": theirs["count"] if theirs else 0,
        "missing": missing[:REPORT_LIMIT],
        "different": different[:REPORT_LIMIT],
        "extra": extra[:REPORT_LIMIT],
        "in_flight": len(in_flight),
        "resent": len(to_resend),
    }
