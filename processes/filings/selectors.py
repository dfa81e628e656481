"""Reads of filings and reports, each behind its gate, and of their figures."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases.figures import Breakdown, breakdown, rows_of
from core.http import int_or_404
from roles.models import Province, Role, University
from roles.org_scope import scope_for_user

from .models import (
    Filing,
    FilingCount,
    FilingEntry,
    FilingPeriod,
    FilingVersion,
    ProvincialReport,
    ReportFiling,
    ReportVersion,
    ReviewStatus,
)


def filing_for_user(user, filing_id) -> Filing:
    filing = (
        Filing.objects.select_related("university", "province", "current_version", "filed_version")
        .filter(pk=int_or_404(filing_id))
        .first()
    )
    if filing is None or not scope_for_user(user).reads_university(
        province_id=filing.province_id, university_id=filing.university_id
    ):
        raise Http404
    return filing


def report_for_user(user, report_id) -> ProvincialReport:
    report = (
        ProvincialReport.objects.select_related("province", "current_version", "accepted_version")
        .filter(pk=int_or_404(report_id))
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


def accepted_filing_versions(*, cohort: int, province_id: int | None = None) -> QuerySet:
    """The filing versions inside the accepted report of each province (a subquery)."""
    reports = ProvincialReport.objects.filter(cohort=cohort, accepted_version__isnull=False)
    if province_id is not None:
        reports = reports.filter(province_id=province_id)
    return ReportFiling.objects.filter(
        report_version_id__in=reports.values("accepted_version_id")
    ).values("filing_version_id")


def filing_figures(version: FilingVersion) -> Breakdown:
    """A filed snapshot by college and by education level (one query)."""
    return breakdown(
        rows_of(FilingCount.objects.filter(version=version), "college_id"),
        "college_id",
        version.figures_definition,
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
        version.figures_definition,
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
