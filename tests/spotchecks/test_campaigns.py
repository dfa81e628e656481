"""Spot-check campaigns: a reproducible sample, inspectors who see only their sample, checks,
discrepancies that reach the university as tasks, the report and the end of access."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import CaseEvent, ChangeRequest, Graduate
from notifications.models import Notification
from processes.spotchecks import sampling
from processes.spotchecks import services as spotchecks
from processes.spotchecks.models import Campaign, Outcome, SpotCheck
from processes.spotchecks.records import sample_redraw
from workflows import services
from workflows.models import TaskScope

from ..changes.helpers import upload
from ..factories import login
from ..workflows.helpers import employment_form
from .helpers import launch

pytestmark = pytest.mark.django_db


def sampled_ids(campaign) -> list[int]:
    return sorted(campaign.checks.values_list("graduate_id", flat=True))


# --- Sampling ---------------------------------------------------------------------------------


def test_the_same_seed_over_the_same_cases_draws_the_same_sample():
    population = [(pk, pk % 7 == 0) for pk in range(1, 501)]
    first = sampling.draw(population, size=30, seed=20260901, factor=3)
    assert first == sampling.draw(list(reversed(population)), size=30, seed=20260901, factor=3)
    assert len(set(first)) == 30
    assert first != sampling.draw(population, size=30, seed=20260902, factor=3)


def test_over_sampling_draws_more_of_the_flexible_categories():
    population = [(pk, pk % 10 == 0) for pk in range(1, 2001)]  # 10% flexible
    plain = sampling.draw(population, size=200, seed=11, factor=1)
    heavy = sampling.draw(population, size=200, seed=11, factor=5)
    flexible = {pk for pk, f in population if f}
    assert len(flexible & set(plain)) < 35
    assert len(flexible & set(heavy)) > 60


def test_sample_sizes_as_count_or_percentage_never_exceed_the_cases():
    assert sampling.sample_size(mode="count", value=5, population=12) == 5
    assert sampling.sample_size(mode="count", value=50, population=12) == 12
    assert sampling.sample_size(mode="percent", value=25, population=12) == 3
    assert sampling.sample_size(mode="percent", value=10, population=12) == 2  # rounded up


def test_a_campaign_stores_its_seed_and_its_sample_can_be_drawn_again(
    sampled_world, monitor, inspector, deadline, uni
):
    campaign = launch(monitor, [inspector], deadline, oversample_factor=3)
    assert campaign.seed and campaign.population_size == 12  # uni's approved cases only
    drawn = sampled_ids(campaign)
    assert len(drawn) == 4 and set(drawn) <= set(sampled_world.values_list("pk", flat=True))
    assert sample_redraw(campaign) == drawn
    again = launch(monitor, [inspector], deadline, oversample_factor=3, seed=campaign.seed)
    assert sampled_ids(again) == drawn
    percent = launch(monitor, [inspector], deadline, size_mode="percent", size_value=50)
    assert percent.checks.count() == 6


def test_sampling_one_university_draws_only_its_cases(
    sampled_world, monitor, inspector, deadline, uni, uni2
):
    campaign = launch(monitor, [inspector], deadline, universities=[uni], size_value=100)
    assert campaign.checks.count() == 12
    assert set(campaign.checks.values_list("university_id", flat=True)) == {uni.pk}


def test_a_campaign_cannot_reach_outside_the_province_or_name_a_foreign_inspector(
    sampled_world, monitor, inspector, deadline, other_uni
):
    from django.core.exceptions import ValidationError

    from ..factories import member

    with pytest.raises(ValidationError):
        launch(monitor, [inspector], deadline, universities=[other_uni])
    foreign = member("inspector", province=other_uni.province)
    with pytest.raises(ValidationError):
        launch(monitor, [foreign], deadline)
    assert not Campaign.objects.exists()


# --- Through the pages -------------------------------------------------------------------------


def test_the_monitor_creates_a_campaign_and_the_checks_wait_in_the_inspectors_queue(
    sampled_world, monitor, inspector, inspector_b, deadline
):
    client = login(monitor)
    form = client.get("/spot-checks/new/").content.decode()
    assert 'data-testid="campaign-form"' in form and inspector.first_name in form
    response = client.post(
        "/spot-checks/new/",
        {
            "name": "抽查一",
            "cohort": 2026,
            "size_mode": "count",
            "size_value": 5,
            "oversample_factor": 3,
            "deadline": deadline.isoformat(),
            "inspectors": [inspector.pk, inspector_b.pk],
            "seed": 42,
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/spot-checks/{campaign.pk}/"
    assert campaign.seed == 42 and campaign.checks.count() == 5
    rows = TaskScope.objects.filter(campaign_id=campaign.pk, kind="spot_check")
    assert rows.count() == 5 and {r.status for r in rows} == {"open"}
    assert {r.candidate_role for r in rows} == {"inspector"}
    assert {r.due_at.date() for r in rows} == {deadline}
    detail = client.get(f"/spot-checks/{campaign.pk}/").content.decode()
    assert 'data-testid="seed">42<' in detail
    queue = login(inspector).get("/tasks/queue/")
    assert queue.context["page"].paginator.count == 5
    # A check names the university of its case (an inspector's cases span universities).
    universities = {r.university.name for r in rows}
    assert {t.university_name for t in queue.context["page"].object_list} == universities
    assert all(f"{name} · " in queue.content.decode() for name in universities)
    assert Notification.objects.filter(kind="spot_checks_assigned").count() == 2
    events = CaseEvent.objects.filter(kind="sampled").values_list("graduate_id", flat=True)
    assert sorted(events) == sampled_ids(campaign)


def test_an_inspector_opens_only_sampled_cases_until_the_campaign_closes(
    sampled_world, monitor, inspector, inspector_b, deadline, other_uni
):
    campaign = launch(monitor, [inspector], deadline)
    sampled = sampled_ids(campaign)
    others = list(
        Graduate.objects.exclude(pk__in=sampled).values_list("pk", flat=True)
    )  # the rest of uni, uni2, and Shanghai
    client = login(inspector)
    for pk in sampled:
        assert client.get(f"/cases/{pk}/").status_code == 200
    for pk in others:
        assert client.get(f"/cases/{pk}/").status_code == 404
    # Another inspector of the province, not of this campaign, sees nothing of it.
    outsider = login(inspector_b)
    task = TaskScope.objects.filter(campaign_id=campaign.pk).first()
    assert outsider.get(f"/cases/{task.graduate_id}/").status_code == 404
    assert outsider.get(f"/tasks/{task.pk}/").status_code == 404
    assert outsider.post("/tasks/claim/", {"one": task.pk}).status_code == 404
    assert outsider.get("/tasks/queue/").context["page"].paginator.count == 0

    login(monitor).post(f"/spot-checks/{campaign.pk}/close/")
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    for pk in sampled:
        assert client.get(f"/cases/{pk}/").status_code == 404
    # ...nor the campaign's page and export, which list the sample
    assert client.get(f"/spot-checks/{campaign.pk}/").status_code == 404
    assert login(monitor).get(f"/spot-checks/{campaign.pk}/").status_code == 200
    assert set(campaign.checks.values_list("outcome", flat=True)) == {Outcome.NOT_CHECKED}
    assert set(
        TaskScope.objects.filter(campaign_id=campaign.pk).values_list("status", flat=True)
    ) == {"cancelled"}


def test_closing_keeps_the_grants_another_open_campaign_needs(
    sampled_world, monitor, inspector, deadline, uni
):
    first = launch(monitor, [inspector], deadline, universities=[uni], size_value=12)
    second = launch(monitor, [inspector], deadline, universities=[uni], size_value=3, seed=7)
    spotchecks.campaign_close(campaign=first, actor=monitor)
    client = login(inspector)
    still = sampled_ids(second)
    for pk in sampled_ids(first):
        assert client.get(f"/cases/{pk}/").status_code == (200 if pk in still else 404)


def test_checks_discrepancies_corrections_and_the_report(
    sampled_world, monitor, inspector, reviewer, deadline, uni
):
    campaign = launch(monitor, [inspector], deadline, size_value=4, seed=99)
    tasks = list(TaskScope.objects.filter(campaign_id=campaign.pk).order_by("graduate_id"))
    client = login(inspector)

    page = client.get(f"/tasks/{tasks[0].pk}/").content.decode()
    assert 'data-testid="check-form"' in page and "核实一致" in page
    assert client.post(f"/tasks/{tasks[0].pk}/", {"outcome": "consistent"}).status_code == 302
    refused = client.post(
        f"/tasks/{tasks[1].pk}/", {"outcome": "inconsistent", "notes": "单位查无此人"}
    )
    assert refused.status_code == 200 and "需要证明材料" in refused.content.decode()
    response = client.post(
        f"/tasks/{tasks[1].pk}/",
        {"outcome": "inconsistent", "notes": "单位查无此人", "evidence": upload("call.pdf")},
    )
    assert response.status_code == 302
    client.post(f"/tasks/{tasks[2].pk}/", {"outcome": "unreachable", "notes": "三次电话未接"})

    # The inconsistency reaches the university as a task, linked to the campaign.
    correction = TaskScope.objects.get(kind="correct_discrepancy")
    assert correction.university_id == uni.pk and correction.campaign_id == campaign.pk
    assert correction.candidate_role == "university_reviewer" and correction.status == "open"
    assert correction.graduate_id == tasks[1].graduate_id
    assert Notification.objects.filter(kind="spot_check_discrepancy", user=reviewer).exists()
    queue = login(reviewer).get("/tasks/queue/").content.decode()
    assert f"/tasks/{correction.pk}/" in queue
    # ...which the university's reviewer cannot use to read the inspector's own task.
    assert login(reviewer).get(f"/tasks/{tasks[1].pk}/").status_code == 404

    page = login(reviewer).get(f"/tasks/{correction.pk}/").content.decode()
    assert "单位查无此人" in page and "call.pdf" in page
    data = employment_form(employer_name="核查后更正的单位")
    data.update(resolution="corrected", note="经核实，毕业生已更换单位")
    assert login(reviewer).post(f"/tasks/{correction.pk}/", data).status_code == 302
    check = SpotCheck.objects.get(graduate_id=correction.graduate_id)
    graduate = Graduate.objects.get(pk=correction.graduate_id)
    assert check.resolution == "corrected" and check.corrected_version_id
    assert graduate.current_registration_id == check.corrected_version_id
    assert graduate.current_registration.employer_name == "核查后更正的单位"
    assert graduate.events.filter(kind="check_corrected").exists()
    assert ChangeRequest.objects.get(graduate=graduate).is_late  # cohort 2026: after 31 August
    assert TaskScope.objects.get(pk=correction.pk).status == "done"

    report = login(monitor).get(f"/spot-checks/{campaign.pk}/report/")
    total = report.context["report"].total
    assert (total.sampled, total.consistent, total.inconsistent, total.unreachable) == (4, 1, 1, 1)
    assert total.pending == 1 and total.corrected == 1
    assert total.discrepancy_rate == pytest.approx(1 / 3)
    by_category = {t.key: t for t in report.context["report"].by_category}
    inconsistent_code = check.category_code
    assert by_category[inconsistent_code].inconsistent == 1
    assert sum(t.sampled for t in by_category.values()) == 4

    export = login(monitor).get(
        f"/spot-checks/{campaign.pk}/report/", {"table": "university", "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("学校", "抽取", "核实一致", "不一致")
    assert rows[1][0] == str(uni) and rows[1][1:5] == (4, 1, 1, 1)
    assert rows[-1][0] == "合计" and rows[-1][-1] == pytest.approx(0.3333)
    checks = login(monitor).get(f"/spot-checks/{campaign.pk}/", {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(checks.content)).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[0][0] == "学校"


def test_upholding_a_registration_keeps_it_and_records_why(
    sampled_world, monitor, inspector, reviewer, deadline
):
    campaign = launch(monitor, [inspector], deadline, size_value=1)
    task = TaskScope.objects.get(campaign_id=campaign.pk, kind="spot_check")
    spotchecks.spot_check_decide(
        task_id=task.pk,
        user=inspector,
        outcome="inconsistent",
        notes="电话核实不一致",
        uploads=[upload()],
    )
    correction = TaskScope.objects.get(kind="correct_discrepancy")
    before = Graduate.objects.get(pk=task.graduate_id).current_registration_id
    login(reviewer).post(
        f"/tasks/{correction.pk}/", {"resolution": "upheld", "note": "劳动合同有效，附件已补充"}
    )
    check = SpotCheck.objects.get(campaign=campaign)
    assert check.resolution == "upheld" and check.corrected_version_id is None
    assert Graduate.objects.get(pk=task.graduate_id).current_registration_id == before


def test_the_inspector_sees_the_mobile_number_only_when_asking_and_the_read_is_logged(
    sampled_world, monitor, inspector, deadline
):
    from cases.models import CaseAccess

    campaign = launch(monitor, [inspector], deadline, size_value=1)
    task = TaskScope.objects.get(campaign_id=campaign.pk, kind="spot_check")
    graduate = task.graduate
    Graduate.objects.filter(pk=graduate.pk).update(mobile="13912345678")
    client = login(inspector)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "13912345678" not in page and "139****5678" in page
    assert 'data-testid="reveal-contact"' in page
    page = client.post(f"/tasks/{task.pk}/", {"reveal_contact": "1"}).content.decode()
    assert "13912345678" in page
    assert CaseAccess.objects.filter(
        graduate=graduate, user=inspector, action="spot_check_contact"
    ).exists()
    assert SpotCheck.objects.get(campaign=campaign).outcome == ""


def test_a_university_supervisor_can_neither_reassign_nor_remind_spot_checks(
    sampled_world, monitor, inspector, inspector_b, deadline, supervisor, uni
):
    campaign = launch(monitor, [inspector, inspector_b], deadline, size_value=1)
    task = TaskScope.objects.get(campaign_id=campaign.pk, kind="spot_check")
    with pytest.raises(services.TaskNotAvailable):
        services.task_reassign(task_id=task.pk, to_user=inspector_b, actor=supervisor)
    assert services.tasks_remind(task_ids=[task.pk], actor=supervisor) == (0, 1)
    page = login(supervisor).get(f"/supervision/university/{uni.pk}/tasks/?show=active")
    assert task.pk not in [row.pk for row in page.context["page"].object_list]


def test_the_campaign_list_pages_and_exports_every_campaign(
    sampled_world, monitor, inspector, deadline, uni, settings
):
    import io

    from openpyxl import load_workbook

    first = launch(monitor, [inspector], deadline, universities=[uni], size_value=2, name="第一轮")
    second = launch(
        monitor, [inspector], deadline, universities=[uni], size_value=2, seed=7, name="第二轮"
    )
    settings.PAGE_SIZE = 1
    client = login(monitor)
    newest = client.get("/spot-checks/").content.decode()
    assert second.name in newest and first.name not in newest and "page=2" in newest
    older = client.get("/spot-checks/", {"page": 2}).content.decode()
    assert first.name in older and second.name not in older
    workbook = load_workbook(io.BytesIO(client.get("/spot-checks/", {"format": "xlsx"}).content))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == [second.name, first.name]


def test_a_spot_check_correction_that_breaks_a_targeted_agreement_goes_to_the_targeted_reviewer(
    sampled_world, monitor, inspector, reviewer, deadline, uni
):
    from tests.factories import member
    from tests.workflows.helpers import GOOD_CREDIT_CODE

    campaign = launch(monitor, [inspector], deadline, universities=[uni], size_value=1, seed=3)
    check = TaskScope.objects.get(campaign_id=campaign.pk)
    # The sampled graduate is bound to an employer by a 定向 agreement their registration matches.
    Graduate.objects.filter(pk=check.graduate_id).update(
        training_mode="targeted",
        targeted_employer_name="福建测试科技有限公司",
        targeted_credit_code=GOOD_CREDIT_CODE,
        agreement_no="DX-2022-009",
        targeted_compliance="matching",
    )
    login(inspector).post(
        f"/tasks/{check.pk}/",
        {"outcome": "inconsistent", "notes": "已去其他单位", "evidence": upload("call.pdf")},
    )
    correction = TaskScope.objects.get(kind="correct_discrepancy")
    data = employment_form(employer_credit_code="9144030071526726XG")
    data.update(resolution="corrected", note="核实后更正为实际单位")
    assert login(reviewer).post(f"/tasks/{correction.pk}/", data).status_code == 302
    graduate = Graduate.objects.get(pk=check.graduate_id)
    assert graduate.targeted_compliance == "mismatch"
    task = TaskScope.objects.get(graduate=graduate, kind="targeted_check")
    assert task.status == "open" and task.candidate_role == "targeted_reviewer"
    targeted_reviewer = member("targeted_reviewer", university=uni)
    assert f"/tasks/{task.pk}/" in login(targeted_reviewer).get("/tasks/queue/").content.decode()
