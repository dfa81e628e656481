"""Inbox reads. Every list is one indexed query over the task rows plus its count: the tasks
about cases (``TaskScope``) and those about organisations (``OrgTaskScope``)."""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone

from core.http import int_or_404
from roles.models import Role
from roles.org_scope import Scope, scope_for_user

from .models import ACTIVE_STATUSES, OrgTaskScope, ScopeStatus, TaskScope, is_overdue, kind_label
from .registry import registry

# Claimable roles and the column their queue filters on: an organisation, or for inspectors
# (who have no organisational read scope) the campaigns they inspect, whose ids the spot-check
# process's claim rule gives (``registry.ClaimRule``).
CLAIM_LEVEL = {
    Role.COLLEGE_REVIEWER: "college",
    Role.UNIVERSITY_REVIEWER: "university",
    Role.TARGETED_REVIEWER: "university",
    Role.INSPECTOR: "campaign",
}

SORTS = {
    "due": ("due_at", "task_id"),
    "-due": ("-due_at", "-task_id"),
    "created": ("created_at", "task_id"),
    "-created": ("-created_at", "-task_id"),
}


@dataclass
class InboxFilters:
    kind: str = ""
    college: int | None = None
    major: str = ""
    category: str = ""
    status: str = ""
    overdue: bool = False
    sort: str = "due"


def claim_ids(scope: Scope, role: str) -> frozenset[int]:
    """The ids of the ``CLAIM_LEVEL`` column whose tasks of ``role`` the user may claim."""
    rule = registry.claim_rules.get(role)
    return rule.claimable(scope) if rule is not None else scope.ids(role)


def claim_q(scope: Scope) -> Q:
    parts = []
    for role, level in CLAIM_LEVEL.items():
        ids = sorted(claim_ids(scope, role))
        if ids:
            column = {f"{level}_id": ids[0]} if len(ids) == 1 else {f"{level}_id__in": ids}
            parts.append(Q(candidate_role=role, **column))
    return reduce(operator.or_, parts) if parts else Q(pk__in=[])


def may_claim(scope: Scope, row: TaskScope) -> bool:
    """The user's role and organisation (an inspector's campaign) make them a candidate."""
    level = CLAIM_LEVEL.get(row.candidate_role)
    return level is not None and getattr(row, f"{level}_id") in claim_ids(scope, row.candidate_role)


def can_claim(scope: Scope, row: TaskScope) -> bool:
    """A candidate, and the task is still unclaimed."""
    return row.status == ScopeStatus.OPEN and may_claim(scope, row)


def _apply(qs: QuerySet, filters: InboxFilters) -> QuerySet:
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.college:
        qs = qs.filter(college_id=filters.college)
    if filters.major:
        qs = qs.filter(major_name=filters.major)
    if filters.category:
        qs = qs.filter(category_code=filters.category)
    if filters.overdue:
        qs = qs.filter(due_at__lt=timezone.now())
    return qs.order_by(*SORTS.get(filters.sort, SORTS["due"]))


# What an inbox row shows of its related objects, as columns of the row itself: one model
# instance per row instead of five keeps the page close to the bare SQL. Added to the page's
# rows only (``inbox_rows``): the count reads the task index alone, without the joins.
INBOX_COLUMNS = {
    "student_no": F("graduate__student_no"),
    "graduate_name": F("graduate__name"),
    "college_name": F("college__name"),
}
# Shown only where a row may need them: a spot check names its university, a task in
# progress its assignee. Each is a join fewer on the other pages.
UNIVERSITY_COLUMN = {"university_name": F("university__name")}
ASSIGNEE_COLUMN = {
    "assignee_name": Coalesce(NullIf(F("assignee__first_name"), Value("")), F("assignee__username"))
}


# The task's own columns an inbox row shows (the others, timestamps of sweeps and the like,
# are left in the table: fewer columns to read and convert on each of the page's rows).
INBOX_FIELDS = (
    "task_id",
    "kind",
    "candidate_role",
    "assignee_id",
    "status",
    "major_name",
    "category_code",
    "created_at",
    "due_at",
)
_STATUS_LABELS = dict(ScopeStatus.choices)


