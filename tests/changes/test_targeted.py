"""Targeted-enrolment (定向) checks: matched by credit code and region code, not by names."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import CaseStatus, Region, TargetedException
from cases.roster_files import RosterValidator
from cases.targeted import region_covers
from processes.registration import services as registration
from processes.targeted import services as targeted_services
from workflows.models import TaskScope

from ..factories import login, member
from ..workflows.helpers import GOOD_CREDIT_CODE, ROSTER_COLUMNS, decide, open_task, submit
from .helpers import correct_late, request_change, upload

pytestmark = pytest.mark.django_db

OTHER_CREDIT_CODE = "9144030071526726XG"
HEADER = [
    *ROSTER_COLUMNS,
    "培养方式",
    "定向单位",
    "定向单位统一社会信用代码",
    "定向地区代码",
    "协议编号",
]


@pytest.fixture
def targeted(uni, supervisor):
    """Two targeted graduates: one bound to an employer (by credit code), one to a region."""
    rows = [
        HEADER,
        [
            "T001",
            "定向甲",
            "男",
            "110101199003074258",
            "本科",
            "计算机学院",
            "临床医学",
            "定向",
            "福建测试科技有限公司",
            GOOD_CREDIT_CODE,
            "",
            "DX-2022-001",
        ],
        [
            "T002",
            "定向乙",
            "女",
            "11010520031231018X",
            "本科",
            "计算机学院",
            "临床医学",
            "定向",
            "",
            "",
            "350000",
            "DX-2022-002",
        ],
    ]
    result = registration.roster_import(
        university=uni,
        cohort=2026,
        rows=RosterValidator(university=uni).parse(rows),
        actor=supervisor,
    )
    assert result.created == 2, result.errors
    return uni.graduates.get(student_no="T001"), uni.graduates.get(student_no="T002")


@pytest.fixture
def targeted_reviewer(uni):
    return member("targeted_reviewer", university=uni)


def test_regions_cover_what_lies_inside_them():
    assert region_covers("350000", "350100") and region_covers("350100", "350100")
    assert not region_covers("350000", "440300") and not region_covers("350100", "350200")


def test_a_matching_registration_goes_straight_to_audit(targeted, reviewer):
    by_employer, by_region = targeted
    submit(by_employer)  # the helper's employer has the agreed credit code
    submit(by_region)  # ...and sits in 福州 (350100), inside 福建 (350000)
    assert (
        open_task(by_employer).kind == "university_audit"
        and open_task(by_region).kind == "university_audit"
    )
    by_employer.refresh_from_db()
    assert by_employer.targeted_compliance == "matching"


def test_same_name_different_credit_code_is_a_mismatch(targeted, targeted_reviewer):
    by_employer, _ = targeted
    submit(by_employer, employer_credit_code=OTHER_CREDIT_CODE)  # same employer name, another code
    task = open_task(by_employer)
    assert task.kind == "targeted_check" and task.candidate_role == "targeted_reviewer"
    by_employer.refresh_from_db()
    assert by_employer.targeted_compliance == "mismatch"


def test_the_reviewer_returns_a_mismatch_to_the_graduate(targeted, targeted_reviewer):
    _, by_region = targeted
    submit(by_region, employer_region=Region.objects.get(code="440300"))
    task = open_task(by_region)
    page = login(targeted_reviewer).get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="agreement"' in page and "DX-2022-002" in page
    login(targeted_reviewer).post(
        f"/tasks/{task.pk}/", {"decision": "return", "reason": "须到福建省就业"}
    )
    by_region.refresh_from_db()
    assert by_region.status == CaseStatus.RETURNED and open_task(by_region).kind == "correct"
    submit(by_region)  # corrected to 福州
    assert open_task(by_region).kind == "university_audit"


def test_an_exception_needs_reason_and_evidence_and_then_audit_proceeds(
    targeted, targeted_reviewer, reviewer
):
    _, by_region = targeted
    submit(by_region, employer_region=Region.objects.get(code="440300"))
    task = open_task(by_region)
    client = login(targeted_reviewer)
    refused = client.post(
        f"/tasks/{task.pk}/", {"decision": "exception", "reason": "已解约"}
    ).content.decode()
    assert "同意例外须上传证明材料" in refused
    client.post(
        f"/tasks/{task.pk}/",
        {
            "decision": "exception",
            "reason": "已与定向地区解除协议",
            "evidence": [upload("解约协议.pdf")],
        },
    )
    by_region.refresh_from_db()
    assert by_region.targeted_compliance == "exception"
    exception = TargetedException.objects.get(graduate=by_region)
    assert exception.reason == "已与定向地区解除协议" and exception.evidence.count() == 1
    assert open_task(by_region).kind == "university_audit"
    decide(by_region, reviewer)
    by_region.refresh_from_db()
    assert by_region.status == CaseStatus.APPROVED and by_region.targeted_compliance == "exception"


def test_change_requests_are_checked_too(targeted, targeted_reviewer, reviewer, uni):
    import datetime

    from cases.models import Cohort

    Cohort.objects.create(university=uni, year=2026, changes_close_on=datetime.date(2099, 8, 31))
    by_employer, _ = targeted
    submit(by_employer)
    decide(by_employer, reviewer)
    request_change(by_employer, "换单位", employer_credit_code=OTHER_CREDIT_CODE)
    task = open_task(by_employer)
    assert task.kind == "targeted_check"
    targeted_services.targeted_decide(
        task_id=task.pk, user=targeted_reviewer, approve=False, reason="违反定向协议"
    )
    by_employer.refresh_from_db()
    assert by_employer.change_requests.get().status == "rejected"
    assert by_employer.targeted_compliance == "matching"  # the version in effect still matches
    assert not TaskScope.objects.filter(
        graduate=by_employer, status__in=["open", "assigned"]
    ).exists()


def test_the_province_lists_targeted_graduates_with_their_status(
    targeted, targeted_reviewer, reviewer, monitor, other_uni
):
    by_employer, by_region = targeted
    submit(by_employer)
    submit(by_region, employer_region=Region.objects.get(code="440300"))
    targeted_services.targeted_decide(
        task_id=open_task(by_region).pk,
        user=targeted_reviewer,
        approve=True,
        reason="解约",
        uploads=[upload()],
    )
    client = login(monitor)
    page = client.get("/province/targeted/").content.decode()
    assert 'data-status="matching"' in page and 'data-status="exception"' in page
    from cases.models import CaseAccess

    assert set(
        CaseAccess.objects.filter(user=monitor, action="targeted_view").values_list(
            "graduate_id", flat=True
        )
    ) == {by_employer.pk, by_region.pk}
    only = client.get("/province/targeted/", {"status": "exception"}).content.decode()
    assert "定向乙" in only and "定向甲" not in only
    workbook = load_workbook(
        io.BytesIO(client.get("/province/targeted/", {"format": "xlsx"}).content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [r[-1] for r in rows[1:]] == ["与协议一致", "已批准例外"]
    outsider = member("provincial_monitor", province=other_uni.province)
    assert "定向甲" not in login(outsider).get("/province/targeted/").content.decode()


def test_a_targeted_graduate_not_yet_registered_is_listed_as_such(targeted, monitor):
    page = login(monitor).get("/province/targeted/", {"status": "unregistered"}).content.decode()
    assert "定向甲" in page and "定向乙" in page


def test_a_late_correction_that_breaks_the_agreement_goes_to_the_targeted_reviewer(
    targeted, targeted_reviewer, reviewer, supervisor
):
    by_employer, _ = targeted
    submit(by_employer)
    decide(by_employer, reviewer)
    # Cohort 2026's 31 August has passed: the university records the correction itself.
    correct_late(by_employer, supervisor, "用人单位变更", employer_credit_code=OTHER_CREDIT_CODE)
    task = open_task(by_employer)
    assert task.kind == "targeted_check" and task.candidate_role == "targeted_reviewer"
    client = login(targeted_reviewer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "不予例外" in page and "退回毕业生" not in page  # nobody to return it to
    client.post(f"/tasks/{task.pk}/", {"decision": "return", "reason": "违反定向协议"})
    by_employer.refresh_from_db()
    assert by_employer.status == CaseStatus.APPROVED
    assert by_employer.targeted_compliance == "mismatch"  # counted as not complying
    assert by_employer.events.filter(kind="targeted_refused", note="违反定向协议").exists()
    assert not TaskScope.objects.filter(
        graduate=by_employer, status__in=["open", "assigned"]
    ).exists()

    # A second correction that breaks the agreement: this time the exception is allowed.
    correct_late(
        by_employer,
        supervisor,
        "再次变更",
        employer_credit_code=OTHER_CREDIT_CODE,
        employer_name="另一单位",
    )
    task = open_task(by_employer)
    assert task.kind == "targeted_check"
    targeted_services.targeted_decide(
        task_id=task.pk,
        user=targeted_reviewer,
        approve=True,
        reason="已解除定向协议",
        uploads=[upload("解约协议.pdf")],
    )
    by_employer.refresh_from_db()
    assert by_employer.targeted_compliance == "exception"
    assert TargetedException.objects.get(graduate=by_employer).registration_id == (
        by_employer.current_registration_id
    )


def test_a_matching_late_correction_needs_no_targeted_check(targeted, reviewer, supervisor):
    by_employer, _ = targeted
    submit(by_employer)
    decide(by_employer, reviewer)
    # A new name, the same credit code.
    correct_late(by_employer, supervisor, "单位更名", employer_name="更名后的单位")
    by_employer.refresh_from_db()
    assert by_employer.targeted_compliance == "matching"
    assert not TaskScope.objects.filter(graduate=by_employer, kind="targeted_check").exists()
