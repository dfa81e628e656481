"""Reads of filings, reports, their tasks and the dashboards, each behind its gate.

Dashboards read count rows only (the live tallies, or the filed counts of accepted reports):
one grouped query plus the names of what is listed, never the cases.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import CaseTally, EducationLevel, ProvinceTally, UniversitySummary
from cases.selectors import categories_for_cohort
from roles.models import College, Province, Role, University
from roles.scope import Scope, scope_for_user
from workflows.models import ACTIVE_STATUSES, ScopeStatus

from .figures import SUMMARY_SUMS, Breakdown, Figures, breakdown, grain_rows, rows_of
from .models import (
    Filing,
    FilingCount,
    FilingEntry,
    FilingPeriod,
    FilingVersion,
    OrgTaskScope,
    ProvincialReport,
    ReportFiling,
    ReportVersion,
    ReviewStatus,
)

UNIVERSITY_READERS = (
    Role.UNIVERSITY_SUPERVISOR,
    Role.UNIVERSITY_REVIEWER,
    Role.TARGETED_REVIEWER,
)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# --- Tasks ---------------------------------------------------------------------------------------


def candidate_q(scope: Scope) -> Q:
    """Task rows whose candidates include the user: their role at the task's organisation."""
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


def may_act(scope: Scope, row: OrgTaskScope) -> bool:
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
            (Q(status__in=ACTIVE_STATUSES) & candidate_q(scope))
            | Q(status=ScopeStatus.ASSIGNED, assignee_id=user.pk)
        )
        .select_related("university", "province", "assignee")
        .order_by("due_at", "task_id")
    )


def _reads_org(scope: Scope, *, province_id: int, university_id: int | None) -> bool:
    if scope.national or province_id in scope.ids(Role.PROVINCIAL_MONITOR):
        return True
    return university_id is not None and any(
        university_id in scope.ids(role) for role in UNIVERSITY_READERS
    )


def org_task_for_user(user, task_id) -> OrgTaskScope:
    """The task row if the user may see it (a candidate, its assignee, or a reader of its
    organisation); 404 otherwise."""
    task_id = _int(task_id)
    row = (
        OrgTaskScope.objects.select_related("assignee", "university", "province")
        .filter(pk=task_id)
        .first()
    )
    scope = scope_for_user(user)
    if row is None or not (
        row.assignee_id == user.pk
        or may_act(scope, row)
        or _reads_org(scope, province_id=row.province_id, university_id=row.university_id)
    ):
        raise Http404
    return row


def can_decide(scope: Scope, user, row: OrgTaskScope) -> bool:
    return (row.status == ScopeStatus.ASSIGNED and row.assignee_id == user.pk) or (
        row.status == ScopeStatus.OPEN and may_act(scope, row)
    )


# --- Gates of organisations --------------------------------------------------------------------


def university_for_user(user, university_id) -> University:
    """A university whose statistics and filings the user may read: its staff (not a
    college's), its province's monitors, the nation. Anyone else: 404."""
    university = University.objects.select_related("province").filter(pk=_int(university_id))
    university = university.first()
    if university is None or not _reads_org(
        scope_for_user(user), province_id=university.province_id, university_id=university.pk
    ):
        raise Http404
    return university


def province_for_user(user, province_id) -> Province:
    """A province the user may read: its monitors and the nation; 404 for anyone else."""
    province = Province.objects.filter(pk=_int(province_id)).first()
    scope = scope_for_user(user)
    if province is None or not (
        scope.national or province.pk in scope.ids(Role.PROVINCIAL_MONITOR)
    ):
        raise Http404
    return province


def filing_for_user(user, filing_id) -> Filing:
    filing = (
        Filing.objects.select_related("university", "province", "current_version", "filed_version")
        .filter(pk=_int(filing_id))
        .first()
    )
    if filing is None or not _reads_org(
        scope_for_user(user), province_id=filing.province_id, university_id=filing.university_id
    ):
        raise Http404
    return filing


