"""Notifications: the centre's messages, each user's choices, and the log of every delivery.

A ``Notification`` row is written in the transaction of the event it tells about, so a
message exists exactly when its event committed; it is at once the in-app message and
the outbox entry for the e-mail and SMS that a Celery task sends after the commit.
``(user, dedupe_key)`` is unique: telling a user twice about the same event is a no-op.
Every attempt to send it out is a ``DeliveryAttempt`` row; at most one per channel can
say "sent", which the database enforces.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import HALF_WIDTH_HELP, NormalisedCharField
from core.validators import validate_mobile

from .kinds import Channel, kind_label, render


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32)
    context = models.JSONField(_("context"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200)
    # The external channels chosen when the event happened (user preferences and contacts).
    channels = models.JSONField(_("channels"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # When every external channel reached a final result (sent, skipped, or given up).
    settled_at = models.DateTimeField(_("delivery settled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(settled_at__isnull=True),
                name="notification_unsettled",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_dedupe"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text

    def get_kind_display(self) -> str:
        return kind_label(self.kind)

    @property
    def subject(self) -> str:
        return render(self.kind, self.context)[0]

    @property
    def text(self) -> str:
        return render(self.kind, self.context)[1]

    def delivery_summary(self) -> list[tuple[str, str]]:
        """(channel, result) per external channel: sent if any attempt was, else the last
        attempt's result, else queued. Reads the prefetched attempts."""
        attempts = list(self.attempts.all())
        summary = []
        for channel in self.channels:
            mine = [a for a in attempts if a.channel == channel]
            if any(a.result == DeliveryResult.SENT for a in mine):
                result = DeliveryResult.SENT.label
            elif mine:
                result = mine[-1].get_result_display()
            else:
                result = _("queued")
            summary.append((Channel(channel).label, result))
        return summary


class NotificationSettings(models.Model):
    """One user's contact details for notifications and their choice per kind and channel.

    ``choices`` maps ``"channel:kind"`` to on/off; a pair not in it follows the kind's
    default. The centre keeps every message whatever the choices are.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    email = models.EmailField(_("e-mail address for notifications"), blank=True)
    mobile = NormalisedCharField(
        _("mobile number for SMS"),
        max_length=11,
        blank=True,
        validators=[validate_mobile],
        help_text=HALF_WIDTH_HELP,
    )
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"notification settings of {self.user_id}"


class DeliveryResult(models.TextChoices):
    STARTED = "started", _("started, no result recorded")
    SENT = "sent", _("sent")
    DUPLICATE = "duplicate", _("already sent; not sent again")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted (worker lost)")


class DeliveryAttempt(models.Model):
    """One attempt to send a notification on one external channel, and its result.

    The row is committed as ``started`` before the send, so an attempt whose worker died
    stays visible; the send and the ``sent`` mark commit together under the notification's
    row lock.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attempts"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    result = models.CharField(_("result"), max_length=12, choices=DeliveryResult.choices)
    address = models.CharField(_("address (masked)"), max_length=100, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["notification", "channel"], name="delivery_notification_channel")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(result="sent"),
                name="delivery_sent_once",
            ),
        ]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.channel} {self.result} #{self.notification_id}"
