"""The dashboards' reads: a level's figures by group, by education level and by category.

They read count rows only (the live tallies, or the filed counts of the accepted reports):
one grouped query plus the names of what is listed, never the cases.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from cases.figures import (
    SUMMARY_SUMS,
    Breakdown,
    Figures,
    breakdown,
    category_rows,
    grain_rows,
    rows_of,
)
from cases.models import CaseTally, EducationLevel, ProvinceTally, UniversitySummary
from processes.filings.models import FilingCount
from processes.filings.selectors import accepted_filing_versions
from roles.models import College, Province, University


@dataclass
class Dashboard:
    level: str  # nation, province, university
    cohort: int
    source: str  # live, reported
    subject: object | None
    graduates: str  # which graduates: "" all, "graduated" (毕业生), "incomplete" (结业生)
    total: Figures
    groups: list = field(default_factory=list)  # (object, Figures)
    levels: list = field(default_factory=list)  # (value, label, Figures)
    categories: list = field(default_factory=list)  # (code, name, class label, count)


# Which graduates a dashboard counts (``?graduates=``): all, or the 毕业生 or the 结业生 alone.
GRADUATES = {"": None, "graduated": False, "incomplete": True}


def count_rows_query(
    level: str,
    *,
    cohort: int,
    source: str,
    province_id=None,
    university_id=None,
    graduates: str = "",
) -> tuple[str, QuerySet, QuerySet | None]:
    """The field a dashboard groups by, the query of its count rows, and the query of its
    groups' summary rows where it has them.

    Reported figures: the accepted filings' counts summed by group (no summaries). Live
    figures: a university reads its college tally rows as they are (no summaries); the
    nation and a province read their totals from ``cases.ProvinceTally`` summed by figure
    columns, and one summary per group from ``cases.UniversitySummary`` (a province's
    universities, or the nation's universities summed by province): a hundred rows or so
    out of a few thousand read, whatever the number and mix of graduates. Counting the
    毕业生 or the 结业生 alone, the groups are summed from the count rows of that kind (the
    summaries count all graduates)."""
    group = {"nation": "province_id", "province": "university_id", "university": "college_id"}[
        level
    ]
    filters = {"cohort": cohort}
    if province_id is not None:
        filters["province_id"] = province_id
    if university_id is not None:
        filters["university_id"] = university_id
    if GRADUATES[graduates] is not None:
        filters["is_incomplete"] = GRADUATES[graduates]
    if source == "reported":
        qs = FilingCount.objects.filter(
            version_id__in=accepted_filing_versions(cohort=cohort, province_id=province_id),
            **filters,
        )
        return group, rows_of(qs, group), None
    if level == "university":
        return group, grain_rows(CaseTally.objects.filter(**filters), group), None
    if "is_incomplete" in filters:
        model = ProvinceTally if level == "nation" else CaseTally
        return group, rows_of(model.objects.filter(**filters), group), None
    summaries = (
        UniversitySummary.objects.filter(**filters)
        .values(group)
        .annotate(**SUMMARY_SUMS)
        .order_by()
    )
    return group, rows_of(ProvinceTally.objects.filter(**filters)), summaries


def dashboard(
    level: str,
    *,
    cohort: int,
    source: str = "live",
    province=None,
    university=None,
    graduates: str = "",
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
        graduates=graduates,
    )
    if summaries is None:
        data = breakdown(rows, group)
    else:
        data = breakdown(rows, None)
        data.groups = {row[group]: Figures.of_summary(row) for row in summaries}
    return _assemble(
        level,
        data,
        cohort=cohort,
        source=source,
        subject=university or province,
        graduates=graduates,
    )


def _assemble(level, data: Breakdown, *, cohort, source, subject, graduates) -> Dashboard:
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
        graduates=graduates,
        total=data.total,
        groups=groups,
        levels=levels,
        categories=category_rows(data.total, cohort),
    )
