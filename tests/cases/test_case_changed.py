"""Every public service that changes a case goes through the one "case changed" hook.

The cases are taken through every service that writes one: the roster import and re-import,
registration and its audit, leave-time confirmation, change requests, late corrections,
targeted-enrolment decisions, spot checks and their corrections, destinations reported by
the province (on a provincial node), and events synced in (on the national node). After each
step:

- a full statistics recomputation corrects no count;
- on a provincial node, the outbox's newest event of each case holds its state as it is now;
- every active task's row holds its case's organisation, major and category.

And the writers the hook saw cover every writer there is: each function of the case
services (and verification's) that runs a write through the hook.
"""

import ast
import datetime
import inspect
from pathlib import Path

import pytest

import cases.services
import verification.services
from cases.hook import case_listener_remove, on_case_changed
from cases.models import Cohort, Graduate, Region
from cases.roster_files import RosterValidator
from cases.tallies import coarse_tallies_rebuild, tallies_rebuild
from processes.leave import services as leave
from processes.registration import services as registration
from processes.spotchecks import services as spotchecks
from roles.models import Role, University
from sync.models import OutboxEvent
from sync.state import case_state
from workflows.models import ACTIVE_STATUSES, TaskScope

from ..changes.helpers import (
    correct_late,
    decide_change,
    decide_targeted,
    request_change,
    request_void,
    upload,
)
from ..factories import UniversityFactory, member, open_cohort
from ..scenarios import category, not_employed, targeted_graduate
from ..spotchecks.helpers import launch
from ..sync.helpers import EMPLOYED, TRANSFER, event, post_events, results, state
from ..workflows.helpers import (
    ROSTER_COLUMNS,
    TRANSFER_VALUES,
    decide,
    employment_values,
    open_leave_window,
    open_task,
    submit,
)

pytestmark = pytest.mark.django_db


