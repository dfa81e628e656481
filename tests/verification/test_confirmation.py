"""Leave-time confirmation through the services, asserted on the engine's tasks and the case."""

import datetime
import io

import pytest
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus, Cohort, TransferDetails
from cases.reported_files import parse_reported
from cases.roster_files import read_table
from processes.leave import services as leave
from processes.registration import services as registration
from verification.models import Confirmation, ConfirmationStatus, VerificationConsent
from verification.services import ConfirmationNotPossible, confirmation_supersede
from workflows.models import TaskScope

from ..factories import login
from ..workflows.helpers import (
    TRANSFER_VALUES,
    approve_registration,
    confirm,
    open_leave_window,
    open_task,
    submit,
)

pytestmark = pytest.mark.django_db


def test_opening_the_window_opens_a_task_for_each_approved_graduate(cohort, reviewer, supervisor):
    approved = [approve_registration(g, reviewer) for g in cohort[:2]]
    submit(cohort[2])  # still waiting for audit
    assert open_leave_window(cohort[0].university, supervisor) == 2
    assert set(
        TaskScope.objects.filter(kind="confirm_leave").values_list("graduate_id", flat=True)
    ) == {g.pk for g in approved}
    assert open_leave_window(cohort[0].university, supervisor) == 0  # idempotent
    # A graduate approved while the window is open gets their task on approval.
    from ..workflows.helpers import decide

    decide(cohort[2], reviewer)
    assert open_task(cohort[2], "confirm_leave").assignee_id == cohort[2].user_id
    assert CaseEvent.objects.filter(kind="confirmation_opened").count() == 3


def test_a_window_in_the_future_opens_nothing_until_its_day(cohort, reviewer, supervisor):
    approve_registration(cohort[0], reviewer)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert (
        leave.leave_confirmation_open(
            university=cohort[0].university,
            cohort=2026,
            opens_on=tomorrow,
            closes_on=None,
            actor=supervisor,
        )
        == 0
    )
    assert leave.leave_confirmation_open_due(today=tomorrow) == 1
    assert leave.leave_confirmation_open_due(today=tomorrow) == 0
    assert Cohort.objects.get().changes_close_on == datetime.date(2026, 8, 31)


def test_details_are_audited_then_the_graduate_confirms_and_numbers_are_issued(
    cohort, reviewer, supervisor
):
    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    confirmation = confirm(graduate, reviewer)
    graduate.refresh_from_db()
    assert graduate.confirmed_at is not None
    assert confirmation.transfer_no.startswith(f"26{graduate.university.code}")
    assert confirmation.registration_id == graduate.current_registration_id
    assert confirmation.transfer.archive_unit == TRANSFER_VALUES["archive_unit"]
    assert VerificationConsent.objects.get(graduate=graduate).granted
    kinds = list(graduate.events.values_list("kind", flat=True))
    assert (
        kinds.count("transfer_submitted") == 1
        and "transfer_approved" in kinds
        and "confirmed" in kinds
    )
    assert not TaskScope.objects.filter(graduate=graduate, status__in=["open", "assigned"]).exists()


def test_returned_details_come_back_to_the_graduate(cohort, reviewer, supervisor):
    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    task = open_task(graduate, "confirm_leave")
    leave.leave_details_submit(task_id=task.pk, user=graduate.user, values=TRANSFER_VALUES)
    audit = open_task(graduate, "audit_transfer")
    leave.transfer_audit_decide(
        task_id=audit.pk, user=reviewer, approve=False, reason="邮编与地址不符"
    )
    again = open_task(graduate, "confirm_leave")
    assert again.pk != task.pk
    assert TransferDetails.objects.get(graduate=graduate).status == "returned"
    with pytest.raises(ConfirmationNotPossible):
        leave.leave_confirm(task_id=again.pk, user=graduate.user, consent=True)


