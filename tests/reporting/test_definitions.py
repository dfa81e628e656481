"""The headline figures on a cohort whose answers are computed by hand (docs/statistics.md).

Ten graduates: six approved (10, 11, 12, 801, 70, 71), two awaiting audit (10 and 70), one
returned and one unregistered. 毕业去向落实 are the approved 就业 and 升学: 4 of 10, 40%;
the classic 就业 without 升学: 3 of 10; 未登记/待审核: 4. The dashboards at every level, the
XLSX table, the filing snapshot and the provincial report all say so."""

import io

import pytest
from openpyxl import load_workbook

from cases.figures import COLUMNS
from cases.models import FiguresDefinition, Graduate
from cases.services import graduate_update
from cases.tallies import tallies_rebuild
from processes.filings import selectors as filing_selectors
from processes.filings import services as filings
from processes.filings.models import FilingVersion
from processes.registration import services as registration

from ..factories import login, open_cohort
from ..scenarios import category, targeted_graduate
from ..workflows.helpers import decide, employment_values, open_task
from .test_filing_and_report import open_task as open_org_task

HEADERS = [header for header, _name, _rate in COLUMNS]


def register(graduate, code, **extra):
    """The graduate submits a registration in category ``code``."""
    if code in ("10", "11", "12"):
        values = employment_values(category=category(code), **extra)
    elif code == "801":
        values = {"category": category(code), "study_institution": "北京大学", **extra}
    else:
        values = {"category": category(code), **extra}
    task = open_task(graduate, "register", "correct")
    registration.registration_submit(task_id=task.pk, user=graduate.user, values=values)


@pytest.fixture
def ten(uni, supervisor, reviewer):
    open_cohort(uni, count=10, actor=supervisor, seed=7, first_no=500)
    g = list(uni.graduates.order_by("student_no"))
    for graduate, code in zip(g[:6], ("10", "11", "12", "801", "70", "71"), strict=True):
        register(graduate, code)
        decide(graduate, reviewer)
    register(g[6], "10")  # awaiting audit
    register(g[7], "70")  # awaiting audit: not 落实, and not counted as 待就业 either
    register(g[8], "10")
    decide(g[8], reviewer, approve=False, reason="单位名称有误")  # returned
    return g  # g[9] has not registered


EXPECTED = {
    "毕业生总数": 10,
    "其中结业生": 0,
    "已登记": 6,
    "登记率": 0.6,
    "未登记/待审核": 4,
    "就业类": 3,
    "升学类": 1,
    "未就业类": 2,
    "毕业去向落实人数": 4,
    "毕业去向落实率": 0.4,
    "就业人数（不含升学）": 3,
    "就业率（不含升学）": 0.3,
    "灵活就业（12/75/76）": 1,
    "灵活就业率": 0.1,
}


def figures_of(figures) -> dict:
    return {header: getattr(figures, name) for header, name, _r in COLUMNS if header in EXPECTED}


def test_every_level_shows_the_hand_computed_figures(ten, uni, national, monitor, supervisor):
    f = login(supervisor).get(f"/statistics/university/{uni.pk}/").context["d"].total
    assert figures_of(f) == EXPECTED
    assert (f.unregistered, f.pending, f.returned) == (1, 2, 1)
    province = login(monitor).get(f"/statistics/province/{uni.province_id}/").context["d"]
    assert figures_of(province.total) == EXPECTED
    # the university's line, read from its summary row, says the same
    assert figures_of(dict(province.groups)[uni]) == EXPECTED
    nation = login(national).get("/statistics/national/", {"source": "live"}).context["d"]
    assert figures_of(nation.total) == EXPECTED
    page = login(supervisor).get(f"/statistics/university/{uni.pk}/").content.decode()
    assert 'data-testid="placement-rate">40.0%<' in page
    assert 'data-testid="without-destination">4<' in page


def test_the_xlsx_table_has_the_same_figures_by_name(ten, uni, supervisor):
    export = login(supervisor).get(
        f"/statistics/university/{uni.pk}/", {"format": "xlsx", "table": "groups"}
    )
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert list(rows[0][1:]) == HEADERS
    total = dict(zip(HEADERS, rows[-1][1:], strict=True))
    assert rows[-1][0] == "合计"
    assert {header: total[header] for header in EXPECTED} == EXPECTED


def test_the_filing_and_the_report_snapshot_the_same_figures(ten, uni, supervisor, monitor):
    filing = filings.filing_submit(university=uni, cohort=2026, actor=supervisor)
    version = filing.current_version
    assert version.figures_definition == FiguresDefinition.PLACEMENT
    assert figures_of(filing_selectors.filing_figures(version).total) == EXPECTED
    filings.filing_review(task_id=open_org_task("review_filing").pk, user=monitor, file=True)
    report = filings.report_submit(province=uni.province, cohort=2026, actor=monitor)
    assert figures_of(filing_selectors.report_figures(report.current_version).total) == EXPECTED
    page = login(monitor).get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="placement-rate">40.0%<' in page


