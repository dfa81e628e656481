"""The task inbox and case reads through the API, scoped exactly as the pages are."""

import pytest

from api.models import ApiCall
from cases.models import CaseAccess
from tests.workflows.helpers import open_task, submit

pytestmark = pytest.mark.django_db


def api(client, user, path):
    client.force_login(user)
    return client.get(path)


def test_a_reviewer_reads_the_queue_of_their_university_only(
    client, cohort, other_cohort, reviewer
):
    for graduate in [*cohort[:2], other_cohort[0]]:
        submit(graduate)
    answer = api(client, reviewer, "/api/v1/tasks/queue/").json()
    assert answer["count"] == 2
    assert {t["university"] for t in answer["results"]} == {cohort[0].university_id}
    assert {t["kind"] for t in answer["results"]} == {"university_audit"}

    theirs = open_task(other_cohort[0], "university_audit")
    assert client.get(f"/api/v1/tasks/{theirs.pk}/").status_code == 404
    mine = open_task(cohort[0], "university_audit")
    assert client.get(f"/api/v1/tasks/{mine.pk}/").json()["case"] == cohort[0].pk
    assert client.get("/api/v1/tasks/queue/?kind=nonsense").status_code == 400


def test_a_graduate_reads_their_own_tasks_and_case_and_no_other(client, cohort):
    graduate, other = cohort[0], cohort[1]
    tasks = api(client, graduate.user, "/api/v1/tasks/").json()
    assert [t["kind"] for t in tasks["results"]] == ["register"]
    assert client.get("/api/v1/tasks/queue/").status_code == 403
    own = client.get(f"/api/v1/cases/{graduate.pk}/").json()
    assert own["id_number"] == graduate.id_number  # unmasked for the graduate
    assert client.get(f"/api/v1/cases/{other.pk}/").status_code == 404
    assert [c["id"] for c in client.get("/api/v1/cases/").json()["results"]] == [graduate.pk]
    assert not CaseAccess.objects.exists()


def test_a_monitor_reads_cases_of_the_province_masked_and_logged(
    client, cohort, other_cohort, monitor
):
    answer = api(client, monitor, "/api/v1/cases/?cohort=2026").json()
    assert answer["count"] == 6
    graduate = cohort[0]
    detail = client.get(f"/api/v1/cases/{graduate.pk}/").json()
    assert detail["id_number"] != graduate.id_number and "*" in detail["id_number"]
    assert CaseAccess.objects.filter(graduate=graduate, user=monitor).count() == 1
    assert client.get(f"/api/v1/cases/{other_cohort[0].pk}/").status_code == 404


def test_anonymous_callers_and_machine_clients_read_no_user_data(client, cohort, beijing):
    from api.models import ApiClient

    assert client.get("/api/v1/cases/").status_code in (401, 403)
    machine = ApiClient.objects.create(province=beijing, name="x")
    response = client.get(
        "/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {machine.key_id}.{machine.key}"
    )
    assert response.status_code in (401, 403)
    assert ApiCall.objects.count() == 2
