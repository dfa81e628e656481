"""The provincial outbox: every change is written with the change itself, in order per case."""

import pytest
from django.db import transaction

from sync import services
from sync.models import OutboxEvent, OutboxStatus
from sync.state import case_state
from tests.workflows.helpers import decide, submit

pytestmark = pytest.mark.django_db


def events_of(graduate):
    return list(
        OutboxEvent.objects.filter(graduate=graduate)
        .order_by("id")
        .values_list("event_type", "version")
    )


def test_a_provincial_node_writes_every_change_of_a_case_to_the_outbox_in_order(
    provincial_node, cohort, reviewer
):
    graduate = cohort.first()
    assert events_of(graduate) == [("graduate_upsert", 1)]
    submit(graduate)
    decide(graduate, reviewer, approve=False, reason="请补充签约日期")
    submit(graduate)
    decide(graduate, reviewer, approve=True)
    assert events_of(graduate) == [
        ("graduate_upsert", 1),
        ("registration_version", 2),
        ("registration_version", 3),
        ("registration_version", 4),
        ("registration_version", 5),
    ]
    last = OutboxEvent.objects.filter(graduate=graduate).last()
    graduate.refresh_from_db()
    assert last.payload == case_state(graduate)
    assert last.payload["status"] == "approved"
    assert last.payload["registration"]["number"] == 2
    assert last.case_key == {
        "university": "19101",
        "student_no": graduate.student_no,
        "cohort": 2026,
    }
    assert all(e.status == OutboxStatus.PENDING for e in OutboxEvent.objects.all())


def test_a_change_that_rolls_back_leaves_no_event(provincial_node, cohort):
    graduate = cohort.first()
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(graduate)
        assert len(events_of(graduate)) == 2
        raise RuntimeError("the request fails after the change")
    assert events_of(graduate) == [("graduate_upsert", 1)]


def test_standalone_and_national_nodes_send_nothing(settings, cohort):
    for role in ("standalone", "national"):
        settings.NODE_ROLE = role
        submit(cohort[0]) if role == "standalone" else submit(cohort[1])
    assert not OutboxEvent.objects.exists()


def test_only_the_nodes_own_province_is_sent(provincial_node, other_cohort, cohort):
    assert OutboxEvent.objects.filter(university_code="19301").count() == 0
    assert OutboxEvent.objects.filter(university_code="19101").count() == 6


def test_with_the_national_node_unreachable_events_stay_pending_with_the_error(
    provincial_node, cohort, admin_client
):
    provincial_node.NATIONAL_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    provincial_node.NATIONAL_API_KEY_ID, provincial_node.NATIONAL_API_KEY = "abc", "k"
    with pytest.raises(services.RelayFailed):
        services.outbox_relay()
    pending = OutboxEvent.objects.filter(status=OutboxStatus.PENDING)
    assert pending.count() == 6
    first = pending.first()
    assert first.attempts == 1 and "ConnectionError" in first.last_error

    page = admin_client.get("/sync/").content.decode()
    assert 'data-testid="pending">6<' in page
    assert "ConnectionError" in page


def test_events_the_national_node_leaves_unanswered_stop_the_relay_until_its_retry(
    provincial_node, cohort
):
    """A national node that answers 200 but leaves events out of its results: the relay
    records it and stops (its task retries later) instead of sending them round again."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    calls = []

    class Forgetful(BaseHTTPRequestHandler):
        def do_POST(self):
            calls.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"results": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Forgetful)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        provincial_node.NATIONAL_URL = f"http://127.0.0.1:{server.server_port}"
        provincial_node.NATIONAL_API_KEY_ID, provincial_node.NATIONAL_API_KEY = "abc", "k"
        with pytest.raises(services.RelayFailed, match="did not acknowledge 6"):
            services.outbox_relay()
    finally:
        server.shutdown()
    assert calls == ["/api/v1/sync/events/"]  # one round, not fifty
    pending = OutboxEvent.objects.filter(status=OutboxStatus.PENDING)
    assert pending.count() == 6 and {e.attempts for e in pending} == {1}
    assert "did not acknowledge" in pending.first().last_error


def test_retry_delays_stay_below_the_brokers_visibility_timeout():
    from notifications.tasks import retry_countdown as notification_delay
    from sync.tasks import retry_countdown as relay_delay

    for delay in (notification_delay, relay_delay):
        assert all(delay(retries) < 3600 for retries in range(30) for _ in range(20))
        assert delay(0) < delay(3)


def test_the_status_page_is_for_operators_only(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/sync/").status_code == 403
    assert client.post("/sync/retry/").status_code == 403


def test_archive_and_hukou_details_are_sent_pending_then_approved(
    provincial_node, cohort, reviewer, supervisor
):
    from processes.leave import services as leave
    from tests.workflows.helpers import (
        TRANSFER_VALUES,
        approve_registration,
        open_leave_window,
        open_task,
    )

    graduate = approve_registration(cohort.first(), reviewer)
    open_leave_window(graduate.university, supervisor)
    task = open_task(graduate, "confirm_leave")
    leave.leave_details_submit(task_id=task.pk, user=graduate.user, values=TRANSFER_VALUES)
    pending = OutboxEvent.objects.filter(graduate=graduate).last()
    assert pending.event_type == "confirmation_fields"
    assert pending.payload["change_pending"] is True and pending.payload["transfer"] is None

    audit = open_task(graduate, "audit_transfer")
    leave.transfer_audit_decide(task_id=audit.pk, user=reviewer, approve=True)
    approved = OutboxEvent.objects.filter(graduate=graduate).last()
    assert approved.event_type == "transfer_update"
    assert approved.payload["change_pending"] is False
    assert approved.payload["transfer"]["archive_unit"] == TRANSFER_VALUES["archive_unit"]
    assert approved.version == pending.version + 1


def test_an_operator_retries_events_the_national_node_refused(
    provincial_node, cohort, admin_client
):
    refused = OutboxEvent.objects.order_by("id").first()
    # As the relay records an `invalid` answer of the national node:
    OutboxEvent.objects.filter(pk=refused.pk).update(
        status=OutboxStatus.REJECTED, result="invalid", reason="category: unknown code 999"
    )
    page = admin_client.get("/sync/").content.decode()
    assert "category: unknown code 999" in page
    assert 'data-testid="rejected">1<' in page

    response = admin_client.post("/sync/retry/", {"event": refused.pk}, follow=True)
    assert response.status_code == 200
    refused.refresh_from_db()
    assert (refused.status, refused.result, refused.reason) == ("pending", "", "")