def _writers_in_source() -> set[str]:
    """Every function of the case services and verification's that writes through the hook:
    decorated with ``changes_case``, or running ``case_change``/``cases_created`` itself."""
    found = set()
    modules = [
        *(m for _n, m in inspect.getmembers(cases.services, inspect.ismodule)),
        verification.services,
    ]
    for module in modules:
        tree = ast.parse(Path(module.__file__).read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            decorated = any(
                isinstance(d, ast.Call) and getattr(d.func, "id", "") == "changes_case"
                for d in node.decorator_list
            )
            calls = {getattr(c.func, "id", "") for c in ast.walk(node) if isinstance(c, ast.Call)}
            if decorated or calls & {"case_change", "cases_created"}:
                found.add(f"{module.__name__}.{node.name}")
    return found


@pytest.fixture
def seen():
    """The writers the hook is told about, as the scenario runs."""
    writers = set()

    def record(changed):
        writers.add(changed.writer)

    on_case_changed(record)
    yield writers
    case_listener_remove(record)


def holds(*, outbox: bool) -> None:
    """The three things that hang from the hook hold for every case."""
    corrected = sum(
        tallies_rebuild(university_id=pk) for pk in University.objects.values_list("pk", flat=True)
    )
    assert corrected + coarse_tallies_rebuild() == 0, "the tallies missed a change"
    graduates = {g.pk: g for g in Graduate.objects.select_related("current_registration__category")}
    for row in TaskScope.objects.filter(status__in=ACTIVE_STATUSES):
        g = graduates[row.graduate_id]
        registration_now = g.current_registration if g.current_registration_id else None
        assert (row.university_id, row.college_id, row.province_id, row.cohort) == (
            g.university_id,
            g.college_id,
            g.province_id,
            g.cohort,
        ), row
        assert row.major_name == g.major_name, row
        assert row.category_code == (registration_now.category.code if registration_now else "")
    if outbox:
        for g in graduates.values():
            newest = OutboxEvent.objects.filter(graduate_id=g.pk).order_by("-version").first()
            assert newest is not None and newest.payload == case_state(g), g


def test_every_writer_keeps_tallies_outbox_and_task_rows_in_step(
    settings, client, uni, supervisor, reviewer, monitor, inspector, seen
):
    settings.NODE_ROLE, settings.NODE_PROVINCE = "provincial", "110000"
    step = lambda: holds(outbox=True)  # noqa: E731
    targeted_reviewer = member(Role.TARGETED_REVIEWER, university=uni)

    # Roster import, then registration, return, correction and approval.
    open_cohort(uni, count=8, actor=supervisor, seed=11, first_no=500)
    step()
    g = list(uni.graduates.order_by("student_no"))
    for graduate in g[:6]:
        submit(graduate)
        step()
    decide(g[0], reviewer, approve=False, reason="单位名称有误")
    step()
    task = open_task(g[0], "correct")
    registration.registration_submit(task_id=task.pk, user=g[0].user, values=not_employed("70"))
    step()
    for graduate in g[:6]:
        decide(graduate, reviewer)
        step()

    # A roster re-import moves a graduate with an open task to another college and major.
    moved = g[7]
    other = uni.colleges.exclude(pk=moved.college_id).order_by("code").first()
    row = [
        moved.student_no,
        moved.name,
        moved.get_gender_display(),
        moved.id_number,
        moved.get_education_level_display(),
        other.name,
        "软件工程",
    ]
    rows = RosterValidator(university=uni).parse([ROSTER_COLUMNS, row])
    result = registration.roster_import(university=uni, cohort=2026, rows=rows, actor=supervisor)
    assert result.updated == 1
    assert TaskScope.objects.get(graduate=moved, kind="register").college_id == other.pk
    step()

    # Leave time: details, their audit, the confirmation, and reopening it.
    window = Cohort.objects.filter(university=uni, year=2026).first()
    open_leave_window(uni, supervisor)
    Cohort.objects.filter(university=uni, year=2026).update(
        changes_close_on=datetime.date(2099, 8, 31)
    )
    step()
    for graduate in g[1:3]:
        task = open_task(graduate, "confirm_leave")
        leave.leave_details_submit(task_id=task.pk, user=graduate.user, values=TRANSFER_VALUES)
        step()
        audit = open_task(graduate, "audit_transfer")
        leave.transfer_audit_decide(task_id=audit.pk, user=reviewer, approve=True)
        step()
        task = open_task(graduate, "confirm_leave")
        leave.leave_confirm(task_id=task.pk, user=graduate.user, consent=True)
        step()
    leave.transfer_change_open(graduate=Graduate.objects.get(pk=g[2].pk), user=g[2].user)
    step()

    # Change requests: a change approved after confirmation, one rejected, a void.
    graduate = Graduate.objects.get(pk=g[1].pk)
    request_change(graduate, "换了单位", category=category("12"))
    step()
    decide_change(graduate, reviewer)
    step()
    graduate = Graduate.objects.get(pk=g[3].pk)
    request_change(graduate, "换了单位", employer_name="另一家单位有限公司")
    step()
    decide_change(graduate, reviewer, approve=False, reason="材料不足")
    step()
    graduate = Graduate.objects.get(pk=g[4].pk)
    request_void(graduate, "作废重报")
    step()
    decide_change(graduate, reviewer)
    step()

    # Targeted graduates: an exception allowed, a registration returned, a change refused.
    bound = targeted_graduate(uni, supervisor)
    step()
    submit(bound, employer_region=Region.objects.get(code="440300"))
    step()
    decide_targeted(bound, targeted_reviewer, approve=False, reason="请按协议登记")
    step()
    task = open_task(bound, "correct")
    registration.registration_submit(
        task_id=task.pk,
        user=bound.user,
        values=employment_values(employer_region=Region.objects.get(code="440300")),
    )
    step()
    decide_targeted(
        bound, targeted_reviewer, approve=True, reason="已解除定向协议", uploads=[upload()]
    )
    step()
    decide(bound, reviewer)
    step()
    bound = Graduate.objects.get(pk=bound.pk)
    request_change(bound, "又换了单位", employer_region=Region.objects.get(code="310100"))
    step()
    decide_targeted(bound, targeted_reviewer, approve=False, reason="不符合协议")
    step()

    # Spot check: a discrepancy corrected by the university, then the campaign closed.
    campaign = launch(monitor, [inspector], name="核查", universities=[uni], size_value=2, seed=5)
    step()
    checks = list(TaskScope.objects.filter(campaign_id=campaign.pk).order_by("graduate_id"))
    spotchecks.spot_check_decide(
        task_id=checks[0].pk,
        user=inspector,
        outcome="inconsistent",
        notes="单位查无此人",
        uploads=[upload("call.pdf")],
    )
    step()
    correction = TaskScope.objects.get(kind="correct_discrepancy")
    spotchecks.discrepancy_decide(
        task_id=correction.pk,
        user=reviewer,
        resolution="corrected",
        note="核实后更正",
        values=employment_values(employer_name="核实后的单位有限公司"),
    )
    step()
    spotchecks.campaign_close(campaign=campaign, actor=monitor)
    step()

    # After the change deadline: a late correction, and one breaking a targeted agreement,
    # refused by the targeted-enrolment reviewer.
    Cohort.objects.filter(university=uni, year=2026).update(
        changes_close_on=datetime.date(2026, 8, 31)
    )
    late = Graduate.objects.get(pk=g[5].pk)
    correct_late(late, supervisor, "离校后核实", category=category("11"))
    step()
    bound = Graduate.objects.get(pk=bound.pk)
    correct_late(bound, supervisor, "离校后核实", employer_region=Region.objects.get(code="310100"))
    step()
    decide_targeted(bound, targeted_reviewer, approve=False, reason="不符合协议")
    step()

    # A destination the province already reported, for a graduate who had not registered.
    reported = Graduate.objects.get(pk=g[6].pk)
    result = registration.reported_import(
        university=uni,
        cohort=2026,
        rows=[{"row": 2, "student_no": reported.student_no, "values": employment_values()}],
        actor=supervisor,
    )
    assert result.created == 1 and not result.errors
    step()
    assert window is None or window.pk  # the cohort row was the one the window set

    # On the national node: cases synced in, changed, voided and confirmed-relevant state.
    settings.NODE_ROLE, settings.NODE_PROVINCE = "national", ""
    synced_uni = UniversityFactory(code="19108", name="北京同步大学", province=uni.province)
    from api.models import ApiClient

    api_client = ApiClient.objects.create(province=uni.province, name="北京市毕业去向登记系统")
    sends = [
        state(),
        state(registration={**EMPLOYED, "status": "pending"}),
        state(registration={**EMPLOYED, "status": "returned", "decision_reason": "补充"}),
        state(registration={**EMPLOYED, "number": 2, "category": "12"}, transfer=TRANSFER),
        state(registration={**EMPLOYED, "number": 2, "category": "12"}, change_pending=True),
        state(),
    ]
    for version, payload in enumerate(sends, start=1):
        sent = event(payload, version=version, university=synced_uni.code)
        assert results(post_events(client, api_client, [sent])) == [("applied", "")]
        holds(outbox=False)

    assert _writers_in_source() <= seen, _writers_in_source() - seen
