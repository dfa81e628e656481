"""Change requests until 31 August, late corrections, and their effect on confirmations."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseEvent, CaseStatus, ChangeRequest, Cohort, DestinationCategory
from cases.services import ChangeNotAllowed, change_request_create
from processes.changes.flow import ChangeRequestFlow
from processes.leave import services as leave
from processes.leave.flow import LeaveConfirmationFlow
from processes.registration.flow import RegistrationFlow
from verification.models import ConfirmationStatus
from workflows.models import TaskScope

from ..factories import login, member, open_cohort
from ..workflows.helpers import (
    confirm,
    employment_form,
    employment_values,
    open_leave_window,
    open_task,
)
from .helpers import decide_change, request_change, request_void

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def change_form(**overrides):
    data = employment_form(employer_name="新的单位有限公司")
    data.update(kind="change", reason="原单位解约，已与新单位签约")
    data.update(overrides)
    return data


def test_every_flow_locks_the_process_row():
    from viewflow.workflow.lock import SelectForUpdateLock

    for flow in (RegistrationFlow, ChangeRequestFlow, LeaveConfirmationFlow):
        assert isinstance(flow.lock_impl, SelectForUpdateLock)


def test_change_through_the_pages_makes_the_new_version_current(approved, reviewer, deadline_ahead):
    graduate = approved
    own = login(graduate.user)
    case_page = own.get(f"/cases/{graduate.pk}/").content.decode()
    assert 'data-testid="request-change"' in case_page and "2099-08-31" in case_page
    response = own.post(f"/cases/{graduate.pk}/change/", change_form(), follow=True)
    assert "变更申请已提交" in response.content.decode()
    task = open_task(graduate, "change_university_audit")
    page = login(reviewer).get(f"/tasks/{task.pk}/").content.decode()
    assert (
        'data-testid="change-comparison"' in page
        and "新的单位有限公司" in page
        and "原单位解约" in page
    )
    login(reviewer).post(f"/tasks/{task.pk}/", {"decision": "approve"})
    graduate.refresh_from_db()
    versions = list(
        graduate.registrations.order_by("number").values_list(
            "number", "status", "is_current", "employer_name"
        )
    )
    assert versions == [
        (1, "approved", False, "福建测试科技有限公司"),
        (2, "approved", True, "新的单位有限公司"),
    ]
    assert graduate.status == CaseStatus.APPROVED
    history = login(graduate.user).get(f"/cases/{graduate.pk}/").content.decode()
    assert (
        "全部版本" in history
        and "新的单位有限公司" in history
        and "福建测试科技有限公司" in history
    )


def test_a_rejected_change_keeps_the_current_version_and_tells_why(
    approved, reviewer, deadline_ahead
):
    graduate = approved
    login(graduate.user).post(f"/cases/{graduate.pk}/change/", change_form())
    task = open_task(graduate, "change_university_audit")
    response = login(reviewer).post(f"/tasks/{task.pk}/", {"decision": "return", "reason": ""})
    assert "请说明驳回原因" in response.content.decode()
    login(reviewer).post(
        f"/tasks/{task.pk}/", {"decision": "return", "reason": "新单位未提供签约证明"}
    )
    graduate.refresh_from_db()
    assert (
        graduate.current_registration.number == 1
        and graduate.current_registration.employer_name == "福建测试科技有限公司"
    )
    assert graduate.registrations.get(number=2).status == "rejected"
    assert ChangeRequest.objects.get().status == "rejected"
    assert graduate.user.notifications.filter(
        kind="change_rejected", context__reason="新单位未提供签约证明"
    ).exists()


def test_college_then_university_on_two_levels(uni2, deadline_ahead):
    Cohort.objects.create(university=uni2, year=2026, changes_close_on=datetime.date(2099, 8, 31))
    open_cohort(uni2, count=1)
    graduate = uni2.graduates.get()
    college_reviewer = member("college_reviewer", college=graduate.college)
    reviewer = member("university_reviewer", university=uni2)
    from ..workflows.helpers import decide, submit

    submit(graduate)
    decide(graduate, college_reviewer)
    decide(graduate, reviewer)
    request_change(graduate, "换单位", employer_name="二级审核单位")
    decide_change(graduate, college_reviewer, kind="change_college_audit")
    graduate.refresh_from_db()
    assert graduate.current_registration.employer_name != "二级审核单位"  # not yet
    decide_change(graduate, reviewer)
    graduate.refresh_from_db()
    assert graduate.current_registration.employer_name == "二级审核单位"


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime.datetime(2026, 8, 31, 23, 59, 59, tzinfo=BEIJING), True),
        (datetime.datetime(2026, 9, 1, 0, 0, 0, tzinfo=BEIJING), False),
        (
            datetime.datetime(2026, 8, 31, 15, 59, 59, tzinfo=datetime.UTC),
            True,
        ),  # 23:59:59 in Beijing
        (
            datetime.datetime(2026, 8, 31, 16, 0, 0, tzinfo=datetime.UTC),
            False,
        ),  # 00:00:00 in Beijing
    ],
)
def test_the_deadline_is_31_august_beijing_time(approved, moment, allowed):
    graduate = approved
    values = employment_values(employer_name="边界单位")

    def create():
        """Ask for the change at ``moment``."""
        change_request_create(
            graduate=graduate,
            kind="change",
            values=values,
            reason="边界",
            actor=graduate.user,
            now=moment,
        )

    if allowed:
        create()
        assert ChangeRequest.objects.filter(graduate=graduate).count() == 1
    else:
        with pytest.raises(ChangeNotAllowed) as exc:
            create()
        assert "2026-08-31" in str(exc.value)
        assert not ChangeRequest.objects.exists()


def test_after_the_deadline_the_graduate_is_told_and_the_supervisor_corrects_late(
    approved, supervisor
):
    graduate = approved  # cohort 2026: the default deadline, 2026-08-31, has passed
    own = login(graduate.user)
    assert 'data-testid="changes-closed"' in own.get(f"/cases/{graduate.pk}/").content.decode()
    refused = own.post(f"/cases/{graduate.pk}/change/", change_form()).content.decode()
    assert "已于 2026-08-31（北京时间）截止" in refused and "学校" in refused
    assert not ChangeRequest.objects.exists()

    boss = login(supervisor)
    assert "记录逾期更正" in boss.get(f"/cases/{graduate.pk}/").content.decode()
    data = change_form(reason="")
    missing = boss.post(f"/cases/{graduate.pk}/late-correction/", data).content.decode()
    assert "该字段是必填项" in missing or "这个字段是必填项" in missing
    boss.post(
        f"/cases/{graduate.pk}/late-correction/", change_form(reason="用人单位更名，毕业生已离校")
    )
    graduate.refresh_from_db()
    assert graduate.current_registration.employer_name == "新的单位有限公司"
    late = ChangeRequest.objects.get()
    assert late.is_late and late.status == "approved" and late.decided_by_id == supervisor.pk
    event = graduate.events.get(kind=CaseEvent.Kind.LATE_CORRECTION)
    assert event.note == "用人单位更名，毕业生已离校" and event.actor_id == supervisor.pk
    assert "逾期" in boss.get(f"/cases/{graduate.pk}/").content.decode()


def test_late_corrections_are_refused_while_changes_are_open(approved, supervisor, deadline_ahead):
    response = login(supervisor).post(
        f"/cases/{approved.pk}/late-correction/", change_form(reason="太早")
    )
    assert "仍可由毕业生提交变更申请" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_a_reviewer_cannot_record_late_corrections(approved, reviewer):
    assert login(reviewer).get(f"/cases/{approved.pk}/late-correction/").status_code == 403


def test_a_change_after_confirmation_supersedes_the_numbers_and_reopens_confirmation(
    approved, reviewer, supervisor, deadline_ahead, verifier
):
    graduate = approved
    open_leave_window(graduate.university, supervisor)
    first = confirm(graduate, reviewer)
    request_change(graduate, "改签", employer_name="确认后的新单位")
    # Confirmation is blocked while the change is pending... (no confirm task is open anyway)
    decide_change(graduate, reviewer)
    first.refresh_from_db()
    graduate.refresh_from_db()
    assert first.status == ConfirmationStatus.SUPERSEDED and graduate.confirmed_at is None
    assert open_task(graduate, "confirm_leave").assignee_id == graduate.user_id
    answer = (
        login(verifier)
        .post("/verify/", {"name": graduate.name, "number": first.transfer_no})
        .content.decode()
    )
    assert 'data-result="superseded"' in answer
    second = confirm(graduate, reviewer)
    assert (
        second.transfer_no != first.transfer_no
        and second.registration.employer_name == "确认后的新单位"
    )


def test_a_pending_change_blocks_confirmation(approved, reviewer, supervisor, deadline_ahead):
    graduate = approved
    open_leave_window(graduate.university, supervisor)
    request_change(graduate, "改签", employer_name="待审单位")
    from ..workflows.helpers import TRANSFER_VALUES

    task = open_task(graduate, "confirm_leave")
    leave.leave_details_submit(task_id=task.pk, user=graduate.user, values=TRANSFER_VALUES)
    leave.transfer_audit_decide(
        task_id=open_task(graduate, "audit_transfer").pk, user=reviewer, approve=True
    )
    from verification.services import ConfirmationNotPossible

    with pytest.raises(ConfirmationNotPossible):
        leave.leave_confirm(
            task_id=open_task(graduate, "confirm_leave").pk, user=graduate.user, consent=True
        )


def test_a_void_sends_the_graduate_back_to_register(approved, reviewer, deadline_ahead):
    graduate = approved
    login(graduate.user).post(
        f"/cases/{graduate.pk}/change/", {"kind": "void", "reason": "协议已解除，重新择业"}
    )
    decide_change(graduate, reviewer)
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.UNREGISTERED and graduate.current_registration is None
    assert graduate.registrations.get(number=1).status == "voided"
    assert open_task(graduate, "register").assignee_id == graduate.user_id


def test_only_one_change_at_a_time_and_only_after_approval(cohort, approved, deadline_ahead):
    request_void(approved, "x")
    with pytest.raises(ChangeNotAllowed):
        request_void(approved, "y")
    unapproved = cohort[1]
    page = login(unapproved.user).get(f"/cases/{unapproved.pk}/change/").content.decode()
    assert 'data-testid="blocked"' in page


def test_an_outsider_cannot_request_a_change_for_someone(approved, reviewer, deadline_ahead):
    assert login(reviewer).post(f"/cases/{approved.pk}/change/", change_form()).status_code == 403


def test_the_category_requirements_apply_to_changes(approved, deadline_ahead):
    category = DestinationCategory.objects.get(code="85")
    html = (
        login(approved.user)
        .post(
            f"/cases/{approved.pk}/change/",
            {"kind": "change", "reason": "出国", "category": category.pk},
        )
        .content.decode()
    )
    assert "毕业去向为“境外留学（出国、出境）”时此项必填" in html
    assert not TaskScope.objects.filter(kind="change_university_audit").exists()


def test_the_case_page_compares_with_what_the_change_replaced_not_a_rejected_proposal(
    approved, reviewer, supervisor, deadline_ahead
):
    graduate = approved
    first = graduate.current_registration
    for employer, approve in (("被驳回的单位", False), ("新的单位", True)):
        request_change(graduate, "改签", employer_name=employer)
        decide_change(graduate, reviewer, approve=approve, reason="" if approve else "材料不全")
    context = login(supervisor).get(f"/cases/{graduate.pk}/").context
    assert context["current"].employer_name == "新的单位"
    assert [v.number for v in context["versions"]] == [3, 2, 1]
    assert context["previous"].pk == first.pk  # v1, not the rejected v2
