"""Sending notifications. Services call ``notify`` inside their transaction."""

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, user_id: int, message: str, url: str = "") -> Notification:
    """Put a message in the user's notification centre."""
    return Notification.objects.create(user_id=user_id, message=message[:500], url=url)


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
