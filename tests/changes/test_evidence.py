"""Evidence uploads: accepted by content, limited in size, stored unguessably, served in scope only."""

import re

import pytest

from cases.models import Evidence

from ..factories import login, member
from .helpers import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def post_change(client, graduate, files):
    return client.post(
        f"/cases/{graduate.pk}/change/", {"kind": "void", "reason": "协议解除", "evidence": files}
    )


@pytest.mark.parametrize(
    "content", [EXECUTABLE, WINDOWS_EXE, b"plain text pretending", b"%PDF-1.4 truncated"]
)
def test_a_renamed_program_or_a_fake_pdf_is_refused_with_a_clear_message(
    approved, deadline_ahead, content
):
    html = post_change(
        login(approved.user), approved, [upload("协议.pdf", content)]
    ).content.decode()
    assert (
        "“协议.pdf”不是 PDF、JPEG 或 PNG 文件（按文件内容而非文件名判断）" in html
        or "不完整的 PDF" in html
    )
    assert not Evidence.objects.exists() and not approved.change_requests.exists()


def test_an_oversize_file_is_refused(approved, deadline_ahead, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = pdf_bytes()[:-6] + b" " * (1024 * 1024 + 10) + b"%%EOF\n"
    html = post_change(login(approved.user), approved, [upload("大文件.pdf", big)]).content.decode()
    assert "“大文件.pdf”大小为 1.0 MB，超过 1 MB 的上限" in html
    assert not Evidence.objects.exists()


def test_pdf_and_png_are_stored_under_unguessable_names(approved, deadline_ahead):
    response = post_change(
        login(approved.user),
        approved,
        [upload("解约协议.pdf"), upload("scan.jpg.png", png_bytes(), "image/png")],
    )
    assert response.status_code == 302
    stored = list(Evidence.objects.order_by("pk"))
    assert [(e.original_name, e.content_type) for e in stored] == [
        ("解约协议.pdf", "application/pdf"),
        ("scan.jpg.png", "image/png"),
    ]
    for evidence in stored:
        name = evidence.file.name
        assert "解约" not in name and "scan" not in name
        assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}", name)


def test_evidence_is_served_only_inside_the_case_scope(
    approved, deadline_ahead, reviewer, other_uni, inspector
):
    post_change(login(approved.user), approved, [upload("解约协议.pdf")])
    evidence = Evidence.objects.get()
    for user in (approved.user, reviewer):
        response = login(user).get(f"/evidence/{evidence.pk}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["X-Content-Type-Options"] == "nosniff"
    outsider = member("university_reviewer", university=other_uni)
    for user in (outsider, inspector):
        assert login(user).get(f"/evidence/{evidence.pk}/").status_code == 404
    assert login(reviewer).get("/evidence/999999/").status_code == 404
    assert approved.accesses.filter(action="evidence_view", user=reviewer).exists()
