"""Statistics kept incrementally: the ``CaseTally`` rows follow every change of a case.

Every write that changes a case runs inside the one "case changed" hook (``cases.hook``),
which locks the graduates' rows, reads what they count as before and after the write
(``counted_as``) and adds the difference to the tally rows (``tally_apply``), all in the
write's transaction: a rolled-back write changes no count. Dashboards
then read a few hundred tally rows instead of the cases.

The rows are kept at three grains, each what one level of dashboard reads: ``CaseTally``
down to the college (a university's), ``UniversitySummary``, one row per university with the
counts of its line in a province's table, and ``ProvinceTally``, summed by province (the
nation's, and a province's own totals). None of the coarse grains grows with the number of
graduates: a province reads one row per university and its own few dozen.

``tallies_direct`` counts the same thing from the cases themselves. Filings snapshot with
it, and ``tallies_rebuild`` (the full recomputation, run by a Celery job) replaces a
university's rows with it and says how many were wrong; ``coarse_tallies_rebuild`` then
sums the college rows again by university and by province.

A grain's model names its key (``KEY_FIELDS``) and its counts (``COUNTERS``): the
college and province rows count graduates and late corrections, the university summary
the figures of a province's table.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from roles.models import University

from .models import (
    NOT_EMPLOYED_CODES,
    CaseStatus,
    CaseTally,
    ChangeRequest,
    Graduate,
    ProvinceTally,
    TallyFigures,
    TargetedCompliance,
    UniversitySummary,
)

KEY_FIELDS = CaseTally.KEY_FIELDS
# The targeted standings that comply with the agreement.
COMPLIANT = (TargetedCompliance.MATCHING, TargetedCompliance.EXCEPTION)
# The grains summed from the college rows, finest first: every transaction writes the
# grains in the order CaseTally, then these, so that no two can deadlock on them.
COARSE_GRAINS = (UniversitySummary, ProvinceTally)
# The college rows summed over the colleges: what the coarse grains are summed from.
UNIVERSITY_KEY = ("cohort", "province_id", "university_id", *TallyFigures.FIGURE_FIELDS)
Key = tuple
# key -> the grain's counters: (graduates, late corrections) for the college and province
# rows, ``UniversitySummary.COUNTERS`` for the summaries
Counts = dict[Key, tuple[int, ...]]

_CATEGORY = "current_registration__category__"


def _normalise(row) -> Key:
    (
        cohort,
        province_id,
        university_id,
        college_id,
        level,
        status,
        code,
        klass,
        flexible,
        confirmed,
        targeted,
        incomplete,
    ) = row
    return (
        cohort,
        province_id,
        university_id,
        college_id,
        level,
        status,
        code or "",
        klass or "",
        bool(flexible),
        bool(confirmed),
        targeted or "",
        bool(incomplete),
    )


def _late_per_graduate() -> Subquery:
    return Subquery(
        ChangeRequest.objects.filter(graduate=OuterRef("pk"), is_late=True)
        .order_by()
        .values("graduate")
        .annotate(c=Count("pk"))
        .values("c"),
        output_field=IntegerField(),
    )


def _key_columns(via: str = "", confirmed: str | None = None) -> tuple[str, ...]:
    """The columns a graduate is counted by (``KEY_FIELDS`` in order), read from the case, or
    through ``via`` from a row that points at it; ``confirmed`` names an annotation to read
    in place of the confirmation time."""
    return (
        f"{via}cohort",
        f"{via}province_id",
        f"{via}university_id",
        f"{via}college_id",
        f"{via}education_level",
        f"{via}status",
        f"{via}{_CATEGORY}code",
        f"{via}{_CATEGORY}destination_class",
        f"{via}{_CATEGORY}flexible",
        confirmed or f"{via}confirmed_at",
        f"{via}targeted_compliance",
        f"{via}is_incomplete",
    )


def _is_confirmed(via: str = "") -> Case:
    return Case(
        When(**{f"{via}confirmed_at__isnull": False}, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


_KEY_COLUMNS = _key_columns()
# Where a key holds what a task row copies of its case: the college and the category.
COLLEGE, CATEGORY = KEY_FIELDS.index("college_id"), KEY_FIELDS.index("category_code")


def counted_as(graduate_ids: Iterable[int], *, lock: bool = False) -> dict[int, tuple]:
    """What each of these graduates counts as now: (key, late corrections, major) by id, in
    one query. With ``lock``, their rows stay locked until the transaction ends, so that no
    other change of them interleaves."""
    qs = Graduate.objects.filter(pk__in=sorted(set(graduate_ids)))
    if lock:
        qs = qs.select_for_update(of=("self",))
    rows = qs.annotate(late=Coalesce(_late_per_graduate(), 0)).values_list(
        "pk", *_KEY_COLUMNS, "late", "major_name"
    )
    return {pk: (_normalise(key), late, major) for pk, *key, late, major in rows}


def contributions_of(counted: dict[int, tuple]) -> Counts:
    """``counted_as`` summed by key: (graduates, late corrections) each."""
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for key, late, _major in counted.values():
        entry = counts[key]
        entry[0] += 1
        entry[1] += late
    return {key: (n, late) for key, (n, late) in counts.items()}


def contributions(graduate_ids: Iterable[int], *, lock: bool = False) -> Counts:
    """What these graduates count as now, summed by key (see ``counted_as``)."""
    return contributions_of(counted_as(graduate_ids, lock=lock))


def tallies_direct(graduates: QuerySet[Graduate]) -> Counts:
    """Count ``graduates`` by key straight from the cases: two grouped queries."""
    counts: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        graduates.annotate(is_confirmed=_is_confirmed())
        .values_list(*_key_columns(confirmed="is_confirmed"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for *key, n in rows:
        counts[_normalise(key)][0] += n
    late_rows = (
        ChangeRequest.objects.filter(is_late=True, graduate__in=graduates.values("pk"))
        .annotate(is_confirmed=_is_confirmed("graduate__"))
        .values_list(*_key_columns("graduate__", confirmed="is_confirmed"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for *key, n in late_rows:
        counts[_normalise(key)][1] += n
    return {key: (n, late) for key, (n, late) in counts.items()}


def difference(before: Counts, after: Counts) -> Counts:
    out = {}
    for key in set(before) | set(after):
        b, a = before.get(key), after.get(key)
        delta = tuple(x - y for x, y in zip(a or (0,) * len(b), b or (0,) * len(a), strict=True))
        if any(delta):
            out[key] = delta
    return out


def _summary_counters(figures: tuple, n: int, late: int) -> tuple[int, ...]:
    """What graduates with these figure columns add to a university's summary, in the
    order of ``UniversitySummary.COUNTERS``."""
    _level, status, code, klass, flexible, confirmed, targeted, incomplete = figures
    add = dict.fromkeys(UniversitySummary.COUNTERS, 0)
    add["n"], add["late_corrections"] = n, late
    if incomplete:
        add["incomplete"] = n
    if status == CaseStatus.APPROVED:
        add["approved"] = n
        if targeted:
            add["targeted_approved"] = n
            if targeted in COMPLIANT:
                add["targeted_approved_compliant"] = n
        if klass:
            add[klass] = n  # the destination classes name their counters
        if flexible:
            add["flexible"] = n
        if code in NOT_EMPLOYED_CODES:
            add[f"category_{code}"] = n
    elif status == CaseStatus.PENDING_AUDIT:
        add["pending"] = n
    elif status == CaseStatus.RETURNED:
        add["returned"] = n
    if confirmed:
        add["confirmed"] = n
    if targeted:
        add[f"targeted_{targeted}"] = n
    return tuple(add.values())


def summed(counts: Counts, model, *, key_fields=KEY_FIELDS) -> Counts:
    """``counts`` (graduates and late corrections, keyed by ``key_fields``: the college
    rows' key unless told) summed to the grain of ``model``, a coarser one."""
    positions = [key_fields.index(name) for name in model.KEY_FIELDS]
    out: dict[Key, list[int]] = defaultdict(lambda: [0] * len(model.COUNTERS))
    if model is UniversitySummary:
        figures = [key_fields.index(name) for name in TallyFigures.FIGURE_FIELDS]
    for key, (n, late) in counts.items():
        entry = out[tuple(key[i] for i in positions)]
        if model is UniversitySummary:
            add = _summary_counters(tuple(key[i] for i in figures), n, late)
        else:
            add = (n, late)
        for i, value in enumerate(add):
            entry[i] += value
    return {key: tuple(values) for key, values in out.items() if any(values)}


def _upsert(model, deltas: Counts) -> None:
    """Add ``deltas`` to ``model``'s rows: one statement whose rows come in key order (the
    order it locks them in), so that two transactions touching the same rows take their
    locks in the same order."""
    rows = sorted((key, delta) for key, delta in deltas.items() if any(delta))
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key_columns = ", ".join(
        quote(model._meta.get_field(name.removesuffix("_id")).column) for name in model.KEY_FIELDS
    )
    counters = [quote(name) for name in model.COUNTERS]
    row = "(" + ", ".join(["%s"] * (len(model.KEY_FIELDS) + len(counters))) + ")"
    sql = (
        f"INSERT INTO {table} ({key_columns}, {', '.join(counters)}) "
        f"VALUES {', '.join([row] * len(rows))} ON CONFLICT ({key_columns}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counters)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key, delta in rows for value in (*key, *delta)])


def _rows(model, counts: Counts) -> list:
    """``counts`` as new rows of ``model`` (zero rows left out), in key order."""
    return [
        model(
            **dict(zip(model.KEY_FIELDS, key, strict=True)),
            **dict(zip(model.COUNTERS, values, strict=True)),
        )
        for key, values in sorted(counts.items())
        if any(values)
    ]


def tally_apply(deltas: Counts) -> None:
    """Add ``deltas`` to the tally rows of every grain, the college rows first (every
    transaction locks them in this order: no deadlock)."""
    _upsert(CaseTally, deltas)
    for model in COARSE_GRAINS:
        _upsert(model, summed(deltas, model))


def tally_add(graduate_ids: list[int]) -> None:
    """Count new graduates (the roster import's bulk creation)."""
    tally_apply(contributions(graduate_ids))


def tallies_current(*, model=CaseTally, **filters) -> Counts:
    """The tally rows as they stand (zero rows left out); ``model`` for a coarser grain."""
    width = len(model.KEY_FIELDS)
    return {
        tuple(row[:width]): tuple(row[width:])
        for row in model.objects.filter(**filters)
        .values_list(*model.KEY_FIELDS, *model.COUNTERS)
        .order_by()
        if any(row[width:])
    }


def university_lock(university_id: int) -> None:
    """Serialise the full recomputation of a university with the creation of its graduates."""
    list(University.objects.select_for_update().filter(pk=university_id).values_list("pk"))


@transaction.atomic
def tallies_rebuild(*, university_id: int) -> int:
    """Recount one university's cases from scratch and put the result in place of its
    tally rows. Returns how many keys were wrong (0 when the incremental path kept up).

    Locks the university (no graduates are created meanwhile) and its graduates (no
    tracked service changes one meanwhile), so the counts and the rows swapped in agree."""
    university_lock(university_id)
    list(
        Graduate.objects.select_for_update()
        .filter(university_id=university_id)
        .values_list("pk", flat=True)
    )
    direct = tallies_direct(Graduate.objects.filter(university_id=university_id))
    current = tallies_current(university_id=university_id)
    deltas = difference(current, direct)
    wrong = len(deltas)
    if wrong:
        for model in COARSE_GRAINS:
            _upsert(model, summed(deltas, model))
        CaseTally.objects.filter(university_id=university_id).delete()
        CaseTally.objects.bulk_create(_rows(CaseTally, direct), batch_size=1000)
    return wrong


@transaction.atomic
def coarse_tallies_rebuild() -> int:
    """Sum the college rows again by university and by province and put the sums in place
    of those rows. Returns how many keys were wrong.

    On PostgreSQL the coarse rows are locked against writers first, in the order services
    write them: a service that has changed college rows but not yet committed then adds
    its delta after the swap, on top of sums that did not include it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in COARSE_GRAINS:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    by_university = {
        tuple(row[:-2]): (row[-2], row[-1])
        for row in CaseTally.objects.values_list(*UNIVERSITY_KEY)
        .annotate(total=Sum("n"), late=Sum("late_corrections"))
        .order_by()
    }
    wrong = 0
    for model in COARSE_GRAINS:
        sums = summed(by_university, model, key_fields=UNIVERSITY_KEY)
        wrong_here = len(difference(tallies_current(model=model), sums))
        if wrong_here:
            model.objects.all().delete()
            model.objects.bulk_create(_rows(model, sums), batch_size=1000)
        wrong += wrong_here
    return wrong
