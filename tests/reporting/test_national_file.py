"""The per-graduate file in the national column set: what it holds, who may take it, that
every read is logged, and that it reads back as a roster plus reported destinations."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import CaseAccess, Ethnicity, Graduate, PoliticalStatus, Region
from cases.national_file import HEADERS
from cases.reported_files import parse_reported
from cases.roster_files import RosterValidator
from cases.services import graduate_update
from processes.registration import services as registration

from ..factories import UniversityFactory, login, member, open_cohort
from ..scenarios import category
from ..workflows.helpers import decide, employment_values, open_task

pytestmark = pytest.mark.django_db


def register(graduate, reviewer, values):
    task = open_task(graduate, "register")
    registration.registration_submit(task_id=task.pk, user=graduate.user, values=values)
    decide(graduate, reviewer)


@pytest.fixture
def filed(uni, supervisor, reviewer):
    """Six graduates with national fields: three approved (10 in a county, 801, 70), three
    not registered."""
    open_cohort(uni, count=6, actor=supervisor, seed=11, first_no=700)
    g = list(uni.graduates.order_by("student_no"))
    graduate_update(
        graduate=g[0],
        values={
            "ethnicity": Ethnicity.objects.get(code="03"),
            "political_status": PoliticalStatus.objects.get(code="03"),
            "origin_kind": "rural",
            "schooling_years": 4,
            "major_direction": "智能系统",
            "exam_no": "22110101150001",
        },
        actor=supervisor,
    )
    register(g[0], reviewer, employment_values(employer_region=Region.objects.get(code="330106")))
    register(g[1], reviewer, {"category": category("801"), "study_institution": "北京大学"})
    register(g[2], reviewer, {"category": category("70")})
    return g


def rows_of(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_file_has_every_graduate_with_codes_and_names_side_by_side(filed, uni, supervisor):
    response = login(supervisor).get(f"/statistics/university/{uni.pk}/graduates.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    assert rows[0] == HEADERS
    by_no = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert len(by_no) == 6
    first = by_no[filed[0].student_no]
    assert (first["民族"], first["民族代码"], first["政治面貌"]) == (
        "回族",
        "03",
        "中国共产主义青年团团员",
    )
    assert (first["毕业去向代码"], first["毕业去向名称"]) == ("10", "签就业协议形式就业")
    assert (first["单位所在地代码"], first["单位所在地名称"]) == ("330106", "杭州市西湖区")
    assert (first["单位性质代码"], first["单位性质名称"]) == ("39", "其他企业")
    assert first["签约日期"] == "2026-05-20" and first["身份证号"] == filed[0].id_number
    assert (first["城乡生源"], first["学制"], first["考生号"]) == ("农村", "4", "22110101150001")
    assert by_no[filed[1].student_no]["升学院校"] == "北京大学"
    unregistered = by_no[filed[5].student_no]
    assert (unregistered["登记状态"], unregistered["毕业去向代码"]) == ("未登记", "")
    # every graduate's record read by the export is in their access log
    assert CaseAccess.objects.filter(action="national_file", user=supervisor).count() == 6


def test_only_supervisors_monitors_and_the_ministry_take_it(
    filed, uni, reviewer, monitor, national, shanghai
):
    assert login(reviewer).get(f"/statistics/university/{uni.pk}/graduates.xlsx").status_code == 403
    assert login(monitor).get(f"/statistics/university/{uni.pk}/graduates.xlsx").status_code == 200
    province = login(monitor).get(f"/statistics/province/{uni.province_id}/graduates.xlsx")
    assert len(rows_of(province)) == 1 + 6
    elsewhere = member("provincial_monitor", province=shanghai)
    assert (
        login(elsewhere).get(f"/statistics/university/{uni.pk}/graduates.xlsx").status_code == 404
    )
    page = login(national).get(f"/statistics/university/{uni.pk}/").content.decode()
    assert 'data-testid="national-file"' in page
    assert (
        'data-testid="national-file"'
        not in login(reviewer).get(f"/statistics/university/{uni.pk}/").content.decode()
    )


def test_the_file_reads_back_as_roster_and_reported_destinations_identically(
    filed, uni, supervisor
):
    """Exported, imported into another university as a roster plus reported destinations,
    exported again: the same file, but for the university's own code and name."""
    first = rows_of(login(supervisor).get(f"/statistics/university/{uni.pk}/graduates.xlsx"))
    other = UniversityFactory(code="19777", name="另一所大学", province=uni.province)
    boss = member("university_supervisor", university=other)
    roster = RosterValidator(university=other, cohort=2026)
    rows = roster.parse(first)
    assert [r.errors for r in rows] == [[]] * 6
    assert (
        registration.roster_import(university=other, cohort=2026, rows=rows, actor=boss).created
        == 6
    )
    reported, errors = parse_reported(first, cohort=2026)
    assert errors == [] and len(reported) == 3
    result = registration.reported_import(university=other, cohort=2026, rows=reported, actor=boss)
    assert (result.created, result.errors) == (3, [])
    again = rows_of(login(boss).get(f"/statistics/university/{other.pk}/graduates.xlsx"))
    own = {HEADERS.index("学校代码"), HEADERS.index("学校名称")}

    def content(rows):
        return [[v for i, v in enumerate(row) if i not in own] for row in rows]

    assert content(again) == content(first)
    assert Graduate.objects.filter(university=other).count() == 6
