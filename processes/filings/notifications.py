"""What filings and provincial reports tell universities, provinces and the Ministry."""

from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind

FILING_SUBMITTED = NotificationKind(
    "filing_submitted",
    _("a filing waits for my review"),
    _("A filing waits for your review"),
    _("%(university)s submitted the filing “%(filing)s” for your review."),
)

FILING_FILED = NotificationKind(
    "filing_filed",
    _("a filing is filed"),
    _("A filing was filed"),
    _("The filing “%(filing)s” was filed (备案) by the province."),
)

FILING_RETURNED = NotificationKind(
    "filing_returned",
    _("a filing is returned"),
    _("A filing was returned"),
    _("The filing “%(filing)s” was returned: %(reason)s"),
)

REPORT_SUBMITTED = NotificationKind(
    "report_submitted",
    _("a provincial report waits for acceptance"),
    _("A provincial report waits for acceptance"),
    _("%(province)s submitted the report “%(report)s”."),
)

REPORT_RETURNED = NotificationKind(
    "report_returned",
    _("a provincial report is returned"),
    _("A provincial report was returned"),
    _("The report “%(report)s” was returned: %(reason)s"),
)

REPORT_ACCEPTED = NotificationKind(
    "report_accepted",
    _("a provincial report is accepted"),
    _("A provincial report was accepted"),
    _("The report “%(report)s” was accepted by the Ministry."),
)
