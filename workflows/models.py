"""The engine's side of the domain: process proxies, the task-scope table and SLAs.

Viewflow's own queue filters tasks through guardian rows in Python and cannot be
served by an index. Every inbox, queue and overdue list here reads ``TaskScope``
instead: one row per human task, kept in step with viewflow's ``Task`` in the
same transaction by ``workflows.scope``.
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
from spotchecks.models import Campaign


class CaseProcess(Process):
    """A process about one case: the graduate is the process artifact."""

    class Meta:
        proxy = True

    @property
    def graduate_id(self) -> int:
        return self.artifact_object_id


class TaskKind(models.TextChoices):
    REGISTER = "register", _("Register destination")
    CORRECT = "correct", _("Correct registration")
    COLLEGE_AUDIT = "college_audit", _("College audit")
    UNIVERSITY_AUDIT = "university_audit", _("University audit")
    CONFIRM_LEAVE = "confirm_leave", _("Confirm at leave time")
    AUDIT_TRANSFER = "audit_transfer", _("Archive and hukou audit")
    TARGETED_CHECK = "targeted_check", _("Targeted-enrolment check")
    CHANGE_COLLEGE_AUDIT = "change_college_audit", _("Change request: college audit")
    CHANGE_UNIVERSITY_AUDIT = "change_university_audit", _("Change request: university audit")
    SPOT_CHECK = "spot_check", _("Spot check (核查)")
    CORRECT_DISCREPANCY = "correct_discrepancy", _("Resolve a spot-check discrepancy")
    REVIEW_FILING = "review_filing", _("Review a university's filing (备案)")
    RESUBMIT_FILING = "resubmit_filing", _("Resubmit the returned filing")
    ACCEPT_REPORT = "accept_report", _("Accept a provincial report")
    REVISE_REPORT = "revise_report", _("Revise the returned provincial report")


# Who may claim a task of each kind (graduate tasks are assigned on creation).
KIND_CANDIDATE_ROLE = {
    TaskKind.REGISTER: Role.GRADUATE,
    TaskKind.CORRECT: Role.GRADUATE,
    TaskKind.COLLEGE_AUDIT: Role.COLLEGE_REVIEWER,
    TaskKind.UNIVERSITY_AUDIT: Role.UNIVERSITY_REVIEWER,
    TaskKind.CONFIRM_LEAVE: Role.GRADUATE,
    TaskKind.AUDIT_TRANSFER: Role.UNIVERSITY_REVIEWER,
    TaskKind.TARGETED_CHECK: Role.TARGETED_REVIEWER,
    TaskKind.CHANGE_COLLEGE_AUDIT: Role.COLLEGE_REVIEWER,
    TaskKind.CHANGE_UNIVERSITY_AUDIT: Role.UNIVERSITY_REVIEWER,
    TaskKind.SPOT_CHECK: Role.INSPECTOR,
    TaskKind.CORRECT_DISCREPANCY: Role.UNIVERSITY_REVIEWER,
    TaskKind.REVIEW_FILING: Role.PROVINCIAL_MONITOR,
    TaskKind.RESUBMIT_FILING: Role.UNIVERSITY_SUPERVISOR,
    TaskKind.ACCEPT_REPORT: Role.NATIONAL_ADMIN,
    TaskKind.REVISE_REPORT: Role.PROVINCIAL_MONITOR,
}
# Tasks about an organisation (a filing, a provincial report) rather than a case: their rows
# live in ``reporting.OrgTaskScope``, not in ``TaskScope`` (see docs/architecture.md).
ORG_KINDS = (
    TaskKind.REVIEW_FILING,
    TaskKind.RESUBMIT_FILING,
    TaskKind.ACCEPT_REPORT,
    TaskKind.REVISE_REPORT,
)


class ScopeStatus(models.TextChoices):
    OPEN = "open", _("unclaimed")
    ASSIGNED = "assigned", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


ACTIVE_STATUSES = (ScopeStatus.OPEN, ScopeStatus.ASSIGNED)

# The SLAs a new installation starts with; editable in the admin afterwards.
DEFAULT_SLA_HOURS = {
    "register": 14 * 24,
    "correct": 7 * 24,
    "college_audit": 3 * 24,
    "university_audit": 3 * 24,
    "confirm_leave": 14 * 24,
    "audit_transfer": 3 * 24,
    "targeted_check": 3 * 24,
    "change_college_audit": 3 * 24,
    "change_university_audit": 3 * 24,
    "correct_discrepancy": 14 * 24,
    "review_filing": 7 * 24,
    "resubmit_filing": 7 * 24,
    "accept_report": 7 * 24,
    "revise_report": 7 * 24,
}


def is_overdue(status: str, due_at) -> bool:
    """An active task past its due time."""
    return status in ACTIVE_STATUSES and due_at < timezone.now()


class TaskSLA(models.Model):
    """How long a task of one kind may stay open before it is overdue."""

    kind = models.CharField(_("task kind"), max_length=32, choices=TaskKind.choices, unique=True)
    hours = models.PositiveIntegerField(_("hours allowed"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("task SLA")
        verbose_name_plural = _("task SLAs")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.hours} h"

    @property
    def delta(self) -> timedelta:
        return timedelta(hours=self.hours)


class TaskScope(models.Model):
    """One row per human task, with the indexed columns every inbox filters on."""

    task = models.OneToOneField(
        Task, primary_key=True, on_delete=models.CASCADE, related_name="scope"
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(_("task kind"), max_length=32, choices=TaskKind.choices)
    graduate = models.ForeignKey(Graduate, on_delete=models.CASCADE, related_name="task_scopes")
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    university = models.ForeignKey(
        University, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="+", db_index=False)
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
    # Denormalised filter columns, refreshed when the case changes.
    major_name = models.CharField(max_length=100, blank=True)
    category_code = models.CharField(max_length=8, blank=True)
    # The spot-check campaign a task belongs to: its inspectors' queue, and the link from a
    # discrepancy's correction back to the campaign.
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
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
                fields=["campaign", "due_at"],
                condition=Q(status="open", candidate_role="inspector"),
                name="scope_queue_campaign_due",
            ),
            models.Index(
                fields=["campaign", "created_at"],
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

    def __str__(self):
        return f"{self.get_kind_display()} #{self.task_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.due_at)

    @property
    def days_overdue(self) -> int:
        return max((timezone.now() - self.due_at).days, 0) if self.is_overdue else 0


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
