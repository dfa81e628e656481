"""Reads for supervision: overdue and soon-due work of a university or a province.

Every figure comes from one grouped query over ``TaskScope``'s active rows (served by
the partial indexes on university or province and due date) or over ``Graduate``'s
(university or province, cohort, status) index: a dashboard is a fixed handful of
queries whatever the number of tasks.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, Graduate
from roles.models import Membership, Province, Role, University
from roles.org_scope import scope_for_user

from ..models import ACTIVE_STATUSES, DeadlineNotice, TaskScope
from ..registry import registry


def review_kinds() -> tuple[str, ...]:
    """Reviewers' tasks (claimed from a queue), the ones grouped by reviewer: every kind about
    a case whose candidates are not the graduate."""
    return tuple(
        kind
        for kind, _label in registry.kind_choices(about="case")
        if registry.kind(kind).role != Role.GRADUATE
    )


# Days overdue, counted in whole days: [low, high) with high None for "and more".
AGING_BUCKETS = [
    ("0-3", _("0–3 days"), 0, 4),
    ("4-7", _("4–7 days"), 4, 8),
    ("8-14", _("8–14 days"), 8, 15),
    ("15+", _("more than 14 days"), 15, None),
]


@dataclass
class Filters:
    cohort: int | None = None
    show: str = "late"  # late (overdue or soon due), overdue, soon, escalated, active
    kind: str = ""
    college: int | None = None
    assignee: str = ""  # a user id, or "none" for unclaimed tasks
    bucket: str = ""


@dataclass
class Figures:
    """Counts for one group of active tasks."""

    active: int = 0
    overdue: int = 0
    soon: int = 0
    escalated: int = 0
    aging: list[int] = field(default_factory=lambda: [0] * len(AGING_BUCKETS))
    unregistered: int = 0
    unconfirmed: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        return cls(
            active=row["active"],
            overdue=row["overdue"],
            soon=row["soon"],
            escalated=row["escalated"],
            aging=[row[f"age_{i}"] for i in range(len(AGING_BUCKETS))],
        )

    def add(self, other: "Figures") -> None:
        self.active += other.active
        self.overdue += other.overdue
        self.soon += other.soon
        self.escalated += other.escalated
        self.aging = [a + b for a, b in zip(self.aging, other.aging, strict=True)]
        self.unregistered += other.unregistered
        self.unconfirmed += other.unconfirmed


def _bucket_q(now, low: int, high: int | None) -> Q:
    q = Q(due_at__lte=now - timedelta(days=low)) & Q(due_at__lt=now)
    if high is not None:
        q &= Q(due_at__gt=now - timedelta(days=high))
    return q


def _figures(now) -> dict:
    soon = now + timedelta(hours=settings.SOON_DUE_HOURS)
    aggregates = {
        "active": Count("pk"),
        "overdue": Count("pk", filter=Q(due_at__lt=now)),
        "soon": Count("pk", filter=Q(due_at__gte=now, due_at__lt=soon)),
        "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
    }
    for i, (_key, _label, low, high) in enumerate(AGING_BUCKETS):
        aggregates[f"age_{i}"] = Count("pk", filter=_bucket_q(now, low, high))
    return aggregates


def _active(cohort: int | None, **org) -> QuerySet[TaskScope]:
    # Spot checks are the province's inspectors' work, followed on the campaign's page.
    qs = TaskScope.objects.filter(status__in=ACTIVE_STATUSES, **org).exclude(
        candidate_role=Role.INSPECTOR
    )
    return qs.filter(cohort=cohort) if cohort else qs


def _left_behind(cohort: int | None, **org) -> QuerySet[Graduate]:
    """Graduates not registered, or approved but not confirmed at leave time (to group and
    count with ``LEFT_BEHIND``)."""
    qs = Graduate.objects.filter(
        Q(status=CaseStatus.UNREGISTERED)
        | Q(status=CaseStatus.APPROVED, confirmed_at__isnull=True),
        **org,
    )
    return qs.filter(cohort=cohort) if cohort else qs


LEFT_BEHIND = {
    "unregistered": Count("pk", filter=Q(status=CaseStatus.UNREGISTERED)),
    "unconfirmed": Count("pk", filter=Q(status=CaseStatus.APPROVED)),
}


# --- Gates -------------------------------------------------------------------------------------


def university_for_supervision(user, university_id) -> tuple[University, bool]:
    """The university and whether the user may act on it: its supervisors act, the monitors
    of its province and the national administrators read. Anyone else: 404."""
    try:
        university_id = int(university_id)
    except (TypeError, ValueError):
        raise Http404 from None
    scope = scope_for_user(user)
    university = University.objects.filter(pk=university_id).first()
    if university is None:
        raise Http404
    if scope.supervises(university.pk):
        return university, True
    if scope.national or university.province_id in scope.ids(Role.PROVINCIAL_MONITOR):
        return university, False
    raise Http404


def province_for_monitor(user, province_id=None) -> Province:
    """The monitor's province (one of them, by id when asked); 404 for any other."""
    ids = sorted(scope_for_user(user).ids(Role.PROVINCIAL_MONITOR))
    if province_id not in (None, ""):
        try:
            ids = [i for i in ids if i == int(province_id)]
        except (TypeError, ValueError):
            ids = []
    if not ids:
        raise Http404
    return Province.objects.get(pk=ids[0])


# --- Dashboards --------------------------------------------------------------------------------


