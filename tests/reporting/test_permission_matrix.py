"""The permission matrix, extended to filing, reports, dashboards and spot checks: monitors
only their province, inspectors only their sample, the nation reads everything and acts
only on the reports it accepts. Inside Beijing and outside (Shanghai), against the URLs."""

import pytest

from processes.filings import services as reporting_services
from roles.models import VerifierOrganisation
from workflows.models import OrgTaskScope, TaskScope

from ..factories import login, member, open_cohort
from ..spotchecks.helpers import launch
from ..workflows.helpers import decide, submit

pytestmark = pytest.mark.django_db

# The page or action each column tries; GETs first, then the POSTs that change things.
COLUMNS = [
    "national dashboard",
    "province dashboard (Beijing)",
    "province dashboard (Shanghai)",
    "university dashboard (uni)",
    "university dashboard (Shanghai)",
    "filing review task (Beijing)",
    "filing review task (Shanghai)",
    "report acceptance task (Beijing)",
    "filing page (uni)",
    "report page (Beijing)",
    "campaign page (Beijing)",
    "new campaign page",
    "sampled case",
    "unsampled case (uni2, Beijing)",
    "check task (Beijing campaign)",
    "decide the filing review (Beijing)",
    "accept the report (Beijing)",
    "close the campaign (Beijing)",
]
# fmt: off
MATRIX = {
    "national_admin": [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200, 200, 200, 403, 302, 403],
    "provincial_monitor": [403, 200, 404, 200, 404, 200, 404, 200, 200, 200, 200, 200, 200, 200, 200, 302, 403, 302],
    "shanghai_monitor": [403, 404, 200, 404, 200, 404, 200, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404, 404],
    "inspector": [403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200, 403, 200, 404, 200, 404, 404, 403],
    "university_supervisor": [403, 404, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200, 404, 404, 403, 404, 403],
    "university_reviewer": [403, 404, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200, 404, 404, 403, 404, 403],
    "college_reviewer": [403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 200, 404, 404, 404, 404, 403],
    "graduate": [403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404, 403],
    "verifier": [403, 404, 404, 404, 404, 404, 404, 404, 404, 404, 403, 403, 404, 404, 404, 404, 404, 403],
}
# fmt: on


@pytest.fixture
def world(uni, uni2, other_uni, beijing, shanghai):
    """Beijing: ``uni`` (approved cases, a filing under review, one case sampled by a
    campaign) and ``uni2`` (filed, and in the province's report awaiting the Ministry).
    Shanghai: ``other_uni`` with a filing under review."""
    people = {
        "national_admin": member("national_admin"),
        "provincial_monitor": member("provincial_monitor", province=beijing),
        "shanghai_monitor": member("provincial_monitor", province=shanghai),
        "inspector": member("inspector", province=beijing),
        "university_supervisor": member("university_supervisor", university=uni),
        "university_reviewer": member("university_reviewer", university=uni),
    }
    open_cohort(uni, count=3, actor=people["university_supervisor"], seed=2, first_no=100)
    for graduate in uni.graduates.all():
        submit(graduate)
        decide(graduate, people["university_reviewer"])
    boss2 = member("university_supervisor", university=uni2)
    open_cohort(uni2, count=2, actor=boss2, seed=3, first_no=200)
    boss_sh = member("university_supervisor", university=other_uni)
    open_cohort(other_uni, count=2, actor=boss_sh, seed=4, first_no=300)

    reporting_services.filing_submit(university=uni2, cohort=2026, actor=boss2)
    review2 = OrgTaskScope.objects.get(kind="review_filing", university=uni2)
    reporting_services.filing_review(
        task_id=review2.pk, user=people["provincial_monitor"], file=True
    )
    report = reporting_services.report_submit(
        province=beijing, cohort=2026, actor=people["provincial_monitor"]
    )
    filing = reporting_services.filing_submit(
        university=uni, cohort=2026, actor=people["university_supervisor"]
    )
    reporting_services.filing_submit(university=other_uni, cohort=2026, actor=boss_sh)

    campaign = launch(
        people["provincial_monitor"],
        [people["inspector"]],
        name="抽查",
        province=beijing,
        universities=[uni],
        size_value=1,
        seed=5,
    )
    check = TaskScope.objects.get(campaign_id=campaign.pk, kind="spot_check")
    sampled = check.graduate
    people["college_reviewer"] = member("college_reviewer", college=sampled.college)
    people["graduate"] = uni.graduates.exclude(pk=sampled.pk).first().user
    org = VerifierOrganisation.objects.create(name="户政", kind="hukou", province=beijing)
    people["verifier"] = member("verifier", verifier_organisation=org)
    tasks = {
        "review_bj": OrgTaskScope.objects.get(kind="review_filing", university=uni),
        "review_sh": OrgTaskScope.objects.get(kind="review_filing", university=other_uni),
        "accept_bj": OrgTaskScope.objects.get(kind="accept_report"),
    }
    urls = [
        ("get", "/statistics/national/", None),
        ("get", f"/statistics/province/{beijing.pk}/", None),
        ("get", f"/statistics/province/{shanghai.pk}/", None),
        ("get", f"/statistics/university/{uni.pk}/", None),
        ("get", f"/statistics/university/{other_uni.pk}/", None),
        ("get", f"/reporting/tasks/{tasks['review_bj'].pk}/", None),
        ("get", f"/reporting/tasks/{tasks['review_sh'].pk}/", None),
        ("get", f"/reporting/tasks/{tasks['accept_bj'].pk}/", None),
        ("get", f"/filings/{filing.pk}/", None),
        ("get", f"/reports/{report.pk}/", None),
        ("get", f"/spot-checks/{campaign.pk}/", None),
        ("get", "/spot-checks/new/", None),
        ("get", f"/cases/{sampled.pk}/", None),
        ("get", f"/cases/{uni2.graduates.first().pk}/", None),
        ("get", f"/tasks/{check.pk}/", None),
        ("post", f"/reporting/tasks/{tasks['review_bj'].pk}/", {"decision": "approve"}),
        ("post", f"/reporting/tasks/{tasks['accept_bj'].pk}/", {"decision": "approve"}),
        ("post", f"/spot-checks/{campaign.pk}/close/", {}),
    ]
    return people, urls


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix_of_filing_reports_dashboards_and_spot_checks(world, role):
    people, urls = world
    client = login(people[role])
    answers = []
    for method, url, data in urls:
        response = client.get(url) if method == "get" else client.post(url, data)
        answers.append(response.status_code)
    assert dict(zip(COLUMNS, answers, strict=True)) == dict(zip(COLUMNS, MATRIX[role], strict=True))


def test_the_nation_reads_every_case_but_acts_on_none(world):
    people, _urls = world
    from cases.models import Graduate

    client = login(people["national_admin"])
    graduate = Graduate.objects.filter(status="approved").first()
    assert client.get(f"/cases/{graduate.pk}/").status_code == 200
    check = TaskScope.objects.get(kind="spot_check")
    assert client.post(f"/tasks/{check.pk}/", {"outcome": "consistent"}).status_code == 403
    assert client.post("/tasks/claim/", {"one": check.pk}).status_code == 403
    assert (
        client.post(
            "/filings/submit/", {"university": graduate.university_id, "cohort": 2026}
        ).status_code
        == 403
    )