@dataclass(slots=True)
class InboxRow:
    """One line of an inbox, read as values: the page's fifty rows cost no model instances.
    Shows what ``TaskScope`` would (``pk``, the displays, ``is_overdue``)."""

    task_id: int
    kind: str
    candidate_role: str
    assignee_id: int | None
    status: str
    major_name: str
    category_code: str
    created_at: datetime.datetime
    due_at: datetime.datetime
    student_no: str
    graduate_name: str
    college_name: str
    university_name: str = ""
    assignee_name: str = ""

    @property
    def pk(self) -> int:
        return self.task_id

    def get_kind_display(self) -> str:
        return kind_label(self.kind)

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.status, self.due_at)


def inbox_rows(
    qs: QuerySet[TaskScope], *, spot_checks: bool = True, assignees: bool = True
) -> QuerySet[TaskScope]:
    """``queue_for_user`` or ``my_tasks`` as the values of an ``InboxRow`` each: the columns
    an inbox row shows, with the university's name where the rows may be spot checks, with
    the assignee's name where they may be claimed by someone else."""
    columns = {
        **INBOX_COLUMNS,
        **(UNIVERSITY_COLUMN if spot_checks else {}),
        **(ASSIGNEE_COLUMN if assignees else {}),
    }
    return qs.values(*INBOX_FIELDS, **columns)


def inbox_columns(scope: Scope, filters: InboxFilters, *, queue: bool) -> dict[str, bool]:
    """What ``inbox_rows`` needs for this inbox: spot checks appear in inspectors' queues
    only (and in the "my tasks" of whoever holds one), other people's tasks in a queue that
    lists tasks in progress."""
    return {
        "spot_checks": not queue or scope.has_role(Role.INSPECTOR),
        "assignees": queue and filters.status in (ScopeStatus.ASSIGNED, "active"),
    }


def queue_for_user(user, filters: InboxFilters) -> QuerySet[TaskScope]:
    """Tasks the user's roles may claim in their organisations.

    ``status`` widens the default (unclaimed) to tasks in progress, or to both.
    """
    scope = scope_for_user(user)
    statuses = {
        "": [ScopeStatus.OPEN],
        ScopeStatus.OPEN: [ScopeStatus.OPEN],
        ScopeStatus.ASSIGNED: [ScopeStatus.ASSIGNED],
        "active": list(ACTIVE_STATUSES),
    }.get(filters.status, [ScopeStatus.OPEN])
    status_q = Q(status=statuses[0]) if len(statuses) == 1 else Q(status__in=statuses)
    qs = TaskScope.objects.filter(claim_q(scope), status_q)
    return _apply(qs, filters)


def my_tasks(user, filters: InboxFilters) -> QuerySet[TaskScope]:
    qs = TaskScope.objects.filter(assignee_id=user.pk, status=ScopeStatus.ASSIGNED)
    return _apply(qs, filters)


def task_visible(scope: Scope, user, row: TaskScope) -> bool:
    if row.assignee_id == user.pk or can_claim(scope, row):
        return True
    if row.candidate_role in registry.claim_rules:
        # A spot check is read by the campaign's inspectors and above the university: the
        # campaign's province, the nation. Not by the university whose case is checked.
        return (
            may_claim(scope, row)
            or scope.national
            or row.province_id in scope.ids(Role.PROVINCIAL_MONITOR)
        )
    return scope.is_staff_reader and scope.can_read_org(
        province_id=row.province_id,
        university_id=row.university_id,
        college_id=row.college_id,
    )


def task_for_user(user, task_id) -> TaskScope:
    """The task's scope row if the user may see it, else 404: the one gate for task URLs."""
    task_id = int_or_404(task_id)
    row = TaskScope.objects.select_related("graduate", "assignee").filter(pk=task_id).first()
    if row is None or not task_visible(scope_for_user(user), user, row):
        raise Http404
    return row


def case_tasks(graduate_id: int) -> QuerySet[TaskScope]:
    return (
        TaskScope.objects.filter(graduate_id=graduate_id)
        .select_related("assignee")
        .order_by("-created_at")
    )