def _by_kind(active: QuerySet, figures: dict) -> list[tuple[str, str, Figures]]:
    """The active tasks' figures by kind, in the registry's order: (kind, label, figures)."""
    by_kind = {
        row["kind"]: Figures.from_row(row)
        for row in active.values("kind").annotate(**figures).order_by()
    }
    return [
        (kind, label, by_kind[kind]) for kind, label in registry.kind_choices() if kind in by_kind
    ]


@dataclass
class UniversityDashboard:
    university: University
    now: object
    total: Figures
    by_kind: list[tuple[str, str, Figures]]
    by_reviewer: list[tuple[str | None, int | None, Figures]]
    by_college: list[tuple[str, int, Figures]]
    notices: list[DeadlineNotice]


def university_dashboard(university: University, *, cohort=None, now=None) -> UniversityDashboard:
    """Active tasks of one university by stage, by reviewer and by college, with their
    aging; graduates who have not registered, by college. Six queries."""
    now = now or timezone.now()
    figures = _figures(now)
    active = _active(cohort, university_id=university.pk)
    total = Figures.from_row(active.aggregate(**figures))
    by_reviewer = [
        (
            row["assignee__first_name"] or row["assignee__username"],
            row["assignee_id"],
            Figures.from_row(row),
        )
        for row in active.filter(kind__in=review_kinds())
        .values("assignee_id", "assignee__first_name", "assignee__username")
        .annotate(**figures)
        .order_by("-overdue", "assignee__username")
    ]
    names: dict[int, tuple[str, str]] = {}
    per_college: dict[int, Figures] = {}
    for row in (
        active.values("college_id", "college__code", "college__name").annotate(**figures).order_by()
    ):
        names[row["college_id"]] = (row["college__code"], row["college__name"])
        per_college[row["college_id"]] = Figures.from_row(row)
    for row in (
        _left_behind(cohort, university_id=university.pk)
        .values("college_id", "college__code", "college__name")
        .annotate(**LEFT_BEHIND)
        .order_by()
    ):
        names[row["college_id"]] = (row["college__code"], row["college__name"])
        college = per_college.setdefault(row["college_id"], Figures())
        college.unregistered, college.unconfirmed = row["unregistered"], row["unconfirmed"]
        total.unregistered += row["unregistered"]
        total.unconfirmed += row["unconfirmed"]
    by_college = [
        (names[college_id][1], college_id, per_college[college_id])
        for college_id in sorted(names, key=lambda pk: names[pk][0])
    ]
    return UniversityDashboard(
        university=university,
        now=now,
        total=total,
        by_kind=_by_kind(active, figures),
        by_reviewer=by_reviewer,
        by_college=by_college,
        notices=list(DeadlineNotice.objects.filter(university=university)[:4]),
    )


@dataclass
class ProvinceDashboard:
    province: Province
    now: object
    total: Figures
    by_kind: list[tuple[str, str, Figures]]
    by_university: list[tuple[University, Figures]]


def province_dashboard(province: Province, *, cohort=None, now=None) -> ProvinceDashboard:
    """The same figures for every university of a province, read-only. Four queries."""
    now = now or timezone.now()
    figures = _figures(now)
    active = _active(cohort, province_id=province.pk)
    per_university = {
        row["university_id"]: Figures.from_row(row)
        for row in active.values("university_id").annotate(**figures).order_by()
    }
    for row in (
        _left_behind(cohort, province_id=province.pk)
        .values("university_id")
        .annotate(**LEFT_BEHIND)
        .order_by()
    ):
        figures_of = per_university.setdefault(row["university_id"], Figures())
        figures_of.unregistered, figures_of.unconfirmed = row["unregistered"], row["unconfirmed"]
    total = Figures()
    by_university = []
    for university in University.objects.filter(province=province).order_by("code"):
        row = per_university.get(university.pk, Figures())
        total.add(row)
        by_university.append((university, row))
    return ProvinceDashboard(
        province=province,
        now=now,
        total=total,
        by_kind=_by_kind(active, figures),
        by_university=by_university,
    )


# --- The task list and the reviewers to reassign to ----------------------------------------------


def supervision_tasks(university: University, filters: Filters, *, now=None) -> QuerySet:
    """The university's active tasks the supervisor chases, earliest due first."""
    now = now or timezone.now()
    qs = _active(filters.cohort, university_id=university.pk)
    soon = now + timedelta(hours=settings.SOON_DUE_HOURS)
    qs = {
        "late": qs.filter(due_at__lt=soon),
        "overdue": qs.filter(due_at__lt=now),
        "soon": qs.filter(due_at__gte=now, due_at__lt=soon),
        "escalated": qs.filter(escalated_at__isnull=False),
        "active": qs,
    }.get(filters.show, qs.filter(due_at__lt=soon))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.college:
        qs = qs.filter(college_id=filters.college)
    if filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    for key, _label, low, high in AGING_BUCKETS:
        if filters.bucket == key:
            qs = qs.filter(_bucket_q(now, low, high))
    return qs.select_related("graduate", "college", "assignee").order_by("due_at", "task_id")


def reviewers_of(university: University) -> list[Membership]:
    """The university's reviewers (university and college level), for reassigning."""
    return list(
        Membership.objects.filter(
            university=university,
            role__in=[Role.UNIVERSITY_REVIEWER, Role.COLLEGE_REVIEWER, Role.TARGETED_REVIEWER],
        )
        .select_related("user", "college")
        .order_by("role", "college__code", "user__username")
    )
