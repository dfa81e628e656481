"""The whole loop in a real browser (Debian's Chromium through Playwright) against a live server:
roster import → activation → register → college audit → university return → correct → approve.
A screenshot of every page is saved under var/screenshots/."""

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from cases.models import CaseStatus, Graduate

from .factories import UniversityFactory, member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "secret-pass-123"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name):
        page.screenshot(path=str(SHOTS / f"{next(counter):02d}-{name}.png"), full_page=True)

    return take


def log_in(browser, live_server, username, password=PASSWORD):
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def roster_csv() -> bytes:
    return (
        "学号,姓名,性别,身份证号,学历层次,院系,专业名称,手机号码\n"
        "2026100,王小明,男,110101199003074258,本科,计算机学院,软件工程,13800138000\n"
        "2026101,错误行,女,110101199003074259,本科,计算机学院,软件工程,\n"
    ).encode("utf-8-sig")


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (scripts/bootstrap installs it)",
)
def test_the_registration_loop_through_the_pages(live_server, browser, shot, beijing):
    university = UniversityFactory(
        code="19801", name="浏览器测试大学", province=beijing, audit_levels=2
    )
    college = university.colleges.get(code="01")
    supervisor = member("university_supervisor", university=university)
    college_reviewer = member("college_reviewer", college=college)
    reviewer = member("university_reviewer", university=university)

    # 1. The supervisor imports the roster; one row is refused with its reason.
    page = log_in(browser, live_server, supervisor.username)
    page.goto(f"{live_server.url}/roster/")
    page.select_option("#id_cohort", "2026")
    page.set_input_files(
        "#id_file", files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": roster_csv()}]
    )
    page.click("button.primary")
    result = page.locator("[data-testid=roster-result]")
    assert "新增 1 人" in result.inner_text()
    assert "身份证号校验位不正确" in page.locator("[data-testid=roster-errors]").inner_text()
    shot(page, "roster-import")

    # 2. ...and exports the activation codes.
    page.goto(f"{live_server.url}/roster/activation-codes/")
    page.select_option("#id_cohort", "2026")
    page.check("#id_confirm")
    with page.expect_download() as download:
        page.click("button.primary")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    _no, _name, _college, username, code = list(sheet.iter_rows(values_only=True))[1]
    shot(page, "activation-codes")
    page.context.close()

    # 3. The graduate activates the account and chooses a password.
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/activate/")
    page.fill("#id_identity", "110101199003074258")
    page.fill("#id_activation_code", code)
    shot(page, "activate")
    page.click("button.primary")
    page.fill("#id_new_password1", "Grad-pass-2026!")
    page.fill("#id_new_password2", "Grad-pass-2026!")
    shot(page, "choose-password")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    assert username in page.locator(".messages").inner_text()
    shot(page, "graduate-home")

    # 4. The graduate registers: a wrong credit code is refused and nothing typed is lost.
    page.click("a.button.primary")
    page.select_option("#id_category", label="10 签就业协议形式就业")
    page.fill("#id_employer_name", "福建测试科技有限公司")
    page.fill("#id_employer_credit_code", "91350100M000100Y44")
    page.select_option("#id_employer_nature", label="39 其他企业")
    page.select_option("#id_employer_industry", label="I 信息传输、软件和信息技术服务业")
    page.select_option("#id_employer_region", label="350100 福州市")
    page.select_option("#id_job_category", label="13 工程技术人员")
    page.fill("#id_signed_on", "2026-05-20")
    page.click("button[name=submit]")
    assert "校验位不正确" in page.locator("#field-employer_credit_code").inner_text()
    assert page.input_value("#id_employer_name") == "福建测试科技有限公司"
    shot(page, "register-error")
    page.fill("#id_employer_credit_code", "91350100M000100Y43")
    page.click("button[name=submit]")
    assert "已提交" in page.locator(".messages").inner_text()
    shot(page, "registered")
    graduate_page = page

    # 5. The college reviewer passes it to the university.
    page = log_in(browser, live_server, college_reviewer.username)
    page.goto(f"{live_server.url}/tasks/queue/")
    shot(page, "college-queue")
    page.click("table a:has-text('院系审核')")
    page.check("input[value=approve]")
    shot(page, "college-audit")
    page.click("button.primary")
    assert "已审核通过" in page.locator(".messages").inner_text()
    page.context.close()

    # 6. The university reviewer claims it and returns it with a reason.
    page = log_in(browser, live_server, reviewer.username)
    page.goto(f"{live_server.url}/tasks/queue/")
    page.click("button[name=one]")
    page.goto(f"{live_server.url}/tasks/")
    page.click("table a.button:has-text('办理')")
    page.check("input[value=return]")
    page.click("button.primary")
    assert "请填写退回原因" in page.locator("#field-reason").inner_text()
    page.fill("#id_reason", "单位名称应与就业协议一致：福建测试科技股份有限公司")
    shot(page, "university-return")
    page.click("button.primary")
    reviewer_page = page

    # 7. The graduate sees the reason and corrects the registration.
    page = graduate_page
    page.goto(f"{live_server.url}/")
    page.click("a.button.primary")
    assert "单位名称应与就业协议一致" in page.locator("[data-testid=return-reason]").inner_text()
    assert page.input_value("#id_employer_name") == "福建测试科技有限公司"
    page.fill("#id_employer_name", "福建测试科技股份有限公司")
    shot(page, "correct")
    page.click("button[name=submit]")
    page.context.close()

    # 8. The college passes it again; the university approves it, seeing both versions.
    page = log_in(browser, live_server, college_reviewer.username)
    page.goto(f"{live_server.url}/tasks/queue/")
    page.click("table a:has-text('院系审核')")
    page.check("input[value=approve]")
    page.click("button.primary")
    page.context.close()
    page = reviewer_page
    page.goto(f"{live_server.url}/tasks/queue/")
    page.click("table a:has-text('学校审核')")
    comparison = page.locator("[data-testid=comparison]").inner_text()
    assert "福建测试科技股份有限公司" in comparison and "福建测试科技有限公司" in comparison
    shot(page, "university-audit-compare")
    page.check("input[value=approve]")
    page.click("button.primary")
    assert "已审核通过" in page.locator(".messages").inner_text()

    graduate = Graduate.objects.get(student_no="2026100")
    assert graduate.status == CaseStatus.APPROVED
    page.goto(f"{live_server.url}/cases/{graduate.pk}/")
    assert "审核通过" in page.locator("[data-testid=timeline]").inner_text()
    shot(page, "case-history")
