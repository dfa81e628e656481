"""What spot checks tell inspectors and universities."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

SPOT_CHECKS_ASSIGNED = NotificationKind(
    "spot_checks_assigned",
    _("cases are waiting for my spot check"),
    _("Cases to spot-check"),
    _("The campaign “%(campaign)s” has %(count)s case(s) for you to check by %(deadline)s."),
)

SPOT_CHECK_DISCREPANCY = NotificationKind(
    "spot_check_discrepancy",
    _("a spot check found a discrepancy"),
    _("A spot check found a discrepancy"),
    _(
        "The campaign “%(campaign)s” found the registration of %(graduate)s inconsistent; "
        "please correct it or explain why it stands."
    ),
)
