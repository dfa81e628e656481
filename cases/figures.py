"""Figures from count rows: totals and rates of one group of graduates.

The rows come from the live tallies (``cases.CaseTally``) or from filed snapshots
(``processes.filings.models.FilingCount``): both carry the same columns, so the same code counts a
university's live figures, its filing and the nation's accepted reports.

Definitions (shown on the pages):
- registered: the case has an approved registration; registration rate = registered / total;
- confirmed at leave time; confirmation rate = confirmed / total;
- destination class and category: of the approved registrations;
- 灵活就业: categories flagged flexible (12, 75, 76);
- employment count = total − (70 + 71 + 72), as the notice counts it; its rate over the total;
- 定向 compliance: targeted graduates whose registration matches the agreement or has an
  approved exception, over the targeted graduates who registered.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Max, QuerySet, Sum
from django.utils import timezone

from cases.models import (
    NOT_EMPLOYED_CODES,
    CaseStatus,
    CaseTally,
    DestinationClass,
    ProvinceTally,
    TallyFigures,
    TargetedCompliance,
    UniversitySummary,
)
from cases.selectors import categories_for_cohort
from core.tables import Cell, Table

ROW_FIELDS = TallyFigures.FIGURE_FIELDS
# A group's summary: its ``cases.UniversitySummary`` rows summed (Django names an aggregate
# apart from the field it sums).
SUMMARY_SUMS = {f"sum_{name}": Sum(name) for name in UniversitySummary.COUNTERS}
_CLASSES = tuple(DestinationClass.values)
_STANDINGS = tuple(value for value in TargetedCompliance.values if value)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    total: int = 0
    approved: int = 0
    pending: int = 0
    returned: int = 0
    unregistered: int = 0
    confirmed: int = 0
    flexible: int = 0
    late_corrections: int = 0
    by_class: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    targeted: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, row: dict) -> None:
        n = row["n"] or 0
        self.total += n
        self.late_corrections += row["late"] or 0
        status = row["status"]
        if status == CaseStatus.APPROVED:
            self.approved += n
            self.by_category[row["category_code"]] += n
            self.by_class[row["destination_class"]] += n
            if row["flexible"]:
                self.flexible += n
        elif status == CaseStatus.PENDING_AUDIT:
            self.pending += n
        elif status == CaseStatus.RETURNED:
            self.returned += n
        else:
            self.unregistered += n
        if row["confirmed"]:
            self.confirmed += n
        if row["targeted_compliance"]:
            self.targeted[row["targeted_compliance"]] += n

    @classmethod
    def of_summary(cls, row: dict) -> "Figures":
        """The figures of a group from its ``cases.UniversitySummary`` rows summed
        (``SUMMARY_SUMS``): what a table's line and the charts show of it (of the categories,
        only 70, 71 and 72)."""
        sums = {name: row[f"sum_{name}"] for name in UniversitySummary.COUNTERS}
        figures = cls(
            total=sums["n"],
            approved=sums["approved"],
            pending=sums["pending"],
            returned=sums["returned"],
            unregistered=sums["n"] - sums["approved"] - sums["pending"] - sums["returned"],
            confirmed=sums["confirmed"],
            flexible=sums["flexible"],
            late_corrections=sums["late_corrections"],
        )
        for klass in _CLASSES:
            figures.by_class[klass] = sums[klass]
        for code in NOT_EMPLOYED_CODES:
            figures.by_category[code] = sums[f"category_{code}"]
        for standing in _STANDINGS:
            figures.targeted[standing] = sums[f"targeted_{standing}"]
        return figures

    def merge(self, other: "Figures") -> None:
        for name in (
            "total",
            "approved",
            "pending",
            "returned",
            "unregistered",
            "confirmed",
            "flexible",
            "late_corrections",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_class", "by_category", "targeted"):
            mine = getattr(self, name)
            for key, n in getattr(other, name).items():
                mine[key] += n

    @property
    def not_employed(self) -> int:
        """70 + 71 + 72."""
        return sum(self.by_category.get(code, 0) for code in NOT_EMPLOYED_CODES)

    @property
    def employment(self) -> int:
        """总数 − (70 + 71 + 72)."""
        return self.total - self.not_employed

    @property
    def employment_rate(self) -> float | None:
        return _rate(self.employment, self.total)

    @property
    def registration_rate(self) -> float | None:
        return _rate(self.approved, self.total)

    @property
    def confirmation_rate(self) -> float | None:
        return _rate(self.confirmed, self.total)

    @property
    def flexible_rate(self) -> float | None:
        return _rate(self.flexible, self.total)

    @property
    def employed_class(self) -> int:
        return self.by_class.get(DestinationClass.EMPLOYED, 0)

    @property
    def further_study_class(self) -> int:
        return self.by_class.get(DestinationClass.FURTHER_STUDY, 0)

    @property
    def not_employed_class(self) -> int:
        return self.by_class.get(DestinationClass.NOT_EMPLOYED, 0)

    @property
    def without_destination(self) -> int:
        """Graduates with no approved registration yet."""
        return self.total - self.approved

    @property
    def targeted_total(self) -> int:
        return sum(self.targeted.values())

    @property
    def targeted_compliant(self) -> int:
        return self.targeted.get(TargetedCompliance.MATCHING, 0) + self.targeted.get(
            TargetedCompliance.EXCEPTION, 0
        )

    @property
    def targeted_mismatch(self) -> int:
        return self.targeted.get(TargetedCompliance.MISMATCH, 0)

    @property
    def targeted_compliance_rate(self) -> float | None:
        registered = self.targeted_total - self.targeted.get(TargetedCompliance.UNREGISTERED, 0)
        return _rate(self.targeted_compliant, registered)

    def as_dict(self) -> dict:
        """The headline figures, for comparisons and tests."""
        return {
            "total": self.total,
            "approved": self.approved,
            "pending": self.pending,
            "returned": self.returned,
            "unregistered": self.unregistered,
            "confirmed": self.confirmed,
            "employed_class": self.employed_class,
            "further_study_class": self.further_study_class,
            "not_employed_class": self.not_employed_class,
            "flexible": self.flexible,
            "employment": self.employment,
            "late_corrections": self.late_corrections,
            "targeted_total": self.targeted_total,
            "targeted_compliant": self.targeted_compliant,
            **{f"category_{code}": n for code, n in sorted(self.by_category.items()) if n},
        }


# The columns of a figures table, in order: (header, attribute, is a rate). Pages and
# exports both use them.
COLUMNS = [
    ("毕业生总数", "total", False),
    ("已登记", "approved", False),
    ("登记率", "registration_rate", True),
    ("已确认", "confirmed", False),
    ("确认率", "confirmation_rate", True),
    ("就业类", "employed_class", False),
    ("升学类", "further_study_class", False),
    ("未就业类", "not_employed_class", False),
    ("灵活就业（12/75/76）", "flexible", False),
    ("灵活就业率", "flexible_rate", True),
    ("就业人数（总数−70−71−72）", "employment", False),
    ("就业率", "employment_rate", True),
    ("定向符合", "targeted_compliant", False),
    ("定向符合率", "targeted_compliance_rate", True),
    ("逾期更正", "late_corrections", False),
]


def cells(figures: Figures) -> list:
    """The row of a figures table: counts, and rates as fractions rounded for export."""
    out = []
    for _header, name, is_rate in COLUMNS:
        value = getattr(figures, name)
        out.append(("" if value is None else round(value, 4)) if is_rate else value)
    return out


def rows_of(queryset: QuerySet, *group_fields: str):
    """Count rows of a tally-shaped queryset, grouped by ``group_fields`` and the figure
    columns: one query, a few hundred rows whatever the number of graduates."""
    return (
        queryset.values(*group_fields, *ROW_FIELDS)
        .annotate(n=Sum("n"), late=Sum("late_corrections"))
        .order_by()
    )


def grain_rows(queryset: QuerySet, group_field: str):
    """The rows of a live tally whose grain is the group once the query's filters are applied
    (one row per group and figure columns, by its unique key): read as they are, without
    the grouping ``rows_of`` needs."""
    return queryset.values(group_field, *ROW_FIELDS, "n", late=F("late_corrections")).order_by()


@dataclass
class Breakdown:
    total: Figures
    groups: dict  # group key -> Figures
    levels: dict  # education level -> Figures


def breakdown(rows, group_field: str | None) -> Breakdown:
    """Fold count rows into a total, one ``Figures`` per group and one per education level."""
    # Each row is folded once, into its (group, level) cell; the cells, a few hundred at
    # most, are then merged into the total, the groups and the levels.
    cells: dict = defaultdict(Figures)
    for row in rows:
        cells[row[group_field] if group_field else None, row["education_level"]].add(row)
    total = Figures()
    groups: dict = defaultdict(Figures)
    levels: dict = defaultdict(Figures)
    for (group, level), figures in cells.items():
        total.merge(figures)
        if group_field:
            groups[group].merge(figures)
        levels[level].merge(figures)
    return Breakdown(total=total, groups=dict(groups), levels=dict(levels))


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


# --- Tables of figures ---------------------------------------------------------------------------


RATE_COLUMNS = {i + 1 for i, (_h, _n, is_rate) in enumerate(COLUMNS) if is_rate}


def figures_table(
    key: str, title: str, first: str, groups: list[tuple[str, str, Figures]], total=None
) -> Table:
    """Rows of figures (label, link, figures each), with the standard columns."""
    table = Table(key=key, title=title, headers=[first, *(h for h, _n, _r in COLUMNS)], testid=key)
    for label, url, figures in groups:
        table.append([label, *cells(figures)], url=url, rates=RATE_COLUMNS)
    if total is not None:
        table.total = [
            Cell(value, rate=i in RATE_COLUMNS) for i, value in enumerate(["合计", *cells(total)])
        ]
    return table


def category_table(key: str, title: str, categories: list, total: int) -> Table:
    table = Table(
        key=key,
        title=title,
        headers=["毕业去向代码", "毕业去向", "类别", "人数", "占已登记人数比例"],
        testid=key,
    )
    for code, name, klass, n in categories:
        table.append([code, name, klass, n, round(n / total, 4) if total else ""], rates={4})
    return table


# --- Which cohort ------------------------------------------------------------------------------------


def latest_cohort(**filters) -> int:
    """The latest cohort with counts in scope, or this year (one indexed aggregate; on the
    province rows unless a university is asked about)."""
    model = CaseTally if "university_id" in filters else ProvinceTally
    return model.objects.filter(**filters).aggregate(c=Max("cohort"))["c"] or (
        timezone.localdate().year
    )


def requested_cohort(request, **filters) -> int:
    """The cohort a page asks for (``?cohort=``), else the latest one with counts in scope."""
    value = request.GET.get("cohort", "")
    return int(value) if value.isdigit() else latest_cohort(**filters)