def test_a_version_filed_under_the_first_definition_keeps_it(ten, uni, supervisor, monitor):
    """A filing stored before the new definition shows what it was filed with (8 = 10 − 70 −
    71, 80%); its next version follows the new one, and the comparison names both."""
    filing = filings.filing_submit(university=uni, cohort=2026, actor=supervisor)
    FilingVersion.objects.filter(pk=filing.current_version_id).update(
        figures_definition=FiguresDefinition.NOTICE_COUNT
    )
    old = filing_selectors.filing_figures(FilingVersion.objects.get(pk=filing.current_version_id))
    assert (old.total.placed, old.total.placement_rate, old.total.employment) == (8, 0.8, None)
    assert old.total.targeted_counted == 0
    page = login(monitor).get(f"/filings/{filing.pk}/").content.decode()
    assert 'data-testid="placement-rate">80.0%<' in page and "旧口径" in page
    filings.filing_review(
        task_id=open_org_task("review_filing").pk, user=monitor, file=False, issues="请核对"
    )
    filings.filing_resubmit(task_id=open_org_task("resubmit_filing").pk, user=supervisor)
    compare = login(monitor).get(f"/filings/{filing.pk}/compare/")
    summary = {
        row[0].value: [cell.value for cell in row[1:]] for row in compare.context["summary"].rows
    }
    assert summary["统计口径"][0] == FiguresDefinition.NOTICE_COUNT.label
    assert summary["统计口径"][1] == FiguresDefinition.PLACEMENT.label
    assert summary["毕业去向落实人数"] == [8, 4, -4]
    assert summary["就业人数（不含升学）"] == ["—", 3, ""]


def test_targeted_compliance_counts_approved_registrations_only(uni, supervisor, reviewer, monitor):
    """Two targeted graduates bound to 福建: one approved in 福州, one returned. 定向符合率
    is over the approved one alone: 1/1, not the returned registration too."""
    approved = targeted_graduate(uni, supervisor)
    register(approved, "10")
    decide(approved, reviewer)
    other = _second_targeted(uni, supervisor)
    register(other, "10")
    decide(other, reviewer, approve=False, reason="请补充协议")
    other.refresh_from_db()
    assert other.targeted_compliance == "matching" and other.status == "returned"
    f = login(supervisor).get(f"/statistics/university/{uni.pk}/").context["d"].total
    assert (f.targeted_compliant, f.targeted_counted, f.targeted_compliance_rate) == (1, 1, 1.0)
    assert f.targeted_total == 2
    page = login(supervisor).get(f"/statistics/university/{uni.pk}/").content.decode()
    assert "100.0%</span>" in page and "· 1/1<" in page
    # the province's line of the university, from its summary row, agrees
    province = login(monitor).get(f"/statistics/province/{uni.province_id}/").context["d"]
    line = dict(province.groups)[uni]
    assert (line.targeted_compliant, line.targeted_counted) == (1, 1)


def _second_targeted(uni, supervisor) -> Graduate:
    from cases.roster_files import RosterValidator

    from ..scenarios import TARGETED_ROW

    row = {
        **TARGETED_ROW,
        "学号": "T901",
        "姓名": "定向丁",
        "性别": "男",
        "身份证号": "110101199003074258",
    }
    row["协议编号"] = "DX-2022-901"
    rows = RosterValidator(university=uni).parse([list(row), list(row.values())])
    result = registration.roster_import(university=uni, cohort=2026, rows=rows, actor=supervisor)
    assert result.created == 1, result.errors
    return uni.graduates.get(student_no="T901")


def test_incomplete_graduates_are_a_column_and_a_filter(ten, uni, supervisor, monitor):
    """A graduate who completed without graduating (结业) is counted in the total, in its own
    column, and can be shown alone or left out."""
    graduate_update(graduate=ten[9], values={"is_incomplete": True}, actor=supervisor)
    assert tallies_rebuild(university_id=uni.pk) == 0
    client = login(supervisor)
    f = client.get(f"/statistics/university/{uni.pk}/").context["d"].total
    assert (f.total, f.incomplete) == (10, 1)
    alone = client.get(f"/statistics/university/{uni.pk}/", {"graduates": "incomplete"})
    assert (alone.context["d"].total.total, alone.context["d"].total.unregistered) == (1, 1)
    left_out = client.get(f"/statistics/university/{uni.pk}/", {"graduates": "graduated"})
    assert (left_out.context["d"].total.total, left_out.context["d"].total.placed) == (9, 4)
    province = (
        login(monitor)
        .get(f"/statistics/province/{uni.province_id}/", {"graduates": "incomplete"})
        .context["d"]
    )
    assert province.total.total == 1 and dict(province.groups)[uni].total == 1
    line = login(monitor).get(f"/statistics/province/{uni.province_id}/").context["d"]
    assert dict(line.groups)[uni].incomplete == 1
    export = client.get(
        f"/statistics/university/{uni.pk}/",
        {"format": "xlsx", "table": "groups", "graduates": "graduated"},
    )
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert dict(zip(HEADERS, rows[-1][1:], strict=True))["毕业生总数"] == 9
