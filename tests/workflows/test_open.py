"""Cohort opening: the bulk path writes what the engine's own start would write."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import Workbook
from viewflow.workflow.models import Task

from cases.models import CaseEvent, Graduate, GraduateUserObjectPermission
from cases.roster_files import RosterValidator, read_table
from portal.demo.identifiers import make_id_number
from processes.registration import services as registration
from processes.registration.flow import RegistrationFlow
from roles.models import Membership
from workflows import task_rows
from workflows.models import TaskScope

from ..factories import open_cohort
from .helpers import ROSTER_COLUMNS

pytestmark = pytest.mark.django_db


def shape(process):
    """The rows of one process, without ids and timestamps."""
    tasks = list(process.task_set.order_by("pk"))
    return {
        "process": (
            str(process.flow_class),
            process.status,
            process.data,
            process.artifact_content_type_id,
            process.finished is None,
        ),
        "tasks": [
            (
                t.flow_task.name,
                t.flow_task_type,
                t.status,
                str(t.token),
                t.data,
                t.owner_id is not None,
                t.started is not None,
                t.finished is not None,
                [p.flow_task.name for p in t.previous.all()],
            )
            for t in tasks
        ],
    }


def test_bulk_open_writes_the_same_rows_as_the_engine_start(cohort):
    bulk_graduate, engine_graduate = cohort[0], cohort[1]
    # Start a process for the second graduate through the engine itself.
    process = Task.objects.get(
        process__artifact_object_id=engine_graduate.pk, flow_task_type="START"
    ).process
    TaskScope.objects.filter(graduate=engine_graduate).delete()
    process.delete()
    scope_graduate = Graduate.objects.select_related("university").get(pk=engine_graduate.pk)
    engine_process = RegistrationFlow.start.run(graduate=scope_graduate)
    bulk_process = Task.objects.get(
        process__artifact_object_id=bulk_graduate.pk, flow_task_type="START"
    ).process
    assert shape(bulk_process) == shape(engine_process)
    assert engine_process.artifact_content_type == ContentType.objects.get_for_model(Graduate)
    # Both have a scope row with the same columns (the engine path through onCreate).
    columns = ["kind", "candidate_role", "status", "university_id", "province_id", "cohort"]
    engine_row = TaskScope.objects.filter(graduate=engine_graduate).values(*columns).get()
    bulk_row = TaskScope.objects.filter(graduate=bulk_graduate).values(*columns).get()
    assert engine_row == bulk_row


def test_each_new_graduate_gets_account_membership_grant_and_event(cohort):
    graduate = cohort.first()
    assert graduate.user.username == f"{graduate.university.code}-{graduate.student_no}"
    assert Membership.objects.filter(
        user=graduate.user, role="graduate", university=graduate.university
    ).exists()
    assert GraduateUserObjectPermission.objects.filter(
        user=graduate.user, content_object=graduate
    ).exists()
    assert graduate.user.has_perm("cases.view_graduate", graduate)
    assert graduate.events.filter(kind=CaseEvent.Kind.CREATED).count() == 1
    row = TaskScope.objects.get(graduate=graduate)
    assert (
        row.due_at - row.created_at
        == task_rows.sla_due("register", row.created_at) - row.created_at
    )


def test_reimporting_the_same_roster_creates_no_duplicates(uni, supervisor):
    first = open_cohort(uni, count=5, actor=supervisor)
    again = open_cohort(uni, count=5, actor=supervisor)
    assert (first.created, again.created, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert Graduate.objects.filter(university=uni).count() == 5
    assert TaskScope.objects.filter(university=uni).count() == 5
    assert Task.objects.filter(flow_task_type="START").count() == 5


def test_a_changed_row_updates_the_graduate_and_logs_the_change(uni, supervisor):
    open_cohort(uni, count=2, actor=supervisor)
    graduate = uni.graduates.order_by("student_no").first()
    other_college = uni.colleges.exclude(pk=graduate.college_id).first()
    validator = RosterValidator(university=uni)
    header = [*ROSTER_COLUMNS, "手机号码"]
    row = [
        graduate.student_no,
        graduate.name,
        graduate.get_gender_display(),
        graduate.id_number,
        "本科",
        other_college.name,
        "人工智能",
        "13912345678",
    ]
    result = registration.roster_import(
        university=uni, cohort=2026, rows=validator.parse([header, row]), actor=supervisor
    )
    assert (result.created, result.updated) == (0, 1)
    graduate.refresh_from_db()
    assert (graduate.major_name, graduate.mobile) == ("人工智能", "13912345678")
    assert graduate.college_id == other_college.pk
    change = graduate.events.get(kind=CaseEvent.Kind.FIELD_CHANGED, field="major_name")
    assert change.after == "人工智能" and change.actor_id == supervisor.pk
    # The open task follows the case: its college's reviewers see it, the major filter finds it.
    task = TaskScope.objects.get(graduate=graduate)
    assert (task.college_id, task.major_name) == (other_college.pk, "人工智能")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FEMALE_ID = make_id_number(region="110105", birth=datetime.date(2004, 3, 5), seq=7, male=False)


def _row(
    student_no, name, gender, id_number, *, level="本科", college="计算机学院", mobile="", mode=""
):
    """A row of the roster below: a 软件工程 student, with no agreement number."""
    return [student_no, name, gender, id_number, level, college, "软件工程", mobile, mode, ""]


def test_invalid_rows_are_reported_and_valid_rows_kept(uni, supervisor):
    rows = [
        [*ROSTER_COLUMNS, "手机号码", "培养方式", "协议编号"],
        _row("2026001", "张伟", "男", "110101199003074258", mobile="13800138000"),
        _row("2026002", "王芳", "女", "110101199003074259"),  # check char
        _row("2026003", "李娜", "女", "11010520031231018X", level="学士"),  # level
        _row(
            "2026004", "赵强", "男", "11010119900307803X", college="不存在学院", mobile="1234"
        ),  # college, mobile
        _row("2026001", "刘洋", "男", "440524188001010014"),  # duplicate number
        _row("2026006", "孙丽", "男", FEMALE_ID, mode="定向"),  # sex, agreement
        ["", "", "", "", "", "", "", "", "", ""],  # blank line is skipped
    ]
    table = read_table("roster.xlsx", _xlsx(rows))
    result = registration.roster_import(
        university=uni,
        cohort=2026,
        rows=RosterValidator(university=uni).parse(table),
        actor=supervisor,
    )
    assert result.created == 1
    assert Graduate.objects.get(university=uni).student_no == "2026001"
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, set()).add(error.column)
    assert by_row == {
        3: {"身份证号"},
        4: {"学历层次"},
        5: {"院系", "手机号码"},
        6: {"学号"},
        7: {"性别", "协议编号", "定向单位统一社会信用代码"},
    }


def test_csv_in_gb18030_is_read(uni, supervisor):
    text = "学号,姓名,性别,身份证号,学历层次,院系,专业名称\n2026001,张伟,男,110101199003074258,本科,计算机学院,软件工程\n"
    table = read_table("roster.csv", text.encode("gb18030"))
    result = registration.roster_import(
        university=uni,
        cohort=2026,
        rows=RosterValidator(university=uni).parse(table),
        actor=supervisor,
    )
    assert result.created == 1 and not result.errors
    assert Graduate.objects.get().name == "张伟"


def test_missing_columns_are_refused_as_a_whole(uni):
    from cases.roster_files import RosterFileError

    with pytest.raises(RosterFileError) as exc:
        RosterValidator(university=uni).parse([["学号", "姓名"], ["1", "张伟"]])
    assert "身份证号" in str(exc.value)
