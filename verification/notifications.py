"""What verification tells a graduate: that a department verified their record."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

RECORD_VERIFIED = NotificationKind(
    "record_verified",
    _("my record is verified"),
    _("Your record was verified"),
    _("%(verifier)s verified your record: %(result)s"),
)
