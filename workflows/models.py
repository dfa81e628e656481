"""The engine's side of the domain: process proxies, the task rows and SLAs.

Viewflow's own queue filters tasks through guardian rows in Python and cannot be
served by an index. Every inbox, queue and overdue list here reads the task rows
instead: one row per human task, with the indexed columns its inboxes filter on, kept in
step with viewflow's ``Task`` in the same transaction by ``workflows.task_rows``. A task
about a case has a ``TaskScope`` row; a task about an organisation's filing or report an
``OrgTaskScope`` row. Both share ``TaskRow``'s columns.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from cases.models import Graduate
from roles.models import College, Province, Role, University

from .registry import registry


class CaseProcess(Process):
    """A process about one case: the graduate is the process artifact."""

    class Meta:
        proxy = True

    @property
    def graduate_id(self) -> int:
        return self.artifact_object_id


class OrgProcess(Process):
    """A process about an organisation's filing or report: that is the process artifact."""

    class Meta:
        proxy = True


class ScopeStatus(models.TextChoices):
    OPEN = "open", _("unclaimed")
    ASSIGNED = "assigned", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (ScopeStatus.OPEN, ScopeStatus.ASSIGNED)


def is_overdue(status: str, due_at) -> bool:
    """An active task past its due time."""
    return status in ACTIVE_STATUSES and due_at < timezone.now()


def kind_label(kind: str) -> str:
    return registry.label(kind)


class TaskSLA(models.Model):
    """How long a task of one kind may stay open before it is overdue: the kind's default
    (declared with it, ``workflows.registry.TaskKind``) unless set here. Every registered
    kind has its row after ``migrate``, so that the admin lists them all."""

    kind = models.CharField(_("task kind"), max_length=32, unique=True)
    hours = models.PositiveIntegerField(_("hours allowed"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("task SLA")
        verbose_name_plural = _("task SLAs")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.hours} h"

    def get_kind_display(self) -> str:
        return kind_label(self.kind)

    @property
    def delta(self) -> timedelta:
        return timedelta(hours=self.hours)


class TaskRow(models.Model):
    """The columns every task row has: one row per human task, what its inboxes filter on."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("task kind"), max_length=32)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cohort = models.PositiveSmallIntegerField()
    candidate_role = models.CharField(max_length=32, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=12, choices=ScopeStatus.choices, default=ScopeStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_kind_display()} #{self.task_id}"

    def get_kind_display(self) -> str:
        return kind_label(self.kind)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.due_at)


class TaskScope(TaskRow):
    """The row of a task about a case, with the case's organisation and filter columns."""

    task = models.OneToOneField(
        Task, primary_key=True, on_delete=models.CASCADE, related_name="scope"
    )
    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="task_scopes")
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Denormalised filter columns, refreshed when the case changes.
    major_name = models.CharField(max_length=100, blank=True)
    category_code = models.CharField(max_length=8, blank=True)
    # The group whose members claim the task where that is not an organisation: the
    # spot-check campaign of an inspector's check (``registry.ClaimRule``), also the link
    # from a discrepancy's correction back to the campaign.
    campaign_id = models.BigIntegerField(null=True, blank=True)
    # Supervision marks, written by the sweeps and the supervisor's actions (workflows.sweeps).
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The nearest "due in N days" reminder sent so far (N of REMINDER_DAYS).
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # The last reminder a supervisor sent about this task.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task scope")
        verbose_name_plural = _("task scopes")
        indexes = [
            # Queues: claimable tasks of one organisation, by due date or by creation.
            models.Index(
                fields=["university", "candidate_role", "due_at"],
                condition=Q(status="open"),
                name="scope_queue_university_due",
            ),
            models.Index(
                fields=["university", "candidate_role", "created_at"],
                condition=Q(status="open"),
                name="scope_queue_university_new",
            ),
            models.Index(
                fields=["college", "candidate_role", "due_at"],
                condition=Q(status="open"),
                name="scope_queue_college_due",
            ),
            models.Index(
                fields=["college", "candidate_role", "created_at"],
                condition=Q(status="open"),
                name="scope_queue_college_new",
            ),
            # The inspectors' queue: a campaign's unclaimed checks.
            models.Index(
                fields=["campaign_id", "due_at"],
                condition=Q(status="open", candidate_role="inspector"),
                name="scope_queue_campaign_due",
            ),
            models.Index(
                fields=["campaign_id", "created_at"],
                condition=Q(status="open", candidate_role="inspector"),
                name="scope_queue_campaign_new",
            ),
            # My tasks.
            models.Index(
                fields=["assignee", "due_at"], condition=Q(status="assigned"), name="scope_mine_due"
            ),
            # Supervision: everything active of a university or a province, by due date.
            models.Index(
                fields=["university", "due_at"],
                condition=Q(status__in=["open", "assigned"]),
                name="scope_active_university",
            ),
            models.Index(
                fields=["province", "due_at"],
                condition=Q(status__in=["open", "assigned"]),
                name="scope_active_province",
            ),
            # Sweeps: active tasks not yet marked overdue (overdue detection, due reminders),
            # and marked ones not yet escalated.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["open", "assigned"], overdue_notified_at__isnull=True),
                name="scope_sweep_due",
            ),
            models.Index(
                fields=["overdue_notified_at"],
                condition=Q(
                    status__in=["open", "assigned"],
                    overdue_notified_at__isnull=False,
                    escalated_at__isnull=True,
                ),
                name="scope_sweep_escalation",
            ),
        ]

    @property
    def days_overdue(self) -> int:
        return max((timezone.now() - self.due_at).days, 0) if self.is_overdue else 0