def test_confirmation_is_refused_while_anything_is_pending(cohort, reviewer, supervisor):
    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    task = open_task(graduate, "confirm_leave")
    with pytest.raises(ConfirmationNotPossible):  # no approved details yet
        leave.leave_confirm(task_id=task.pk, user=graduate.user, consent=True)
    assert not Confirmation.objects.exists()


def test_a_later_change_supersedes_the_numbers(cohort, reviewer, supervisor):
    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    first = confirm(graduate, reviewer)
    confirmation_supersede(graduate=graduate, actor=reviewer, reason="去向变更")
    first.refresh_from_db()
    graduate.refresh_from_db()
    assert (first.status, first.is_current, graduate.confirmed_at) == (
        ConfirmationStatus.SUPERSEDED,
        False,
        None,
    )
    assert graduate.events.filter(kind="superseded", before=first.transfer_no).exists()


def test_province_reported_destinations_need_only_confirmation(cohort, reviewer, supervisor):
    open_leave_window(cohort[0].university, supervisor)
    graduate = cohort[0]
    csv = (
        "学号,毕业去向代码,单位名称,统一社会信用代码,单位性质代码,单位行业代码,单位所在地代码,工作职位类别代码,签约日期\n"
        f"{graduate.student_no},11,省里报来的单位,91350100M000100Y43,31,C,350100,13,2026-04-01\n"
        "no-such-student,70,,,,,,,\n"
        f"{cohort[1].student_no},10,缺字段的单位,,,,,,\n"
    )
    rows, errors = parse_reported(read_table("r.csv", csv.encode("utf-8-sig")), cohort=2026)
    result = registration.reported_import(
        university=graduate.university, cohort=2026, rows=rows, actor=supervisor
    )
    assert result.created == 1 and not errors
    assert {e.row for e in result.errors} == {3, 4}
    graduate.refresh_from_db()
    assert (
        graduate.status == CaseStatus.APPROVED
        and graduate.current_registration.source == "imported"
    )
    assert TaskScope.objects.get(graduate=graduate, kind="register").status == "cancelled"
    assert open_task(graduate, "confirm_leave").assignee_id == graduate.user_id
    cohort[1].refresh_from_db()
    assert cohort[1].status == CaseStatus.UNREGISTERED  # a bad row changes nothing
    assert open_task(cohort[1], "register")


def test_import_reported_command(cohort, supervisor, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "reported.csv"
    path.write_text(
        f"学号,毕业去向代码,升学院校\n{cohort[0].student_no},801,北京大学\n", encoding="utf-8-sig"
    )
    out = io.StringIO()
    call_command(
        "import_reported", str(path), university=cohort[0].university.code, cohort=2026, stdout=out
    )
    assert "1 imported" in out.getvalue()


def test_the_authorisation_box_is_never_ticked_for_the_graduate(cohort, reviewer, supervisor):

    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    client = login(graduate.user)
    task = open_task(graduate, "confirm_leave")
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    box = next(tag for tag in page.split("<input") if 'name="consent"' in tag)
    assert "checked" not in box.split(">")[0]


def test_after_confirming_the_graduate_changes_archive_details_and_confirms_again(
    cohort, reviewer, supervisor, verifier
):

    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)
    Cohort.objects.filter(university=graduate.university, year=2026).update(
        changes_close_on=datetime.date(2099, 8, 31)
    )
    first = confirm(graduate, reviewer)
    client = login(graduate.user)
    page = client.get(f"/cases/{graduate.pk}/").content.decode()
    assert 'data-testid="transfer-change"' in page
    response = client.post(f"/cases/{graduate.pk}/transfer-change/")
    task = open_task(graduate, "confirm_leave")
    assert response["Location"] == f"/tasks/{task.pk}/"
    first.refresh_from_db()
    graduate.refresh_from_db()
    assert first.status == ConfirmationStatus.SUPERSEDED and graduate.confirmed_at is None
    assert task.assignee_id == graduate.user_id

    second = confirm(graduate, reviewer, archive_address="上海市浦东新区世纪大道1号")
    assert second.transfer_no != first.transfer_no
    assert second.transfer.archive_address == "上海市浦东新区世纪大道1号"
    verifier_client = login(verifier)
    old = verifier_client.post("/verify/", {"name": graduate.name, "number": first.transfer_no})
    assert 'data-result="superseded"' in old.content.decode()


