"""PostgreSQL-only: the query plans of the dashboards, at a volume where reading the cases
would show. Every query a dashboard page runs is explained: none touches the case table, and
a university's counts are read through the tally index."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Graduate
from cases.tallies import (
    coarse_tallies_rebuild,
    tallies_current,
    tallies_direct,
    tallies_rebuild,
)
from roles.models import University

from ..factories import login, member
from ..workflows.test_postgres import _explain, _plan, _seed_at_scale

pytestmark = pytest.mark.postgres

EXTRA_TALLIES = """
INSERT INTO cases_casetally (cohort, province_id, university_id, college_id, education_level, status,
    category_code, destination_class, flexible, confirmed, targeted_compliance, n, late_corrections)
SELECT 2026, u.province_id, u.id, c.id, lvl, 'approved', cat.code, cat.destination_class, cat.flexible,
       conf, '', 1 + (u.id + c.id) % 7, 0
FROM roles_university u
JOIN roles_college c ON c.university_id = u.id
CROSS JOIN unnest(ARRAY['bachelor', 'master', 'doctor', 'junior_college']) lvl
CROSS JOIN (SELECT DISTINCT code, destination_class, flexible FROM cases_destinationcategory) cat
CROSS JOIN unnest(ARRAY[true, false]) conf
WHERE u.code >= '20000'
ON CONFLICT DO NOTHING
"""


@pytest.mark.django_db
def test_no_dashboard_query_reads_the_case_table(beijing):
    _seed_at_scale(beijing)
    for university_id in University.objects.values_list("pk", flat=True):
        tallies_rebuild(university_id=university_id)
    assert tallies_current() == tallies_direct(Graduate.objects.all())
    with connection.cursor() as cursor:
        cursor.execute(EXTRA_TALLIES)
    assert coarse_tallies_rebuild() > 0  # the rows added behind the services' back
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM cases_casetally")
        assert cursor.fetchone()[0] > 10_000
    big = University.objects.get(code="20001")
    client = login(member("national_admin"))
    for url in (
        "/statistics/national/?cohort=2026&source=live",
        f"/statistics/province/{beijing.pk}/?cohort=2026",
        f"/statistics/university/{big.pk}/?cohort=2026",
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        for sql in selects:
            plan = _explain(sql)
            assert "cases_graduate" not in plan, f"{url} reads the cases:\n{sql}\n{plan}"
        counts = [sql for sql in selects if re.search(r'FROM "cases_\w+tally"', sql)]
        assert len(counts) == 1, url
        # a university reads its college rows as they stand (one row per college and figure
        # columns, nothing to sum); the nation and a province read the province rows, summed
        # by figure columns, and one summary per group (a province's universities, or the
        # universities summed by province)
        level = url.split("/")[2]
        grain = "cases_casetally" if level == "university" else "cases_provincetally"
        assert f'FROM "{grain}"' in counts[0], (url, counts[0])
        summaries = [sql for sql in selects if 'FROM "cases_universitysummary"' in sql]
        if level == "university":
            assert "GROUP BY" not in counts[0] and not summaries, counts[0]
        else:
            assert len(summaries) == 1, url
            with connection.cursor() as cursor:
                cursor.execute(summaries[0])
                groups = len(cursor.fetchall())
            assert groups == (
                University.objects.filter(province=beijing).count()
                if level == "province"
                else University.objects.values("province").distinct().count()
            ), url
        if "/university/" in url:
            plan = _explain(counts[0])
            assert "Seq Scan on cases_casetally" not in plan, plan
            assert "case_tally" in plan, plan
        assert response.context["d"].total.total > 0


# Statuses follow id % 10 and provinces id / 10 % 30, so that every province has every status.
ORG_SEED = """
WITH p AS (
    INSERT INTO roles_province (code, name)
    SELECT 'S' || lpad(g::text, 5, '0'), 'seed province ' || g FROM generate_series(1, 30) g
    RETURNING id
), proc AS (
    INSERT INTO viewflow_process (flow_class, status, created, data)
    SELECT 'reporting/flows.FilingFlow', 'NEW', now(), '{}' FROM generate_series(1, %(rows)s)
    RETURNING id
), t AS (
    INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, token, data, process_id, owner_id)
    SELECT 'reporting/flows.FilingFlow.review_filing', 'HUMAN',
           CASE WHEN id %% 10 = 0 THEN 'ASSIGNED' WHEN id %% 10 < 5 THEN 'DONE' ELSE 'NEW' END,
           now(), 'start', '{}', id, CASE WHEN id %% 10 = 0 THEN %(user)s END
    FROM proc RETURNING id, process_id, status, owner_id
)
INSERT INTO reporting_orgtaskscope (task_id, process_id, kind, province_id, cohort, candidate_role,
    assignee_id, status, created_at, due_at, subject_id)
SELECT t.id, t.process_id, 'review_filing',
       (SELECT id FROM p ORDER BY id OFFSET ((t.id / 10) %% 30) LIMIT 1), 2026, 'provincial_monitor',
       t.owner_id,
       CASE t.status WHEN 'NEW' THEN 'open' WHEN 'ASSIGNED' THEN 'assigned' ELSE 'done' END,
       now(), now() + (t.id %% 97) * interval '1 hour', t.id
FROM t
"""


@pytest.mark.django_db
def test_the_filing_and_report_inbox_is_read_through_its_indexes(beijing):
    from roles.models import Province
    from workflows.selectors import org_tasks_for_user

    assignee = member("provincial_monitor", province=beijing)
    with connection.cursor() as cursor:
        cursor.execute(ORG_SEED, {"rows": 60_000, "user": assignee.pk})
        cursor.execute("ANALYZE")
    province = Province.objects.filter(code__startswith="S").order_by("code").first()
    monitor = member("provincial_monitor", province=province)
    for user in (monitor, assignee):
        qs = org_tasks_for_user(user)
        for label, query in (("page", qs[:50]), ("count", qs.order_by().values("pk"))):
            plan = _plan(query)
            assert "Seq Scan on reporting_orgtaskscope" not in plan, f"{label}\n{plan}"
            assert "orgscope_" in plan, f"{label}\n{plan}"
    assert len(org_tasks_for_user(monitor)[:50]) == 50
    assert all(row.assignee_id == assignee.pk for row in org_tasks_for_user(assignee))
