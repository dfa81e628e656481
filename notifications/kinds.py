"""The events a user can be told about: what each one says, and on which channels by default.

A notification is stored as its kind plus a small JSON context and rendered when it
is shown or sent, in the language active then. Every placeholder of a kind's text
must be in the context: ``notify_event`` refuses a context that lacks one.

Each kind is declared where it is sent (a ``notifications`` module of ``cases``,
``verification`` or a process): declaring one registers it. The kinds here are the
engine's, about tasks, and the plain message.
"""

import re
from functools import cached_property

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("notification centre")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


# Channels that leave the system, through a Celery task; the centre is the database row.
EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.SMS)

# Every kind declared, by name, in the order declared.
KINDS: dict[str, "NotificationKind"] = {}


class NotificationKind(str):
    """A kind of notification, named as it is stored: what a user chooses it by (``label``),
    its subject and text, and whether it goes by SMS unless the user turns that off."""

    def __new__(cls, name: str, label, subject, body, *, sms: bool = False):
        kind = super().__new__(cls, name)
        kind.label, kind.subject, kind.body, kind.sms = label, subject, body, sms
        if KINDS.setdefault(name, kind) is not kind:
            raise ValueError(f"notification kind {name!r} declared twice")
        return kind

    def __reduce__(self):
        return (str, (str(self),))

    @cached_property
    def placeholders(self) -> frozenset[str]:
        """The names its texts interpolate, read once from the source texts (a translation
        has the same ones: compilemessages checks the format of each)."""
        with translation.override(None):
            return frozenset(re.findall(r"%\((\w+)\)", str(self.subject) + str(self.body)))


TASK_ASSIGNED = NotificationKind(
    "task_assigned",
    _("a task is assigned to me"),
    _("A task was assigned to you"),
    _("“%(task)s” for %(graduate)s was assigned to you; it is due on %(due)s."),
)

TASK_DUE_SOON = NotificationKind(
    "task_due_soon",
    _("a task of mine is due soon"),
    _("A task is due soon"),
    _("“%(task)s” for %(graduate)s is due on %(due)s, in %(days)s day(s)."),
)

TASK_OVERDUE = NotificationKind(
    "task_overdue",
    _("a task of mine is overdue"),
    _("A task is overdue"),
    _("“%(task)s” for %(graduate)s was due on %(due)s and is overdue."),
)

QUEUE_OVERDUE = NotificationKind(
    "queue_overdue",
    _("unclaimed tasks in my queue are overdue"),
    _("Unclaimed tasks are overdue"),
    _("%(count)s unclaimed task(s) in your queue are overdue; the oldest was due on %(due)s."),
)

TASK_ESCALATED = NotificationKind(
    "task_escalated",
    _("overdue tasks are escalated to me"),
    _("Overdue tasks escalated to you"),
    _(
        "%(count)s task(s) at %(university)s are still overdue %(hours)s hours after their "
        "handlers were told, and are escalated to you; the oldest was due on %(due)s."
    ),
)

TASK_REMINDER = NotificationKind(
    "task_reminder",
    _("a supervisor reminds me of tasks"),
    _("A reminder from your supervisor"),
    _("%(actor)s reminds you of %(count)s task(s) to handle; the earliest is due on %(due)s."),
)

MESSAGE = NotificationKind(
    "message",
    _("other messages"),
    _("Message"),
    _("%(message)s"),
)


def kind_choices() -> list[tuple[str, str]]:
    """(name, label) of every kind, the plain message last."""
    return [(name, kind.label) for name, kind in KINDS.items() if kind != MESSAGE] + [
        (MESSAGE, MESSAGE.label)
    ]


def kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return str(kind.label) if kind is not None else name


def missing_placeholders(kind: str, context: dict) -> set[str]:
    return set(KINDS[kind].placeholders) - set(context)


def render(kind: str, context: dict) -> tuple[str, str]:
    """The subject and text of a notification, in the active language."""
    text = KINDS.get(kind, MESSAGE)
    values = {name: context.get(name, "…") for name in text.placeholders}
    return str(text.subject) % values, str(text.body) % values


def default_channels(kind: str) -> dict[str, bool]:
    return {Channel.EMAIL: True, Channel.SMS: KINDS[kind].sms}