def report_for_user(user, report_id) -> ProvincialReport:
    report = (
        ProvincialReport.objects.select_related("province", "current_version", "accepted_version")
        .filter(pk=_int(report_id))
        .first()
    )
    scope = scope_for_user(user)
    if report is None or not (
        scope.national or report.province_id in scope.ids(Role.PROVINCIAL_MONITOR)
    ):
        raise Http404
    return report


# --- Filings of a province ----------------------------------------------------------------------


@dataclass
class FilingRow:
    university: University
    filing: Filing | None
    state: str  # not_submitted, submitted, returned, filed
    late: bool
    total: int = 0


FILING_STATES = {
    "not_submitted": "not submitted",
    **{value: label for value, label in ReviewStatus.choices},
}


def province_filings(province: Province, cohort: int, *, today=None) -> tuple[list, object]:
    """Every university of the province with the state of its filing of the cohort, and
    whether it is late (nothing submitted by the due date, or first submitted after it).
    Three queries."""
    today = today or timezone.localdate()
    period = FilingPeriod.objects.filter(province=province, cohort=cohort).first()
    filings = {
        f.university_id: f
        for f in Filing.objects.filter(province=province, cohort=cohort).select_related(
            "current_version"
        )
    }
    rows = []
    for university in University.objects.filter(province=province).order_by("code"):
        filing = filings.get(university.pk)
        state = filing.status if filing else "not_submitted"
        late = False
        if period is not None:
            first = timezone.localtime(filing.first_submitted_at).date() if filing else None
            late = (first is None and today > period.due_on) or (
                first is not None and first > period.due_on
            )
        rows.append(
            FilingRow(
                university=university,
                filing=filing,
                state=state,
                late=late,
                total=filing.current_version.total if filing and filing.current_version else 0,
            )
        )
    return rows, period


def filing_versions(filing: Filing) -> list[FilingVersion]:
    return list(filing.versions.select_related("submitted_by", "decided_by").order_by("-number"))


# --- Figures -------------------------------------------------------------------------------------


def accepted_filing_versions(*, cohort: int, province_id: int | None = None) -> QuerySet:
    """The filing versions inside the accepted report of each province (a subquery)."""
    reports = ProvincialReport.objects.filter(cohort=cohort, accepted_version__isnull=False)
    if province_id is not None:
        reports = reports.filter(province_id=province_id)
    return ReportFiling.objects.filter(
        report_version_id__in=reports.values("accepted_version_id")
    ).values("filing_version_id")


def latest_cohort(**filters) -> int:
    """The latest cohort with counts in scope, or this year (one indexed aggregate; on the
    province rows unless a university is asked about)."""
    model = CaseTally if "university_id" in filters else ProvinceTally
    return model.objects.filter(**filters).aggregate(c=Max("cohort"))["c"] or (
        timezone.localdate().year
    )


@dataclass
class Dashboard:
    level: str  # nation, province, university
    cohort: int
    source: str  # live, reported
    subject: object | None
    total: Figures
    groups: list = field(default_factory=list)  # (object, Figures)
    levels: list = field(default_factory=list)  # (value, label, Figures)
    categories: list = field(default_factory=list)  # (code, name, class label, count)


def count_rows_query(
    level: str, *, cohort: int, source: str, province_id=None, university_id=None
) -> tuple[str, QuerySet, QuerySet | None]:
    """The field a dashboard groups by, the query of its count rows, and the query of its
    groups' summary rows where it has them.

    Reported figures: the accepted filings' counts summed by group (no summaries). Live
    figures: a university reads its college tally rows as they are (no summaries); the
    nation and a province read their totals from ``cases.ProvinceTally`` summed by figure
    columns, and one summary per group from ``cases.UniversitySummary`` (a province's
    universities, or the nation's universities summed by province): a hundred rows or so
    out of a few thousand read, whatever the number and mix of graduates."""
    group = {"nation": "province_id", "province": "university_id", "university": "college_id"}[
        level
    ]
    filters = {"cohort": cohort}
    if province_id is not None:
        filters["province_id"] = province_id
    if university_id is not None:
        filters["university_id"] = university_id
    if source == "reported":
        qs = FilingCount.objects.filter(
            version_id__in=accepted_filing_versions(cohort=cohort, province_id=province_id),
            **filters,
        )
        return group, rows_of(qs, group), None
    if level == "university":
        return group, grain_rows(CaseTally.objects.filter(**filters), group), None
    summaries = (
        UniversitySummary.objects.filter(**filters)
        .values(group)
        .annotate(**SUMMARY_SUMS)
        .order_by()
    )
    return group, rows_of(ProvinceTally.objects.filter(**filters)), summaries


