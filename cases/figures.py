"""Figures from count rows: totals and rates of one group of graduates.

The rows come from the live tallies (``cases.CaseTally``) or from filed snapshots
(``processes.filings.models.FilingCount``): both carry the same columns, so the same code counts a
university's live figures, its filing and the nation's accepted reports.

Definitions (``docs/statistics.md`` gives each with its numerator, denominator and source):
- registered: the case has an approved registration; registration rate = registered / total;
- confirmed at leave time; confirmation rate = confirmed / total;
- destination class and category: of the approved registrations;
- 毕业去向落实人数: approved registrations in the 就业 and 升学 classes; 毕业去向落实率 over
  the total. Unregistered, pending and returned graduates are not 落实: they are counted
  apart, as 未登记/待审核;
- 就业人数 (the classic figure, without 升学): approved registrations in the 就业 class; its
  rate over the total;
- 灵活就业: approved registrations in categories flagged flexible (12, 75, 76);
- 定向符合率: targeted graduates with an approved registration that matches the agreement
  or has an approved exception, over the targeted graduates with an approved registration;
- 结业生: graduates who completed without graduating, counted in the total and apart.

Filings and reports filed before these definitions keep the first one
(``FiguresDefinition.NOTICE_COUNT``): 就业人数 = total − (70 + 71 + 72), and 定向符合率 over
the targeted graduates who registered, approved or not.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Max, QuerySet, Sum
from django.utils import timezone

from cases.models import (
    CURRENT_DEFINITION,
    NOT_EMPLOYED_CODES,
    CaseStatus,
    CaseTally,
    DestinationClass,
    FiguresDefinition,
    ProvinceTally,
    TallyFigures,
    TargetedCompliance,
    UniversitySummary,
)
from cases.selectors import categories_for_cohort
from cases.tallies import COMPLIANT
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
    incomplete: int = 0
    targeted_approved: int = 0
    targeted_approved_compliant: int = 0
    by_class: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    targeted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    definition: int = CURRENT_DEFINITION

    COUNTS = (
        "total",
        "approved",
        "pending",
        "returned",
        "unregistered",
        "confirmed",
        "flexible",
        "late_corrections",
        "incomplete",
        "targeted_approved",
        "targeted_approved_compliant",
    )

    def add(self, row: dict) -> None:
        n = row["n"] or 0
        self.total += n
        self.late_corrections += row["late"] or 0
        if row["is_incomplete"]:
            self.incomplete += n
        status = row["status"]
        standing = row["targeted_compliance"]
        if status == CaseStatus.APPROVED:
            self.approved += n
            self.by_category[row["category_code"]] += n
            self.by_class[row["destination_class"]] += n
            if row["flexible"]:
                self.flexible += n
            if standing:
                self.targeted_approved += n
                if standing in COMPLIANT:
                    self.targeted_approved_compliant += n
        elif status == CaseStatus.PENDING_AUDIT:
            self.pending += n
        elif status == CaseStatus.RETURNED:
            self.returned += n
        else:
            self.unregistered += n
        if row["confirmed"]:
            self.confirmed += n
        if standing:
            self.targeted[standing] += n

    @classmethod
    def of_summary(cls, row: dict) -> "Figures":
        """The figures of a group from its ``cases.UniversitySummary`` rows summed
        (``SUMMARY_SUMS``): what a table's line and the charts show of it (of the categories,
        only 70, 71 and 72)."""
        sums = {name: row[f"sum_{name}"] for name in UniversitySummary.COUNTERS}
        figures = cls(
            total=sums["n"],
            unregistered=sums["n"] - sums["approved"] - sums["pending"] - sums["returned"],
            **{name: sums[name] for name in cls.COUNTS if name not in ("total", "unregistered")},
        )
        for klass in _CLASSES:
            figures.by_class[klass] = sums[klass]
        for code in NOT_EMPLOYED_CODES:
            figures.by_category[code] = sums[f"category_{code}"]
        for standing in _STANDINGS:
            figures.targeted[standing] = sums[f"targeted_{standing}"]
        return figures

    def merge(self, other: "Figures") -> None:
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("by_class", "by_category", "targeted"):
            mine = getattr(self, name)
            for key, n in getattr(other, name).items():
                mine[key] += n

    @property
    def legacy(self) -> bool:
        """Whether these figures follow the first definition (a version filed under it)."""
        return self.definition == FiguresDefinition.NOTICE_COUNT

    @property
    def definition_label(self) -> str:
        return FiguresDefinition(self.definition).label

    @property
    def not_employed(self) -> int:
        """Approved 70 + 71 + 72."""
        return sum(self.by_category.get(code, 0) for code in NOT_EMPLOYED_CODES)

    @property
    def placed(self) -> int:
        """毕业去向落实人数: approved 就业 and 升学 (first definition: 总数 − (70 + 71 + 72))."""
        if self.legacy:
            return self.total - self.not_employed
        return self.employed_class + self.further_study_class

    @property
    def placement_rate(self) -> float | None:
        return _rate(self.placed, self.total)

    @property
    def employment(self) -> int | None:
        """就业人数 without 升学: approved 就业 (not a figure of the first definition)."""
        return None if self.legacy else self.employed_class

    @property
    def employment_rate(self) -> float | None:
        return None if self.legacy else _rate(self.employed_class, self.total)

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
        """未登记/待审核: graduates with no approved registration (unregistered, awaiting
        audit or returned)."""
        return self.total - self.approved

    @property
    def targeted_total(self) -> int:
        return sum(self.targeted.values())

    @property
    def targeted_counted(self) -> int:
        """The targeted graduates 定向符合率 is over: those with an approved registration
        (first definition: those who registered)."""
        if self.legacy:
            return self.targeted_total - self.targeted.get(TargetedCompliance.UNREGISTERED, 0)
        return self.targeted_approved

    @property
    def targeted_compliant(self) -> int:
        if self.legacy:
            return sum(self.targeted.get(standing, 0) for standing in COMPLIANT)
        return self.targeted_approved_compliant

    @property
    def targeted_mismatch(self) -> int:
        return self.targeted.get(TargetedCompliance.MISMATCH, 0)

    @property
    def targeted_compliance_rate(self) -> float | None:
        return _rate(self.targeted_compliant, self.targeted_counted)

    def as_dict(self) -> dict:
        """The headline figures, for comparisons and tests (a figure the definition does not
        have is left out)."""
        out = {
            "total": self.total,
            "approved": self.approved,
            "pending": self.pending,
            "returned": self.returned,
            "unregistered": self.unregistered,
            "without_destination": self.without_destination,
            "confirmed": self.confirmed,
            "employed_class": self.employed_class,
            "further_study_class": self.further_study_class,
            "not_employed_class": self.not_employed_class,
            "flexible": self.flexible,
            "placed": self.placed,
            "employment": self.employment,
            "incomplete": self.incomplete,
            "late_corrections": self.late_corrections,
            "targeted_total": self.targeted_total,
            "targeted_counted": self.targeted_counted,
            "targeted_compliant": self.targeted_compliant,
            **{f"category_{code}": n for code, n in sorted(self.by_category.items()) if n},
        }
        return {key: value for key, value in out.items() if value is not None}


# The columns of a figures table, in order: (header, attribute, is a rate). Pages and
# exports both use them. A figure its definition does not have is left empty.
COLUMNS = [
    ("毕业生总数", "total", False),
    ("其中结业生", "incomplete", False),
    ("已登记", "approved", False),
    ("登记率", "registration_rate", True),
    ("未登记/待审核", "without_destination", False),
    ("已确认", "confirmed", False),
    ("确认率", "confirmation_rate", True),
    ("就业类", "employed_class", False),
    ("升学类", "further_study_class", False),
    ("未就业类", "not_employed_class", False),
    ("毕业去向落实人数", "placed", False),
    ("毕业去向落实率", "placement_rate", True),
    ("就业人数（不含升学）", "employment", False),
    ("就业率（不含升学）", "employment_rate", True),
    ("灵活就业（12/75/76）", "flexible", False),
    ("灵活就业率", "flexible_rate", True),
    ("定向符合", "targeted_compliant", False),
    ("定向符合率", "targeted_compliance_rate", True),
    ("逾期更正", "late_corrections", False),
]


def cells(figures: Figures) -> list:
    """The row of a figures table: counts, and rates as fractions rounded for export."""
    out = []
    for _header, name, is_rate in COLUMNS:
        value = getattr(figures, name)
        out.append("" if value is None else round(value, 4) if is_rate else value)
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


def breakdown(rows, group_field: str | None, definition: int = CURRENT_DEFINITION) -> Breakdown:
    """Fold count rows into a total, one ``Figures`` per group and one per education level,
    under ``definition`` (the current one unless a filed version says otherwise)."""

    def new() -> Figures:
        return Figures(definition=definition)

    # Each row is folded once, into its (group, level) cell; the cells, a few hundred at
    # most, are then merged into the total, the groups and the levels.
    cells: dict = defaultdict(new)
    for row in rows:
        cells[row[group_field] if group_field else None, row["education_level"]].add(row)
    total = new()
    groups: dict = defaultdict(new)
    levels: dict = defaultdict(new)
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