class OrgTaskScope(TaskRow):
    """The row of a task about an organisation: a filing (its university) or a provincial
    report (its province). ``subject_id`` is the process artifact's id: the filing's or the
    report's, as the task's kind tells."""

    task = models.OneToOneField(
        Task, primary_key=True, on_delete=models.CASCADE, related_name="org_scope"
    )
    university = models.ForeignKey(
        University,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    subject_id = models.BigIntegerField()

    class Meta:
        db_table = "reporting_orgtaskscope"
        verbose_name = _("filing or report task")
        verbose_name_plural = _("filing and report tasks")
        indexes = [
            # Each candidate level's queue, by due date: a university's supervisors (a
            # returned filing), a province's monitors, the Ministry.
            models.Index(
                fields=["university", "candidate_role", "due_at"],
                condition=Q(status__in=["open", "assigned"]),
                name="orgscope_university",
            ),
            models.Index(
                fields=["province", "candidate_role", "due_at"],
                condition=Q(status__in=["open", "assigned"]),
                name="orgscope_province",
            ),
            models.Index(
                fields=["candidate_role", "due_at"],
                condition=Q(status__in=["open", "assigned"], candidate_role="national_admin"),
                name="orgscope_national",
            ),
            models.Index(
                fields=["assignee", "due_at"],
                condition=Q(status="assigned"),
                name="orgscope_mine",
            ),
            models.Index(fields=["subject_id", "created_at"], name="orgscope_subject"),
        ]


class DeadlineNotice(models.Model):
    """A deadline message to a university's cohort, sent once by the registration-deadline
    sweep: a reminder some days before the cohort's change deadline, or its close."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder before the deadline")
        CLOSED = "closed", _("registration closed")

    university = models.ForeignKey(
        University, on_delete=models.CASCADE, related_name="+", verbose_name=_("university")
    )
    cohort = models.PositiveSmallIntegerField(_("cohort"))
    kind = models.CharField(_("notice"), max_length=10, choices=Kind.choices)
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"), default=0)
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("graduates told"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        constraints = [
            models.UniqueConstraint(
                fields=["university", "cohort", "kind", "days_before"], name="deadline_notice_once"
            ),
        ]

    def __str__(self):
        return f"{self.cohort} {self.get_kind_display()} {self.days_before}"
