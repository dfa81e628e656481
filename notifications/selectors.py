"""Reads for the notification centre."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

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


def roster_mobile(user) -> str:
    """A graduate's mobile number from the roster, used when they give none for SMS (read
    through the account, as the delivery does: the centre knows no case model)."""
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("graduate__mobile", flat=True)
        .first()
        or ""
    )
