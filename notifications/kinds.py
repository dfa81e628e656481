"""The events a user can be told about: what each one says, and on which channels by default.

A notification is stored as its kind plus a small JSON context and rendered when it
is shown or sent, in the language active then. Every placeholder of a kind's text
must be in the context: ``notify_event`` refuses a context that lacks one.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("notification centre")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


# Channels that leave the system, through a Celery task; the centre is the database row.
EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


class EventKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("a task is assigned to me")
    REGISTRATION_RETURNED = "registration_returned", _("my registration is returned")
    REGISTRATION_APPROVED = "registration_approved", _("my registration is approved")
    REGISTRATION_REJECTED = "registration_rejected", _("my registration is rejected")
    CONFIRMATION_OPENED = "confirmation_opened", _("confirmation of my destination opens")
    DEADLINE_APPROACHING = "deadline_approaching", _("the registration deadline approaches")
    CHANGES_CLOSED = "changes_closed", _("registration closes with mine unfinished")
    TASK_DUE_SOON = "task_due_soon", _("a task of mine is due soon")
    TASK_OVERDUE = "task_overdue", _("a task of mine is overdue")
    QUEUE_OVERDUE = "queue_overdue", _("unclaimed tasks in my queue are overdue")
    TASK_ESCALATED = "task_escalated", _("overdue tasks are escalated to me")
    TASK_REMINDER = "task_reminder", _("a supervisor reminds me of tasks")
    RECORD_VERIFIED = "record_verified", _("my record is verified")
    FILING_RETURNED = "filing_returned", _("a filing is returned")
    TRANSFER_RETURNED = "transfer_returned", _("my archive and hukou details are returned")
    CHANGE_APPROVED = "change_approved", _("my change request is approved")
    CHANGE_REJECTED = "change_rejected", _("my change request is rejected")
    SPOT_CHECKS_ASSIGNED = "spot_checks_assigned", _("cases are waiting for my spot check")
    SPOT_CHECK_DISCREPANCY = "spot_check_discrepancy", _("a spot check found a discrepancy")
    FILING_SUBMITTED = "filing_submitted", _("a filing waits for my review")
    FILING_FILED = "filing_filed", _("a filing is filed")
    REPORT_SUBMITTED = "report_submitted", _("a provincial report waits for acceptance")
    REPORT_RETURNED = "report_returned", _("a provincial report is returned")
    REPORT_ACCEPTED = "report_accepted", _("a provincial report is accepted")
    MESSAGE = "message", _("other messages")


@dataclass(frozen=True)
class KindText:
    subject: Promise
    body: Promise
    sms: bool = False  # sent by SMS unless the user turns it off

    @cached_property
    def placeholders(self) -> frozenset[str]:
        """The names its texts interpolate, read once from the source texts (a translation
        has the same ones: compilemessages checks the format of each)."""
        with translation.override(None):
            return frozenset(re.findall(r"%\((\w+)\)", str(self.subject) + str(self.body)))


TEXTS: dict[str, KindText] = {
    EventKind.TASK_ASSIGNED: KindText(
        _("A task was assigned to you"),
        _("“%(task)s” for %(graduate)s was assigned to you; it is due on %(due)s."),
    ),
    EventKind.REGISTRATION_RETURNED: KindText(
        _("Your destination registration was returned"),
        _("Your destination registration was returned for correction: %(reason)s"),
        sms=True,
    ),
    EventKind.REGISTRATION_APPROVED: KindText(
        _("Your destination registration was approved"),
        _("Your destination registration (version %(version)s) was approved."),
    ),
    EventKind.REGISTRATION_REJECTED: KindText(
        _("Your destination registration was not accepted"),
        _("Your destination registration was not accepted: %(reason)s"),
        sms=True,
    ),
    EventKind.CONFIRMATION_OPENED: KindText(
        _("Please confirm your destination"),
        _(
            "Confirmation of your destination is open until %(deadline)s. Please confirm it in time."
        ),
        sms=True,
    ),
    EventKind.DEADLINE_APPROACHING: KindText(
        _("Destination registration closes soon"),
        _(
            "Destination registration for the %(cohort)s cohort closes on %(deadline)s, "
            "in %(days)s day(s), and yours is not finished yet."
        ),
        sms=True,
    ),
    EventKind.CHANGES_CLOSED: KindText(
        _("Destination registration has closed"),
        _(
            "Destination registration for the %(cohort)s cohort closed on %(deadline)s and "
            "yours is not finished. Please contact your university's employment office."
        ),
        sms=True,
    ),
    EventKind.TASK_DUE_SOON: KindText(
        _("A task is due soon"),
        _("“%(task)s” for %(graduate)s is due on %(due)s, in %(days)s day(s)."),
    ),
    EventKind.TASK_OVERDUE: KindText(
        _("A task is overdue"),
        _("“%(task)s” for %(graduate)s was due on %(due)s and is overdue."),
    ),
    EventKind.QUEUE_OVERDUE: KindText(
        _("Unclaimed tasks are overdue"),
        _("%(count)s unclaimed task(s) in your queue are overdue; the oldest was due on %(due)s."),
    ),
    EventKind.TASK_ESCALATED: KindText(
        _("Overdue tasks escalated to you"),
        _(
            "%(count)s task(s) at %(university)s are still overdue %(hours)s hours after their "
            "handlers were told, and are escalated to you; the oldest was due on %(due)s."
        ),
    ),
    EventKind.TASK_REMINDER: KindText(
        _("A reminder from your supervisor"),
        _("%(actor)s reminds you of %(count)s task(s) to handle; the earliest is due on %(due)s."),
    ),
    EventKind.RECORD_VERIFIED: KindText(
        _("Your record was verified"),
        _("%(verifier)s verified your record: %(result)s"),
    ),
    EventKind.FILING_RETURNED: KindText(
        _("A filing was returned"),
        _("The filing “%(filing)s” was returned: %(reason)s"),
    ),
    EventKind.TRANSFER_RETURNED: KindText(
        _("Your archive and hukou details were returned"),
        _("Your archive and hukou details were returned: %(reason)s"),
        sms=True,
    ),
    EventKind.CHANGE_APPROVED: KindText(
        _("Your change request was approved"),
        _("Your change request was approved; the new registration is in effect."),
    ),
    EventKind.CHANGE_REJECTED: KindText(
        _("Your change request was rejected"),
        _("Your change request was rejected: %(reason)s"),
        sms=True,
    ),
    EventKind.SPOT_CHECKS_ASSIGNED: KindText(
        _("Cases to spot-check"),
        _("The campaign “%(campaign)s” has %(count)s case(s) for you to check by %(deadline)s."),
    ),
    EventKind.SPOT_CHECK_DISCREPANCY: KindText(
        _("A spot check found a discrepancy"),
        _(
            "The campaign “%(campaign)s” found the registration of %(graduate)s inconsistent; "
            "please correct it or explain why it stands."
        ),
    ),
    EventKind.FILING_SUBMITTED: KindText(
        _("A filing waits for your review"),
        _("%(university)s submitted the filing “%(filing)s” for your review."),
    ),
    EventKind.FILING_FILED: KindText(
        _("A filing was filed"),
        _("The filing “%(filing)s” was filed (备案) by the province."),
    ),
    EventKind.REPORT_SUBMITTED: KindText(
        _("A provincial report waits for acceptance"),
        _("%(province)s submitted the report “%(report)s”."),
    ),
    EventKind.REPORT_RETURNED: KindText(
        _("A provincial report was returned"),
        _("The report “%(report)s” was returned: %(reason)s"),
    ),
    EventKind.REPORT_ACCEPTED: KindText(
        _("A provincial report was accepted"),
        _("The report “%(report)s” was accepted by the Ministry."),
    ),
    EventKind.MESSAGE: KindText(_("Message"), _("%(message)s")),
}


def missing_placeholders(kind: str, context: dict) -> set[str]:
    return set(TEXTS[kind].placeholders) - set(context)


def render(kind: str, context: dict) -> tuple[str, str]:
    """The subject and text of a notification, in the active language."""
    text = TEXTS.get(kind, TEXTS[EventKind.MESSAGE])
    values = {name: context.get(name, "…") for name in text.placeholders}
    return str(text.subject) % values, str(text.body) % values


def default_channels(kind: str) -> dict[str, bool]:
    return {Channel.EMAIL: True, Channel.SMS: TEXTS[kind].sms}
