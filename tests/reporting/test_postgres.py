"""PostgreSQL-only: the query plans of the dashboards, at a volume where reading the cases
would show. Every query a dashboard page runs is explained: none touches the case table, and
a university's counts are read through the tally index."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Graduate
from cases.tallies import tallies_current, tallies_direct, tallies_rebuild
from roles.models import University

from ..factories import member
from ..workflows.test_postgres import _seed

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


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_no_dashboard_query_reads_the_case_table(beijing):
    seeder = member("national_admin")
    graduates = _seed(
        province_id=beijing.pk,
        universities=100,
        per_university=480,
        big_university_extra=6000,
        user_id=seeder.pk,
    )
    assert graduates >= 50_000
    for university_id in University.objects.values_list("pk", flat=True):
        tallies_rebuild(university_id=university_id)
    assert tallies_current() == tallies_direct(Graduate.objects.all())
    with connection.cursor() as cursor:
        cursor.execute(EXTRA_TALLIES)
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM cases_casetally")
        assert cursor.fetchone()[0] > 10_000
    big = University.objects.get(code="20001")
    client = Client()
    client.force_login(member("national_admin"))
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
        counts = [sql for sql in selects if "cases_casetally" in sql and "SUM(" in sql]
        assert len(counts) == 1, url
        if "/university/" in url:
            plan = _explain(counts[0])
            assert "Seq Scan on cases_casetally" not in plan, plan
            assert "case_tally" in plan, plan
        assert response.context["d"].total.total > 0
