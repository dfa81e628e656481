"""What the case services tell a graduate: the outcome of an audit of their registration, their
change request or their archive and hukou details."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

REGISTRATION_RETURNED = NotificationKind(
    "registration_returned",
    _("my registration is returned"),
    _("Your destination registration was returned"),
    _("Your destination registration was returned for correction: %(reason)s"),
    sms=True,
)

REGISTRATION_APPROVED = NotificationKind(
    "registration_approved",
    _("my registration is approved"),
    _("Your destination registration was approved"),
    _("Your destination registration (version %(version)s) was approved."),
)

REGISTRATION_REJECTED = NotificationKind(
    "registration_rejected",
    _("my registration is rejected"),
    _("Your destination registration was not accepted"),
    _("Your destination registration was not accepted: %(reason)s"),
    sms=True,
)

TRANSFER_RETURNED = NotificationKind(
    "transfer_returned",
    _("my archive and hukou details are returned"),
    _("Your archive and hukou details were returned"),
    _("Your archive and hukou details were returned: %(reason)s"),
    sms=True,
)

CHANGE_APPROVED = NotificationKind(
    "change_approved",
    _("my change request is approved"),
    _("Your change request was approved"),
    _("Your change request was approved; the new registration is in effect."),
)

CHANGE_REJECTED = NotificationKind(
    "change_rejected",
    _("my change request is rejected"),
    _("Your change request was rejected"),
    _("Your change request was rejected: %(reason)s"),
    sms=True,
)
