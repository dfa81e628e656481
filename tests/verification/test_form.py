"""The registration information form, read back by real tools: poppler and zbar."""

import shutil
import subprocess

import pytest
from PIL import Image

from verification import numbers

from ..factories import login

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed (scripts/bootstrap)"
)


def _pdf_text(confirmed, tmp_path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(_pdf(confirmed, tmp_path)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _pdf(confirmed, tmp_path):
    graduate, _confirmation = confirmed
    response = login(graduate.user).get(f"/cases/{graduate.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "form.pdf"
    path.write_bytes(response.content)
    return path


@needs_poppler
def test_the_pdf_text_carries_name_numbers_and_masked_id(confirmed, tmp_path):
    graduate, confirmation = confirmed
    text = _pdf_text(confirmed, tmp_path)
    assert graduate.name in text
    assert confirmation.transfer_no in text
    assert numbers.grouped(confirmation.verification_no) in text
    assert "毕业去向登记信息表" in text and "福建测试科技有限公司" in text and "机要通信" in text
    assert graduate.id_number not in text and graduate.id_number[-4:] in text


@needs_poppler
def test_the_pdf_carries_college_graduation_origin_training_and_incomplete(confirmed, tmp_path):
    from cases.models import Ethnicity, Region

    graduate, _confirmation = confirmed
    graduate.is_incomplete = True
    graduate.origin_region = Region.objects.get(code="330106")
    graduate.ethnicity = Ethnicity.objects.get(code="01")
    graduate.save()
    text = _pdf_text(confirmed, tmp_path)
    assert graduate.college.name in text and "杭州市西湖区" in text and "汉族" in text
    assert f"{graduate.cohort}届 · 结业" in text
    assert "培养方式" in text and graduate.get_training_mode_display() in text
    assert "毕业日期" in text and "生源地" in text


@needs_poppler
def test_the_pdf_embeds_its_cjk_font(confirmed, tmp_path):
    fonts = subprocess.run(
        ["pdffonts", str(_pdf(confirmed, tmp_path))], capture_output=True, text=True, check=True
    ).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(
        row.split()[-5] == "yes" or " yes " in row for row in rows
    )  # the "emb" column


@needs_poppler
def test_the_qr_code_decodes_to_the_verification_url(confirmed, tmp_path, client):
    from pyzbar.pyzbar import decode

    graduate, confirmation = confirmed
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            str(_pdf(confirmed, tmp_path)),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = next(tmp_path.glob("page*.png"))
    found = [symbol.data.decode() for symbol in decode(Image.open(page))]
    assert len(found) == 1
    url = found[0]
    assert url.startswith("http") and "/v/" in url
    assert (
        graduate.name not in url
        and graduate.id_number not in url
        and confirmation.transfer_no not in url
    )
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert 'data-result="valid"' in client.get("/" + path).content.decode()


def test_the_html_form_is_for_the_graduate_and_staff_in_scope(confirmed, supervisor, other_uni):
    from tests.factories import member

    graduate, confirmation = confirmed
    assert (
        confirmation.transfer_no
        in login(graduate.user).get(f"/cases/{graduate.pk}/form/").content.decode()
    )
    assert login(supervisor).get(f"/cases/{graduate.pk}/form/").status_code == 200
    outsider = member("university_supervisor", university=other_uni)
    assert login(outsider).get(f"/cases/{graduate.pk}/form/").status_code == 404


def test_the_archive_transfer_list_exports_to_xlsx(confirmed, supervisor):
    import io

    from openpyxl import load_workbook

    from cases.models import CaseAccess

    graduate, confirmation = confirmed
    client = login(supervisor)
    page = client.get("/leave/transfers/", {"cohort": "2026"}).content.decode()
    assert confirmation.transfer_no in page
    seen = CaseAccess.objects.get(graduate=graduate, action="transfer_list_view")
    assert seen.user_id == supervisor.pk  # the page shows the graduate's archive details
    response = client.get("/leave/transfers/", {"cohort": "2026", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("学号", "姓名", "院系", "转递编号")
    assert rows[1][3] == confirmation.transfer_no and rows[1][4] == "福建测试科技有限公司人力资源部"
