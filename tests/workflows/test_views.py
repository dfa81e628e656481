"""The pages a person uses, through the test client."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import CaseAccess, CaseStatus, DestinationCategory, RegistrationDraft
from workflows.models import TaskScope

from ..factories import login
from .helpers import GOOD_CREDIT_CODE, employment_form, open_task, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def registering(cohort):
    """The first graduate, a client signed in as them, and their open register task."""
    graduate = cohort.first()
    return graduate, login(graduate.user), open_task(graduate)


def test_graduate_submits_through_the_form(registering):
    graduate, client, task = registering
    page = client.get(f"/tasks/{task.pk}/")
    assert page.status_code == 200 and "登记毕业去向" in page.content.decode()
    response = client.post(f"/tasks/{task.pk}/", employment_form(submit="1"), follow=True)
    assert "已提交，学校将审核您的登记信息。" in response.content.decode()
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.PENDING_AUDIT
    assert graduate.current_registration.employer_credit_code == GOOD_CREDIT_CODE


def test_a_bad_form_keeps_everything_typed_and_says_what_is_wrong(registering):
    graduate, client, task = registering
    response = client.post(
        f"/tasks/{task.pk}/",
        employment_form(
            employer_credit_code="91350100M000100Y44",
            employer_name="我的单位",
            job_category="",
            submit="1",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in html
    assert "毕业去向为“签就业协议形式就业”时此项必填。" in html  # job category missing
    assert 'value="我的单位"' in html and 'value="91350100M000100Y44"' in html
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.UNREGISTERED and not graduate.registrations.exists()


def test_further_study_needs_the_institution_not_the_employer(registering):
    graduate, client, task = registering
    category = DestinationCategory.objects.get(code="801")
    response = client.post(f"/tasks/{task.pk}/", {"category": category.pk, "submit": "1"})
    assert "毕业去向为“境内升学—研究生”时此项必填。" in response.content.decode()
    response = client.post(
        f"/tasks/{task.pk}/",
        {"category": category.pk, "study_institution": "北京大学", "submit": "1"},
    )
    assert response.status_code == 302
    graduate.refresh_from_db()
    assert graduate.current_registration.study_institution == "北京大学"


def test_a_draft_is_saved_as_typed_and_restored(registering):
    graduate, client, task = registering
    response = client.post(
        f"/tasks/{task.pk}/",
        {
            "category": "",
            "employer_name": "半填的单位",
            "employer_credit_code": "9135",
            "save_draft": "1",
        },
    )
    assert response.status_code == 302
    assert RegistrationDraft.objects.get(graduate=graduate).data["employer_credit_code"] == "9135"
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'value="半填的单位"' in page and 'value="9135"' in page and "已恢复您于" in page
    graduate.refresh_from_db()
    assert graduate.status == CaseStatus.UNREGISTERED


def test_reviewer_returns_with_a_reason_and_the_graduate_sees_it(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    task = open_task(graduate)
    client = login(reviewer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "福建测试科技有限公司" in page and graduate.id_number not in page  # ID masked
    assert graduate.id_number[:6] + "********" + graduate.id_number[-4:] in page
    response = client.post(f"/tasks/{task.pk}/", {"decision": "return", "reason": ""})
    assert "请填写退回原因" in response.content.decode()
    assert TaskScope.objects.get(pk=task.pk).status == "open"
    client.post(f"/tasks/{task.pk}/", {"decision": "return", "reason": "请上传盖章的就业协议"})
    correct = open_task(graduate)
    graduate_page = login(graduate.user).get(f"/tasks/{correct.pk}/").content.decode()
    assert "请上传盖章的就业协议" in graduate_page
    assert 'value="福建测试科技有限公司"' in graduate_page  # prefilled from the returned version
    assert CaseAccess.objects.filter(graduate=graduate, user=reviewer, action="audit_view").exists()


def test_audit_page_shows_versions_side_by_side(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    client = login(reviewer)
    client.post(
        f"/tasks/{open_task(graduate).pk}/", {"decision": "return", "reason": "单位名称有误"}
    )
    submit(graduate, employer_name="更正后的单位有限公司")
    page = client.get(f"/tasks/{open_task(graduate).pk}/").content.decode()
    assert "本次提交" in page and "上次提交" in page
    assert "更正后的单位有限公司" in page and "福建测试科技有限公司" in page
    assert 'class="changed"' in page


def test_two_reviewers_deciding_the_same_task_get_a_clear_message(cohort, reviewer, reviewer_b):
    graduate = cohort.first()
    submit(graduate)
    task = open_task(graduate)
    first, second = login(reviewer), login(reviewer_b)
    assert second.get(f"/tasks/{task.pk}/").status_code == 200
    first.post(f"/tasks/{task.pk}/", {"decision": "approve"})
    late = second.post(f"/tasks/{task.pk}/", {"decision": "approve"})
    assert late.status_code == 403  # the task is no longer theirs to decide
    page = second.get(f"/tasks/{task.pk}/").content.decode()
    assert "此任务已办结" in page


def test_graduate_case_page_shows_full_id_and_history(cohort, reviewer):
    graduate = cohort.first()
    submit(graduate)
    page = login(graduate.user).get(f"/cases/{graduate.pk}/").content.decode()
    assert graduate.id_number in page and "提交登记" in page
    assert not CaseAccess.objects.filter(
        graduate=graduate
    ).exists()  # the graduate's own reads are not third-party


def test_staff_case_reads_are_logged(cohort, monitor):
    graduate = cohort.first()
    assert login(monitor).get(f"/cases/{graduate.pk}/").status_code == 200
    access = CaseAccess.objects.get(graduate=graduate)
    assert (access.user_id, access.action) == (monitor.pk, "case_view")


def test_roster_import_page_reports_bad_rows(uni, supervisor):
    client = login(supervisor)
    assert client.get("/roster/").status_code == 200
    csv = (
        "学号,姓名,性别,身份证号,学历层次,院系,专业名称\n"
        "2026001,张伟,男,110101199003074258,本科,计算机学院,软件工程\n"
        "2026002,王芳,女,110101199003074259,本科,计算机学院,软件工程\n"
    ).encode("utf-8-sig")
    upload = io.BytesIO(csv)
    upload.name = "roster.csv"
    response = client.post("/roster/", {"cohort": "2026", "file": upload})
    html = response.content.decode()
    assert "新增 1 人" in html and "身份证号校验位不正确" in html
    assert uni.graduates.count() == 1


def test_a_student_number_of_another_cohort_is_a_row_error_not_a_failed_import(uni, supervisor):
    client = login(supervisor)

    def post(cohort, csv):
        upload = io.BytesIO(("学号,姓名,性别,身份证号,学历层次,院系,专业名称\n" + csv).encode())
        upload.name = "roster.csv"
        return client.post("/roster/", {"cohort": cohort, "file": upload})

    post("2025", "2026001,张伟,男,110101199003074258,本科,计算机学院,软件工程\n")
    response = post(
        "2026",
        "2026001,张伟,男,110101199003074258,本科,计算机学院,软件工程\n"
        "2026002,王芳,女,11010520031231018X,本科,计算机学院,软件工程\n",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "新增 1 人" in html and "该学号已有本校其他届别的账号" in html
    assert list(uni.graduates.order_by("cohort").values_list("cohort", "student_no")) == [
        (2025, "2026001"),
        (2026, "2026002"),
    ]


def test_roster_page_refuses_a_non_roster_file(uni, supervisor):
    upload = io.BytesIO(b"\x7fELF\x02\x01\x01binary")
    upload.name = "roster.exe"
    response = login(supervisor).post("/roster/", {"cohort": "2026", "file": upload})
    assert "请上传 CSV 或 XLSX 文件。" in response.content.decode()


def test_roster_template_downloads(uni, supervisor):
    response = login(supervisor).get("/roster/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:4] == ["学号", "姓名", "性别", "身份证号"]
    assert (
        login(supervisor)
        .get("/roster/template.csv")
        .content.decode("utf-8-sig")
        .startswith("学号,姓名")
    )


def test_only_supervisors_import_rosters(uni, reviewer):
    assert login(reviewer).get("/roster/").status_code == 403


def test_activation_codes_export_lists_pending_graduates(cohort, supervisor):
    client = login(supervisor)
    response = client.post("/roster/activation-codes/", {"cohort": "2026", "confirm": "on"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("学号", "姓名", "院系", "登录账号", "激活码")
    assert len(rows) == 1 + cohort.count()
    assert CaseAccess.objects.filter(action="activation_codes_export").count() == cohort.count()


@pytest.mark.parametrize("region", ["330106", "469001", "810001", "710000"])
def test_an_employer_can_be_in_a_county_or_in_hong_kong_macao_taiwan(registering, region):
    from cases.models import Region

    graduate, client, task = registering
    place = Region.objects.get(code=region)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'value="{place.pk}"' in page and place.full_name in page
    response = client.post(f"/tasks/{task.pk}/", employment_form(employer_region=place, submit="1"))
    assert response.status_code == 302
    graduate.refresh_from_db()
    assert graduate.current_registration.employer_region.code == region


def test_a_roster_in_the_national_headers_is_read_and_its_unused_columns_listed(uni, supervisor):
    """院系名称 for 院系, a county 生源地代码, 学历层次 by a longer label or by its GB/T 4658
    code; the columns no field reads are listed in the report, not dropped silently."""
    client = login(supervisor)
    csv = (
        "学号,姓名,性别,身份证号码,学历层次,院系名称,专业名称,生源地代码,民族,政治面貌,"
        "城乡生源,学习形式,学制,专业方向,委培单位,考生号,家庭住址,备注\n"
        "2026001,张伟,男,110101199003074258,硕士研究生,计算机学院,软件工程,330106,汉族,共青团员,"
        "城镇,全日制,3,人工智能,,22110101150001,北京市东城区,\n"
        "2026002,王芳,女,11010520031231018X,21,计算机学院,软件工程,469001,03,13,"
        "农村,非全日制,2.5,,某某医院,22460101150002,海南省,无\n"
    ).encode("utf-8-sig")
    upload = io.BytesIO(csv)
    upload.name = "roster.csv"
    response = client.post("/roster/", {"cohort": "2026", "file": upload})
    html = response.content.decode()
    assert "新增 2 人" in html, html
    unused = html.split('data-testid="unused-columns">')[1].split("</p>")[0]
    assert "家庭住址" in unused and "备注" in unused and "民族" not in unused
    graduates = {g.student_no: g for g in uni.graduates.select_related("origin_region")}
    assert graduates["2026001"].education_level == "master"
    assert graduates["2026002"].education_level == "bachelor"
    assert graduates["2026001"].origin_region.code == "330106"
    assert graduates["2026002"].origin_region.full_name == "海南省五指山市"
    assert graduates["2026001"].college.name == "计算机学院"
    first, second = graduates["2026001"], graduates["2026002"]
    assert (first.ethnicity.name, first.political_status.code) == ("汉族", "03")
    assert (second.ethnicity.name, second.political_status.name) == ("回族", "群众")
    assert (first.origin_kind, second.origin_kind) == ("urban", "rural")
    assert (first.study_form, second.study_form) == ("full_time", "part_time")
    assert (str(first.schooling_years), str(second.schooling_years)) == ("3.0", "2.5")
    assert (first.major_direction, second.commissioning_employer) == ("人工智能", "某某医院")
    assert (first.exam_no, second.exam_no) == ("22110101150001", "22460101150002")
