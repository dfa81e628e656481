"""Personas and shared fixtures.

Two universities in two provinces: ``uni`` (Beijing, where the personas work) and
``other_uni`` (Shanghai, outside every persona's scope). Each persona's rights are
proved against the outsider's data as well as their own.
"""

import os

import pytest
from django.conf import settings
from pytest_django.plugin import blocking_manager_key

from roles.models import Role, VerifierOrganisation

from .factories import ProvinceFactory, UniversityFactory, member, open_cohort

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped on SQLite, and the real-worker tests without a
    broker or without PostgreSQL, with the reason shown in the summary."""
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    broker = bool(os.environ.get("CELERY_BROKER_URL"))
    skip_postgres = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, EXPLAIN): run with DATABASE_URL=postgres://…"
    )
    skip_broker = pytest.mark.skip(
        reason="needs a Celery broker and PostgreSQL for a real worker: run with "
        "CELERY_BROKER_URL=redis://… and DATABASE_URL=postgres://… (.ci/run does)"
    )
    skip_nodes = pytest.mark.skip(
        reason="needs PostgreSQL and a Celery broker for two live nodes: run with "
        "DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (.ci/run does)"
    )
    for item in items:
        if item.get_closest_marker("nodes") and not (broker and postgres):
            item.add_marker(skip_nodes)
        elif item.get_closest_marker("broker") and not (broker and postgres):
            item.add_marker(skip_broker)
        elif item.get_closest_marker("postgres") and not postgres:
            item.add_marker(skip_postgres)


def _reference_data_missing() -> bool:
    from cases.models import Region

    return not Region.objects.exists()


def _reference_data_load() -> None:
    from django.apps import apps

    from cases.reference_data import load_reference_data

    load_reference_data(apps)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush that empties the tables the migrations filled:
    put the code tables back once it is done, committed, for whatever test runs next (a
    pytest-xdist worker may run an ordinary test after a transactional one). An SLA
    without its row is its kind's default. After the worker's last test there is no next
    test, and its teardown has dropped the test database already."""
    yield
    if nextitem is None:
        return
    marker = item.get_closest_marker("django_db")
    flushed = "transactional_db" in getattr(item, "fixturenames", ()) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if flushed:
        with item.config.stash[blocking_manager_key].unblock():
            if _reference_data_missing():
                _reference_data_load()


@pytest.fixture
def beijing(db):
    return ProvinceFactory(code="110000", name="北京市")


@pytest.fixture
def shanghai(db):
    return ProvinceFactory(code="310000", name="上海市")


@pytest.fixture
def uni(beijing):
    return UniversityFactory(code="19101", name="北京测试大学", province=beijing)


@pytest.fixture
def uni2(beijing):
    """A two-level university (college audit, then university audit)."""
    return UniversityFactory(
        code="19102", name="北京两级审核大学", province=beijing, audit_levels=2
    )


@pytest.fixture
def other_uni(shanghai):
    return UniversityFactory(code="19301", name="上海测试大学", province=shanghai)


@pytest.fixture
def supervisor(uni):
    return member(Role.UNIVERSITY_SUPERVISOR, university=uni)


@pytest.fixture
def reviewer(uni):
    return member(Role.UNIVERSITY_REVIEWER, university=uni)


@pytest.fixture
def reviewer_b(uni):
    return member(Role.UNIVERSITY_REVIEWER, university=uni)


@pytest.fixture
def college_reviewer(uni):
    return member(Role.COLLEGE_REVIEWER, college=uni.colleges.get(code="01"))


@pytest.fixture
def monitor(beijing):
    return member(Role.PROVINCIAL_MONITOR, province=beijing)


@pytest.fixture
def inspector(beijing):
    return member(Role.INSPECTOR, province=beijing)


@pytest.fixture
def national(db):
    return member(Role.NATIONAL_ADMIN)


@pytest.fixture
def verifier(beijing):
    org = VerifierOrganisation.objects.create(
        name="海淀户政", kind=VerifierOrganisation.Kind.HUKOU, province=beijing
    )
    return member(Role.VERIFIER, verifier_organisation=org)


@pytest.fixture
def cohort(uni, supervisor):
    """Six graduates of ``uni`` with their register tasks open."""
    open_cohort(uni, count=6, actor=supervisor)
    return uni.graduates.order_by("student_no")


@pytest.fixture
def other_cohort(other_uni):
    open_cohort(other_uni, count=3, seed=9, first_no=90001)
    return other_uni.graduates.order_by("student_no")
