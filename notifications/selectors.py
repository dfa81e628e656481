"""Reads for the notification centre."""

from django.db.models import Prefetch, QuerySet

from .kinds import EXTERNAL_CHANNELS, EventKind
from .models import DeliveryAttempt, Notification, NotificationSettings


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for_user(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first, with their delivery attempts."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.prefetch_related(
        Prefetch("attempts", queryset=DeliveryAttempt.objects.order_by("started_at", "id"))
    )


def notification_for_user(user, pk) -> Notification | None:
    try:
        return Notification.objects.filter(user=user, pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def settings_for_user(user) -> NotificationSettings:
    """The user's saved settings, or unsaved defaults."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def choice_keys() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, label, [(channel, "channel:kind")…]) for every kind, in display order."""
    return [
        (kind, label, [(channel, f"{channel}:{kind}") for channel in EXTERNAL_CHANNELS])
        for kind, label in EventKind.choices
    ]
