"""What leave-time confirmation tells a graduate."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

CONFIRMATION_OPENED = NotificationKind(
    "confirmation_opened",
    _("confirmation of my destination opens"),
    _("Please confirm your destination"),
    _("Confirmation of your destination is open until %(deadline)s. Please confirm it in time."),
    sms=True,
)