def test_archive_details_cannot_be_reopened_after_the_change_deadline(cohort, reviewer, supervisor):

    graduate = approve_registration(cohort[0], reviewer)
    open_leave_window(graduate.university, supervisor)  # cohort 2026: 31 August has passed
    first = confirm(graduate, reviewer)
    client = login(graduate.user)
    assert (
        'data-testid="transfer-change"' not in client.get(f"/cases/{graduate.pk}/").content.decode()
    )
    page = client.post(f"/cases/{graduate.pk}/transfer-change/", follow=True).content.decode()
    assert "变更已截止：请联系学校" in page  # the refusal, with whom to ask
    first.refresh_from_db()
    assert first.status == ConfirmationStatus.VALID and first.is_current
    other = login(cohort[1].user)
    assert other.post(f"/cases/{graduate.pk}/transfer-change/").status_code == 404


def _approved_as(graduate, reviewer, code, **values):
    from ..scenarios import category
    from ..workflows.helpers import decide

    task = open_task(graduate, "register")
    registration.registration_submit(
        task_id=task.pk, user=graduate.user, values={"category": category(code), **values}
    )
    decide(graduate, reviewer)
    graduate.refresh_from_db()
    return graduate


def _details_errors(graduate, **transfer) -> dict:
    from django.core.exceptions import ValidationError

    task = open_task(graduate, "confirm_leave")
    with pytest.raises(ValidationError) as exc:
        leave.leave_details_submit(
            task_id=task.pk, user=graduate.user, values={**TRANSFER_VALUES, **transfer}
        )
    return exc.value.message_dict


def test_archive_and_hukou_must_agree_with_the_destination(cohort, reviewer, supervisor):
    """docs/domain.md: 待就业 sends no archive to an employer and moves no hukou there; a
    domestic 升学 sends the archive to the admitting institution; keeping the archive at the
    school, or sending it to the 生源地 talent centre, can be said."""
    waiting = _approved_as(cohort[0], reviewer, "70")
    studying = _approved_as(cohort[1], reviewer, "801", study_institution="北京大学")
    employed = approve_registration(cohort[2], reviewer)
    open_leave_window(cohort[0].university, supervisor)

    errors = _details_errors(waiting)  # the defaults: archive and hukou to the employer
    assert "待就业" in errors["archive_destination"][0]
    assert "待就业" in errors["hukou_type"][0]
    errors = _details_errors(waiting, archive_destination="school", hukou_migrate=False)
    assert list(errors) == ["archive_destination"]
    confirm(waiting, reviewer, archive_destination="kept", hukou_migrate=False)
    other = _approved_as(cohort[3], reviewer, "72")
    confirm(other, reviewer, archive_destination="origin", hukou_type="to_origin")
    kept = dict(
        TransferDetails.objects.filter(is_current=True).values_list(
            "graduate_id", "archive_destination"
        )
    )
    assert (kept[waiting.pk], kept[other.pk]) == ("kept", "origin")

    errors = _details_errors(studying, hukou_migrate=False)  # archive to the employer
    assert list(errors) == ["archive_destination"]
    assert errors["archive_destination"][0].endswith("档案应转至升学院校。")
    confirm(studying, reviewer, archive_destination="school", hukou_type="to_school")

    errors = _details_errors(employed, archive_destination="school")
    assert list(errors) == ["archive_destination"]
    errors = _details_errors(employed, hukou_type="to_school")
    assert list(errors) == ["hukou_type"]
    confirm(employed, reviewer)  # employer and 迁往就业地: as it should be