def active_task_of_case(graduate_id: int, *, kinds) -> TaskScope | None:
    return (
        TaskScope.objects.filter(
            graduate_id=graduate_id, kind__in=kinds, status__in=ACTIVE_STATUSES
        )
        .order_by("-created_at")
        .first()
    )


# --- Tasks about organisations (filings, provincial reports) -------------------------------------


def org_candidate_q(scope: Scope) -> Q:
    """Rows whose candidates include the user: their role at the task's organisation."""
    q = Q(pk__in=[])
    supervised = scope.ids(Role.UNIVERSITY_SUPERVISOR)
    if supervised:
        q |= Q(candidate_role=Role.UNIVERSITY_SUPERVISOR, university_id__in=sorted(supervised))
    monitored = scope.ids(Role.PROVINCIAL_MONITOR)
    if monitored:
        q |= Q(candidate_role=Role.PROVINCIAL_MONITOR, province_id__in=sorted(monitored))
    if scope.national:
        q |= Q(candidate_role=Role.NATIONAL_ADMIN)
    return q


def may_act_on_org(scope: Scope, row: OrgTaskScope) -> bool:
    if row.candidate_role == Role.UNIVERSITY_SUPERVISOR:
        return row.university_id in scope.ids(Role.UNIVERSITY_SUPERVISOR)
    if row.candidate_role == Role.PROVINCIAL_MONITOR:
        return row.province_id in scope.ids(Role.PROVINCIAL_MONITOR)
    return row.candidate_role == Role.NATIONAL_ADMIN and scope.national


def org_tasks_for_user(user) -> QuerySet[OrgTaskScope]:
    """Active filing and report tasks the user may take or has taken, earliest due first:
    one query over ``OrgTaskScope``'s partial indexes."""
    scope = scope_for_user(user)
    # Each branch matches one partial index: the candidate queues over the active rows, the
    # user's own over the assigned ones (a task with an assignee is assigned or finished).
    return (
        OrgTaskScope.objects.filter(
            (Q(status__in=ACTIVE_STATUSES) & org_candidate_q(scope))
            | Q(status=ScopeStatus.ASSIGNED, assignee_id=user.pk)
        )
        .select_related("university", "province", "assignee")
        .order_by("due_at", "task_id")
    )


def org_task_for_user(user, task_id) -> OrgTaskScope:
    """The task row if the user may see it (a candidate, its assignee, or a reader of its
    organisation); 404 otherwise."""
    row = (
        OrgTaskScope.objects.select_related("assignee", "university", "province")
        .filter(pk=int_or_404(task_id))
        .first()
    )
    scope = scope_for_user(user)
    if row is None or not (
        row.assignee_id == user.pk
        or may_act_on_org(scope, row)
        or scope.reads_university(province_id=row.province_id, university_id=row.university_id)
    ):
        raise Http404
    return row


def can_decide_org(scope: Scope, user, row: OrgTaskScope) -> bool:
    return (row.status == ScopeStatus.ASSIGNED and row.assignee_id == user.pk) or (
        row.status == ScopeStatus.OPEN and may_act_on_org(scope, row)
    )


def with_open_tasks(user, subjects: QuerySet, *, kinds) -> list[tuple[object, OrgTaskScope | None]]:
    """These filings or reports, each with the user's open task about it (theirs or
    claimable) or None."""
    subjects = list(subjects)
    open_tasks = {
        row.subject_id: row
        for row in org_tasks_for_user(user).filter(
            kind__in=kinds, subject_id__in=[subject.pk for subject in subjects]
        )
    }
    return [(subject, open_tasks.get(subject.pk)) for subject in subjects]


def subject_tasks(*, kinds, subject_id: int) -> QuerySet[OrgTaskScope]:
    """The tasks about one filing or report (``kinds`` say which), newest first."""
    return (
        OrgTaskScope.objects.filter(kind__in=kinds, subject_id=subject_id)
        .select_related("assignee")
        .order_by("-created_at")
    )
