"""The figures of the benchmark, each measured side by side with what it is compared against."""

import multiprocessing
import os
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases import services as case_services
from cases.figures import latest_cohort
from cases.models import CaseTally, Graduate
from cases.national_file import national_file
from cases.roster_files import RosterValidator
from portal.demo.identifiers import demo_roster_rows
from processes.registration import services as registration
from processes.registration.flow import RegistrationFlow
from roles import services as role_services
from roles.models import College, Membership, Province, University, VerifierOrganisation
from roles.org_scope import scope_for_user
from stats import selectors as stats_selectors
from stats import services as stats_services
from stats.models import StatisticsJob
from verification import services as verification_services
from verification.models import Confirmation
from workflows import services
from workflows.models import TaskScope
from workflows.selectors import (
    InboxFilters,
    InboxRow,
    inbox_columns,
    inbox_rows,
    my_tasks,
    queue_for_user,
)

from .measure import (
    explain,
    explain_executed,
    explain_queryset,
    plan_line,
    ratio,
    timed,
    timed_side_by_side,
)


def _user(pk):
    return get_user_model().objects.get(pk=pk)


def _reviewer_of(university):
    return (
        Membership.objects.filter(university=university, role="university_reviewer")
        .order_by("pk")
        .first()
        .user_id
    )