def dashboard(
    level: str, *, cohort: int, source: str = "live", province=None, university=None
) -> Dashboard:
    """The figures of the nation by province, a province by university or a university by
    college, with the totals by education level and by category. Three queries (four for
    the live figures of the nation and a province): the count rows, the groups' summaries,
    the names of the groups, the categories."""
    province_id = university.province_id if university else (province.pk if province else None)
    group, rows, summaries = count_rows_query(
        level,
        cohort=cohort,
        source=source,
        province_id=province_id,
        university_id=university.pk if university else None,
    )
    if summaries is None:
        data = breakdown(rows, group)
    else:
        data = breakdown(rows, None)
        data.groups = {row[group]: Figures.of_summary(row) for row in summaries}
    return _assemble(level, data, cohort=cohort, source=source, subject=university or province)


def _assemble(level, data: Breakdown, *, cohort, source, subject) -> Dashboard:
    if level == "nation":
        objects = Province.objects.filter(pk__in=list(data.groups)).order_by("code")
    elif level == "province":
        objects = University.objects.filter(province=subject).order_by("code")
    else:
        objects = College.objects.filter(university=subject).order_by("code")
    groups = [(obj, data.groups.get(obj.pk, Figures())) for obj in objects]
    levels = [
        (value, label, data.levels[value])
        for value, label in EducationLevel.choices
        if value in data.levels
    ]
    return Dashboard(
        level=level,
        cohort=cohort,
        source=source,
        subject=subject,
        total=data.total,
        groups=groups,
        levels=levels,
        categories=category_rows(data.total, cohort),
    )


def category_rows(figures: Figures, cohort: int) -> list[tuple[str, str, str, int]]:
    """Every category of the cohort's code table with its approved count (one query)."""
    rows = []
    seen = set()
    for category in categories_for_cohort(cohort):
        seen.add(category.code)
        rows.append(
            (
                category.code,
                category.name,
                category.get_destination_class_display(),
                figures.by_category.get(category.code, 0),
            )
        )
    for code, n in sorted(figures.by_category.items()):
        if code not in seen and n:
            rows.append((code, "", "", n))
    return rows


def filing_figures(version: FilingVersion) -> Breakdown:
    """A filed snapshot by college and by education level (one query)."""
    return breakdown(
        rows_of(FilingCount.objects.filter(version=version), "college_id"), "college_id"
    )


def report_figures(version: ReportVersion) -> Breakdown:
    """A report version by university (one query over its filed counts)."""
    return breakdown(
        rows_of(
            FilingCount.objects.filter(
                version_id__in=ReportFiling.objects.filter(report_version=version).values(
                    "filing_version_id"
                )
            ),
            "university_id",
        ),
        "university_id",
    )


@dataclass
class EntryChange:
    graduate_id: int
    before: tuple | None  # (registration id, status, category code, confirmed)
    after: tuple | None


def entry_changes(older: FilingVersion, newer: FilingVersion) -> list[EntryChange]:
    """Graduates whose filed registration, status or confirmation differ between two
    versions of a filing (two queries; a filing holds one university's cohort)."""

    def load(version):
        return {
            pk: rest
            for pk, *rest in FilingEntry.objects.filter(version=version).values_list(
                "graduate_id", "registration_id", "status", "category_code", "confirmed"
            )
        }

    before, after = load(older), load(newer)
    changes = []
    for pk in sorted(set(before) | set(after)):
        old, new = before.get(pk), after.get(pk)
        if old != new:
            changes.append(
                EntryChange(
                    graduate_id=pk,
                    before=tuple(old) if old else None,
                    after=tuple(new) if new else None,
                )
            )
    return changes


def days_until(day: datetime.date | None) -> int | None:
    return None if day is None else (day - timezone.localdate()).days
