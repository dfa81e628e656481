"""Leave-time pages through the test client."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Cohort, TransferDetails
from verification.models import Confirmation
from workflows.models import TaskScope

from ..factories import login
from ..workflows.helpers import TRANSFER_VALUES, approve_registration, open_task

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {k: ("on" if v is True else v) for k, v in TRANSFER_VALUES.items()}
    data.update(overrides)
    return data


@pytest.fixture
def leaving(cohort, reviewer, supervisor):
    graduate = approve_registration(cohort[0], reviewer)
    response = login(supervisor).post(
        "/leave/",
        {"cohort": "2026", "opens_on": timezone.localdate().isoformat(), "closes_on": ""},
        follow=True,
    )
    assert "已开放 1 项确认任务" in response.content.decode()
    return graduate


def test_the_supervisor_sets_the_window(leaving, supervisor):
    window = Cohort.objects.get()
    assert (
        window.leave_opens_on == timezone.localdate()
        and window.changes_close_on == datetime.date(2026, 8, 31)
    )
    assert "2026-08-31" in login(supervisor).get("/leave/").content.decode()


def test_the_confirm_page_prefills_archive_details_from_the_employer(leaving):
    task = open_task(leaving, "confirm_leave")
    page = login(leaving.user).get(f"/tasks/{task.pk}/").content.decode()
    assert 'value="福建测试科技有限公司"' in page and "签就业协议形式就业" in page


def test_confirming_with_changed_details_asks_for_audit_first(leaving, reviewer):
    client = login(leaving.user)
    task = open_task(leaving, "confirm_leave")
    response = client.post(f"/tasks/{task.pk}/", form(confirm="1", consent="on"))
    assert "请先提交审核" in response.content.decode()
    assert not Confirmation.objects.exists()
    bad = client.post(
        f"/tasks/{task.pk}/",
        form(submit_details="1", archive_postcode="35000", archive_phone="123"),
    )
    html = bad.content.decode()
    assert (
        "邮政编码应为6位数字" in html
        and "带区号的固定电话" in html
        and 'value="福建测试科技有限公司人力资源部"' in html
    )
    client.post(f"/tasks/{task.pk}/", form(submit_details="1"))
    assert TransferDetails.objects.get(graduate=leaving).status == "pending"
    audit = open_task(leaving, "audit_transfer")
    audit_page = login(reviewer).get(f"/tasks/{audit.pk}/").content.decode()
    assert (
        'data-testid="transfer-comparison"' in audit_page
        and "福建测试科技有限公司人力资源部" in audit_page
    )
    login(reviewer).post(f"/tasks/{audit.pk}/", {"decision": "approve"})
    task = open_task(leaving, "confirm_leave")
    response = client.post(f"/tasks/{task.pk}/", form(confirm="1", consent="on"), follow=True)
    confirmation = Confirmation.objects.get(graduate=leaving)
    assert confirmation.transfer_no in response.content.decode()
    assert not TaskScope.objects.filter(graduate=leaving, status__in=["open", "assigned"]).exists()


def test_hukou_type_and_address_are_required_when_migrating(leaving):
    task = open_task(leaving, "confirm_leave")
    html = (
        login(leaving.user)
        .post(f"/tasks/{task.pk}/", form(submit_details="1", hukou_type="", hukou_address=""))
        .content.decode()
    )
    assert html.count("迁移户口时此项必填") == 2