def universities_to_measure():
    """The largest university and a small one (the median-sized one)."""
    by_size = list(
        TaskScope.objects.filter(status="open", candidate_role="university_reviewer")
        .values("university_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    largest, small = by_size[0], by_size[len(by_size) // 2]
    return [
        (University.objects.get(pk=largest["university_id"]), largest["n"]),
        (University.objects.get(pk=small["university_id"]), small["n"]),
    ]


QUEUE_PAGE_SQL = """
SELECT s.task_id, s.kind, s.status, s.due_at, s.created_at, s.category_code, s.major_name,
       g.student_no, g.name, c.name
FROM workflows_taskscope s
JOIN cases_graduate g ON g.id = s.graduate_id
JOIN roles_college c ON c.id = s.college_id
WHERE s.university_id = %s AND s.candidate_role = 'university_reviewer' AND s.status = 'open'
ORDER BY s.due_at, s.task_id
LIMIT 50
"""
QUEUE_COUNT_SQL = """
SELECT count(*) FROM workflows_taskscope
WHERE university_id = %s AND candidate_role = 'university_reviewer' AND status = 'open'
"""


def _sql(sql, params):
    """The hand-written statement, planned for its parameters on every run: the plan the
    database picks for the ORM's queries too. (Prepared once, PostgreSQL may switch it to a
    generic plan, which for a large university's queue sorts its whole queue.)"""

    def run():
        with connection.cursor() as cursor:
            cursor.cursor.execute(sql, params, prepare=False)
            cursor.fetchall()

    return run


def reviewer_queue() -> list[dict]:
    """First page of 50 and the count of a reviewer's queue: ours, stock viewflow's
    ``user_queue(...).filter(status=NEW)`` on the same data, and the bare SQL."""
    results = []
    for university, open_tasks in universities_to_measure():
        user = _user(_reviewer_of(university))
        scope_for_user(user)  # resolved once per request, shared by the page and its count

        columns = inbox_columns(scope_for_user(user), InboxFilters(), queue=True)

        def ours_page(user=user, columns=columns):
            # what the page lists: its rows as ``InboxRow``s
            [
                InboxRow(**row)
                for row in inbox_rows(queue_for_user(user, InboxFilters()), **columns)[:50]
            ]

        def ours_count(user=user):
            queue_for_user(user, InboxFilters()).count()

        def stock_qs(user=user):
            # user_queue() reads the user's permissions afresh, as FlowQueueListView does per request
            user = _user(user.pk)
            return (
                Task.objects.user_queue(user, flow_class=RegistrationFlow)
                .filter(status=STATUS.NEW)
                .order_by("-created")
            )

        pages = timed_side_by_side(
            {"ours_page": ours_page, "sql_page": _sql(QUEUE_PAGE_SQL, [university.pk])}
        )
        counts = timed_side_by_side(
            {"ours_count": ours_count, "sql_count": _sql(QUEUE_COUNT_SQL, [university.pk])}
        )
        figures = {
            "university": university.code,
            "open_tasks": open_tasks,
            "ours_page": pages["ours_page"],
            "ours_count": counts["ours_count"],
            "stock_page": timed(lambda: list(stock_qs()[:50]), runs=5),
            "stock_count": timed(lambda: stock_qs().count(), runs=5),
            "sql_page": pages["sql_page"],
            "sql_count": counts["sql_count"],
        }
        ours_qs = queue_for_user(user, InboxFilters())
        figures["plans"] = {
            "ours_page": plan_line(explain_queryset(inbox_rows(ours_qs, **columns)[:50])),
            "ours_count": plan_line(explain_executed(ours_count)),
            "stock_page": plan_line(explain_queryset(stock_qs()[:50])),
            "stock_count": plan_line(explain_executed(lambda: stock_qs().count())),
            "sql_page": plan_line(explain(QUEUE_PAGE_SQL, [university.pk])),
            "sql_count": plan_line(explain(QUEUE_COUNT_SQL, [university.pk])),
        }
        figures["speedup_page_vs_stock"] = ratio(figures["stock_page"], figures["ours_page"])
        figures["speedup_count_vs_stock"] = ratio(figures["stock_count"], figures["ours_count"])
        figures["page_vs_sql"] = ratio(figures["ours_page"], figures["sql_page"])
        figures["count_vs_sql"] = ratio(figures["ours_count"], figures["sql_count"])
        results.append(figures)
    return results


def graduate_my_tasks() -> dict:
    """A graduate's "my tasks" page through Django (session, scope, page) and its query."""
    row = TaskScope.objects.filter(kind="register", status="assigned").order_by("task_id").first()
    user = _user(row.assignee_id)
    columns = inbox_columns(scope_for_user(user), InboxFilters(), queue=False)
    client = Client()
    client.force_login(user)

    def page():
        response = client.get("/tasks/")
        assert response.status_code == 200

    sql = "SELECT task_id FROM workflows_taskscope WHERE assignee_id = %s AND status = 'assigned' ORDER BY due_at, task_id LIMIT 50"
    return {
        "page": timed(page),
        "query": timed(
            lambda: [
                InboxRow(**row)
                for row in inbox_rows(my_tasks(user, InboxFilters()), **columns)[:50]
            ]
        ),
        "sql": timed(_sql(sql, [user.pk])),
        "plan": plan_line(
            explain_queryset(inbox_rows(my_tasks(user, InboxFilters()), **columns)[:50])
        ),
    }


def _new_university(tag: str) -> University:
    province = University.objects.order_by("code").first().province
    code = f"{90000 + random.randint(0, 9999):05d}"
    while University.objects.filter(code=code).exists():
        code = f"{90000 + random.randint(0, 9999):05d}"
    university = University.objects.create(code=code, name=f"开学测试{tag}", province=province)
    College.objects.bulk_create(
        [College(university=university, code=f"{c:02d}", name=f"学院{c:02d}") for c in range(1, 9)]
    )
    return university


def cohort_opening(*, roster_rows: int, stock_rows: int) -> dict:
    """A roster of ``roster_rows`` rows → graduates, accounts, processes, first tasks, grants
    (the whole roster import, parsing included), against a loop of stock ``Flow.start.run``
    over graduates that already exist (the engine alone, less work than ours)."""
    rates = []
    for run in range(5):
        university = _new_university(f"r{run}")
        colleges = [c.name for c in university.colleges.order_by("code")]
        table = demo_roster_rows(
            cohort=2026, count=roster_rows, rng=random.Random(run), first_no=1, colleges=colleges
        )
        start = time.perf_counter()
        rows = RosterValidator(university=university).parse(table)
        result = registration.roster_import(
            university=university, cohort=2026, rows=rows, actor=None
        )
        elapsed = time.perf_counter() - start
        assert result.created == roster_rows, result.errors[:3]
        rates.append(roster_rows / elapsed)
    stock = []
    for run in range(5):
        university = _new_university(f"s{run}")
        colleges = [c.name for c in university.colleges.order_by("code")]
        table = demo_roster_rows(
            cohort=2026, count=stock_rows, rng=random.Random(100 + run), colleges=colleges
        )
        parsed = [
            row for row in RosterValidator(university=university).parse(table) if not row.errors
        ]
        values = [dict(row.values) for row in parsed]
        users = role_services.users_create_without_password_bulk(
            accounts=[(f"{university.code}-{v['student_no']}", v["name"]) for v in values]
        )
        graduates = case_services.graduates_create(
            university=university, cohort=2026, rows=values, users=users, actor=None
        )
        start = time.perf_counter()
        for graduate in graduates:
            RegistrationFlow.start.run(graduate=graduate)
        stock.append(len(graduates) / (time.perf_counter() - start))

    ours, theirs = statistics.median(rates), statistics.median(stock)
    return {
        "roster_rows": roster_rows,
        "ours_per_s": round(ours),
        "stock_runs": stock_rows,
        "stock_start_run_per_s": round(theirs),
        "speedup": round(ours / theirs, 1),
        "ours_runs": [round(r) for r in rates],
        "stock_runs_per_s": [round(r) for r in stock],
    }


# --- Task completions ---------------------------------------------------------------------------


def _complete_ours(task_ids, user_id):
    user = _user(user_id)
    for task_id in task_ids:
        services.task_claim(task_id=task_id, user=user)
        registration.audit_decide(task_id=task_id, user=user, approve=True)


def _complete_stock(task_ids, user_id):
    user = _user(user_id)
    for task_id in task_ids:
        task = Task.objects.get(pk=task_id)
        with task.activation() as activation:
            activation.assign(user)
        with task.activation() as activation:
            activation.start(None)
            activation.execute()


def _child(fn, task_ids, user_id, queue):
    connections.close_all()
    start = time.perf_counter()
    fn(task_ids, user_id)
    queue.put(time.perf_counter() - start)
    connections.close_all()


def _run_clients(fn, groups):
    """Run ``fn`` in one process per group; returns completions per second overall."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    connections.close_all()
    start = time.perf_counter()
    processes = [
        context.Process(target=_child, args=(fn, ids, user_id, queue)) for ids, user_id in groups
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    wall = time.perf_counter() - start
    total = sum(len(ids) for ids, _user_id in groups)
    for process in processes:
        assert process.exitcode == 0, "a client process failed"
    return total / wall


def task_completions(*, per_client: int) -> dict:
    """Claim + approve through our services, with 1 and 2 client processes, against the
    stock activation path (assign, then start + execute) on the same flow."""

    open_audits = TaskScope.objects.filter(status="open", kind="university_audit")
    pool = {}
    for university_id in (
        open_audits.values("university_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("university_id", flat=True)[:200]
    ):
        reviewer = _reviewer_of(University(pk=university_id))
        ids = list(
            open_audits.filter(university_id=university_id)
            .order_by("task_id")
            .values_list("task_id", flat=True)
        )
        pool[university_id] = (reviewer, ids)
    # One completion of each path with its statements counted (round trips, savepoints
    # included): where a completion's time goes.
    statements = {}
    reviewer, ids = max(pool.values(), key=lambda entry: len(entry[1]))
    for label, fn in (("ours", _complete_ours), ("stock", _complete_stock)):
        with CaptureQueriesContext(connection) as captured:
            fn([ids.pop()], reviewer)
        statements[label] = len(captured.captured_queries)
    runs = [1, 1, 2, 2] * 5  # clients of each batch: 5 runs x (1, 2 clients) x 2 paths

    def feasible(size: int) -> bool:
        left = sorted((len(ids) for _r, ids in pool.values()), reverse=True)
        for clients in runs:
            if len(left) < clients or left[clients - 1] < size:
                return False
            left[:clients] = [n - size for n in left[:clients]]
            left.sort(reverse=True)
        return True

    # As many tasks per client as the pool allows for every batch, up to ``per_client``.
    while per_client > 1 and not feasible(per_client):
        per_client -= 1

    def draw(n_clients):
        """Disjoint tasks for each client, each client in its own university (the ones with
        the most tasks left first)."""
        groups = []
        for reviewer, ids in sorted(pool.values(), key=lambda entry: -len(entry[1])):
            if len(groups) == n_clients:
                break
            if len(ids) >= per_client:
                groups.append((ids[:per_client], reviewer))
                del ids[:per_client]
        if len(groups) < n_clients:
            raise RuntimeError("not enough open audit tasks left to measure completions")
        return groups

    results = {}
    rates: dict[str, list[float]] = {}
    for _run in range(5):  # interleaved, so that both paths see the same machine
        for clients in (1, 2):
            for label, fn in (("ours", _complete_ours), ("stock", _complete_stock)):
                key = f"{label}_{clients}_client_per_s"
                rates.setdefault(key, []).append(_run_clients(fn, draw(clients)))
    for key, values in rates.items():
        results[key] = round(statistics.median(values), 1)
    results["per_client_tasks"] = per_client
    results["statements_per_completion"] = statements
    results["ours_vs_stock_2_clients"] = round(
        results["ours_2_client_per_s"] / results["stock_2_client_per_s"], 2
    )
    return results


# --- Verification ----------------------------------------------------------------------------------

LOOKUP_SQL = """
SELECT c.id, c.status, g.name, g.user_id, v.granted
FROM verification_confirmation c
JOIN cases_graduate g ON g.id = c.graduate_id
LEFT JOIN verification_verificationconsent v ON v.graduate_id = g.id
WHERE c.transfer_no = %s
"""
LOG_SQL = """
INSERT INTO verification_lookup (user_id, organisation_id, at, channel, asked_name, asked_number, result,
                                 confirmation_id, graduate_id, ip)
VALUES (%s, NULL, now(), 'transfer_no', %s, %s, 'valid', %s, %s, '127.0.0.1')
"""
NOTIFY_SQL = """
INSERT INTO notifications_notification (user_id, kind, context, url, dedupe_key, channels, created_at)
VALUES (%s, 'record_verified', '{"verifier": "x", "result": "valid"}', '/', %s, '[]', now())
"""


def verifier_user():

    user = get_user_model().objects.filter(username="bench-verifier").first()
    if user is None:
        user = get_user_model().objects.create_user(
            username="bench-verifier", password="bench-verifier-2026"
        )
        org = VerifierOrganisation.objects.create(
            name="基准测试户政", kind="hukou", province=Province.objects.first()
        )
        role_services.membership_create(
            user=user, role="verifier", verifier_organisation=org, province=org.province
        )
    return user


def verification_lookup() -> dict:
    """A lookup by name + 转递编号 through the service (answer, log, notification), against
    the bare SQL doing the same: the select and the two inserts."""

    user = verifier_user()
    samples = list(Confirmation.objects.select_related("graduate").order_by("?")[:200])
    state = {"i": 0}

    def service():
        c = samples[state["i"] % len(samples)]
        state["i"] += 1
        answer = verification_services.lookup(
            user=user, name=c.graduate.name, number=c.transfer_no, ip="127.0.0.1"
        )
        assert answer.result == "valid"

    def sql():
        c = samples[state["i"] % len(samples)]
        state["i"] += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(LOOKUP_SQL, [c.transfer_no])
            row = cursor.fetchone()
            cursor.execute(
                LOG_SQL, [user.pk, c.graduate.name, c.transfer_no, row[0], c.graduate_id]
            )
            cursor.execute(NOTIFY_SQL, [row[3], f"bench-sql:{state['i']}:{time.perf_counter_ns()}"])

    both = timed_side_by_side({"service": service, "sql": sql}, runs=50, warmup=5)
    service_t, sql_t = both["service"], both["sql"]
    return {
        "service": service_t,
        "sql": sql_t,
        "service_vs_sql": ratio(service_t, sql_t),
        "plan": plan_line(explain(LOOKUP_SQL, [samples[0].transfer_no])),
    }


def national_admin():

    user = get_user_model().objects.filter(username="bench-national").first()
    if user is None:
        user = get_user_model().objects.create_user(
            username="bench-national", password="bench-national-2026"
        )
        role_services.membership_create(user=user, role="national_admin")
    return user


def dashboard_reads() -> list[dict]:
    """The live dashboards of the nation, the largest province and the largest university:
    the selector (its count queries, the names, the category table) and the whole
    page through Django as the national administrator; the count queries' plans and the
    tally rows they read (a province's: its own rows, then its universities' summaries)."""

    cohort = latest_cohort()
    largest = (
        CaseTally.objects.filter(cohort=cohort)
        .values("university_id")
        .annotate(n=Sum("n"))
        .order_by("-n")
        .first()["university_id"]
    )
    university = University.objects.get(pk=largest)
    province = Province.objects.get(pk=university.province_id)
    client = Client()
    client.force_login(national_admin())
    levels = [
        ("nation", {}, f"/statistics/national/?cohort={cohort}&source=live"),
        (
            "province",
            {"province": province},
            f"/statistics/province/{province.pk}/?cohort={cohort}",
        ),
        (
            "university",
            {"university": university},
            f"/statistics/university/{university.pk}/?cohort={cohort}",
        ),
    ]
    results = []
    for level, subject, url in levels:
        _group, count_qs, summary_qs = stats_selectors.count_rows_query(
            level,
            cohort=cohort,
            source="live",
            province_id=province.pk if subject else None,
            university_id=university.pk if "university" in subject else None,
        )
        count_queries = [qs for qs in (count_qs, summary_qs) if qs is not None]

        def selector(level=level, subject=subject):
            stats_selectors.dashboard(level, cohort=cohort, **subject)

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200

        plans = [explain_queryset(qs) for qs in count_queries]
        results.append(
            {
                "level": level,
                "subject": str(subject.get("university") or subject.get("province") or "全国"),
                "graduates": (
                    stats_selectors.dashboard(level, cohort=cohort, **subject).total.total
                ),
                "selector": timed(selector, runs=21, warmup=2),
                "page": timed(page, runs=11, warmup=2),
                "count_query": timed(
                    lambda qs=count_queries: [list(q.all()) for q in qs], runs=21, warmup=2
                ),
                "tally_rows_read": sum(
                    scan["rows"]
                    for plan in plans
                    for scan in plan["scans"]
                    if scan["scan"] != "Bitmap Index Scan"
                ),
                "plan": "; then ".join(plan_line(plan) for plan in plans),
            }
        )
    return results


def statistics_recomputation(*, runs: int) -> dict:
    """The full recomputation (the national administrator's job): every university's cases
    recounted and compared with its tally rows, then the province sums."""

    user = national_admin()
    corrected = []

    def recompute():
        job = StatisticsJob.objects.create(created_by=user, total=0)
        job = stats_services.statistics_recompute(job_id=job.pk)
        assert job.status == StatisticsJob.Status.DONE, job.error
        corrected.append(job.corrected)

    figures = {"universities": University.objects.count()}
    figures["recompute"] = timed(recompute, runs=runs, warmup=0)
    figures["recompute_s"] = round(figures["recompute"]["median_ms"] / 1000, 1)
    figures["keys_corrected"] = corrected  # 0 each time: the incremental tallies kept up
    return figures


def _export_child(university_id, cohort, queue):
    """One national file of the university's cohort, in a process of its own: its time,
    rows, size and the process's peak memory."""
    connections.close_all()
    start = time.perf_counter()
    graduates = Graduate.objects.filter(university_id=university_id, cohort=cohort)
    handle = national_file(graduates)
    size = handle.seek(0, os.SEEK_END)
    handle.close()
    queue.put(
        {
            "seconds": round(time.perf_counter() - start, 2),
            "rows": graduates.count(),
            "bytes": size,
            "peak_rss_mb": self_peak_rss_mb(),
        }
    )
    connections.close_all()


def national_file_export(*, runs: int = 3) -> dict:
    """The per-graduate national file of the largest university's latest cohort (target at
    1M: under 10 s, peak memory under 300 MB), each run in a fresh process so that its peak
    memory is the export's own."""
    largest = (
        Graduate.objects.values("university_id").annotate(n=Count("pk")).order_by("-n").first()
    )
    cohort = latest_cohort(university_id=largest["university_id"])
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    runs_done = []
    for _ in range(runs):
        connections.close_all()
        process = context.Process(
            target=_export_child, args=(largest["university_id"], cohort, queue)
        )
        process.start()
        runs_done.append(queue.get())
        process.join()
        assert process.exitcode == 0, "the export process failed"
    return {
        "rows": runs_done[0]["rows"],
        "bytes": runs_done[0]["bytes"],
        "median_s": statistics.median(r["seconds"] for r in runs_done),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs_done),
        "runs": runs_done,
    }


def pid_peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except FileNotFoundError:
        pass
    return 0.0


def self_peak_rss_mb() -> float:
    return pid_peak_rss_mb(os.getpid())
