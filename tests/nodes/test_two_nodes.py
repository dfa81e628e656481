"""A provincial node and the national node, as two live servers with their own databases.

The provincial node's changes go through its outbox and the Celery relay to the national
node; the national data is compared with the provincial data by checksum, through the
reconciliation API.
"""

import random

import pytest

from ..live import wait_for
from .conftest import signed_get, signed_post

pytestmark = pytest.mark.nodes


def step(action, cohort, **arguments):
    """One step for ``act``, on 北京测试大学 (19101) and the given cohort."""
    return [action, {"university": "19101", "cohort": cohort, **arguments}]


def pending(node, cohort):
    (events,) = node.act(["outbox", {"cohort": cohort}])
    return [e for e in events if e["status"] == "pending"]


def national_group(nodes, cohort):
    answer = signed_get(
        nodes.national, nodes.key, f"/api/v1/sync/reconciliation/?university=19101&cohort={cohort}"
    )
    assert answer.status_code == 200, answer.text
    groups = answer.json()["groups"]
    return groups[0] if groups else None


def provincial_group(nodes, cohort):
    (summary,) = nodes.provincial.act(step("summary", cohort))
    return summary["group"]


def delivered(nodes, cohort, timeout=90):
    wait_for(
        f"the outbox of cohort {cohort} to be delivered",
        lambda: not pending(nodes.provincial, cohort),
        timeout=timeout,
        every=1,
    )


def test_registrations_made_on_the_provincial_node_appear_on_the_national_one(nodes):
    nodes.provincial.act(
        step("open_cohort", 2026, count=5, first_no=1),
        step("register", 2026, student_no="202600001"),
        step("register", 2026, student_no="202600002"),
        step("register", 2026, student_no="202600003", outcome="return"),
        step("register", 2026, student_no="202600004", outcome="none"),
    )
    delivered(nodes, 2026)
    mine = provincial_group(nodes, 2026)
    assert mine["count"] == 5
    assert mine["by_status"] == {
        "approved": 2,
        "returned": 1,
        "pending_audit": 1,
        "unregistered": 1,
    }
    theirs = national_group(nodes, 2026)
    assert theirs == mine  # counts, statuses and the checksum over every case's state
    (received,) = nodes.national.act(["received", {"cohort": 2026}])
    assert received["sources"] == ["110000"]


def test_with_the_national_node_down_changes_wait_in_the_outbox_and_all_arrive_once(nodes):
    nodes.national.stop()
    try:
        nodes.provincial.act(
            step("open_cohort", 2027, count=4, first_no=1),
            step("register", 2027, student_no="202700001"),
            step("register", 2027, student_no="202700002"),
            step("change", 2027, student_no="202700002", employer_name="北京新单位有限公司"),
        )
        waiting = wait_for(
            "the relay to have tried and failed",
            lambda: [e for e in pending(nodes.provincial, 2027) if e["attempts"] >= 1],
            timeout=60,
        )
        assert waiting
        events = pending(nodes.provincial, 2027)
        assert len(events) == 4 + 2 * 2 + 2  # upserts, submit+approve ×2, change request+approval
    finally:
        nodes.national.start()

    delivered(nodes, 2027, timeout=120)
    (outbox,) = nodes.provincial.act(["outbox", {"cohort": 2027}])
    assert {e["result"] for e in outbox} == {"applied"}
    (received,) = nodes.national.act(["received", {"cohort": 2027}])
    assert sorted(e[0] for e in received["events"]) == sorted(e["id"] for e in outbox)
    assert {e[1] for e in received["events"]} == {"applied"}
    # Each event changed the national case once: one synced entry in its history per event.
    assert received["synced_history"] == len(outbox)
    assert national_group(nodes, 2027) == provincial_group(nodes, 2027)


def test_duplicate_and_out_of_order_deliveries_leave_the_national_data_equal(nodes):
    nodes.worker.stop()  # the relay waits; this test delivers the events itself first
    try:
        nodes.provincial.act(
            step("open_cohort", 2028, count=3, first_no=1),
            step("register", 2028, student_no="202800001", outcome="return"),
            step("register", 2028, student_no="202800002"),
            step("change", 2028, student_no="202800002", employer_name="北京改签单位有限公司"),
            step("register", 2028, student_no="202800003"),
        )
        events = [
            {k: e[k] for k in ("id", "type", "case", "version", "payload")}
            for e in pending(nodes.provincial, 2028)
        ]
        rng = random.Random(2028)
        shuffled = events + rng.sample(events, len(events) // 2)
        rng.shuffle(shuffled)
        answers = []
        for start in range(0, len(shuffled), 7):
            response = signed_post(
                nodes.national,
                nodes.key,
                "/api/v1/sync/events/",
                {"events": shuffled[start : start + 7]},
            )
            assert response.status_code == 200, response.text
            answers += [r["result"] for r in response.json()["results"]]
        assert {"applied", "duplicate", "stale"} <= set(answers)
        assert "invalid" not in answers
        assert national_group(nodes, 2028) == provincial_group(nodes, 2028)
    finally:
        nodes.worker.start()
    # The relay now delivers the same events: acknowledged, nothing applied twice.
    delivered(nodes, 2028)
    (outbox,) = nodes.provincial.act(["outbox", {"cohort": 2028}])
    assert {e["result"] for e in outbox} <= {"duplicate", "stale"}
    assert national_group(nodes, 2028) == provincial_group(nodes, 2028)


def test_a_province_writing_another_provinces_university_gets_403(nodes):
    (events,) = nodes.provincial.act(["outbox", {"cohort": 2026}])
    event = {k: events[0][k] for k in ("id", "type", "case", "version", "payload")}
    event["case"] = {**event["case"], "university": "19301"}  # 上海测试大学
    response = signed_post(nodes.national, nodes.key, "/api/v1/sync/events/", {"events": [event]})
    assert response.status_code == 403
    assert "19301" in response.json()["detail"]
    answer = signed_get(nodes.national, nodes.key, "/api/v1/sync/reconciliation/?university=19301")
    assert answer.status_code == 403


def test_reconciliation_reports_differences_and_resends_what_the_national_node_lacks(nodes):
    (run,) = nodes.provincial.act(["reconcile"])
    assert run == {"outcome": "equal", "resent": 0, "differences": []}

    (tampered,) = nodes.national.act(step("tamper", 2026, student_no="202600002"))
    changed, lost = tampered
    assert changed == 1
    assert national_group(nodes, 2026) != provincial_group(nodes, 2026)

    (run,) = nodes.provincial.act(["reconcile"])
    assert run["outcome"] == "differences"
    assert run["resent"] == 2
    (difference,) = run["differences"]
    assert difference["missing"] == [lost]
    assert difference["different"] == ["202600002"]
    assert (difference["count_here"], difference["count_national"]) == (5, 4)

    delivered(nodes, 2026)
    assert national_group(nodes, 2026) == provincial_group(nodes, 2026)
    (run,) = nodes.provincial.act(["reconcile"])
    assert run["outcome"] == "equal"
