"""What registration tells a graduate about the change deadline."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

DEADLINE_APPROACHING = NotificationKind(
    "deadline_approaching",
    _("the registration deadline approaches"),
    _("Destination registration closes soon"),
    _(
        "Destination registration for the %(cohort)s cohort closes on %(deadline)s, "
        "in %(days)s day(s), and yours is not finished yet."
    ),
    sms=True,
)

CHANGES_CLOSED = NotificationKind(
    "changes_closed",
    _("registration closes with mine unfinished"),
    _("Destination registration has closed"),
    _(
        "Destination registration for the %(cohort)s cohort closed on %(deadline)s and "
        "yours is not finished. Please contact your university's employment office."
    ),
    sms=True,
)
