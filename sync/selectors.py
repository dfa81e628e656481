"""Reads for the sync status page."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from .models import OutboxEvent, OutboxStatus, ReconciliationRun, RelayLease


@dataclass
class SyncStatus:
    pending: int
    delivered: int
    rejected: int
    oldest_pending: OutboxEvent | None
    last_delivered: OutboxEvent | None
    last_success_at: object

    @property
    def lag(self):
        """How long the oldest undelivered event has been waiting."""
        if self.oldest_pending is None:
            return None
        return timezone.now() - self.oldest_pending.created_at


def sync_status() -> SyncStatus:
    counts = {
        row["status"]: row["n"]
        for row in OutboxEvent.objects.values("status").annotate(n=Count("pk"))
    }
    lease = RelayLease.objects.filter(pk=1).first()
    return SyncStatus(
        pending=counts.get(OutboxStatus.PENDING, 0),
        delivered=counts.get(OutboxStatus.DELIVERED, 0),
        rejected=counts.get(OutboxStatus.REJECTED, 0),
        oldest_pending=OutboxEvent.objects.filter(status=OutboxStatus.PENDING)
        .order_by("id")
        .first(),
        last_delivered=OutboxEvent.objects.filter(status=OutboxStatus.DELIVERED)
        .order_by("-delivered_at", "-id")
        .first(),
        last_success_at=lease.last_success_at if lease else None,
    )


def failures(limit: int = 50):
    """Events refused by the national node, and pending ones whose last attempt failed."""
    return OutboxEvent.objects.filter(
        Q(status=OutboxStatus.REJECTED) | (Q(status=OutboxStatus.PENDING) & ~Q(last_error=""))
    ).order_by("id")[:limit]


def reconciliation_runs(limit: int = 10):
    return ReconciliationRun.objects.all()[:limit]
