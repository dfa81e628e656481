"""The whole loop in a real browser (Debian's Chromium through Playwright) against a live server:
roster import → activation → register → college audit → university return → correct → approve.
A screenshot of every page is saved under var/screenshots/<test>/."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from cases.models import CaseStatus, Graduate
from roles.models import VerifierOrganisation

from .factories import UniversityFactory, member, open_cohort
from .workflows.helpers import approve_registration

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
def shot(request):
    folder = SHOTS / request.node.originalname.removeprefix("test_")
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def take(page, name):
        page.screenshot(path=str(folder / f"{next(counter):02d}-{name}.png"), full_page=True)

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
    page.context.close()


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (scripts/bootstrap installs it)",
)
def test_confirmation_and_verification_through_the_pages(
    live_server, browser, shot, beijing, tmp_path
):
    university = UniversityFactory(code="19802", name="离校测试大学", province=beijing)
    supervisor = member("university_supervisor", university=university)
    reviewer = member("university_reviewer", university=university)
    org = VerifierOrganisation.objects.create(
        name="福州市鼓楼区户政科", kind="hukou", province=beijing
    )
    verifier = member("verifier", verifier_organisation=org)
    open_cohort(university, count=1, actor=supervisor)
    graduate = university.graduates.get()
    graduate.user.set_password(PASSWORD)
    graduate.user.save()
    approve_registration(graduate, reviewer)

    # 1. The supervisor opens the leave window.
    page = log_in(browser, live_server, supervisor.username)
    page.goto(f"{live_server.url}/leave/")
    page.select_option("#id_cohort", "2026")
    page.fill("#id_opens_on", timezone.localdate().isoformat())
    page.click("button.primary")
    assert "已开放 1 项确认任务" in page.locator(".messages").inner_text()
    shot(page, "leave-window")
    page.context.close()

    # 2. The graduate enters archive and hukou details and sends them for audit.
    page = log_in(browser, live_server, graduate.user.username)
    page.click("a.button.primary")
    assert "福建测试科技有限公司" in page.input_value("#id_archive_unit")
    page.fill("#id_archive_unit", "福建测试科技有限公司人力资源部")
    page.fill("#id_archive_address", "福建省福州市鼓楼区五四路100号")
    page.fill("#id_archive_postcode", "350001")
    page.fill("#id_archive_contact", "陈经理")
    page.fill("#id_archive_phone", "0591-87654321")
    page.check("#id_hukou_migrate")
    page.select_option("#id_hukou_type", "to_employer")
    page.fill("#id_hukou_address", "福建省福州市鼓楼区五四路100号集体户")
    shot(page, "confirm-details")
    page.click("button[name=submit_details]")
    assert "学校将审核您的档案户口信息" in page.locator(".messages").inner_text()
    graduate_page = page

    # 3. The reviewer approves them.
    page = log_in(browser, live_server, reviewer.username)
    page.goto(f"{live_server.url}/tasks/queue/")
    page.click("table a:has-text('档案户口审核')")
    shot(page, "audit-transfer")
    page.check("input[value=approve]")
    page.click("button.primary")
    page.context.close()

    # 4. The graduate confirms and downloads the form.
    page = graduate_page
    page.goto(f"{live_server.url}/")
    page.click("a.button.primary")
    page.check("#id_consent")
    page.click("button[name=confirm]")
    transfer_no = page.locator("[data-testid=transfer-no]").inner_text().strip()
    assert len(transfer_no) == 18
    shot(page, "confirmed")
    page.click("text=毕业去向登记信息表")
    verification_no = page.locator("[data-testid=verification-no]").inner_text().strip()
    shot(page, "form")
    with page.expect_download() as download:
        page.click("text=下载 PDF")
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    from pyzbar.pyzbar import decode

    qr_url = decode(Image.open(next(tmp_path.glob("page*.png"))))[0].data.decode()
    qr_path = "/" + qr_url.split("://", 1)[1].split("/", 1)[1]

    # 5. A verifier verifies by name + number, and by the QR code.
    vpage = log_in(browser, live_server, verifier.username)
    vpage.goto(f"{live_server.url}/verify/")
    vpage.fill("#id_name", graduate.name)
    vpage.fill("#id_number", verification_no)
    vpage.click("button.primary")
    assert vpage.locator("[data-testid=verify-result]").get_attribute("data-result") == "valid"
    assert (
        "福建测试科技有限公司人力资源部"
        in vpage.locator("[data-testid=verify-result]").inner_text()
    )
    shot(vpage, "verify-valid")
    vpage.goto(f"{live_server.url}{qr_path}")
    assert vpage.locator("[data-testid=verify-result]").get_attribute("data-result") == "valid"
    shot(vpage, "verify-qr")

    # 6. The graduate sees the lookups and revokes the authorisation.
    page.goto(f"{live_server.url}/cases/{graduate.pk}/")
    assert "福州市鼓楼区户政科" in page.locator("[data-testid=lookups]").inner_text()
    page.click("[data-testid=revoke]")
    shot(page, "revoked")

    # 7. The verifier now reads "not authorised", and nothing more.
    vpage.goto(f"{live_server.url}/verify/")
    vpage.fill("#id_name", graduate.name)
    vpage.fill("#id_number", transfer_no)
    vpage.click("button.primary")
    result = vpage.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-result") == "not_authorised"
    assert "福建测试科技" not in result.inner_text()
    shot(vpage, "verify-not-authorised")

    # 8. Anyone scanning the QR code without logging in sees only validity, university and year.
    anonymous = browser.new_context().new_page()
    anonymous.goto(f"{live_server.url}{qr_path}")
    assert graduate.name not in anonymous.content() and "离校测试大学" in anonymous.content()
    shot(anonymous, "qr-public")


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (scripts/bootstrap installs it)",
)
def test_the_dashboards_draw_their_charts_and_drill_down(live_server, browser, shot, beijing):
    from .scenarios import busy_cohort

    university = UniversityFactory(code="19802", name="统计测试大学", province=beijing)
    supervisor = member("university_supervisor", university=university)
    reviewer = member("university_reviewer", university=university)
    busy_cohort(university, supervisor, reviewer)
    national = member("national_admin")

    page = log_in(browser, live_server, national.username)
    page.goto(f"{live_server.url}/statistics/national/?source=live&cohort=2026")
    for testid in ("chart-employment", "chart-classes", "chart-categories"):
        box = page.locator(f"[data-testid={testid}] svg").bounding_box()
        assert box and box["width"] > 300 and box["height"] > 20, testid
    assert page.locator("[data-testid=chart-categories] [data-testid=bar]").count() == 3
    assert page.locator("[data-testid=total]").inner_text() == "11"
    shot(page, "national")
    page.click("[data-testid=groups] a >> text=北京市")
    page.wait_for_url(f"**/statistics/province/{beijing.pk}/**")
    shot(page, "province")
    page.click("[data-testid=groups] a >> text=统计测试大学")
    page.wait_for_url(f"**/statistics/university/{university.pk}/**")
    assert page.locator("[data-testid=total]").inner_text() == "11"
    assert page.locator("[data-testid=chart-classes] [data-testid=stack]").count() >= 1
    shot(page, "university")
    with page.expect_download() as download:
        page.click("[data-testid=export-groups]")
    rows = list(
        load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.iter_rows(
            values_only=True
        )
    )
    assert rows[0][0] == "院系" and rows[-1][:2] == ("合计", 11)
