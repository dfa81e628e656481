"""Synced cases on the national node: counted like native ones, confirmed by the graduate,
changed only in the provincial system (a pending change there blocks confirmation)."""

import pytest

from cases import services as case_services
from cases.models import Graduate
from processes.changes import services as changes
from processes.leave import services as leave
from verification.services import ConfirmationNotPossible
from workflows.models import TaskScope

from .helpers import EMPLOYED, TRANSFER, event, post_events, results, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(client, national_node, uni, supervisor, beijing_client):
    """An approved case with its archive/hukou details, synced in; the leave window open."""
    from tests.workflows.helpers import open_leave_window

    open_leave_window(uni, supervisor)
    sent = state(registration=EMPLOYED, transfer=TRANSFER)
    assert results(post_events(client, beijing_client, [event(sent, version=3)])) == [
        ("applied", "")
    ]
    return Graduate.objects.get(student_no="2026010001")


def confirm_task(graduate):
    return TaskScope.objects.get(graduate=graduate, kind="confirm_leave", status="assigned")


def test_a_synced_case_counts_in_aggregation_like_a_native_one(synced, national, client):
    client.force_login(national)
    page = client.get("/").content.decode()
    assert "approved" in page or "已审核通过" in page or "审核通过" in page
    listing = client.get("/cases/").content.decode()
    assert synced.name in listing
    from api.models import ApiCall  # noqa: F401  (the page is not an API call)

    cases = client.get("/api/v1/cases/").json()
    assert cases["count"] == 1
    assert cases["results"][0]["synced_from"] == "110000"
    assert cases["results"][0]["status"] == "approved"


def test_the_graduate_confirms_a_synced_case_on_the_national_node(synced):
    task = confirm_task(synced)
    confirmation = leave.leave_confirm(task_id=task.pk, user=synced.user, consent=True)
    assert confirmation.registration == synced.current_registration
    assert confirmation.transfer.archive_unit == TRANSFER["archive_unit"]
    assert len(confirmation.transfer_no) == 18


def test_a_change_pending_in_the_provincial_system_blocks_confirmation_until_it_arrives(
    synced, client, beijing_client
):
    pending = state(registration=EMPLOYED, transfer=TRANSFER, change_pending=True)
    assert results(post_events(client, beijing_client, [event(pending, version=4)])) == [
        ("applied", "")
    ]
    synced.refresh_from_db()
    assert synced.remote_change_pending

    user_client = client
    user_client.force_login(synced.user)
    page = user_client.get(f"/cases/{synced.pk}/").content.decode()
    assert "省级系统" in page
    with pytest.raises(ConfirmationNotPossible, match="省级系统"):
        leave.leave_confirm(task_id=confirm_task(synced).pk, user=synced.user, consent=True)

    changed = {**EMPLOYED, "number": 2, "employer_name": "北京新单位有限公司"}
    arrived = state(registration=changed, transfer=TRANSFER)
    assert results(post_events(client, beijing_client, [event(arrived, version=5)])) == [
        ("applied", "")
    ]
    synced.refresh_from_db()
    assert not synced.remote_change_pending
    assert synced.current_registration.employer_name == "北京新单位有限公司"
    confirmation = leave.leave_confirm(
        task_id=confirm_task(synced).pk, user=synced.user, consent=True
    )
    assert confirmation.registration.number == 2


def test_a_change_after_confirmation_supersedes_it_and_confirmation_opens_again(
    synced, client, beijing_client
):
    first = leave.leave_confirm(task_id=confirm_task(synced).pk, user=synced.user, consent=True)
    changed = {**EMPLOYED, "number": 2, "employer_name": "北京新单位有限公司"}
    sent = state(registration=changed, transfer=TRANSFER)
    assert results(post_events(client, beijing_client, [event(sent, version=9)])) == [
        ("applied", "")
    ]
    first.refresh_from_db()
    assert first.status == "superseded"
    assert confirm_task(synced)  # a new confirmation task is open


def test_changes_to_a_synced_case_are_refused_on_the_national_node(synced):
    with pytest.raises(case_services.ChangeNotAllowed, match="省级系统"):
        changes.change_request_submit(
            graduate=synced, user=synced.user, kind="void", values=None, reason="不去了"
        )
    from tests.workflows.helpers import TRANSFER_VALUES

    with pytest.raises(case_services.ChangeNotAllowed):
        leave.leave_details_submit(
            task_id=confirm_task(synced).pk, user=synced.user, values=TRANSFER_VALUES
        )


def test_reconciliation_reads_give_counts_and_checksums_of_the_clients_province(
    synced, client, beijing_client, shanghai_client, other_uni
):
    from sync.state import checksum, digest

    from .helpers import bearer

    sent = state(registration=EMPLOYED, transfer=TRANSFER)
    answer = client.get("/api/v1/sync/reconciliation/?cohort=2026", **bearer(beijing_client))
    assert answer.status_code == 200
    (group,) = answer.json()["groups"]
    assert group["university"] == "19101" and group["count"] == 1
    assert group["by_status"] == {"approved": 1}
    assert group["checksum"] == checksum([("2026010001", digest(sent))])

    cases = client.get(
        "/api/v1/sync/reconciliation/19101/2026/cases/", **bearer(beijing_client)
    ).json()
    assert cases["results"] == [{"student_no": "2026010001", "version": 3, "digest": digest(sent)}]
    # Another province reads none of it.
    assert (
        client.get(
            "/api/v1/sync/reconciliation/19101/2026/cases/", **bearer(shanghai_client)
        ).status_code
        == 403
    )
    assert (
        client.get(
            "/api/v1/sync/reconciliation/?university=19101", **bearer(shanghai_client)
        ).status_code
        == 403
    )
