"""The tallies follow every change of a case: after any sequence of real services they equal a
count made directly from the cases."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import transaction

from cases.models import CaseTally, Graduate, ProvinceTally, UniversitySummary
from cases.tallies import (
    COARSE_GRAINS,
    coarse_tallies_rebuild,
    summed,
    tallies_current,
    tallies_direct,
    tallies_rebuild,
)

from ..scenarios import busy_cohort
from ..workflows.helpers import decide, submit

pytestmark = pytest.mark.django_db


def assert_coarse_rows_sum(college_rows):
    """The university and province rows hold the college rows' sums, key for key."""
    for model in COARSE_GRAINS:
        assert tallies_current(model=model) == summed(college_rows, model), model.__name__


def test_tallies_equal_a_direct_count_after_every_kind_of_change(
    uni, other_cohort, supervisor, reviewer
):
    graduates = busy_cohort(uni, supervisor, reviewer)
    submit(other_cohort[0])

    assert tallies_current() == tallies_direct(Graduate.objects.all())
    assert_coarse_rows_sum(tallies_current())
    rows = tallies_current(university_id=uni.pk)
    assert sum(n for n, _late in rows.values()) == uni.graduates.count() == 11
    assert sum(late for _n, late in rows.values()) == 2
    by_status = {}
    for key, (n, _late) in rows.items():
        by_status[key[5]] = by_status.get(key[5], 0) + n
    assert by_status == {"approved": 5, "pending_audit": 1, "returned": 1, "unregistered": 4}
    confirmed = sum(n for key, (n, _l) in rows.items() if key[9])
    assert confirmed == 1  # the other confirmation was superseded by a late correction
    assert graduates[3].education_level == "master"


def test_a_rebuild_finds_nothing_wrong_when_the_tallies_kept_up(cohort, reviewer, uni):
    submit(cohort[0])
    decide(cohort[0], reviewer)
    assert tallies_rebuild(university_id=uni.pk) == 0


def test_a_rebuild_puts_drifted_rows_right_and_says_how_many(cohort, reviewer, uni):
    submit(cohort[0])
    decide(cohort[0], reviewer)
    expected = tallies_current()
    CaseTally.objects.filter(status="approved").update(n=5)
    CaseTally.objects.create(
        **dict(zip(CaseTally.KEY_FIELDS, next(iter(expected)), strict=True)) | {"status": "x"},
        n=2,
    )
    assert tallies_rebuild(university_id=uni.pk) == 2
    assert tallies_current() == expected
    # the coarse rows moved by the same correction: they sum the drifted rows no more
    for model in COARSE_GRAINS:
        assert tallies_current(model=model) != summed(expected, model)
    assert coarse_tallies_rebuild() > 0
    assert_coarse_rows_sum(expected)
    assert coarse_tallies_rebuild() == 0


def test_coarse_rows_sum_the_college_rows_and_a_rebuild_puts_them_right(
    cohort, other_cohort, reviewer, uni
):
    submit(cohort[0])
    decide(cohort[0], reviewer)
    submit(other_cohort[0])
    college_rows = tallies_current()
    assert len({key[1] for key in summed(college_rows, ProvinceTally)}) == 2  # two provinces
    assert len({key[2] for key in summed(college_rows, UniversitySummary)}) == 2
    assert_coarse_rows_sum(college_rows)
    assert coarse_tallies_rebuild() == 0
    ProvinceTally.objects.filter(status="approved").update(n=40)
    ProvinceTally.objects.filter(status="unregistered").delete()
    UniversitySummary.objects.filter(university=uni).update(late_corrections=3)
    assert coarse_tallies_rebuild() >= 3
    assert_coarse_rows_sum(college_rows)


def test_a_rolled_back_service_leaves_the_tallies_unchanged(cohort):
    before = tallies_current()
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(cohort[0])
        raise RuntimeError
    assert tallies_current() == before
    assert_coarse_rows_sum(before)


def test_the_migration_sums_the_college_rows_into_summaries_as_the_services_keep_them(
    uni, other_cohort, supervisor, reviewer
):
    """The migration that brought the summaries counts them in SQL; the services in Python.
    Both agree, on a cohort that went through every kind of change."""
    busy_cohort(uni, supervisor, reviewer)
    kept = tallies_current(model=UniversitySummary)
    assert kept == summed(tallies_current(), UniversitySummary)
    assert {key[2] for key in kept} == {uni.pk, other_cohort[0].university_id}
    UniversitySummary.objects.all().delete()
    migration = importlib.import_module("cases.migrations.0011_university_summary")
    migration.sum_college_rows(django_apps, None)
    # 0011 counted the columns it brought; 0012 added three and recounts them
    brought = UniversitySummary.COUNTERS.index("targeted_approved")
    assert {
        key: values[:brought] for key, values in tallies_current(model=UniversitySummary).items()
    } == {key: values[:brought] for key, values in kept.items()}
    importlib.import_module(
        "cases.migrations.0012_tallies_incomplete_and_targeted_approved"
    ).recount(django_apps, None)
    assert tallies_current(model=UniversitySummary) == kept
    summary = UniversitySummary.objects.get(university=uni)
    counted = {name: getattr(summary, name) for name in UniversitySummary.COUNTERS}
    assert counted["n"] == uni.graduates.count() == 11
    assert (counted["approved"], counted["pending"], counted["returned"]) == (5, 1, 1)
    # one 70; the 71 was voided, the 72 corrected (see the scenario)
    assert (counted["category_70"], counted["category_71"], counted["category_72"]) == (1, 0, 0)
    assert counted["late_corrections"] == 2 and counted["confirmed"] == 1
