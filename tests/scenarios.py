"""A cohort taken through every kind of change a case can go through, with the real services:
the ground on which incremental statistics are compared with a direct count."""

import datetime

from cases import services as case_services
from cases.models import Cohort, DestinationCategory, Graduate, Region
from processes.registration import services as registration

from .changes.helpers import correct_late, decide_change, decide_targeted, request_void, upload
from .factories import member, open_cohort
from .workflows.helpers import (
    confirm,
    decide,
    open_leave_window,
    open_task,
    submit,
)


def category(code):
    return DestinationCategory.objects.get(code=code)


def not_employed(code="70"):
    return {"category": category(code)}


def busy_cohort(uni, supervisor, reviewer, *, count=10):
    """Open ``count`` (at least 7) graduates of ``uni`` (cohort 2026) and take them through registration,
    return and correction, flexible and not-employed destinations, a targeted mismatch and its
    exception, leave-time confirmation, a void, late corrections (one superseding a
    confirmation) and a roster update moving a graduate to another college. Returns the
    graduates, in student-number order."""
    open_cohort(uni, count=count, actor=supervisor, seed=3, first_no=300)
    g = list(uni.graduates.filter(cohort=2026).order_by("student_no"))[:7]
    targeted_reviewer = member("targeted_reviewer", university=uni)

    submit(g[0])
    decide(g[0], reviewer)
    submit(g[1], category=category("12"))  # flexible
    decide(g[1], reviewer)
    submit(g[2])
    decide(g[2], reviewer, approve=False, reason="单位名称有误")
    task = open_task(g[2], "correct")
    registration.registration_submit(task_id=task.pk, user=g[2].user, values=not_employed("70"))
    decide(g[2], reviewer)
    submit(g[3])  # left pending
    submit(g[4], category=category("76"))
    decide(g[4], reviewer, approve=False, reason="请补充材料")  # left returned
    for graduate, code in ((g[5], "71"), (g[6], "72")):
        task = open_task(graduate, "register")
        registration.registration_submit(
            task_id=task.pk, user=graduate.user, values=not_employed(code)
        )
        decide(graduate, reviewer)

    # A targeted graduate registering outside the agreed region: mismatch, then an exception.
    targeted = targeted_graduate(uni, supervisor)
    submit(targeted, employer_region=Region.objects.get(code="440300"))
    decide_targeted(
        targeted, targeted_reviewer, approve=True, reason="已解除定向协议", uploads=[upload()]
    )
    decide(targeted, reviewer)

    # Leave-time confirmation for two approved graduates.
    open_leave_window(uni, supervisor)
    for graduate in (g[0], g[1]):
        graduate.refresh_from_db()
        confirm(graduate, reviewer)

    # A void while changes are open: the case goes back to unregistered.
    window = Cohort.objects.get(university=uni, year=2026)
    window.changes_close_on = datetime.date(2099, 8, 31)
    window.save()
    g[5].refresh_from_db()
    request_void(g[5], "作废重报")
    decide_change(g[5], reviewer)

    # After the deadline: late corrections, one of them superseding a confirmation.
    window.changes_close_on = datetime.date(2026, 8, 31)
    window.save()
    for graduate, overrides in (
        (g[1], {"employer_name": "更正后的单位有限公司"}),
        (g[6], {"category": category("11")}),
    ):
        graduate.refresh_from_db()
        correct_late(graduate, supervisor, "离校后核实更正", **overrides)

    # The roster moves a graduate to another college and changes their education level.
    moved = Graduate.objects.get(pk=g[3].pk)
    other_college = uni.colleges.exclude(pk=moved.college_id).first()
    case_services.graduate_update(
        graduate=moved,
        values={"college": other_college, "education_level": "master"},
        actor=supervisor,
    )
    return [Graduate.objects.get(pk=x.pk) for x in [*g, targeted]]


TARGETED_ROW = {
    "学号": "T900",
    "姓名": "定向丙",
    "性别": "女",
    "身份证号": "11010520031231018X",
    "学历层次": "本科",
    "院系": "计算机学院",
    "专业名称": "临床医学",
    "培养方式": "定向",
    "定向地区代码": "350000",
    "协议编号": "DX-2022-900",
}


def targeted_graduate(university, supervisor) -> Graduate:
    """A targeted (定向) graduate bound to 福建 (350000), opened through the roster import."""
    from cases.roster_files import RosterValidator

    header = list(TARGETED_ROW)
    rows = RosterValidator(university=university).parse([header, list(TARGETED_ROW.values())])
    result = registration.roster_import(
        university=university, cohort=2026, rows=rows, actor=supervisor
    )
    assert result.created == 1, result.errors
    return university.graduates.get(student_no="T900")
