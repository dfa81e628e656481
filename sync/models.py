"""Provincial ↔ national sync: the provincial outbox and the national node's received events.

A provincial node writes an ``OutboxEvent`` in the same transaction as every change of a
case it must send (``sync.outbox.record``); a Celery relay sends them to the national node
in order and marks them delivered only when it acknowledges them. Each event carries the
case key (学校代码 + 学号 + cohort), a version that increases per case (``CaseCounter``)
and the case's synced state as of that version.

The national node keeps, per case key, the last version applied (``SyncedCase``) and every
event id it applied or found stale (``ReceivedEvent``): a repeated event is acknowledged and
not applied twice, an older one is acknowledged as stale.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.hook import Change
from cases.models import Graduate
from roles.models import Province

# The changes of a case the writes name (``cases.hook.Change``), and the reconciliation's
# re-sends.
EventType = models.TextChoices(
    "EventType",
    [
        *((change.name, (change.value, change.label)) for change in Change),
        ("RESYNC", ("resync", _("re-sent by reconciliation"))),
    ],
)


class EventResult(models.TextChoices):
    APPLIED = "applied", _("applied")
    DUPLICATE = "duplicate", _("duplicate")
    STALE = "stale", _("stale")
    INVALID = "invalid", _("invalid")


# --- Provincial side -----------------------------------------------------------------------


class CaseCounter(models.Model):
    """The last event version given to a case; its row lock orders a case's events."""

    graduate = models.OneToOneField(
        Graduate, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.graduate_id}: v{self.version}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DELIVERED = "delivered", _("delivered")
    REJECTED = "rejected", _("refused by the national node")


class OutboxEvent(models.Model):
    """One change of a case to send to the national node, written with the change itself."""

    event_id = models.UUIDField(_("event id"), unique=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    graduate = models.ForeignKey(
        Graduate, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    university_code = models.CharField(_("university code"), max_length=5)
    student_no = models.CharField(_("student number"), max_length=32)
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    version = models.PositiveBigIntegerField(_("version"))
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=EventResult.choices, blank=True, default=""
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            # The relay's batch and the status page's lag: the pending rows, oldest first.
            models.Index(fields=["id"], condition=Q(status="pending"), name="outbox_pending"),
            models.Index(fields=["id"], condition=Q(status="rejected"), name="outbox_rejected"),
            models.Index(fields=["university_code", "cohort", "student_no"]),
        ]

    def __str__(self):
        return f"{self.event_type} {self.university_code}/{self.student_no}/{self.cohort} v{self.version}"

    @property
    def case_key(self) -> dict:
        return {
            "university": self.university_code,
            "student_no": self.student_no,
            "cohort": self.cohort,
        }


class RelayLease(models.Model):
    """One row: the relay that holds it sends, so batches go out one after the other."""

    holder = models.CharField(max_length=40, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"relay lease {self.holder or '-'}"


class ReconciliationRun(models.Model):
    """One comparison of counts and checksums with the national node, and what it found."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        EQUAL = "equal", _("no differences")
        DIFFERENCES = "differences", _("differences found")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.RUNNING
    )
    groups_checked = models.PositiveIntegerField(_("university cohorts checked"), default=0)
    differences = models.JSONField(_("differences"), default=list, blank=True)
    resent = models.PositiveIntegerField(_("cases re-sent"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


# --- National side -------------------------------------------------------------------------


class SyncedCase(models.Model):
    """A case key a provincial node sends, and the last version applied to it."""

    university_code = models.CharField(max_length=5)
    student_no = models.CharField(max_length=32)
    cohort = models.PositiveSmallIntegerField()
    source_province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+")
    graduate = models.OneToOneField(
        Graduate, null=True, blank=True, on_delete=models.SET_NULL, related_name="synced"
    )
    version = models.PositiveBigIntegerField(default=0)
    event_id = models.UUIDField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("synced case")
        verbose_name_plural = _("synced cases")
        constraints = [
            models.UniqueConstraint(
                fields=["university_code", "cohort", "student_no"], name="synced_case_key"
            )
        ]

    def __str__(self):
        return f"{self.university_code}/{self.student_no}/{self.cohort} v{self.version}"


class ReceivedEvent(models.Model):
    """An event the national node applied or found stale: its id is never applied again."""

    event_id = models.UUIDField(primary_key=True)
    case = models.ForeignKey(SyncedCase, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    version = models.PositiveBigIntegerField()
    result = models.CharField(max_length=10, choices=EventResult.choices)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("received event")
        verbose_name_plural = _("received events")
        indexes = [models.Index(fields=["case", "version"])]

    def __str__(self):
        return f"{self.event_id} {self.result}"
