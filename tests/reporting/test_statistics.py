"""Statistics: the full recomputation (a Celery job with its progress on a page) gives the
numbers the incremental path kept; dashboards read counts, never the cases, in a constant
number of queries; charts render."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseTally, Graduate, ProvinceTally, UniversitySummary
from cases.tallies import COARSE_GRAINS, summed, tallies_current, tallies_direct
from processes.filings import services
from processes.filings.models import Filing
from roles.models import University
from stats import services as stats_services
from stats.models import StatisticsJob
from workflows.models import OrgTaskScope

from ..factories import UniversityFactory, login, member, open_cohort
from ..workflows.helpers import decide, submit
from .helpers import direct_figures

pytestmark = pytest.mark.django_db


def test_the_recomputation_started_on_the_page_gives_the_incremental_numbers(
    busy, other_cohort, national, django_capture_on_commit_callbacks
):
    submit(other_cohort[0])
    incremental = tallies_current()
    client = login(national)
    assert 'data-testid="recompute"' in client.get("/statistics/national/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post("/statistics/recompute/")
    assert len(queued) == 1  # the Celery task, queued when the job's row committed
    job = StatisticsJob.objects.get()
    assert response["Location"] == f"/statistics/jobs/{job.pk}/"
    response = client.get(response["Location"])
    assert job.status == "done" and job.done == job.total == University.objects.count()
    assert job.corrected == 0
    page = response.content.decode()
    assert 'value="100"' in page and 'data-testid="job-result"' in page
    assert "有 0 项计数与增量统计不符" in page
    assert 'http-equiv="refresh"' not in page
    assert tallies_current() == incremental == tallies_direct(Graduate.objects.all())


def test_a_recomputation_corrects_counts_that_drifted_and_says_how_many(
    busy, national, uni, django_capture_on_commit_callbacks
):
    CaseTally.objects.filter(status="approved", category_code="10").update(n=99)
    ProvinceTally.objects.filter(status="unregistered").update(n=77)
    UniversitySummary.objects.update(approved=0)
    Graduate.objects.filter(pk=busy[0].pk).update(status="returned")  # behind the services' back
    client = login(national)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/statistics/recompute/")
    job = StatisticsJob.objects.get()
    assert job.status == "done" and job.corrected >= 2
    live = client.get("/statistics/national/", {"source": "live", "cohort": 2026}).context["d"]
    assert live.total.as_dict() == direct_figures().as_dict()
    province = client.get(f"/statistics/province/{uni.province_id}/", {"cohort": 2026})
    assert (
        province.context["d"].total.as_dict()
        == direct_figures(Graduate.objects.filter(province_id=uni.province_id)).as_dict()
    )
    for model in COARSE_GRAINS:
        assert tallies_current(model=model) == summed(tallies_current(), model)


def test_a_running_job_shows_its_progress_and_refreshes_until_done(national):
    job = StatisticsJob.objects.create(status="running", total=8, done=2)
    page = login(national).get(f"/statistics/jobs/{job.pk}/").content.decode()
    assert 'value="25"' in page and "已重算 2 / 8 所高校" in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_a_finished_job_run_again_changes_nothing(
    busy, national, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = stats_services.statistics_job_create(actor=national)
    job.refresh_from_db()
    assert job.status == "done"
    finished_at = job.finished_at
    assert stats_services.statistics_recompute(job_id=job.pk).finished_at == finished_at


def test_a_dashboard_without_figures_says_so_and_offers_the_live_ones(busy, national):
    client = login(national)
    reported = client.get("/statistics/national/", {"cohort": 2026, "source": "reported"})
    page = reported.content.decode()
    assert reported.context["d"].total.total == 0  # no province report accepted yet
    assert 'data-testid="no-figures"' in page and "尚无已验收的上报数据" in page
    assert "?cohort=2026&amp;source=live" in page and "<svg" not in page
    live = client.get("/statistics/national/", {"cohort": 2026, "source": "live"})
    assert live.context["d"].total.total > 0
    assert 'data-testid="no-figures"' not in live.content.decode()


def test_only_the_nation_recomputes(busy, monitor, supervisor):
    for user in (monitor, supervisor):
        assert login(user).post("/statistics/recompute/").status_code == 403
    assert not StatisticsJob.objects.exists()


def _dashboard_urls(uni):
    return [
        "/statistics/national/?cohort=2026&source=live",
        f"/statistics/province/{uni.province_id}/?cohort=2026",
        f"/statistics/university/{uni.pk}/?cohort=2026",
        "/statistics/national/?cohort=2026&source=reported",
    ]


def test_dashboards_never_read_the_case_table_and_their_queries_do_not_grow(
    busy, uni, national, supervisor, django_assert_num_queries
):
    client = login(national)
    counts = {}
    for url in _dashboard_urls(uni):
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in queries if "cases_graduate" in q["sql"]], url
        counts[url] = len(queries)
    bigger = UniversityFactory(code="19109", province=uni.province)
    open_cohort(bigger, count=25, actor=member("university_supervisor", university=bigger), seed=4)
    for graduate in bigger.graduates.all()[:10]:
        submit(graduate)
    for url in _dashboard_urls(uni):
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_the_dashboards_draw_their_charts(busy, other_cohort, national, uni):
    page = login(national).get("/statistics/national/", {"source": "live", "cohort": 2026})
    html = page.content.decode()
    for testid in ("chart-employment", "chart-classes", "chart-categories"):
        assert f'data-testid="{testid}"' in html
    employment = html.split('data-testid="chart-employment"')[1].split("</figure>")[0]
    assert employment.count('data-testid="bar"') == 2  # Beijing and Shanghai
    classes = html.split('data-testid="chart-classes"')[1].split("</figure>")[0]
    assert classes.count('data-testid="stack"') == 2
    categories = html.split('data-testid="chart-categories"')[1].split("</figure>")[0]
    approved_codes = {c for c, n in direct_figures().by_category.items() if n}
    assert categories.count('data-testid="bar"') == len(approved_codes)
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert not re.search(r'(src|href)="https?://', html)


def test_the_filing_and_report_tasks_list_in_constant_queries(
    uni, uni2, monitor, django_assert_num_queries
):
    client = login(monitor)
    supervisors = []
    for university in (uni, uni2):
        boss = member("university_supervisor", university=university)
        supervisors.append(boss)
        open_cohort(
            university, count=2, actor=boss, seed=university.pk, first_no=university.pk * 10
        )
    services.filing_submit(university=uni, cohort=2026, actor=supervisors[0])
    client.get("/tasks/")
    with django_assert_num_queries(7) as few:
        page = client.get("/tasks/")
    assert len(page.context["org_tasks"]) == 1
    for i in range(3):
        extra = UniversityFactory(code=f"1912{i}", province=uni.province)
        boss = member("university_supervisor", university=extra)
        open_cohort(extra, count=1, actor=boss, seed=i, first_no=5000 + i * 10)
        services.filing_submit(university=extra, cohort=2026, actor=boss)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/tasks/")
    assert len(page.context["org_tasks"]) == 4
    assert OrgTaskScope.objects.filter(kind="review_filing").count() == Filing.objects.count()


def test_a_filing_snapshot_counts_what_a_direct_count_finds(busy, uni, supervisor, reviewer):
    decide(busy[3], reviewer)
    filing = services.filing_submit(university=uni, cohort=2026, actor=supervisor)
    version = filing.current_version
    from processes.filings.selectors import filing_figures

    assert (
        filing_figures(version).total.as_dict()
        == direct_figures(Graduate.objects.filter(university=uni)).as_dict()
    )
    entries = dict(version.entries.values_list("graduate_id", "registration_id"))
    assert entries == dict(uni.graduates.values_list("pk", "current_registration_id"))
